"""YOLO (Ultralytics layout): `labels/<name>.txt` beside `images/<name>.png`, plus
`data.yaml`. `yolo` writes boxes (class cx cy w h, normalised); `yolo-seg` writes one
polygon per instance (its largest connected outline, traced on the exact mask). Both use
`labels/`, so a dataset takes one of the two (the recipe loader refuses both). Class numbers
are positions in the label set's categories (0-based), the order the generator declared.

`data.yaml` names no `path`: Ultralytics then takes the folder of the yaml file itself as
the dataset root (`check_det_dataset`), so `train: images` resolves from any working
directory, and the file's bytes do not depend on where the dataset lies. (`path: .` was
resolved against the working directory.)"""

from __future__ import annotations

import json
from typing import ClassVar

import numpy as np

from synthlab.errors import RuntimeFailure
from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.samples import Sample
from synthlab.samples.image import ImageSample
from synthlab.samples.labels import LabelSet

__all__ = ["YoloExporter", "YoloSegExporter", "data_yaml"]


def _class_numbers(labels: LabelSet) -> dict[str, int]:
    if not labels.categories:
        raise RuntimeFailure(
            "YOLO export needs the generator's declared categories (its label set has none)"
        )
    return {name: number for number, name in enumerate(labels.categories)}


def data_yaml(labels: LabelSet) -> str:
    """The dataset file: no `path`, so the yaml's own folder is the root (see above)."""
    # names double-quoted (JSON strings are YAML too): `yes`, `1` or `a: b` stay strings
    listing = "".join(
        f"  {i}: {json.dumps(name, ensure_ascii=False)}\n"
        for i, name in enumerate(labels.categories)
    )
    return (
        "# YOLO dataset written by synthlab; train/val are relative to this file's folder\n"
        f"train: images\nval: images\nnames:\n{listing}"
    )


def _polygon(mask: np.ndarray) -> np.ndarray | None:
    """Outline of the mask's largest piece, in pixel-edge coordinates."""
    import contourpy

    padded = np.pad(mask.astype(np.float64), 1)
    lines = contourpy.contour_generator(z=padded, name="serial").lines(0.5)
    if not lines:
        return None
    best = max(lines, key=lambda ring: abs(_area(ring)))
    # grid point (i, j) of the padded array is the centre of pixel (i-1, j-1): +0.5 - 1
    return np.asarray(best)[:, :2] - 0.5


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(0.5 * (np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


class YoloExporter(Exporter):
    name: ClassVar[str] = "yolo"
    description: ClassVar[str] = "YOLO detection txt per image + data.yaml"
    modalities: ClassVar[frozenset[str]] = frozenset({"image"})
    writes: ClassVar[tuple[str, ...]] = ("labels/*.txt", "data.yaml")
    segment: ClassVar[bool] = False

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, ImageSample)
        numbers = _class_numbers(layout.labels)
        width, height = sample.width, sample.height
        lines = []
        for label in sample.objects:
            if label.bbox is None:
                continue
            cls = numbers.get(label.category)
            if cls is None:
                raise RuntimeFailure(
                    f"sample {sample.index}: category {label.category!r} is not in the "
                    f"generator's declared categories ({', '.join(numbers)})"
                )
            if self.segment and sample.instance_mask is not None:
                ring = _polygon(sample.instance_mask == label.instance_id)
                if ring is None or len(ring) < 3:
                    continue
                coords = " ".join(
                    f"{min(max(x / width, 0), 1):.6f} {min(max(y / height, 0), 1):.6f}"
                    for x, y in ring
                )
                lines.append(f"{cls} {coords}")
            else:
                x, y, w, h = label.bbox
                lines.append(
                    f"{cls} {(x + w / 2) / width:.6f} {(y + h / 2) / height:.6f} "
                    f"{w / width:.6f} {h / height:.6f}"
                )
        text = "".join(line + "\n" for line in lines)
        sink.file(layout.sample_path("labels", sample.index, ".txt"), text.encode("ascii"))

    def owns_stream(self, stream: str) -> bool:
        return False

    def finalize(self, dataset: DatasetSink) -> None:
        labels = dataset.layout.labels
        _class_numbers(labels)
        dataset.file("data.yaml", data_yaml(labels).encode("utf-8"))


class YoloSegExporter(YoloExporter):
    name: ClassVar[str] = "yolo-seg"
    description: ClassVar[str] = "YOLO segmentation polygons per image + data.yaml"
    requires: ClassVar[tuple[str, ...]] = ("contourpy",)
    segment: ClassVar[bool] = True

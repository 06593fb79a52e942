"""YOLO (Ultralytics layout): `labels/<name>.txt` beside `images/<name>.png`, plus
`data.yaml`. `yolo` writes boxes (class cx cy w h, normalised); `yolo-seg` writes one
polygon per instance (its largest connected outline, traced on the exact mask). Both use
`labels/`, so a dataset takes one of the two. Class numbers follow the sample's
`category_names` (0-based)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from synthlab.errors import RuntimeFailure
from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.samples import Sample
from synthlab.samples.image import ImageSample

__all__ = ["YoloExporter", "YoloSegExporter"]

NAMES_STREAM = "yolo/names.txt"


def _names(sample: ImageSample) -> tuple[str, ...]:
    if not sample.category_names:
        raise RuntimeFailure("YOLO export needs the sample's category_names (class numbering)")
    return sample.category_names


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
    segment: ClassVar[bool] = False

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, ImageSample)
        names = _names(sample)
        width, height = sample.width, sample.height
        lines = []
        for label in sample.objects:
            if label.bbox is None or label.category not in names:
                continue
            cls = names.index(label.category)
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
        sink.record(NAMES_STREAM, "\t".join(names))

    def owns_stream(self, stream: str) -> bool:
        return stream == NAMES_STREAM

    def finalize(self, dataset: DatasetSink) -> None:
        formats = dataset.recipe.output.formats or ()
        if "yolo" in formats and "yolo-seg" in formats:
            raise RuntimeFailure("formats yolo and yolo-seg both write labels/; choose one")
        names: tuple[str, ...] = ()
        for line in dataset.iter_stream(NAMES_STREAM):
            names = tuple(line.split("\t"))
            break
        listing = "".join(f"  {i}: {name}\n" for i, name in enumerate(names))
        text = (
            "# YOLO dataset written by synthlab\npath: .\ntrain: images\nval: images\n"
            f"names:\n{listing}"
        )
        with dataset.open("data.yaml") as handle:
            handle.write(text.encode("utf-8"))


class YoloSegExporter(YoloExporter):
    name: ClassVar[str] = "yolo-seg"
    description: ClassVar[str] = "YOLO segmentation polygons per image + data.yaml"
    requires: ClassVar[tuple[str, ...]] = ("contourpy",)
    segment: ClassVar[bool] = True

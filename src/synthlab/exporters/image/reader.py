"""Reading image datasets back (canonical layout) and checking their label invariants.

Used by spot-check and `synthlab verify --labels` for every image generator (scene,
diffusion). Depth comes back from the millimetre PNG, so it equals the generated depth to
within half a millimetre.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from synthlab.exporters.base import Layout
from synthlab.exporters.image.encode import DEPTH_SCALE, decode_png, object_from_json, sample_paths
from synthlab.readers import DatasetView
from synthlab.samples import Sample
from synthlab.samples.image import ImageSample, tight_box

__all__ = ["READER", "ImageReader", "check_image_sample"]


def check_image_sample(sample: ImageSample) -> list[str]:
    """Every violated label invariant of one image sample, as a sentence."""
    problems: list[str] = []
    width, height = sample.width, sample.height
    masks = sample.instance_mask
    seen_ids = set()
    for label in sample.objects:
        who = f"object {label.instance_id} ({label.category})"
        if label.instance_id in seen_ids:
            problems.append(f"{who}: instance id used twice")
        seen_ids.add(label.instance_id)
        if label.bbox is not None:
            x, y, w, h = label.bbox
            if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > width or y + h > height:
                problems.append(
                    f"{who}: box {list(label.bbox)} is empty or leaves the {width}x{height} image"
                )
        if masks is not None:
            mask = masks == label.instance_id
            tight = tight_box(mask)
            if label.bbox is not None and tight is None:
                problems.append(f"{who}: has a box but no pixel in the instance mask")
            elif label.bbox is not None and tight is not None and tuple(label.bbox) != tight:
                problems.append(
                    f"{who}: box {list(label.bbox)} is not the tight bound "
                    f"{list(tight)} of its mask"
                )
            if sample.depth is not None and tight is not None:
                under = sample.depth[mask]
                if not np.all(np.isfinite(under)) or not np.all(under > 0):
                    problems.append(f"{who}: depth is missing or not finite under its mask")
            if sample.semantic_mask is not None and sample.category_names and tight is not None:
                value = (
                    sample.category_names.index(label.category) + 1
                    if label.category in sample.category_names
                    else -1
                )
                if not np.all(sample.semantic_mask[mask] == value):
                    problems.append(f"{who}: semantic mask disagrees with its category")
        for name in ("visible_fraction", "truncation"):
            value = getattr(label, name)
            if value is not None and not 0.0 <= value <= 1.0 + 1e-9:
                problems.append(f"{who}: {name} {value} is outside [0, 1]")
        for point in label.keypoints:
            if point.visibility not in (0, 1, 2):
                problems.append(f"{who}: keypoint {point.name} has visibility {point.visibility}")
            inside = 0 <= point.x < width and 0 <= point.y < height
            if point.visibility > 0 and not inside:
                problems.append(
                    f"{who}: keypoint {point.name} is marked in the image but lies "
                    f"at ({point.x:.1f}, {point.y:.1f})"
                )
    if masks is not None:
        stray = set(np.unique(masks).tolist()) - seen_ids - {0}
        if stray:
            problems.append(f"instance mask holds ids {sorted(stray)} that no object has")
    return problems


class ImageReader:
    def load_sample(self, dataset: DatasetView, record: dict[str, Any]) -> Sample:
        index = int(record["index"])
        paths = sample_paths(Layout(dataset.count), index)
        document = json.loads((dataset.path / paths["labels"]).read_text(encoding="utf-8"))
        files = document["files"]

        def png(key: str) -> np.ndarray | None:
            return decode_png((dataset.path / files[key]).read_bytes()) if key in files else None

        depth_mm = png("depth")
        depth = None
        if depth_mm is not None:
            depth = depth_mm.astype(np.float32) * np.float32(
                document.get("depth_scale", DEPTH_SCALE)
            )
        image = png("image")
        assert image is not None
        return ImageSample(
            index=index,
            conditions=frozenset(record.get("conditions", document.get("conditions", []))),
            metadata=record.get("metadata", {}),
            image=image[..., :3] if image.ndim == 3 else np.stack([image] * 3, axis=-1),
            objects=tuple(object_from_json(o) for o in document["objects"]),
            instance_mask=png("instance_mask"),
            semantic_mask=png("semantic_mask"),
            depth=depth,
            classes=tuple(document.get("classes", [])),
            camera=document.get("camera"),
            category_names=tuple(document.get("category_names", [])),
        )

    def check_sample(self, sample: Sample) -> list[str]:
        if not isinstance(sample, ImageSample):
            return [f"expected an image sample, got {type(sample).__name__}"]
        return check_image_sample(sample)


READER = ImageReader()

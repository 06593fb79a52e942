"""Image-to-image variants of source images, with boxes carried over from a COCO file.

Which labels remain valid, and why:
- carried: each annotation's category and box, scaled with the image to the output size.
  img2img starts from the source image noised to `strength`; at moderate strength the
  layout (where objects are, how big) survives and only appearance (texture, colour,
  lighting, style) changes, so the boxes still bound the objects. The recipe caps the
  strength (`max_label_strength`, default 0.5) and refuses higher values.
- also carried: `iscrowd` and the annotation id (as attributes, for tracing).
- not carried: segmentation masks and keypoints. Object outlines and the position of small
  parts move by a few pixels even at low strength, so a pixel mask or a keypoint would no
  longer be exact; a box tolerates that.
- not carried: captions or attributes about appearance (colour, material), which img2img
  is there to change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from synthlab.errors import RuntimeFailure
from synthlab.samples.image import ObjectLabel

__all__ = ["CocoSource", "SourceImage", "carry_labels"]


@dataclass(frozen=True)
class SourceImage:
    image_id: int
    path: Path
    width: int
    height: int
    annotations: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class CocoSource:
    images: tuple[SourceImage, ...]  # sorted by image id, so a drawn index is stable
    categories: dict[int, str]

    @classmethod
    def load(cls, annotations: Path, folder: Path) -> CocoSource:
        try:
            data = json.loads(annotations.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise RuntimeFailure(f"cannot read COCO annotations {annotations}: {err}") from None
        try:
            categories = {int(c["id"]): str(c["name"]) for c in data["categories"]}
            by_image: dict[int, list[dict[str, Any]]] = {}
            for ann in data.get("annotations", []):
                by_image.setdefault(int(ann["image_id"]), []).append(ann)
            images = []
            for entry in sorted(data["images"], key=lambda e: int(e["id"])):
                image_id = int(entry["id"])
                anns = sorted(by_image.get(image_id, []), key=lambda a: int(a["id"]))
                for ann in anns:
                    if int(ann["category_id"]) not in categories:
                        raise RuntimeFailure(
                            f"{annotations}: annotation {ann['id']} has category_id "
                            f"{ann['category_id']}, which is not among the categories"
                        )
                images.append(
                    SourceImage(
                        image_id,
                        folder / str(entry["file_name"]),
                        int(entry["width"]),
                        int(entry["height"]),
                        tuple(anns),
                    )
                )
        except (KeyError, TypeError, ValueError) as err:
            raise RuntimeFailure(
                f"{annotations} is not a COCO instances file (missing or bad {err})"
            ) from None
        if not images:
            raise RuntimeFailure(f"{annotations} lists no images")
        missing = [str(i.path) for i in images if not i.path.is_file()]
        if missing:
            raise RuntimeFailure(
                f"{len(missing)} source image(s) named in {annotations} are missing, "
                f"e.g. {missing[0]}"
            )
        return cls(tuple(images), categories)

    def pick(self, rng: np.random.Generator) -> SourceImage:
        return self.images[int(rng.integers(0, len(self.images)))]


def _scaled_box(
    bbox: list[float], sx: float, sy: float, width: int, height: int
) -> tuple[float, float, float, float] | None:
    """The box scaled to the output size and clipped to the image (None when nothing is left)."""
    x0, y0 = max(0.0, bbox[0] * sx), max(0.0, bbox[1] * sy)
    x1 = min(float(width), (bbox[0] + bbox[2]) * sx)
    y1 = min(float(height), (bbox[1] + bbox[3]) * sy)
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1 - x0, y1 - y0)


def carry_labels(
    source: SourceImage, categories: dict[int, str], width: int, height: int
) -> tuple[ObjectLabel, ...]:
    """The source's boxes, scaled from its size to width x height."""
    sx, sy = width / source.width, height / source.height
    labels: list[ObjectLabel] = []
    for ann in source.annotations:
        box = _scaled_box([float(v) for v in ann["bbox"]], sx, sy, width, height)
        if box is None:
            continue
        labels.append(
            ObjectLabel(
                instance_id=len(labels) + 1,
                category=categories[int(ann["category_id"])],
                bbox=box,
                attributes={
                    "source_annotation_id": int(ann["id"]),
                    "iscrowd": int(ann.get("iscrowd", 0)),
                },
            )
        )
    return tuple(labels)

"""Image samples (scene rendering, diffusion) and their per-object labels.

Conventions: pixel coordinates with the origin at the top-left corner of the top-left
pixel, x to the right, y down; boxes are (x, y, width, height) in pixels, the tight bound of
the object's visible mask (pixel edges, so a one-pixel object at column 3 has x=3, w=1).
`instance_mask` holds each object's `instance_id` on the pixels where it is visible and 0
elsewhere; visible masks therefore never overlap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from synthlab.samples.base import Sample

__all__ = ["ImageSample", "Keypoint", "ObjectLabel", "tight_box"]


@dataclass(frozen=True)
class Keypoint:
    name: str
    x: float
    y: float
    visibility: int  # COCO convention: 0 not in image, 1 in image but occluded, 2 visible


@dataclass(frozen=True)
class ObjectLabel:
    instance_id: int  # >= 1, the value of this object's pixels in `instance_mask`
    category: str
    bbox: tuple[float, float, float, float] | None = None  # visible part, x y w h
    amodal_bbox: tuple[float, float, float, float] | None = None  # whole object, unclipped
    visible_fraction: float | None = None  # visible pixels / pixels it would cover alone
    truncation: float | None = None  # share of the amodal box outside the image
    keypoints: tuple[Keypoint, ...] = ()
    pose: tuple[tuple[float, ...], ...] | None = None  # 4x4 object-to-camera transform
    box3d: tuple[tuple[float, float], ...] | None = None  # 8 projected 3D box corners
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ImageSample(Sample):
    image: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 3), np.uint8))  # HxWx3 uint8
    objects: tuple[ObjectLabel, ...] = ()
    instance_mask: np.ndarray | None = None  # HxW uint16
    semantic_mask: np.ndarray | None = None  # HxW uint16, category index (0 = background)
    depth: np.ndarray | None = None  # HxW float32, metres along the optical axis
    classes: tuple[str, ...] = ()  # image-level classes (prompted diffusion)
    camera: Mapping[str, Any] | None = None  # intrinsics "K" (3x3), "extrinsics" (4x4)
    # names of the semantic mask's values: value v >= 1 is category_names[v - 1]
    category_names: tuple[str, ...] = ()

    modality: ClassVar[str] = "image"

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def width(self) -> int:
        return int(self.image.shape[1])


def tight_box(mask: np.ndarray) -> tuple[float, float, float, float] | None:
    """The tight box (x, y, width, height, pixel edges) of a boolean mask's True pixels;
    None where it has none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return (
        float(cols[0]),
        float(rows[0]),
        float(cols[-1] + 1 - cols[0]),
        float(rows[-1] + 1 - rows[0]),
    )

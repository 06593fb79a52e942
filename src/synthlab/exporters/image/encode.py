"""Byte-deterministic encodings shared by the image exporters and the reader.

PNGs are written by Pillow with fixed settings and no text chunks or timestamps; 16-bit
masks and depth are single-channel PNGs. Depth is stored in millimetres (0 = nothing hit,
values clipped to 65535). Label JSON uses canonical_json, floats rounded to 1e-6.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from PIL import Image

from synthlab.exporters.base import Layout
from synthlab.samples.image import ImageSample, Keypoint, ObjectLabel

__all__ = [
    "DEPTH_SCALE",
    "decode_png",
    "encode_png",
    "label_document",
    "object_from_json",
    "object_to_json",
    "sample_paths",
]

DEPTH_SCALE = 0.001  # metres per unit of the 16-bit depth PNG
PNG_LEVEL = 1  # fast; the level changes the bytes, so it is fixed


def encode_png(array: np.ndarray) -> bytes:
    if array.dtype == np.uint16:
        image = Image.fromarray(np.ascontiguousarray(array), mode=None)
    else:
        image = Image.fromarray(np.ascontiguousarray(array.astype(np.uint8)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_LEVEL, optimize=False)
    return buffer.getvalue()


def decode_png(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    array = np.asarray(image)
    if image.mode in ("I;16", "I;16B", "I"):
        return array.astype(np.uint16)
    return array.astype(np.uint8)


def depth_to_mm(depth: np.ndarray) -> np.ndarray:
    return np.clip(np.round(depth / DEPTH_SCALE), 0, 65535).astype(np.uint16)


def sample_paths(layout: Layout, index: int) -> dict[str, str]:
    return {
        "image": layout.sample_path("images", index, ".png"),
        "labels": layout.sample_path("annotations", index, ".json"),
        "instance_mask": layout.sample_path("masks/instance", index, ".png"),
        "semantic_mask": layout.sample_path("masks/semantic", index, ".png"),
        "depth": layout.sample_path("depth", index, ".png"),
    }


def _r(value: float) -> float:
    return round(float(value), 6)


def object_to_json(label: ObjectLabel) -> dict[str, Any]:
    return {
        "instance_id": label.instance_id,
        "category": label.category,
        "bbox": None if label.bbox is None else [_r(v) for v in label.bbox],
        "amodal_bbox": None if label.amodal_bbox is None else [_r(v) for v in label.amodal_bbox],
        "visible_fraction": None if label.visible_fraction is None else _r(label.visible_fraction),
        "truncation": None if label.truncation is None else _r(label.truncation),
        "keypoints": [[k.name, _r(k.x), _r(k.y), k.visibility] for k in label.keypoints],
        "pose": None if label.pose is None else [[_r(v) for v in row] for row in label.pose],
        "box3d": None if label.box3d is None else [[_r(u), _r(v)] for u, v in label.box3d],
        "attributes": dict(label.attributes),
    }


def object_from_json(data: dict[str, Any]) -> ObjectLabel:
    def box(value: Any) -> tuple[float, float, float, float] | None:
        return None if value is None else (value[0], value[1], value[2], value[3])

    return ObjectLabel(
        instance_id=int(data["instance_id"]),
        category=str(data["category"]),
        bbox=box(data.get("bbox")),
        amodal_bbox=box(data.get("amodal_bbox")),
        visible_fraction=data.get("visible_fraction"),
        truncation=data.get("truncation"),
        keypoints=tuple(Keypoint(n, x, y, v) for n, x, y, v in data.get("keypoints", [])),
        pose=None if data.get("pose") is None else tuple(tuple(r) for r in data["pose"]),
        box3d=None if data.get("box3d") is None else tuple((u, v) for u, v in data["box3d"]),
        attributes=data.get("attributes", {}),
    )


def label_document(sample: ImageSample, paths: dict[str, str]) -> dict[str, Any]:
    files = {"image": paths["image"]}
    if sample.instance_mask is not None:
        files["instance_mask"] = paths["instance_mask"]
    if sample.semantic_mask is not None:
        files["semantic_mask"] = paths["semantic_mask"]
    if sample.depth is not None:
        files["depth"] = paths["depth"]
    return {
        "index": sample.index,
        "width": sample.width,
        "height": sample.height,
        "files": files,
        "depth_scale": DEPTH_SCALE,
        "category_names": list(sample.category_names),
        "classes": list(sample.classes),
        "conditions": sorted(sample.conditions),
        "camera": sample.camera,
        "objects": [object_to_json(o) for o in sample.objects],
    }

"""Byte-deterministic encodings shared by the image exporters and the reader.

PNGs are written here, not by Pillow: Pillow tries all five row filters on every row, which
cost 18 ms of a 640x480 RGB image at zlib level 1 and 5 ms of a depth map. Rendered images
compress as well without a filter (308 KB against Pillow's 324 KB on the benchmark scene, in
10 ms), and 16-bit depth and masks compress best with the Up filter (row minus the row
above: 1.7 ms). No text chunks or timestamps, so the bytes depend only on the pixels (and on
the zlib version). 16-bit masks and depth are single-channel.

RGB images are deflated by libdeflate (the `deflate` package, pinned: its version decides
the bytes and is recorded in the manifest) at level 1: 3.8 ms and 272 KB where zlib 1.2.13
at level 1 took 11-17 ms for 304 KB (benchmark scene, 640x480). Masks and depth stay on
zlib level 1: libdeflate allocates its compressor (~1.2-1.7 ms) per call, more than zlib
needs for a whole mask (0.6-1.2 ms), so their bytes are as before. Depth is stored in
millimetres (0 = nothing hit, values clipped to 65535). Label JSON uses canonical_json,
floats rounded to 1e-6.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import deflate
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
RGB_LEVEL = 1  # libdeflate's level for RGB images: fixed for the same reason
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NONE, _UP = 0, 2  # PNG row filter types


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(array: np.ndarray) -> bytes:
    """HxW uint16 (grey, 16 bit), HxW or HxWx3 uint8 (grey or RGB) to PNG bytes."""
    height, width = array.shape[:2]
    if array.dtype == np.uint16:
        if array.ndim != 2:
            raise ValueError(f"16-bit PNGs here are single-channel, got shape {array.shape}")
        raw = array.astype(">u2").view(np.uint8).reshape(height, width * 2)
        depth, color_type, row_filter = 16, 0, _UP
    else:
        raw = np.asarray(array, dtype=np.uint8).reshape(height, -1)
        depth, color_type, row_filter = 8, 2 if array.ndim == 3 else 0, _NONE
        if array.ndim == 3 and array.shape[2] != 3:
            raise ValueError(f"8-bit PNGs here are grey or RGB, got shape {array.shape}")
    rows = np.empty((height, raw.shape[1] + 1), dtype=np.uint8)
    rows[:, 0] = row_filter
    if row_filter == _UP:  # byte-wise difference to the row above, modulo 256
        rows[0, 1:] = raw[0]
        np.subtract(raw[1:], raw[:-1], out=rows[1:, 1:])
    else:
        rows[:, 1:] = raw
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    return b"".join(
        (
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", _deflate(rows, rgb=array.ndim == 3)),
            _chunk(b"IEND", b""),
        )
    )


def _deflate(rows: np.ndarray, rgb: bool) -> bytes:
    """The zlib stream of a PNG's filtered rows: libdeflate for RGB, zlib for the rest."""
    if rgb:
        return bytes(deflate.zlib_compress(rows.data, RGB_LEVEL))
    return zlib.compress(rows.data, PNG_LEVEL)


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

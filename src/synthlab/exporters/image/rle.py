"""COCO run-length encodings of every instance in an instance map, from one pass over it.

pycocotools' `encode` takes one full-size binary mask at a time in column-major order, so
ten objects meant ten full-image comparisons, conversions and transposed copies. Here the
map is transposed once, split into runs of equal ids, and each object's runs become its
uncompressed COCO counts; pycocotools still writes the compressed string
(`frPyObjects`), so the text is exactly what `encode` gives (tested against it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["instance_rles"]


def instance_rles(
    instance: np.ndarray, ids: Iterable[int]
) -> dict[int, tuple[dict[str, Any], int]]:
    """For each id in `ids` that covers at least one pixel of `instance` (HxW integers):
    its COCO RLE (`{"size": [h, w], "counts": str}`) and its pixel count."""
    from pycocotools import mask as coco_mask

    height, width = instance.shape
    flat = np.ascontiguousarray(instance.T).ravel()  # COCO runs go down the columns
    total = flat.size
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [total]))
    values = flat[starts]
    found: dict[int, tuple[dict[str, Any], int]] = {}
    for ident in ids:
        mine = values == ident
        if not mine.any():
            continue
        first, last = starts[mine], ends[mine]
        # alternate runs of 0 and 1, starting with 0 (a zero-length run when the mask
        # starts at the first pixel) and ending with the last run, whatever its value
        counts = np.empty(2 * first.size + 1, np.int64)
        counts[0] = first[0]
        counts[1:-1:2] = last - first
        counts[2:-1:2] = first[1:] - last[:-1]
        counts[-1] = total - last[-1]
        if counts[-1] == 0:
            counts = counts[:-1]
        encoded = coco_mask.frPyObjects(
            {"size": [height, width], "counts": counts.tolist()}, height, width
        )
        rle = {"size": [height, width], "counts": encoded["counts"].decode("ascii")}
        found[int(ident)] = (rle, int((last - first).sum()))
    return found

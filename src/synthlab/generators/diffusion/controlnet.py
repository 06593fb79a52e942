"""ControlNet mode: a scene render gives the geometry and the labels, diffusion the looks.

The scene generator makes sample i as usual (objects, boxes, masks, depth, quota
conditions, all exact for its geometry); its depth or segmentation render becomes the
ControlNet conditioning image, and the diffusion output replaces the rendered colours.
The labels are the scene's. How closely the painted objects follow the conditioning is the
ControlNet's fidelity, not a guarantee: silhouettes usually align to within a few pixels,
so boxes hold better than pixel masks. Spot-check a new model/scale before trusting masks.
"""

from __future__ import annotations

import colorsys

import numpy as np

__all__ = ["depth_condition", "segmentation_condition"]


def depth_condition(depth: np.ndarray) -> np.ndarray:
    """Inverse depth scaled to 0..255 over the hit pixels (near is bright, as depth
    ControlNets were trained); pixels where nothing was hit are black."""
    hit = np.isfinite(depth) & (depth > 0)
    out = np.zeros(depth.shape, dtype=np.float64)
    if hit.any():
        inverse = 1.0 / depth[hit].astype(np.float64)
        low, high = float(inverse.min()), float(inverse.max())
        span = high - low
        out[hit] = (inverse - low) / span * 215.0 + 40.0 if span > 0 else 255.0
    gray = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return np.repeat(gray[:, :, None], 3, axis=2)


def palette(count: int) -> np.ndarray:
    """`count` + 1 distinct colours (index 0, the background, is black), spread over hue."""
    colors = [(0, 0, 0)]
    for k in range(count):
        hue = (k * 0.618033988749895) % 1.0  # golden-ratio steps keep neighbours apart
        r, g, b = colorsys.hsv_to_rgb(hue, 0.75, 0.95)
        colors.append((round(r * 255), round(g * 255), round(b * 255)))
    return np.array(colors, dtype=np.uint8)


def segmentation_condition(semantic: np.ndarray, categories: int) -> np.ndarray:
    """One flat colour per category value of the semantic mask."""
    return palette(categories)[np.minimum(semantic.astype(np.int64), categories)]

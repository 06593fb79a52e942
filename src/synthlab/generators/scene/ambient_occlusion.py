"""Ambient occlusion from the label pass's depth: how much of the sky each pixel's surface
still sees once nearby geometry is counted, in [0, 1], at a quarter of the resolution.

A rasteriser lights every point with the full ambient fill, so the floor under a pallet,
the inside of a racking bay and the foot of a box are as bright as open floor when the sun
does not reach them, and objects look pasted on. Real indirect light is blocked there: that
darkening is the main cue people and detectors read for contact. The colour shader
multiplies only its ambient term by this map (shaders/color.frag), so direct light and
shadows are untouched and labels cannot move.

The estimator is the usual screen-space one (after McGuire et al., "The Alchemy
screen-space ambient obscurance algorithm", HPG 2011): from each pixel's view-space point
and normal, samples on a disc of RADIUS metres around it on screen; each sample point above
the surface's tangent plane and within RADIUS occludes by the cosine of its elevation,
less a small bias (flat and gently curved surfaces occlude nothing), fading with distance.
STRENGTH is calibrated on a 1 m box on a floor: the floor at its foot comes out at 0.58,
at 10-20 cm 0.71, at 20-35 cm 0.88 and past 35 cm 0.99-1.0, near the cosine-weighted sky
a wall leaves within RADIUS (0.5 at the foot, about 0.65 at 15 cm, 0.8 at 30 cm).
The disc is turned in a 4 x 4 pattern of angles and the result averaged over 4 x 4 pixels,
which removes the pattern. Everything is NumPy on fixed patterns: equal depth gives equal
bytes. A flat floor gets exactly 1 (its shading is unchanged), and so does every pixel
where nothing was hit.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter

__all__ = ["RADIUS", "SCALE", "ambient_occlusion"]

SCALE = 4  # the map is computed at 1/SCALE of the image's width and height
RADIUS = 0.5  # metres: how far geometry counts as occluding (contact and crevice scale)
SAMPLES = 12
BIAS = 0.15  # cosine below which a sample occludes nothing (tessellation, gentle curves)
STRENGTH = 5.5  # calibrated: the floor at a 1 m box's foot keeps about 0.6 (see above)
MAX_STEP = 24  # low-resolution pixels: the disc's largest screen radius (very near points)
_GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))


def _disc() -> np.ndarray:
    """SAMPLES offsets on the unit disc (a sunflower spiral: even, no clumps)."""
    k = np.arange(SAMPLES) + 0.5
    radius = np.sqrt(k / SAMPLES)
    angle = k * _GOLDEN_ANGLE
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)


def _view_points(depth: np.ndarray, K: np.ndarray) -> np.ndarray:
    """View-space point (x right, y down, z forward, metres) of each low-resolution pixel,
    from the depth at the centre of its SCALE x SCALE block."""
    low = depth[SCALE // 2 :: SCALE, SCALE // 2 :: SCALE].astype(np.float32)
    rows, cols = low.shape
    u = ((np.arange(cols) * SCALE + SCALE // 2 + 0.5 - K[0, 2]) / K[0, 0]).astype(np.float32)
    v = ((np.arange(rows) * SCALE + SCALE // 2 + 0.5 - K[1, 2]) / K[1, 1]).astype(np.float32)
    x = u[None, :] * low
    y = v[:, None] * low
    return np.stack([x, y, low], axis=-1)


def _normals(points: np.ndarray) -> np.ndarray:
    """Unit normals facing the camera, from neighbouring points: of the differences to the
    left and right (above and below) the one nearer in depth, so edges take the surface's
    own side."""

    def side(axis: int) -> np.ndarray:
        ahead = np.diff(points, axis=axis, append=np.take(points, [-1], axis=axis))
        behind = np.diff(points, axis=axis, prepend=np.take(points, [0], axis=axis))
        nearer = np.abs(ahead[..., 2]) <= np.abs(behind[..., 2])
        return np.where(nearer[..., None], ahead, behind)

    normal: np.ndarray = np.cross(side(1), side(0))
    length = np.linalg.norm(normal, axis=-1, keepdims=True)
    normal = np.divide(normal, length, out=np.zeros_like(normal), where=length > 0)
    facing = np.sum(normal * points, axis=-1) > 0  # pointing away from the camera
    normal[facing] *= -1
    return normal


def ambient_occlusion(depth: np.ndarray, K: np.ndarray) -> np.ndarray:
    """The share of ambient light each surface receives (float32, 1: none blocked), at
    (height // SCALE, width // SCALE), rows from the image's top; `depth` is the label
    pass's (metres along the optical axis, 0 where nothing was hit), K the intrinsics."""
    points = _view_points(depth, K)
    rows, cols = points.shape[:2]
    hit = points[..., 2] > 0
    normal = _normals(points)
    # disc radius on screen, in low-resolution pixels, for RADIUS metres at each depth
    step = np.zeros((rows, cols), np.float32)
    step[hit] = np.clip(RADIUS * K[0, 0] / SCALE / points[..., 2][hit], 1.0, MAX_STEP)
    # the disc turned by one of 16 angles, in a 4 x 4 pattern over the pixels
    turn = (np.arange(rows)[:, None] % 4 * 4 + np.arange(cols)[None, :] % 4) * (np.pi / 8)
    cos_t, sin_t = np.cos(turn).astype(np.float32), np.sin(turn).astype(np.float32)
    # flat index of each pixel, and the points as three flat planes (gathers on 1-d arrays)
    flat = np.arange(rows * cols).reshape(rows, cols)
    px, py, pz = (points[..., k].ravel() for k in range(3))
    nx, ny, nz = normal[..., 0], normal[..., 1], normal[..., 2]
    row_index, col_index = np.indices((rows, cols))
    occluded = np.zeros((rows, cols), np.float32)
    radius2 = np.float32(RADIUS * RADIUS)
    for dx, dy in _disc().astype(np.float32):
        ox = (dx * cos_t - dy * sin_t) * step
        oy = (dx * sin_t + dy * cos_t) * step
        r = np.clip(np.rint(row_index + oy).astype(np.intp), 0, rows - 1)
        c = np.clip(np.rint(col_index + ox).astype(np.intp), 0, cols - 1)
        at = flat[r, c]
        sz = pz[at]
        ex, ey, ez = px[at] - points[..., 0], py[at] - points[..., 1], sz - points[..., 2]
        distance2 = ex * ex + ey * ey + ez * ez
        near = hit & (sz > 0) & (distance2 > 1e-12) & (distance2 < radius2)
        # cosine of the sample's elevation over the tangent plane, less the bias, faded
        along = ex * nx + ey * ny + ez * nz
        term = along / np.sqrt(np.where(near, distance2, np.float32(1.0))) - np.float32(BIAS)
        term *= 1 - distance2 / radius2
        occluded += np.where(near & (term > 0), term, np.float32(0.0))
    occluded = uniform_filter(occluded / np.float32(SAMPLES), size=4, mode="nearest")
    visible: np.ndarray = np.clip(1 - np.float32(STRENGTH) * occluded, 0, 1).astype(np.float32)
    visible[~hit] = 1.0
    return visible

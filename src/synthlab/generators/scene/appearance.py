"""Matching a rendered object's look to the photo it is pasted into, and compositing it so
that no pixel outside the object's mask changes.

* colour and brightness: per channel, the object's mean and spread are moved toward the
  photo's around the paste (a ring of photo pixels about the object's box) by a geometric
  blend of strength `color` (0 keeps the render, 1 makes the statistics equal: Reinhard et
  al. 2001's transfer, applied in RGB and weakened so objects keep their own colour);
* sharpness: the object layer (premultiplied colour and coverage) is blurred with the
  Gaussian sigma, from a fixed ladder, whose result's ratio of Laplacian to gradient
  magnitude is nearest the photo's around the paste (a contrast-free measure of how sharp
  edges are);
* noise: the photo's noise level is estimated per channel as the median absolute value of
  its finest diagonal Haar wavelet coefficients / 0.6745 (Donoho and Johnstone 1994's
  robust MAD estimator), and Gaussian noise of that level is added to the object's pixels,
  weighted by the object's coverage (the photo's share of a pixel already carries its own).

The composite is `out = layer + photo * (1 - coverage)` with the blurred premultiplied layer,
and only on the mask (every pixel a rendered object covers at its centre, the label pass's
rule); outside the mask the output is the photo's pixel, unchanged. The soft edge is
therefore made inside the mask: its outer pixels mix object and photo.
"""

from __future__ import annotations

import numpy as np

__all__ = ["composite", "estimate_noise", "match_colour", "sharpness"]

BLUR_LADDER = (0.0, 0.4, 0.7, 1.0, 1.4, 1.8, 2.4, 3.0)  # Gaussian sigmas tried, pixels


def estimate_noise(rgb: np.ndarray) -> np.ndarray:
    """Per-channel noise std (0..255 units) from the finest diagonal Haar coefficients."""
    height, width = rgb.shape[:2]
    h2, w2 = height - height % 2, width - width % 2
    if h2 < 2 or w2 < 2:
        return np.zeros(3)
    x = rgb[:h2, :w2].astype(np.float64)
    diagonal = (x[0::2, 0::2] - x[0::2, 1::2] - x[1::2, 0::2] + x[1::2, 1::2]) / 2
    return np.median(np.abs(diagonal.reshape(-1, 3)), axis=0) / 0.6745


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def sharpness(gray: np.ndarray, where: np.ndarray) -> float | None:
    """Mean |Laplacian| / mean |gradient| over `where` (None where there is no edge)."""
    from scipy import ndimage

    if not where.any():
        return None
    laplace = np.abs(ndimage.laplace(gray))[where]
    gy, gx = np.gradient(gray)
    gradient = np.hypot(gx, gy)[where]
    if gradient.mean() < 1e-6:
        return None
    return float(laplace.mean() / gradient.mean())


def _ring(mask: np.ndarray, box: tuple[int, int, int, int], pad: int) -> np.ndarray:
    """Photo pixels in the object's box grown by `pad`, outside the mask."""
    height, width = mask.shape
    x0, y0, x1, y1 = box
    region = np.zeros_like(mask)
    region[max(y0 - pad, 0) : min(y1 + pad, height), max(x0 - pad, 0) : min(x1 + pad, width)] = True
    ring: np.ndarray = region & ~mask
    return ring


def match_colour(
    straight: np.ndarray, inside: np.ndarray, photo: np.ndarray, ring: np.ndarray, strength: float
) -> tuple[np.ndarray, dict[str, list[float]]]:
    """The object's straight (not premultiplied) colours with mean and spread moved toward
    the ring's, per channel, by `strength`."""
    if strength <= 0 or not inside.any() or ring.sum() < 16:
        return straight, {}
    mine = straight[inside]
    theirs = photo[ring].astype(np.float64)
    mean_o, std_o = mine.mean(axis=0), mine.std(axis=0)
    mean_p, std_p = theirs.mean(axis=0), theirs.std(axis=0)
    gain = (np.maximum(mean_p, 1.0) / np.maximum(mean_o, 1.0)) ** strength
    spread = (np.maximum(std_p, 1.0) / np.maximum(std_o, 1.0)) ** strength
    spread = np.clip(spread, 0.5, 2.0)  # a flat photo patch must not erase the object's shading
    out = (straight - mean_o) * spread + mean_o * gain
    return np.clip(out, 0.0, 255.0), {
        "gain": gain.round(6).tolist(),
        "spread": spread.round(6).tolist(),
    }


def composite(
    photo: np.ndarray,
    rgba: np.ndarray,
    mask: np.ndarray,
    rng: np.random.Generator,
    color: float,
    blur: bool,
    noise: bool,
) -> tuple[np.ndarray, dict[str, object]]:
    """The photo with the rendered layer (`rgba`: premultiplied uint8) composited on `mask`
    only, and what was matched."""
    from scipy import ndimage

    out = photo.copy()
    if not mask.any():
        return out, {}
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    pad = max(4, max(box[2] - box[0], box[3] - box[1]) // 2)
    ring = _ring(mask, box, pad)
    alpha = rgba[..., 3].astype(np.float64) / 255.0
    premultiplied = rgba[..., :3].astype(np.float64)
    covered = alpha > 0
    straight = np.zeros_like(premultiplied)
    straight[covered] = premultiplied[covered] / alpha[covered, None]
    straight, colour_drawn = match_colour(straight, mask & (alpha > 0.5), photo, ring, color)
    layer = straight * alpha[..., None]
    sigma = 0.0
    if blur:
        target = sharpness(_luma(photo.astype(np.float64)), ring)
        interior = ndimage.binary_erosion(mask, iterations=1) if mask.sum() > 32 else mask
        if target is not None:
            scores = []
            for candidate in BLUR_LADDER:
                trial = (
                    ndimage.gaussian_filter(_luma(layer), candidate) if candidate else _luma(layer)
                )
                measured = sharpness(trial, interior)
                scores.append(abs((measured if measured is not None else 0.0) - target))
            sigma = BLUR_LADDER[int(np.argmin(scores))]
    if sigma > 0:
        layer = np.stack([ndimage.gaussian_filter(layer[..., c], sigma) for c in range(3)], -1)
        alpha = ndimage.gaussian_filter(alpha, sigma)
    share = alpha[mask][:, None]
    mixed = layer[mask] + photo[mask].astype(np.float64) * (1.0 - share)
    level = estimate_noise(photo) if noise else np.zeros(3)
    if noise:
        mixed = mixed + rng.normal(size=mixed.shape) * level * share
    out[mask] = np.clip(np.rint(mixed), 0, 255).astype(np.uint8)
    drawn: dict[str, object] = {
        "blur_sigma": sigma,
        "noise_std": level.round(4).tolist(),
        **colour_drawn,
    }
    return out, drawn

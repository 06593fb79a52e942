"""Textures without visible tiling for floors, roads and other large surfaces.

A tile of a few dozen pixels repeated every metre shows as a grid of identical blotches
across a floor seen from a few metres up: a pattern a detector can learn and real floors
never show. The `field` texture instead is one large image of multi-octave value noise
(random grids from 8 to 1024 cells across, each upsampled without wrapping, plus a
pixel-fine grain), so it has no period at all; the surface wears it once across its whole
extent (layout.py maps the slab's top to [0, 1] in both texture axes).

Images come from a pool of fixed-seed variants (one at present), each built once per
process and kept uploaded: uploading a 2048 x 2048 image per image rendered would cost
more than the render. The tint, and the floor's turn (layout.py), are drawn per image.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import ndimage

__all__ = ["FIELD_SIZE", "FIELD_VARIANTS", "field_image", "field_shade"]

FIELD_SIZE = 2048  # pixels a side: 2 cm a pixel over a 40 m floor
# distinct images a run draws from. One: pyrender frees a texture as soon as a scene
# lacks it, so with four, three images in four uploaded 12 MB and built its mipmaps again
# (+60 ms an image on llvmpipe, measured); layout.py turns the floor instead
FIELD_VARIANTS = 1
_SEED = 0x7E47  # the variants' own seeds: fixed, so runs are reproducible across machines


@functools.lru_cache(maxsize=FIELD_VARIANTS)
def field_shade(variant: int, size: int = FIELD_SIZE) -> np.ndarray:
    """A size x size shade, 0..255 (uint8), with no period: octaves of value noise from
    8 to 1024 cells across (halving in weight each step, as in fractal noise), each a
    random grid upsampled by linear interpolation with edges clamped, not wrapped."""
    rng = np.random.default_rng([_SEED, variant])
    # a pyramid: upsample what is there by two (linear, edges clamped), add the next
    # octave's random grid; one upsampling per octave at its own size, so the whole costs
    # about as much as a single full-size one
    total = rng.random((8, 8), dtype=np.float32)
    weight = 1.0
    while total.shape[0] < min(1024, size):
        weight *= 0.6  # a little more fine detail than 1/f: concrete and asphalt are grainy
        total = ndimage.zoom(total, 2, order=1, mode="nearest")
        total += weight * rng.random(total.shape, dtype=np.float32)
    total = ndimage.zoom(total, size / total.shape[0], order=1, mode="nearest")[:size, :size]
    norm = (1 - 0.6 ** (np.log2(total.shape[0] / 8) + 1)) / (1 - 0.6)
    grain = rng.random((size, size), dtype=np.float32)
    total = total / norm * 0.85 + grain * 0.15
    low, high = np.percentile(total[::7, ::7], (0.5, 99.5))  # a sparse sample is enough
    scaled = (total - low) * (255.0 / max(float(high - low), 1e-6))
    shade: np.ndarray = np.clip(scaled, 0.0, 255.0).round().astype(np.uint8)
    return shade


@functools.lru_cache(maxsize=16)
def field_image(variant: int, color: tuple[int, int, int]) -> np.ndarray:
    """The variant tinted with `color` (shade 0.6..1.0 of it), RGB uint8; one array per
    (variant, colour), so the renderer can keep it uploaded from image to image."""
    factor = 0.6 + 0.4 * np.arange(256) / 255.0
    lut = np.clip(np.round(np.outer(factor, color)), 0, 255).astype(np.uint8)
    image: np.ndarray = lut[field_shade(variant)]
    image.setflags(write=False)
    return image

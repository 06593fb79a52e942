"""Surface appearance: base colour, PBR factors and procedural textures made here.

Textures are small tileable images (noise, checker, stripes, wood-like grain) drawn from the
sample's stream, or `field`, a large image with no period for floors (textures.py), mapped
by box projection (each face takes the two world-size axes its
normal is not along), so any mesh can wear one without authored UV coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from synthlab.generators.scene.colors import parse_color
from synthlab.generators.scene.params import MaterialSpec

__all__ = ["Material", "box_uv", "draw_material", "make_texture"]

TEXTURE_SIZE = 64


@dataclass(frozen=True, eq=False)
class Material:
    color: tuple[int, int, int]
    metallic: float
    roughness: float
    texture: str  # "none" or a pattern name
    texture_scale: float
    # TEXTURE_SIZE^2 x 3 uint8, already tinted; `field`: a large read-only image shared by
    # every material that draws it (textures.py), which the renderer keeps uploaded
    image: np.ndarray | None = None

    def describe(self) -> dict[str, object]:
        return {
            "color": "#{:02x}{:02x}{:02x}".format(*self.color),
            "metallic": round(self.metallic, 6),
            "roughness": round(self.roughness, 6),
            "texture": self.texture,
            "texture_scale": round(self.texture_scale, 6),
        }


def _value_noise(rng: np.random.Generator, size: int, octaves: int = 4) -> np.ndarray:
    """Tileable smooth noise in [0, 1]: random grids of growing detail, upsampled with wrap."""
    total = np.zeros((size, size))
    weight = 1.0
    for octave in range(octaves):
        cells = 4 * 2**octave
        grid = rng.random((cells, cells))
        total += weight * ndimage.zoom(grid, size / cells, order=1, mode="grid-wrap")[:size, :size]
        weight *= 0.5
    total -= total.min()
    return total / max(float(total.max()), 1e-9)


def make_texture(
    pattern: str, color: tuple[int, int, int], rng: np.random.Generator, size: int = TEXTURE_SIZE
) -> np.ndarray:
    """A size x size RGB tile: the colour modulated by the pattern (shade 0.55..1.0)."""
    v, u = np.mgrid[0:size, 0:size] / size
    if pattern == "noise":
        shade = _value_noise(rng, size)
    elif pattern == "checker":
        shade = ((np.floor(u * 2) + np.floor(v * 2)) % 2).astype(float)
    elif pattern == "stripes":
        shade = (np.sin(2 * np.pi * (u * 2 + rng.random())) > 0).astype(float)
    elif pattern == "wood":
        # growth rings: distance to a centre off the tile, wobbled by noise, wrapped to bands
        rings = np.sin(2 * np.pi * (4 * (u + 0.3 * _value_noise(rng, size, 3))))
        shade = 0.5 + 0.5 * rings
    else:
        raise ValueError(f"unknown texture {pattern!r}")
    factor = 0.55 + 0.45 * shade
    tinted = np.asarray(color, float)[None, None, :] * factor[..., None]
    return np.clip(np.round(tinted), 0, 255).astype(np.uint8)


def draw_material(spec: MaterialSpec, rng: np.random.Generator) -> Material:
    color = parse_color(spec.color.sample(rng))
    metallic = float(spec.metallic.sample(rng))
    roughness = float(spec.roughness.sample(rng))
    texture = str(spec.texture.sample(rng))
    scale = float(spec.texture_scale.sample(rng))
    image: np.ndarray | None = None
    if texture == "field":  # large and shared, from a pool (textures.py)
        from synthlab.generators.scene.textures import FIELD_VARIANTS, field_image

        image = field_image(int(rng.integers(0, FIELD_VARIANTS)), color)
    else:
        image = None if texture == "none" else make_texture(texture, color, rng)
    return Material(color, metallic, roughness, texture, scale, image)


def box_uv(positions: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """Texture coordinates (float32) of face corners by box projection at unit scale: each
    face takes the two axes its normal is not along; the renderer multiplies them by the
    object's scale and the texture's repeats per metre."""
    axis = np.argmax(np.abs(normals), axis=1)
    pick = np.array([[1, 2], [0, 2], [0, 1]])[axis]
    uv: np.ndarray = np.take_along_axis(positions, pick, axis=1).astype(np.float32)
    return uv

"""Inpainting regions: planning a region, its mask and box, backgrounds, and the composite.

The label of an inpainted object is the region the recipe planned: its mask and the tight
box of that mask. The pipeline repaints the whole image through the VAE, which shifts every
pixel a little; compositing the output back onto the background inside the mask only makes
the pixels outside the mask exactly the background's, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from synthlab.errors import RuntimeFailure
from synthlab.generators.diffusion.params import RegionParams

__all__ = ["Region", "composite", "fit_image", "list_images", "plan_region"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")


@dataclass(frozen=True)
class Region:
    shape: str
    mask: np.ndarray  # HxW bool, True where the object is painted
    bbox: tuple[float, float, float, float]  # x, y, w, h: the tight bound of `mask`

    def describe(self) -> dict[str, object]:
        return {"shape": self.shape, "bbox": list(self.bbox), "area": int(self.mask.sum())}


def _tight_box(mask: np.ndarray) -> tuple[float, float, float, float]:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    x0, x1, y0, y1 = int(cols[0]), int(cols[-1]) + 1, int(rows[0]), int(rows[-1]) + 1
    return (float(x0), float(y0), float(x1 - x0), float(y1 - y0))


def plan_region(params: RegionParams, rng: np.random.Generator, width: int, height: int) -> Region:
    """A box or ellipse of the drawn size at a uniformly drawn place, wholly inside the image."""
    shape = str(params.shape.sample(rng))
    w = min(width, max(1, round(params.width.sample(rng) * width)))
    h = min(height, max(1, round(params.height.sample(rng) * height)))
    x = int(rng.integers(0, width - w + 1))
    y = int(rng.integers(0, height - h + 1))
    mask = np.zeros((height, width), dtype=bool)
    if shape == "box":
        mask[y : y + h, x : x + w] = True
    else:
        # pixel centres inside the ellipse inscribed in the w x h cell
        ys, xs = np.mgrid[0:h, 0:w]
        dx = (xs + 0.5 - w / 2) / (w / 2)
        dy = (ys + 0.5 - h / 2) / (h / 2)
        inside = dx * dx + dy * dy <= 1.0
        inside[h // 2, w // 2] = True  # never empty, even for a 1-pixel region
        mask[y : y + h, x : x + w] = inside
    return Region(shape, mask, _tight_box(mask))


def composite(generated: np.ndarray, background: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The generated pixels inside the mask, the background's exact pixels elsewhere."""
    if generated.shape != background.shape:
        raise RuntimeFailure(
            f"the pipeline returned a {generated.shape} image for a {background.shape} background"
        )
    return np.where(mask[:, :, None], generated, background).astype(np.uint8)


def list_images(folder: Path) -> list[Path]:
    """Image files in `folder`, sorted by name so that a drawn index means the same file."""
    if not folder.is_dir():
        raise RuntimeFailure(f"image folder {folder} does not exist")
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not found:
        raise RuntimeFailure(f"image folder {folder} holds no {'/'.join(IMAGE_SUFFIXES)} files")
    return found


def fit_image(path: Path, width: int, height: int) -> np.ndarray:
    """Scale to cover width x height and crop the centre: an HxWx3 uint8 array."""
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    scale = max(width / image.width, height / image.height)
    size = (max(width, round(image.width * scale)), max(height, round(image.height * scale)))
    image = image.resize(size, Image.Resampling.LANCZOS)
    left, top = (size[0] - width) // 2, (size[1] - height) // 2
    return np.asarray(image.crop((left, top, left + width, top + height)), dtype=np.uint8)

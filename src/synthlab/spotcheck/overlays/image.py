"""Image samples: instance (or semantic) masks tinted, boxes outlined with their class
names, keypoints as dots (hollow when occluded), drawn with Pillow.

Small images are enlarged (nearest neighbour, so pixels stay pixels) before drawing, so a
one-pixel error in a box is still visible to a reviewer.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synthlab.samples import Sample
from synthlab.samples.image import ImageSample
from synthlab.spotcheck.overlays import Overlay
from synthlab.spotcheck.overlays.palette import color_for

__all__ = ["MIN_SIDE", "draw", "png_bytes"]

MIN_SIDE = 320  # enlarge images smaller than this
_MASK_ALPHA = 0.45


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)  # no time chunks
    return buffer.getvalue()


def _tinted(sample: ImageSample) -> np.ndarray:
    pixels = sample.image[..., :3].astype(np.float32)
    tint = np.zeros_like(pixels)
    where = np.zeros(pixels.shape[:2], bool)
    if sample.instance_mask is not None:
        for obj in sample.objects:
            mask = sample.instance_mask == obj.instance_id
            tint[mask] = color_for(obj.category)
            where |= mask
    elif sample.semantic_mask is not None:
        for value in np.unique(sample.semantic_mask):
            if value == 0:
                continue
            mask = sample.semantic_mask == value
            tint[mask] = color_for(f"semantic-{int(value)}")
            where |= mask
    pixels[where] = (1 - _MASK_ALPHA) * pixels[where] + _MASK_ALPHA * tint[where]
    return pixels.clip(0, 255).astype(np.uint8)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def draw(sample: Sample) -> Overlay:
    assert isinstance(sample, ImageSample)
    height, width = sample.height, sample.width
    scale = max(1, -(-MIN_SIDE // max(1, min(height, width))))
    picture = Image.fromarray(_tinted(sample), "RGB")
    if scale > 1:
        picture = picture.resize((width * scale, height * scale), Image.Resampling.NEAREST)
    canvas = ImageDraw.Draw(picture)
    font = _font(max(11, min(18, picture.width // 30)))
    for obj in sample.objects:
        color = color_for(obj.category)
        if obj.bbox is not None:
            x, y, w, h = (v * scale for v in obj.bbox)
            # box edges are pixel edges: the outline is drawn just inside them
            canvas.rectangle([x, y, x + w - 1, y + h - 1], outline=color, width=2)
            label = f"{obj.category} #{obj.instance_id}"
            left, top, right, bottom = canvas.textbbox((x, y), label, font=font)
            lift = bottom - top + 4
            ty = y - lift if y - lift >= 0 else y
            canvas.rectangle([x, ty, x + right - left + 4, ty + lift], fill=color)
            canvas.text((x + 2, ty + 1), label, fill=(255, 255, 255), font=font)
        for point in obj.keypoints:
            if point.visibility == 0:
                continue
            px, py = point.x * scale, point.y * scale
            radius = 4
            box = [px - radius, py - radius, px + radius, py + radius]
            if point.visibility == 2:
                canvas.ellipse(box, fill=color, outline=(255, 255, 255))
            else:
                canvas.ellipse(box, outline=color, width=2)
    return Overlay(png=png_bytes(picture))

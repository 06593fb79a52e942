"""Image samples: instance (or semantic) masks tinted, boxes outlined with their class
names, keypoints as dots (hollow when occluded), drawn with Pillow.

Small images are enlarged (nearest neighbour, so pixels stay pixels) before drawing, so a
one-pixel error in a box is still visible to a reviewer. Camera-sized pictures are JPEG (see
`_encoded`).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synthlab.samples import Sample
from synthlab.samples.image import ImageSample
from synthlab.spotcheck.overlays import Overlay
from synthlab.spotcheck.overlays.palette import color_for
from synthlab.spotcheck.overlays.png import encode_png

__all__ = ["JPEG_FROM_PIXELS", "MIN_SIDE", "draw"]

MIN_SIDE = 320  # enlarge images smaller than this
JPEG_FROM_PIXELS = 200_000  # pictures larger than this (after enlarging) are JPEG
_MASK_PERCENT = 45  # mask tint opacity


def _encoded(picture: Image.Image) -> Overlay:
    """Small (usually enlarged) pictures as PNG, pixel-exact; camera-sized ones as JPEG at
    quality 92 without chroma subsampling, so that boxes, mask edges and class names stay
    sharp: a 640x480 picture takes ~3 ms and ~100 kB that way, against ~400 ms and ~400 kB
    as a compressed PNG (a 200-item report of them would be 80 MB)."""
    if picture.width * picture.height <= JPEG_FROM_PIXELS:
        return Overlay(png=encode_png(picture))
    buffer = io.BytesIO()
    # no EXIF, no JFIF timestamps: equal pictures give equal bytes
    picture.save(buffer, format="JPEG", quality=92, subsampling=0, optimize=False)
    return Overlay(jpeg=buffer.getvalue())


def _tinted(sample: ImageSample) -> np.ndarray:
    """The image with each object's (or semantic class's) mask blended with its colour.

    One table lookup per pixel (mask value -> colour) instead of a float pass per object:
    at 640x480 this was most of an overlay's drawing time."""
    pixels = np.ascontiguousarray(sample.image[..., :3], dtype=np.uint8)
    if sample.instance_mask is not None:
        mask = sample.instance_mask
        colors = {int(obj.instance_id): color_for(obj.category) for obj in sample.objects}
    elif sample.semantic_mask is not None:
        mask = sample.semantic_mask
        values = np.unique(mask)
        colors = {int(v): color_for(f"semantic-{int(v)}") for v in values if v != 0}
    else:
        return pixels
    colors = {key: rgb for key, rgb in colors.items() if 0 <= key <= int(mask.max(initial=0))}
    if not colors:
        return pixels
    table = np.zeros((max(colors) + 1, 3), np.uint16)
    tinted = np.zeros(max(colors) + 1, bool)
    for key, rgb in colors.items():
        table[key] = rgb
        tinted[key] = True
    lookup = np.minimum(mask, len(table) - 1).astype(np.intp)
    where = tinted[lookup] & (mask < len(table))
    keep, blend = 100 - _MASK_PERCENT, _MASK_PERCENT
    out = pixels.copy()
    mixed = pixels[where].astype(np.uint16) * keep + table[lookup[where]] * blend
    out[where] = (mixed // 100).astype(np.uint8)
    return out


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
    return _encoded(picture)

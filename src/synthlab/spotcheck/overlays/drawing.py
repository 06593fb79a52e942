"""Small Pillow drawing helpers for overlays: cached text, readable label colours, round
axis ticks.

Text is rendered once per (text, size, anchor) into a coverage mask and pasted after that:
tick labels, channel names and event names repeat from sample to sample, and rendering
glyphs was a quarter of a time-series panel's cost.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

from PIL import Image, ImageDraw, ImageFont

__all__ = ["fit", "format_tick", "nice_ticks", "readable", "text_width", "write"]

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(size: int) -> Font:
    # Pillow's bundled font: no system font needed, the same glyphs on every machine
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=8192)
def _glyphs(text: str, size: int, anchor: str) -> tuple[Image.Image, int, int]:
    """The text's coverage mask and its offset from the anchor point."""
    font = _font(size)
    left, top, right, bottom = (int(v) for v in font.getbbox(text, anchor=anchor))
    mask = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=font, anchor=anchor)
    return mask, left, top


def write(
    image: Image.Image,
    xy: tuple[float, float],
    text: str,
    size: int,
    fill: tuple[int, int, int],
    anchor: str = "la",
) -> None:
    """Draw `text` at `xy` (Pillow's anchor codes: "la" left-ascender, "rm" right-middle...)."""
    mask, left, top = _glyphs(text, size, anchor)
    image.paste(fill, (round(xy[0]) + left, round(xy[1]) + top), mask)


@lru_cache(maxsize=8192)
def text_width(text: str, size: int) -> float:
    return float(_font(size).getlength(text))


def fit(text: str, width: float, size: int) -> str:
    """`text`, cut with an ellipsis where it is wider than `width` pixels."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def readable(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """A label colour as text on white: darkened where it is too light to read (yellow, cyan)."""
    r, g, b = rgb
    luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255
    if luminance <= 0.55:
        return rgb
    scale = 0.55 / luminance
    return (int(r * scale), int(g * scale), int(b * scale))


def nice_ticks(low: float, high: float, target: int) -> tuple[list[float], int]:
    """At most target + 1 round tick values (1, 2, 2.5 or 5 times a power of ten) inside
    [low, high], as many as that allows, and the decimals that print them."""
    span = high - low
    if not (math.isfinite(span) and span > 0):
        return ([low] if math.isfinite(low) else []), 3
    magnitude = 10 ** math.floor(math.log10(span / max(target, 1)))
    # the finest round step that gives at most target + 1 ticks
    for multiple in (0.5, 1, 2, 2.5, 5, 10, 20):
        step = multiple * magnitude
        first = math.ceil(low / step - 1e-9)
        count = int((high - first * step) / step + 1e-9) + 1
        if count <= target + 1:
            break
    # the last printed digit: 2.5 needs one more decimal, 10 and 20 one fewer
    unit = {0.5: magnitude / 10, 2.5: magnitude / 10, 10: magnitude * 10, 20: magnitude * 10}
    decimals = max(0, -math.floor(math.log10(unit.get(multiple, magnitude)) + 1e-9))
    return [(first + k) * step for k in range(count)], decimals


def format_tick(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return "0" if text.strip("-0.") == "" else text  # never "-0.0"

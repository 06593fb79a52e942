"""Colour spellings in recipes and colour temperature of lights (no heavy imports)."""

from __future__ import annotations

import math

from synthlab.errors import did_you_mean

__all__ = ["NAMED_COLORS", "kelvin_to_rgb", "parse_color"]

NAMED_COLORS: dict[str, tuple[int, int, int]] = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "red": (200, 30, 30),
    "green": (40, 160, 60),
    "blue": (40, 80, 200),
    "yellow": (230, 200, 30),
    "orange": (240, 120, 20),
    "brown": (120, 80, 40),
    "wood": (160, 110, 60),
    "navy": (20, 30, 80),
    "teal": (20, 130, 130),
    "purple": (120, 50, 150),
    "pink": (230, 130, 170),
    "beige": (215, 200, 160),
    "olive": (110, 110, 40),
    "steel": (140, 150, 160),
}


def parse_color(text: str) -> tuple[int, int, int]:
    """'#rrggbb', '#rgb' or a name from NAMED_COLORS, as 0..255 integers."""
    spelled = str(text).strip().lower()
    if spelled in NAMED_COLORS:
        return NAMED_COLORS[spelled]
    if spelled.startswith("#") and len(spelled) in (4, 7):
        digits = spelled[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        try:
            value = int(digits, 16)
        except ValueError:
            pass
        else:
            return ((value >> 16) & 255, (value >> 8) & 255, value & 255)
    raise ValueError(
        f"unknown colour {text!r}{did_you_mean(spelled, NAMED_COLORS)}; write '#rrggbb' or one "
        f"of {', '.join(NAMED_COLORS)}"
    )


def kelvin_to_rgb(kelvin: float) -> tuple[float, float, float]:
    """Approximate sRGB tint (0..1) of a black body at `kelvin`, normalised so the
    brightest channel is 1. A curve fit to the Planckian locus, good to a few percent."""
    t = min(max(kelvin, 1000.0), 40000.0) / 100.0
    if t <= 66:
        red = 255.0
        green = 99.4708025861 * math.log(t) - 161.1195681661
        blue = 0.0 if t <= 19 else 138.5177312231 * math.log(t - 10) - 305.0447927307
    else:
        red = 329.698727446 * (t - 60) ** -0.1332047592
        green = 288.1221695283 * (t - 60) ** -0.0755148492
        blue = 255.0
    rgb = [min(max(c, 0.0), 255.0) / 255.0 for c in (red, green, blue)]
    top = max(rgb)
    return (rgb[0] / top, rgb[1] / top, rgb[2] / top)

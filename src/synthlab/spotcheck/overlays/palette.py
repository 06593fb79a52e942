"""Stable colours for labels: the same class name gets the same colour in every overlay."""

from __future__ import annotations

import hashlib

__all__ = ["color_for", "hex_color"]

# distinct, readable on light and dark backgrounds
_PALETTE: tuple[tuple[int, int, int], ...] = (
    (230, 25, 75),
    (60, 180, 75),
    (0, 130, 200),
    (245, 130, 48),
    (145, 30, 180),
    (70, 240, 240),
    (240, 50, 230),
    (210, 245, 60),
    (250, 190, 212),
    (0, 128, 128),
    (170, 110, 40),
    (128, 0, 0),
    (255, 225, 25),
    (0, 0, 128),
)


def color_for(name: str) -> tuple[int, int, int]:
    # a hash, not Python's hash(): that one changes between processes
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return _PALETTE[digest[0] % len(_PALETTE)]


def hex_color(name: str) -> str:
    r, g, b = color_for(name)
    return f"#{r:02x}{g:02x}{b:02x}"

"""Lane lines and walls: drawn, never labelled, the same for equal seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import synthlab
from synthlab.recipe import load_recipe

pytestmark = pytest.mark.scene


def _render(tmp_path: Path, name: str, surface: str, seed: int = 5) -> Path:
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text(
        f"version: 1\nname: {name}\nseed: {seed}\ncount: 3\n"
        "generator:\n  kind: scene\n  params:\n"
        "    classes:\n      crate: {asset: crate, count: 3}\n"
        f"    surface: {{spread: 1.5, material: {{color: '#606060'}}{surface}}}\n"
        "    camera: {resolution: [96, 72], distance: 6, elevation: 35,"
        " azimuth: {uniform: [0, 360]}}\n"
        "output:\n  formats: [image]\n",
        encoding="utf-8",
    )
    out = tmp_path / name
    synthlab.render(load_recipe(recipe), out, workers=1)
    return out


def _read(out: Path, folder: str) -> list[np.ndarray]:
    return [np.asarray(Image.open(p)) for p in sorted((out / folder).rglob("*.png"))]


def _yellow(image: np.ndarray) -> int:
    r, g, b = (image[..., k].astype(int) for k in range(3))
    return int(np.count_nonzero((r > 120) & (g > 100) & (b < 0.5 * g)))


def test_lane_lines_and_walls_change_pixels_never_labels(tmp_path: Path) -> None:
    plain = _render(tmp_path, "plain", "")
    lined = _render(tmp_path, "lined", ", markings: true, walls: 9")
    again = _render(tmp_path, "again", ", markings: true, walls: 9")
    # the fixtures are drawn after the objects are placed: the same objects, the same masks
    assert len(_read(plain, "masks")) == len(_read(lined, "masks")) >= 3
    assert all(
        np.array_equal(a, b)
        for a, b in zip(_read(plain, "masks"), _read(lined, "masks"), strict=True)
    )
    images, bare = _read(lined, "images"), _read(plain, "images")
    assert sum(_yellow(i) for i in images) > 20  # the lines show
    assert sum(_yellow(i) for i in bare) == 0
    # the walls fill the top of the frame where the flat background was
    assert all(not np.array_equal(a[:5], b[:5]) for a, b in zip(images, bare, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(images, _read(again, "images"), strict=True))

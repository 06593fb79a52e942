"""Light by default: shadow maps are on unless a recipe turns them off, they change pixels
and never labels; exposure and white balance are drawn per image and recorded."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import synthlab
from synthlab.generators.scene.params import SceneParams
from synthlab.recipe import load_recipe

pytestmark = pytest.mark.scene


def _render(tmp_path: Path, name: str, extra: str) -> Path:
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text(
        f"version: 1\nname: {name}\nseed: 2\ncount: 3\n"
        "generator:\n  kind: scene\n  params:\n"
        "    classes:\n      crate: {asset: crate, count: 3}\n"
        "    surface: {spread: 1.5}\n"
        "    lights: [{type: directional, intensity: 4, elevation: 35}]\n"
        "    ambient: 0.1\n"
        "    camera: {resolution: [64, 48], distance: 5, azimuth: {uniform: [0, 360]}}\n"
        f"{extra}"
        "output:\n  formats: [image]\n",
        encoding="utf-8",
    )
    out = tmp_path / name
    synthlab.render(load_recipe(recipe), out, workers=1)
    return out


def _images(out: Path) -> list[np.ndarray]:
    return [np.asarray(Image.open(p)) for p in sorted((out / "images").glob("*"))]


def _labels(out: Path) -> list[list[dict]]:
    return [json.loads(p.read_text())["objects"] for p in sorted((out / "annotations").glob("*"))]


def test_shadows_are_on_by_default():
    params = SceneParams.model_validate({"classes": {"a": {"primitive": "box"}}})
    assert params.shadows is True


def test_shadows_darken_pixels_and_leave_labels_alone(tmp_path):
    lit = _render(tmp_path, "default", "")
    flat = _render(tmp_path, "flat", "    shadows: false\n")
    assert _labels(lit) == _labels(flat)
    darker = [
        (a.astype(int).sum(axis=-1) < b.astype(int).sum(axis=-1) - 30).mean()
        for a, b in zip(_images(lit), _images(flat), strict=True)
    ]
    # a low sun casts the crates' shadows on the floor in every image (1-4% of a 64x48
    # frame here); nothing gets brighter
    assert all(share > 0.005 for share in darker)
    for a, b in zip(_images(lit), _images(flat), strict=True):
        assert (a.astype(int) <= b.astype(int) + 1).all()


def test_exposure_and_white_balance_are_drawn_per_image_and_recorded(tmp_path):
    out = _render(
        tmp_path,
        "wb",
        "    effects: {exposure: {uniform: [-0.5, 0.5]}, white_balance: {uniform: [4000, 9000]}}\n",
    )
    records = [json.loads(line) for line in (out / "samples.jsonl").open()]
    drawn = [r["metadata"]["effects"] for r in records]
    kelvins = [d["white_balance"] for d in drawn]
    exposures = [d["exposure"] for d in drawn]
    assert all(4000 <= k <= 9000 for k in kelvins) and len(set(kelvins)) == 3
    assert all(-0.5 <= e <= 0.5 for e in exposures) and len(set(exposures)) == 3
    # a lower balance kelvin turns the picture bluer: blue-minus-red follows the draw
    tint = [float((i[..., 2].astype(int) - i[..., 0]).mean()) for i in _images(out)]
    order = np.argsort(kelvins)
    assert tint[order[0]] > tint[order[-1]]

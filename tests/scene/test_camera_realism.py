"""Camera realism with exact labels: lens distortion warps the image and every label with
one model, optics and sensor effects change pixels only, and all of it is deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import synthlab
from synthlab.errors import RuntimeFailure
from synthlab.generators.scene.camera import intrinsics
from synthlab.generators.scene.effects import apply_effects, linear_to_srgb, srgb_to_linear
from synthlab.generators.scene.lens import make_lens
from synthlab.generators.scene.params import EffectsSpec, SceneParams
from synthlab.recipe import load_recipe
from synthlab.spotcheck.labelcheck import verify_labels

pytestmark = pytest.mark.scene

CLASSES = (
    "    classes:\n"
    "      crate: {asset: crate, count: {int: [1, 3]}}\n"
    "      person: {asset: human, count: 1}\n"
    "    distractors: {count: 1}\n"
    "    surface: {spread: 2.0}\n"
)
CAMERA = "resolution: [64, 48], distance: {uniform: [4, 6]}, azimuth: {uniform: [0, 360]}"
ALL_EFFECTS = (
    "    effects: {sensor: {}, white_balance: {uniform: [4500, 8000]}, exposure: 0.2,\n"
    "              motion_blur: {uniform: [0, 3]}, defocus: {uniform: [0, 1.5]},\n"
    "              jpeg_quality: {int: [75, 95]}}\n"
)


def _render(tmp_path: Path, name: str, camera: str, effects: str = "", seed: int = 4) -> Path:
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text(
        f"version: 1\nname: {name}\nseed: {seed}\ncount: 3\n"
        f"generator:\n  kind: scene\n  params:\n{CLASSES}"
        f"    camera: {{{camera}}}\n{effects}"
        "output:\n  formats: [image]\n",
        encoding="utf-8",
    )
    out = tmp_path / name
    synthlab.render(load_recipe(recipe), out, workers=1)
    return out


def _annotations(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "annotations").glob("*.json"))]


def _image_bytes(out: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted((out / "images").glob("*"))]


def _mask(out: Path, document: dict) -> np.ndarray:
    return np.asarray(Image.open(out / document["files"]["instance_mask"]))


# -- the lens model on its own ----------------------------------------------------------


def test_distortion_and_its_inverse_agree_to_a_thousandth_of_a_pixel():
    K = intrinsics(640, 480, 60.0)
    lens = make_lens((-0.35, 0.18, 0.0015, -0.001), K, 640, 480)
    assert lens is not None and lens.zoom > 1.0  # barrel: crop in so no pixel is made up
    rng = np.random.default_rng(0)
    output = rng.uniform([0, 0], [640, 480], size=(500, 2))
    ideal = lens.source_pixels(output)
    assert np.abs(lens.distort_pixels(ideal) - output).max() < 1e-3
    # every output pixel shows a rendered point (alpha = 0 crop)
    assert ideal.min() >= -1e-6 and ideal[:, 0].max() <= 640 and ideal[:, 1].max() <= 480


def test_a_marked_point_lands_where_the_forward_model_sends_it():
    K = intrinsics(160, 120, 55.0)
    lens = make_lens((-0.3, 0.1, 0.002, 0.001), K, 160, 120)
    assert lens is not None
    for row, col in [(10, 12), (60, 80), (100, 150), (20, 140)]:
        ideal = np.zeros((120, 160), np.uint16)
        ideal[row - 1 : row + 2, col - 1 : col + 2] = 7  # 3x3 blob centred on the pixel
        warped = lens.warp(ideal, nearest=True)
        assert set(np.unique(warped).tolist()) <= {0, 7}  # nearest: no value made up
        rows, cols = np.nonzero(warped == 7)
        landed = np.array([cols.mean() + 0.5, rows.mean() + 0.5])
        expected = lens.distort_pixels(np.array([[col + 0.5, row + 0.5]]))[0]
        assert np.abs(landed - expected).max() < 1.0


def test_zero_coefficients_mean_no_lens_and_a_folding_lens_is_refused():
    K = intrinsics(64, 48, 50.0)
    assert make_lens((0.0, 0.0, 0.0, 0.0), K, 64, 48) is None
    with pytest.raises(RuntimeFailure, match="folds the image"):
        make_lens((-0.9, 0.0, 0.0, 0.0), intrinsics(64, 48, 120.0), 64, 48)


def test_lens_ranges_are_checked_when_the_recipe_loads():
    with pytest.raises(ValueError, match="lens k1"):
        SceneParams.model_validate(
            {"classes": {"a": {"primitive": "box"}}, "camera": {"lens": {"k1": 2.5}}}
        )


# -- rendered datasets --------------------------------------------------------------------


def test_k_zero_lens_is_the_pinhole_byte_for_byte(tmp_path):
    plain = _render(tmp_path, "plain", CAMERA)
    zero = _render(tmp_path, "zero", CAMERA + ", lens: {k1: 0, k2: 0, p1: 0, p2: 0}")
    assert _image_bytes(plain) == _image_bytes(zero)
    for a, b in zip(_annotations(plain), _annotations(zero), strict=True):
        assert a["objects"] == b["objects"] and a["camera"] == b["camera"]


def test_labels_stay_exact_under_every_camera_effect(tmp_path):
    out = _render(tmp_path, "real", CAMERA + ", lens: {}", ALL_EFFECTS)
    assert verify_labels(out) == []  # boxes tight to warped masks, keypoints, depth, ids
    keypoints_seen = 0
    for document in _annotations(out):
        assert "distortion" in document["camera"]
        mask = _mask(out, document)
        for label in document["objects"]:
            x, y, w, h = label["bbox"]
            rows, cols = np.nonzero(mask == label["instance_id"])
            assert (x, y, w, h) == (cols.min(), rows.min(), np.ptp(cols) + 1, np.ptp(rows) + 1)
            ax, ay, aw, ah = label["amodal_bbox"]  # the whole object holds its visible part
            assert ax <= x + 1 and ay <= y + 1 and x + w <= ax + aw + 1 and y + h <= ay + ah + 1
            for _name, u, v, visibility in label["keypoints"]:
                if visibility == 2:  # seen: the warped mask shows this object there
                    keypoints_seen += 1
                    assert mask[int(np.floor(v)), int(np.floor(u))] == label["instance_id"]
    assert keypoints_seen > 0


def test_effects_are_deterministic_and_follow_the_seed(tmp_path):
    first = _render(tmp_path, "a", CAMERA + ", lens: {}", ALL_EFFECTS, seed=9)
    again = _render(tmp_path, "b", CAMERA + ", lens: {}", ALL_EFFECTS, seed=9)
    other = _render(tmp_path, "c", CAMERA + ", lens: {}", ALL_EFFECTS, seed=10)
    assert _image_bytes(first) == _image_bytes(again)
    assert _annotations(first) == _annotations(again)
    assert _image_bytes(first) != _image_bytes(other)
    drawn = [d for d in (json.loads(x) for x in (first / "samples.jsonl").open())]
    qualities = [r["metadata"]["effects"]["jpeg_quality"] for r in drawn]
    assert all(75 <= q <= 95 for q in qualities)


# -- effects on their own -----------------------------------------------------------------


def _effects(raw: dict) -> EffectsSpec:
    return EffectsSpec.model_validate(raw)


def test_sensor_noise_grows_with_the_signal_like_shot_noise():
    ramp = np.zeros((64, 64, 3), np.uint8)
    ramp[:32], ramp[32:] = 40, 220  # a dark half and a bright half
    spec = _effects({"sensor": {"shot": 0.002, "read": 0.002, "bayer": False}})
    noisy, drawn = apply_effects(ramp, np.ones((64, 64)), spec, np.random.default_rng(1))
    assert drawn["sensor_shot"] == 0.002
    linear = srgb_to_linear(noisy.astype(float))
    dark, bright = linear[:32].std(), linear[32:].std()
    # Poisson: variance a*y + b, so the bright half (y ~ 0.72) is far noisier than the
    # dark one (y ~ 0.02) in linear light
    assert bright > 3 * dark
    expected = np.sqrt(0.002 * srgb_to_linear(np.array(220.0)) + 0.002**2)
    assert abs(bright - expected) / expected < 0.15
    # means are kept: noise is zero-mean
    assert abs(noisy[32:].mean() - 220) < 2


def test_blur_spreads_colour_but_white_balance_and_jpeg_only_change_pixels():
    image = np.zeros((32, 32, 3), np.uint8)
    image[:, 16:] = 200
    blurred, _ = apply_effects(
        image, np.ones((32, 32)), _effects({"motion_blur": 6, "motion_angle": 0}), None
    )
    edge = blurred[16, 12:20, 0]
    assert 0 < edge[3] < 200 and edge[0] < edge[-1]  # a horizontal streak smears the edge
    vertical, _ = apply_effects(
        image, np.ones((32, 32)), _effects({"motion_blur": 6, "motion_angle": 90}), None
    )
    assert np.array_equal(vertical, image)  # a vertical streak along a vertical edge: none
    grey = np.full((8, 8, 3), 128, np.uint8)
    warm, _ = apply_effects(grey, np.ones((8, 8)), _effects({"white_balance": 4000}), None)
    cool, _ = apply_effects(grey, np.ones((8, 8)), _effects({"white_balance": 9000}), None)
    assert warm[0, 0, 2] > warm[0, 0, 0]  # balanced for warm light: the picture turns blue
    assert cool[0, 0, 0] > cool[0, 0, 2]


def test_srgb_curve_round_trips():
    values = np.arange(256, dtype=float)
    assert np.abs(linear_to_srgb(srgb_to_linear(values)) - values).max() < 1e-6


def test_bayer_noise_spans_neighbouring_pixels_and_keeps_flat_colour():
    flat = np.zeros((64, 64, 3), np.uint8)
    flat[...] = (180, 120, 60)
    spec = _effects({"sensor": {"shot": 0.002, "read": 0.003}})  # bayer by default
    noisy, _ = apply_effects(flat, np.ones((64, 64)), spec, np.random.default_rng(3))
    assert np.abs(noisy.reshape(-1, 3).mean(axis=0) - (180, 120, 60)).max() < 2
    green = noisy[..., 1].astype(float) - noisy[..., 1].mean()
    # demosaicing interpolates each colour from neighbouring photosites: neighbours share
    # noise, where per-pixel (white) noise would leave them uncorrelated
    neighbours = np.corrcoef(green[:, :-1].ravel(), green[:, 1:].ravel())[0, 1]
    assert neighbours > 0.2
    white, _ = apply_effects(
        flat,
        np.ones((64, 64)),
        _effects({"sensor": {"shot": 0.002, "read": 0.003, "bayer": False}}),
        np.random.default_rng(3),
    )
    g = white[..., 1].astype(float) - white[..., 1].mean()
    assert abs(np.corrcoef(g[:, :-1].ravel(), g[:, 1:].ravel())[0, 1]) < 0.1

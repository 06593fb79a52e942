"""Floors without visible tiling: the `field` texture has no period, and a rendered floor
wearing it shows no repeat at the period the old tiled texture repeats at."""

from __future__ import annotations

import numpy as np
import pytest

from synthlab.generators.scene.camera import Camera, intrinsics, look_at_pose
from synthlab.generators.scene.layout import SceneDescription, _fixtures
from synthlab.generators.scene.params import SceneParams
from synthlab.generators.scene.textures import field_image, field_shade

pytestmark = pytest.mark.scene

W = H = 128
HEIGHT, FOV = 8.0, 60.0  # straight down from 8 m: 9.2 m of floor across, 14 px a metre


def _floor(texture: str, scale: float, seed: int = 0) -> np.ndarray:
    """The floor seen straight down, as a grey image (0..255 floats)."""
    from synthlab.generators.scene.render import PyrenderRasterizer

    params = SceneParams.model_validate(
        {
            "classes": {"thing": {"primitive": "box", "count": 0}},
            "surface": {"material": {"color": "#a0a0a0", "texture": texture,
                                     "texture_scale": scale}},
        }
    )  # fmt: skip
    fixtures = _fixtures(params, np.random.default_rng(seed))
    eye = np.array([0.3, 0.2, HEIGHT])
    camera = Camera(intrinsics(W, H, FOV), W, H, look_at_pose(eye, eye * (1, 1, 0)))
    scene = SceneDescription((), fixtures, (), 1.0, camera, np.zeros((H, W, 3), np.uint8), {})
    rasterizer = PyrenderRasterizer()
    try:
        rgb = rasterizer.load(scene).color(shadows=False)
    finally:
        rasterizer.close()
    return rgb.astype(float).mean(axis=2)


def _correlation_at(gray: np.ndarray, shift: int) -> float:
    """Correlation of the image's fine detail (minus a blur of itself, so broad shading
    and large blotches, which correlate at any small shift, do not count) with itself
    moved `shift` pixels along x, and along y, averaged."""
    from scipy import ndimage

    a = gray - ndimage.gaussian_filter(gray, 4)
    pairs = [(a[:, :-shift], a[:, shift:]), (a[:-shift], a[shift:])]
    return float(np.mean([np.corrcoef(p.ravel(), q.ravel())[0, 1] for p, q in pairs]))


def test_field_texture_has_no_period_within_its_extent() -> None:
    shade = field_shade(0).astype(float)
    size = shade.shape[0]
    for shift in (64, 128, 256, 512, 1024):  # no shift reproduces it, even roughly
        same = np.mean(np.abs(shade[:, shift:] - shade[:, :-shift]) < 1)
        assert same < 0.05, shift
    assert size == 2048
    # deterministic, and the variants differ
    assert np.array_equal(field_shade(0), field_shade.__wrapped__(0))
    assert not np.array_equal(field_shade(0), field_shade(1))
    assert field_image(0, (160, 160, 160)) is field_image(0, (160, 160, 160))


def test_rendered_floor_repeats_with_the_tiled_texture_and_not_with_field() -> None:
    period = round(W / (2 * HEIGHT * np.tan(np.radians(FOV / 2))))  # pixels per metre: 14
    tiled = _floor("noise", 1.0)  # the old floor: a 64 px tile, once a metre
    field = _floor("field", 1.0)
    assert _correlation_at(tiled, period) > 0.8  # the test sees tiling where there is
    assert _correlation_at(tiled, 2 * period) > 0.8
    # the field: no shift from half a metre to over four metres repeats its detail
    assert max(abs(_correlation_at(field, s)) for s in range(period // 2, W // 2)) < 0.3
    # the floor is drawn from the sample's stream: equal seeds equal, others differ
    assert np.array_equal(field, _floor("field", 1.0))
    assert any(not np.array_equal(field, _floor("field", 1.0, seed)) for seed in (1, 2, 3))

"""The inverse lens map evaluated in place (with and without tangential terms) and solved by
quadrant gives the same bits as the Brown-Conrady fixed-point iteration written out as
expressions (here, as the module had it), so every distorted image and label is unchanged
by the faster paths."""

from __future__ import annotations

import numpy as np
import pytest

from synthlab.generators.scene import lens as lens_module
from synthlab.generators.scene.lens import make_lens


def _general(xd: np.ndarray, yd: np.ndarray, k: tuple[float, float, float, float]):  # type: ignore[no-untyped-def]
    k1, k2, p1, p2 = k
    x, y = xd.copy(), yd.copy()
    for _ in range(lens_module._ITERATIONS):
        r2 = x * x + y * y
        radial = 1 + k1 * r2 + k2 * r2 * r2
        x = (xd - (2 * p1 * x * y + p2 * (r2 + 2 * x * x))) / radial
        y = (yd - (p1 * (r2 + 2 * y * y) + 2 * p2 * x * y)) / radial
    return x, y


COEFFICIENTS = [
    (-0.2, 0.1, 0.0, 0.0),
    (-0.05, 0.0, 0.0, 0.0),
    (-0.137, 0.0731, 0.0, 0.0),
    (0.08, -0.01, 0.0, 0.0),
    (0.3, 0.0, 0.0, 0.0),
    (-0.2, 0.1, 0.0017, -0.0013),  # tangential terms: the in-place general iteration
    (-0.37, 0.2, -0.002, 0.002),
    (-0.1, 0.0, 0.0, 0.0019),
]


@pytest.mark.parametrize("k", COEFFICIENTS)
def test_the_in_place_iteration_is_the_expressions_bit_for_bit(k) -> None:
    rng = np.random.default_rng(7)
    # a frame's worth of normalised points, exact zeros (and a negative zero) included
    xd = np.concatenate([rng.uniform(-0.8, 0.8, 20_000), [0.0, -0.0, 0.5]])
    yd = np.concatenate([rng.uniform(-0.6, 0.6, 20_000), [-0.0, 0.0, 0.0]])
    for dtype in (np.float64, np.float32):
        a, b = xd.astype(dtype), yd.astype(dtype)
        fast = lens_module._undistort(a, b, k)
        slow = _general(a, b, k)
        assert fast[0].dtype == slow[0].dtype
        assert fast[0].tobytes() == slow[0].tobytes()
        assert fast[1].tobytes() == slow[1].tobytes()


@pytest.mark.parametrize("k", COEFFICIENTS[:4] + COEFFICIENTS[5:])
def test_a_lens_and_its_map_are_unchanged(k, monkeypatch) -> None:
    K = np.array([[420.5, 0.0, 96.0], [0.0, 420.5, 64.0], [0.0, 0.0, 1.0]])
    fast = make_lens(k, K, 192, 128)
    assert fast is not None
    fast_map = fast._map()
    monkeypatch.setattr(lens_module, "_undistort", _general)
    monkeypatch.setattr(type(fast), "_mirrored", lambda self: False)
    slow = make_lens(k, K, 192, 128)
    assert slow is not None
    assert fast.K_out.tobytes() == slow.K_out.tobytes()
    for got, expected in zip(fast_map, slow._map(), strict=True):
        assert got.tobytes() == expected.tobytes()


@pytest.mark.parametrize(("width", "height"), [(192, 128), (161, 121), (64, 47), (33, 50)])
@pytest.mark.parametrize(("k1", "k2"), [(-0.2, 0.1), (-0.137, 0.0731), (0.08, -0.01)])
def test_the_map_solved_by_quadrant_is_the_whole_frames(width, height, k1, k2, monkeypatch):
    K = np.array([[0.9 * width, 0.0, width / 2], [0.0, 0.9 * width, height / 2], [0, 0, 1.0]])
    lens = make_lens((k1, k2, 0.0, 0.0), K, width, height)
    assert lens is not None and lens._mirrored()
    quadrant = lens._map()
    monkeypatch.setattr(type(lens), "_mirrored", lambda self: False)
    lens._source = None
    whole = lens._map()
    assert quadrant[0].shape == whole[0].shape == (height, width)
    for got, expected in zip(quadrant, whole, strict=True):
        assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()


def test_an_off_centre_or_tangential_lens_solves_every_pixel() -> None:
    K = np.array([[100.0, 0.0, 40.0], [0.0, 100.0, 30.0], [0.0, 0.0, 1.0]])
    off_centre = make_lens((-0.1, 0.0, 0.0, 0.0), K, 64, 48)  # centre would be (32, 24)
    tangential = make_lens((-0.1, 0.0, 0.001, 0.0), K, 80, 60)
    assert off_centre is not None and not off_centre._mirrored()
    assert tangential is not None and not tangential._mirrored()

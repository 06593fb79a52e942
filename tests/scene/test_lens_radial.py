"""The radial-only inverse lens map (p1 = p2 = 0) gives the same bits as the general
Brown-Conrady fixed-point iteration, written out here as the module had it, so every
distorted image and label is unchanged by the faster path."""

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


COEFFICIENTS = [(-0.2, 0.1), (-0.05, 0.0), (-0.137, 0.0731), (0.08, -0.01), (0.3, 0.0)]


@pytest.mark.parametrize(("k1", "k2"), COEFFICIENTS)
def test_the_radial_path_is_the_general_iteration_bit_for_bit(k1: float, k2: float) -> None:
    rng = np.random.default_rng(7)
    # a frame's worth of normalised points, exact zeros (and a negative zero) included
    xd = np.concatenate([rng.uniform(-0.8, 0.8, 20_000), [0.0, -0.0, 0.5]])
    yd = np.concatenate([rng.uniform(-0.6, 0.6, 20_000), [-0.0, 0.0, 0.0]])
    for dtype in (np.float64, np.float32):
        a, b = xd.astype(dtype), yd.astype(dtype)
        fast = lens_module._undistort(a, b, (k1, k2, 0.0, 0.0))
        slow = _general(a, b, (k1, k2, 0.0, 0.0))
        assert fast[0].dtype == slow[0].dtype
        assert fast[0].tobytes() == slow[0].tobytes()
        assert fast[1].tobytes() == slow[1].tobytes()


@pytest.mark.parametrize(("k1", "k2"), COEFFICIENTS[:4])
def test_a_lens_and_its_map_are_unchanged(k1: float, k2: float, monkeypatch) -> None:
    K = np.array([[420.5, 0.0, 96.0], [0.0, 420.5, 64.0], [0.0, 0.0, 1.0]])
    fast = make_lens((k1, k2, 0.0, 0.0), K, 192, 128)
    assert fast is not None
    fast_map = fast._map()
    monkeypatch.setattr(
        lens_module, "_undistort_radial", lambda xd, yd, a, b: _general(xd, yd, (a, b, 0, 0))
    )
    slow = make_lens((k1, k2, 0.0, 0.0), K, 192, 128)
    assert slow is not None
    assert fast.K_out.tobytes() == slow.K_out.tobytes()
    for got, expected in zip(fast_map, slow._map(), strict=True):
        assert got.tobytes() == expected.tobytes()


def test_tangential_terms_still_take_the_general_iteration() -> None:
    xd, yd = np.linspace(-0.5, 0.5, 101), np.linspace(0.4, -0.4, 101)
    k = (-0.1, 0.02, 0.001, -0.002)
    got = lens_module._undistort(xd, yd, k)
    expected = _general(xd, yd, k)
    assert got[0].tobytes() == expected[0].tobytes() and got[1].tobytes() == expected[1].tobytes()
    # and they matter: without them the answer differs
    assert lens_module._undistort(xd, yd, (k[0], k[1], 0.0, 0.0))[0].tobytes() != got[0].tobytes()


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

"""A directional light's shadow map fitted to the casters (shadow_fit.py): the map covers
every caster's footprint seen from the light and every mesh's depth, leaves the ground (the
lowest fixtures) out of the footprint, and gives way to pyrender's map where the fit does
not apply."""

from __future__ import annotations

import math

import numpy as np
import pytest

from synthlab.generators.scene.camera import look_at_pose
from synthlab.generators.scene.shadow_fit import (
    DIRECTIONAL_MAP_SIZE,
    MARGIN_TEXELS,
    fitted_directional_view,
)


def _box(low: tuple[float, float, float], high: tuple[float, float, float]) -> np.ndarray:
    return np.array([[x, y, z] for x in (low[0], high[0]) for y in (low[1], high[1])
                     for z in (low[2], high[2])], float)  # fmt: skip


FLOOR = _box((-20, -20, -0.05), (20, 20, 0.0))
TAPE = _box((-3, -0.05, 0.0), (3, 0.05, 0.002))  # a lane line lying on the floor
CRATE = _box((-0.5, -0.5, 0.0), (0.5, 0.5, 1.0))
RACK = _box((2.0, 1.0, 0.0), (4.7, 2.0, 3.0))


def _sun(elevation_deg: float, azimuth_deg: float) -> np.ndarray:
    e, a = math.radians(elevation_deg), math.radians(azimuth_deg)
    towards_sun = np.array([math.cos(e) * math.cos(a), math.cos(e) * math.sin(a), math.sin(e)])
    return look_at_pose(towards_sun * 10, np.zeros(3))


def _clip(view: np.ndarray, projection: np.ndarray, points: np.ndarray) -> np.ndarray:
    homogeneous = np.c_[points, np.ones(len(points))]
    return (homogeneous @ (projection @ view).T)[:, :3]


@pytest.mark.parametrize(("elevation", "azimuth"), [(70, 30), (35, 200), (12, 300), (89, 0)])
def test_the_map_covers_every_caster_and_every_depth(elevation, azimuth):
    pose = _sun(elevation, azimuth)
    fitted = fitted_directional_view(pose, [FLOOR, TAPE, CRATE, RACK], [True, True, False, False])
    assert fitted is not None
    view, projection = fitted
    for caster in (CRATE, RACK):
        xy = _clip(view, projection, caster)[:, :2]
        assert np.all(np.abs(xy) <= 1.0 - 2 * MARGIN_TEXELS / DIRECTIONAL_MAP_SIZE + 1e-9)
    depth = _clip(view, projection, np.concatenate([FLOOR, TAPE, CRATE, RACK]))[:, 2]
    assert np.all(np.abs(depth) < 1.0)  # receivers too: none beyond the far plane
    # a world point and its shadow's cast along the light share the map's x and y
    direction = -pose[:3, 2]
    top = np.array([[0.5, 0.5, 1.0]])
    on_floor = top + direction * (1.0 / -direction[2])
    a, b = _clip(view, projection, top), _clip(view, projection, on_floor)
    assert np.allclose(a[:, :2], b[:, :2]) and b[0, 2] > a[0, 2]  # farther from the light


def test_the_ground_and_marks_on_it_are_left_out_of_the_footprint():
    pose = _sun(60, 45)
    fitted = fitted_directional_view(pose, [FLOOR, TAPE, CRATE], [True, True, False])
    assert fitted is not None
    view, projection = fitted
    xy = _clip(view, projection, FLOOR)[:, :2]
    assert np.abs(xy).max() > 10  # the 40 m floor reaches far outside the map
    texel_metres = 2.0 / projection[0, 0] / DIRECTIONAL_MAP_SIZE
    assert texel_metres < 0.005  # a crate's footprint over the map: millimetres


def test_only_fixtures_can_be_ground():
    # a flat labelled thing on the floor still casts, and with no fixtures named (a scene
    # not built by render.py) nothing is ground: the map covers the floor too
    mat = _box((-0.3, -0.3, 0.0), (0.3, 0.3, 0.005))
    fitted = fitted_directional_view(_sun(60, 45), [FLOOR, mat], [True, False])
    assert fitted is not None
    xy = _clip(*fitted, mat)[:, :2]
    assert np.abs(xy).max() < 1.0
    fitted = fitted_directional_view(_sun(60, 45), [FLOOR, CRATE], [False, False])
    assert fitted is not None
    assert np.abs(_clip(*fitted, FLOOR)[:, :2]).max() < 1.0


def test_pyrender_map_kept_where_the_fit_does_not_apply():
    below = look_at_pose(np.array([0.0, 0.0, -10.0]), np.zeros(3))
    level = look_at_pose(np.array([10.0, 0.0, 0.0]), np.zeros(3))
    assert fitted_directional_view(below, [FLOOR, CRATE], [True, False]) is None
    assert fitted_directional_view(level, [FLOOR, CRATE], [True, False]) is None
    # nothing stands above the ground
    assert fitted_directional_view(_sun(60, 0), [FLOOR, TAPE], [True, True]) is None
    assert fitted_directional_view(_sun(60, 0), [], []) is None


def test_the_same_scene_gives_the_same_matrices():
    pose = _sun(45, 120)
    fixtures = [True, False, False]
    first = fitted_directional_view(pose, [FLOOR, CRATE, RACK], fixtures)
    again = fitted_directional_view(
        pose.copy(), [FLOOR.copy(), CRATE.copy(), RACK.copy()], list(fixtures)
    )
    assert first is not None and again is not None
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))

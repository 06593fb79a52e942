"""The colour pass's own shader against geometry worked out in the test: shadows fall where
a ray towards the light meets the box, spot lights light their cone and not beyond, and
the label pass does not change with the colour settings."""

from __future__ import annotations

import math

import numpy as np
import pytest
import trimesh

from synthlab.generators.scene.assets import build_primitive
from synthlab.generators.scene.camera import Camera, intrinsics, look_at_pose
from synthlab.generators.scene.layout import PlacedObject, SceneDescription
from synthlab.generators.scene.lights import Light
from synthlab.generators.scene.materials import Material

pytestmark = pytest.mark.scene

W, H = 160, 120
GREY = Material((180, 180, 180), 0.0, 0.9, "none", 1.0)


def _ground(size: float = 20.0) -> PlacedObject:
    slab = trimesh.creation.box(
        extents=(size, size, 0.05),
        transform=trimesh.transformations.translation_matrix((0, 0, -0.025)),
    )
    return PlacedObject(0, None, ((slab, GREY),), np.eye(4))


def _cube() -> PlacedObject:
    shape = build_primitive("box")
    pose = trimesh.transformations.translation_matrix((0.0, 0.0, 0.001))
    return PlacedObject(1, "cube", ((shape.parts[0].mesh, GREY),), pose, (), shape.local_bounds)


def _light(kind: str, position: np.ndarray, target: np.ndarray, intensity: float) -> Light:
    return Light(kind, intensity, (1.0, 1.0, 1.0), look_at_pose(position, target), 30.0, {})


def _scene(
    lights: tuple[Light, ...],
    objects: tuple[PlacedObject, ...],
    eye: tuple[float, float, float] = (0.0, -7.0, 6.0),
    target: tuple[float, float, float] = (0.0, 1.0, 0.0),
    ground: float = 20.0,
) -> SceneDescription:
    camera = Camera(intrinsics(W, H, 60.0), W, H, look_at_pose(np.array(eye), np.array(target)))
    background = np.zeros((H, W, 3), np.uint8)
    return SceneDescription(objects, (_ground(ground),), lights, 0.05, camera, background, {})


def _ground_points(scene: SceneDescription, depth: np.ndarray) -> np.ndarray:
    """World position of every pixel's centre, from the label pass's depth."""
    K = scene.camera.K
    cols, rows = np.meshgrid(np.arange(W) + 0.5, np.arange(H) + 0.5)
    rays = np.stack([(cols - K[0, 2]) / K[0, 0], (rows - K[1, 2]) / K[1, 1], np.ones_like(cols)])
    camera_points = rays * depth
    camera_to_world = np.linalg.inv(scene.camera.world_to_camera)
    world = np.tensordot(camera_to_world[:3, :3], camera_points, axes=1)
    return np.moveaxis(world, 0, -1) + camera_to_world[:3, 3]


def _blocked(points: np.ndarray, towards: np.ndarray) -> np.ndarray:
    """Whether the ray from each point along `towards` passes through the unit cube
    standing on the ground at the origin (slab test)."""
    low, high = np.array([-0.5, -0.5, 0.0]), np.array([0.5, 0.5, 1.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (low - points) / towards
        b = (high - points) / towards
    enter = np.minimum(a, b).max(axis=-1)
    leave = np.maximum(a, b).min(axis=-1)
    return (leave >= np.maximum(enter, 0.0)) & (leave > 0)


def _render(scene: SceneDescription, shadows: bool):
    from synthlab.generators.scene.render import PyrenderRasterizer

    rasterizer = PyrenderRasterizer()
    try:
        loaded = rasterizer.load(scene)
        labels = loaded.labels()
        return labels, loaded.color(shadows).astype(float).mean(axis=-1)
    finally:
        rasterizer.close()


def test_directional_shadow_falls_where_the_box_blocks_the_sun():
    sun_from = np.array([math.cos(0.6), 0.0, math.sin(0.6)])  # low sun from +x
    scene = _scene((_light("directional", sun_from * 10, np.zeros(3), 3.0),), (_cube(),))
    labels, shaded = _render(scene, shadows=True)
    _, unshaded = _render(scene, shadows=False)
    points = _ground_points(scene, labels.depth)
    ground = (labels.instance == 0) & (labels.depth > 0)
    blocked = _blocked(points, sun_from)
    # keep away from the shadow's soft edge: the neighbours must agree
    near = np.zeros_like(blocked)
    for dr in (-2, 0, 2):
        for dc in (-2, 0, 2):
            near |= np.roll(np.roll(blocked, dr, 0), dc, 1) != blocked
    in_shadow = ground & blocked & ~near
    lit = ground & ~blocked & ~near
    assert in_shadow.sum() > 50 and lit.sum() > 1000
    # in the shadow only the ambient fill is left; without shadow maps the ground is lit
    assert shaded[in_shadow].mean() < 0.5 * unshaded[in_shadow].mean()
    # outside it, shadows change nothing
    assert np.abs(shaded[lit] - unshaded[lit]).max() <= 1.0


def test_a_thin_thing_just_above_the_floor_casts_its_shadow():
    # A bar 10 cm wide and 2 cm thick, 5 cm above a 40 m floor (a forklift's fork, a
    # pallet's deck board), a sun 30 degrees up: the floor beside it, under its shadow, must
    # darken. A map over the whole floor (pyrender's: 5.5 cm a texel, a depth bias of 11 cm)
    # lit it all, bar or not; the map fitted to the casters has millimetre texels and a
    # bias of about a centimetre.
    sun_from = np.array([math.cos(math.pi / 6), 0.0, math.sin(math.pi / 6)])  # from +x
    bar = trimesh.creation.box(extents=(0.1, 1.0, 0.02))
    pose = trimesh.transformations.translation_matrix((0.0, 0.0, 0.06))
    raised = PlacedObject(1, "bar", ((bar, GREY),), pose, (), bar.bounds)
    scene = _scene(
        (_light("directional", sun_from * 10, np.zeros(3), 3.0),),
        (raised,),
        eye=(-1.0, -0.3, 1.5),
        target=(-0.1, 0.0, 0.0),
        ground=40.0,
    )
    labels, shaded = _render(scene, shadows=True)
    _, unshaded = _render(scene, shadows=False)
    points = _ground_points(scene, labels.depth)
    ground = (labels.instance == 0) & (labels.depth > 0) & (np.abs(points[..., 2]) < 1e-3)
    # where the ray towards the sun crosses the bar's underside 1 cm or more inside its edges
    under = points + sun_from * (0.05 / sun_from[2])
    shadow = ground & (np.abs(under[..., 0]) < 0.04) & (np.abs(under[..., 1]) < 0.45)
    assert shadow.sum() > 150
    assert (shaded[shadow] < 0.6 * unshaded[shadow]).all()


def test_spot_light_lights_its_cone_and_not_beyond():
    above = np.array([0.0, 1.0, 6.0])
    target = np.array([0.0, 1.0, 0.0])
    scene = _scene((_light("spot", above, target, 2.0),), ())
    labels, shaded = _render(scene, shadows=True)
    points = _ground_points(scene, labels.depth)
    ground = labels.depth > 0
    # angle between the spot's axis (straight down) and the way to each ground point
    to_point = points - above
    cosine = -to_point[..., 2] / np.linalg.norm(to_point, axis=-1)
    angle = np.degrees(np.arccos(np.clip(cosine, -1, 1)))
    inside = ground & (angle < 0.7 * 30.0 - 2)  # full strength inside the inner cone
    outside = ground & (angle > 30.0 + 2)
    assert inside.sum() > 200 and outside.sum() > 200
    assert shaded[inside].min() > shaded[outside].max() + 20


def test_point_light_falls_off_with_distance():
    above = np.array([0.0, 1.0, 2.0])
    scene = _scene((_light("point", above, np.array([0.0, 1.0, 0.0]), 1.0),), ())
    labels, shaded = _render(scene, shadows=False)
    points = _ground_points(scene, labels.depth)
    distance = np.linalg.norm(points - above, axis=-1)
    ground = labels.depth > 0
    near, far = ground & (distance < 2.5), ground & (distance > 6.0)
    assert near.sum() > 50 and far.sum() > 50
    assert shaded[near].mean() > shaded[far].mean() + 30


def test_labels_do_not_depend_on_the_colour_settings():
    sun = _light("directional", np.array([3.0, -2.0, 5.0]), np.zeros(3), 3.0)
    with_shadows, _ = _render(_scene((sun,), (_cube(),)), shadows=True)
    without, _ = _render(_scene((sun,), (_cube(),)), shadows=False)
    assert np.array_equal(with_shadows.instance, without.instance)
    assert np.array_equal(with_shadows.depth, without.depth)


def test_flat_background_cleared_matches_background_composited():
    import dataclasses

    sun = _light("directional", np.array([3.0, -2.0, 5.0]), np.zeros(3), 3.0)
    flat = (40, 90, 160)
    background = np.broadcast_to(np.array(flat, np.uint8), (H, W, 3))
    base = dataclasses.replace(_scene((sun,), (_cube(),)), background=background)
    _, composited = _render(base, shadows=False)
    _, cleared = _render(dataclasses.replace(base, background_color=flat), shadows=False)
    sky = composited == np.mean(flat)
    assert sky.sum() > 100  # the camera sees past the ground
    # the same up to rounding where an edge pixel mixes object and background
    assert np.abs(composited - cleared).max() <= 2
    assert np.array_equal(composited[sky], cleared[sky])

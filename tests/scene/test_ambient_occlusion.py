"""Ambient occlusion (ambient_occlusion.py) on a box standing on a floor, drawn by the real
renderer: the floor darkens towards the box's foot and nowhere else, open floor and empty
pixels keep exactly 1 (their shading does not change), the map is the same bytes for the
same depth, and only the colour pass's ambient term reads it (labels never move)."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from synthlab.generators.scene.ambient_occlusion import SCALE, ambient_occlusion
from synthlab.generators.scene.assets import build_primitive
from synthlab.generators.scene.camera import Camera, intrinsics, look_at_pose
from synthlab.generators.scene.layout import PlacedObject, SceneDescription
from synthlab.generators.scene.lights import Light
from synthlab.generators.scene.materials import Material

pytestmark = pytest.mark.scene

W, H = 320, 240
GREY = Material((180, 180, 180), 0.0, 0.9, "none", 1.0)


def _scene(with_box: bool) -> SceneDescription:
    slab = trimesh.creation.box(
        extents=(20, 20, 0.05), transform=trimesh.transformations.translation_matrix((0, 0, -0.025))
    )
    floor = PlacedObject(0, None, ((slab, GREY),), np.eye(4))
    shape = build_primitive("box")  # a 1 m cube standing on the floor at the origin
    pose = trimesh.transformations.translation_matrix((0.0, 0.0, 0.001))
    box = PlacedObject(1, "box", ((shape.parts[0].mesh, GREY),), pose, (), shape.local_bounds)
    eye, target = np.array([-2.5, -2.0, 1.5]), np.array([-0.5, 0.0, 0.2])
    camera = Camera(intrinsics(W, H, 60.0), W, H, look_at_pose(eye, target))
    sun = Light("directional", 2.0, (1.0, 1.0, 1.0), look_at_pose(np.array([3.0, -2.0, 5.0]),
                np.zeros(3)), 30.0, {})  # fmt: skip
    objects = (box,) if with_box else ()
    background = np.zeros((H, W, 3), np.uint8)
    return SceneDescription(objects, (floor,), (sun,), 0.4, camera, background, {})


def _render(scene: SceneDescription, occlusion: bool):  # type: ignore[no-untyped-def]
    from synthlab.generators.scene.render import PyrenderRasterizer

    rasterizer = PyrenderRasterizer()
    try:
        loaded = rasterizer.load(scene)
        labels = loaded.labels()
        assert labels.depth is not None
        sky = ambient_occlusion(labels.depth, scene.camera.K) if occlusion else None
        return labels, sky, loaded.color(False, sky).astype(int)
    finally:
        rasterizer.close()


def _floor_distance(scene: SceneDescription, depth: np.ndarray) -> np.ndarray:
    """Per pixel of the map, how far the floor point seen there lies from the box's -x
    face (inf off the floor's strip in front of that face)."""
    K = scene.camera.K
    rows, cols = depth[SCALE // 2 :: SCALE, SCALE // 2 :: SCALE].shape
    u = np.arange(cols) * SCALE + SCALE // 2 + 0.5
    v = np.arange(rows) * SCALE + SCALE // 2 + 0.5
    z = depth[SCALE // 2 :: SCALE, SCALE // 2 :: SCALE]
    across, down = (u[None] - K[0, 2]) / K[0, 0], (v[:, None] - K[1, 2]) / K[1, 1]
    rays = np.stack(np.broadcast_arrays(across, down, np.ones((rows, cols))))
    to_world = np.linalg.inv(scene.camera.world_to_camera)
    world = np.tensordot(to_world[:3, :3], rays * z, axes=1) + to_world[:3, 3, None, None]
    x, y, height = world
    strip = (z > 0) & (np.abs(height) < 1e-3) & (np.abs(y) < 0.3) & (x < -0.5)
    return np.where(strip, -0.5 - x, np.inf)


def test_the_floor_darkens_towards_the_foot_of_the_box_and_nowhere_else():
    scene = _scene(with_box=True)
    labels, sky, _ = _render(scene, occlusion=True)
    assert sky.shape == (H // SCALE, W // SCALE) and sky.dtype == np.float32
    distance = _floor_distance(scene, labels.depth)
    foot, near = distance < 0.1, (distance > 0.2) & (distance < 0.35)
    open_floor = (distance > 0.6) & np.isfinite(distance)
    assert foot.sum() > 5 and near.sum() > 5 and open_floor.sum() > 100
    # about 0.65 at the foot (the sky a wall leaves there is near 0.5), more further out
    assert sky[foot].mean() < 0.7 and sky[foot].max() < sky[near].min()
    assert np.all(sky[open_floor] == 1.0)
    again = ambient_occlusion(labels.depth.copy(), scene.camera.K)
    assert again.tobytes() == sky.tobytes()


def test_an_empty_floor_and_empty_pixels_keep_all_their_ambient_light():
    scene = _scene(with_box=False)
    labels, sky, _ = _render(scene, occlusion=True)
    assert (labels.depth == 0).any()  # the sky above the horizon
    assert np.all(sky == 1.0)


def test_only_the_colour_changes_and_only_near_the_box():
    scene = _scene(with_box=True)
    labels_on, sky, image_on = _render(scene, occlusion=True)
    labels_off, _, image_off = _render(scene, occlusion=False)
    assert np.array_equal(labels_on.instance, labels_off.instance)
    assert np.array_equal(labels_on.depth, labels_off.depth)
    full = np.kron(sky, np.ones((SCALE, SCALE)))  # the map's pixels at the image's size
    darker = (image_on < image_off).any(axis=-1)
    assert darker.any()
    # where the map is 1 over a whole neighbourhood, not a level changes
    untouched = np.ones_like(full, dtype=bool)
    for dr in range(-SCALE, SCALE + 1, SCALE):
        for dc in range(-SCALE, SCALE + 1, SCALE):
            untouched &= np.roll(np.roll(full, dr, 0), dc, 1) == 1.0
    assert untouched.sum() > W * H // 2
    assert np.array_equal(image_on[untouched], image_off[untouched])
    assert (image_on <= image_off).all()  # occlusion only ever takes light away


RECIPE = """
version: 1
name: occlusion-switch
seed: 5
count: 2
generator:
  kind: scene
  params:
    classes:
      crate: {{asset: crate, count: 3}}
      person: {{asset: human, count: 1}}
    ambient_occlusion: {switch}
    camera: {{resolution: [128, 96], distance: {{uniform: [5, 7]}}}}
output:
  formats: [image]
"""


@pytest.mark.parametrize("seed", [5, 6])
def test_the_recipe_switch_changes_images_and_never_labels(tmp_path, seed):
    from synthlab.generators.base import GeneratorContext, SamplePlan
    from synthlab.generators.scene import SPEC
    from synthlab.recipe import load_recipe
    from synthlab.seeding import sample_rng

    samples = {}
    for switch in ("true", "false"):
        path = tmp_path / f"{switch}.yaml"
        path.write_text(RECIPE.format(switch=switch), encoding="utf-8")
        recipe = load_recipe(path)
        generator = SPEC.create()
        generator.setup(recipe.generator.params, GeneratorContext(tmp_path, seed, 2))
        try:
            samples[switch] = [
                generator.generate(i, sample_rng(seed, i), SamplePlan(i)) for i in range(2)
            ]
        finally:
            generator.close()
    for on, off in zip(samples["true"], samples["false"], strict=True):
        assert np.array_equal(on.instance_mask, off.instance_mask)
        assert np.array_equal(on.depth, off.depth)
        assert [o.bbox for o in on.objects] == [o.bbox for o in off.objects]
        assert not np.array_equal(on.image, off.image)
        assert (on.image.astype(int) <= off.image.astype(int)).all()

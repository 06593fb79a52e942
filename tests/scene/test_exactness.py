"""Labels against geometry computed independently in the test (known pose, known K)."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from synthlab.generators.scene.assets import build_primitive
from synthlab.generators.scene.camera import Camera, intrinsics, look_at_pose
from synthlab.generators.scene.labels import compute_labels
from synthlab.generators.scene.layout import PlacedObject, SceneDescription
from synthlab.generators.scene.materials import Material

pytestmark = pytest.mark.scene

W, H = 64, 48
EYE = np.array([0.0, -5.0, 0.5])


def _box(instance_id: int, at: tuple[float, float, float], size=(1.0, 1.0, 1.0)) -> PlacedObject:
    shape = build_primitive("box", size)
    parts = ((shape.parts[0].mesh, Material((200, 60, 60), 0.0, 0.6, "none", 1.0)),)
    pose = trimesh.transformations.translation_matrix(at)
    category = "cube" if instance_id else None
    return PlacedObject(instance_id, category, parts, pose, shape.keypoints, shape.local_bounds)


def _scene(objects: list[PlacedObject]) -> SceneDescription:
    camera = Camera(intrinsics(W, H, 40.0), W, H, look_at_pose(EYE, np.array([0.0, 0.0, 0.5])))
    background = np.zeros((H, W, 3), np.uint8)
    return SceneDescription(tuple(objects), (), (), 0.5, camera, background, {})


def _project_independently(points: np.ndarray, K: np.ndarray) -> np.ndarray:
    # camera at EYE looking along +y, z up: OpenCV axes are x=(1,0,0), y=(0,0,-1), z=(0,1,0)
    rotation = np.array([[1.0, 0, 0], [0, 0, -1.0], [0, 1.0, 0]])
    cam = (points - EYE) @ rotation.T
    return np.stack(
        [K[0, 0] * cam[:, 0] / cam[:, 2] + K[0, 2], K[1, 1] * cam[:, 1] / cam[:, 2] + K[1, 2]],
        axis=1,
    )


def _labels(objects):
    from synthlab.generators.scene.render import PyrenderRasterizer

    scene = _scene(objects)
    rasterizer = PyrenderRasterizer()
    try:
        loaded = rasterizer.load(scene)
        return scene, compute_labels(scene, loaded, loaded.labels(), ("cube",), True)
    finally:
        rasterizer.close()


def test_unit_cube_box_matches_projected_corners_within_one_pixel():
    _scene, frame = _labels([_box(1, (0.0, 0.0, 0.0))])
    corners = np.array([[x, y, z] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (0.0, 1.0)])
    uv = _project_independently(corners, _scene.camera.K)
    (label,) = frame.objects
    x, y, w, h = label.bbox
    assert abs(x - uv[:, 0].min()) <= 1 and abs(x + w - uv[:, 0].max()) <= 1
    assert abs(y - uv[:, 1].min()) <= 1 and abs(y + h - uv[:, 1].max()) <= 1
    # the amodal box is the exact projection of the mesh
    ax, ay, _aw, ah = label.amodal_bbox
    assert ax == pytest.approx(uv[:, 0].min(), abs=1e-6)
    assert ay + ah == pytest.approx(uv[:, 1].max(), abs=1e-6)
    assert label.visible_fraction == 1.0
    assert label.truncation == 0.0


def test_box_is_tight_bound_of_mask_and_depth_matches_geometry(mask_box):
    _scene, frame = _labels([_box(1, (0.0, 0.0, 0.0))])
    (label,) = frame.objects
    mask = frame.instance_mask == 1
    assert label.bbox == mask_box(mask)
    # the camera sits at the cube's mid-height, so it sees only the front face, 4.5 m away
    assert np.allclose(frame.depth[mask], 4.5, atol=2e-3)
    assert np.all(frame.depth[~mask] == 0)  # nothing else in this scene


def test_keypoints_project_where_the_geometry_says():
    _scene, frame = _labels([_box(1, (0.0, 0.0, 0.0))])
    (label,) = frame.objects
    top, bottom = label.keypoints
    uv = _project_independently(np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]), _scene.camera.K)
    assert (top.x, top.y) == pytest.approx(tuple(uv[0]), abs=1e-6)
    assert (bottom.x, bottom.y) == pytest.approx(tuple(uv[1]), abs=1e-6)
    # both lie inside the cube's silhouette edge but on hidden faces' centres' lines
    assert top.visibility in (1, 2) and bottom.visibility in (1, 2)


def test_half_hidden_cube_has_visible_fraction_about_half():
    # a wall between camera and cube covering x < 0 hides the left half of the projection
    wall = _box(0, (-1.5, -2.0, -1.0), size=(3.0, 0.1, 3.0))
    _scene, frame = _labels([_box(1, (0.0, 0.0, 0.0)), wall])
    (label,) = frame.objects
    assert label.visible_fraction == pytest.approx(0.5, abs=0.08)
    assert label.attributes["unoccluded_pixels"] > label.attributes["visible_pixels"]
    # the visible box is still the tight bound of what is seen
    _rows, cols = np.nonzero(frame.instance_mask == 1)
    assert label.bbox[0] == cols.min() and label.bbox[0] + label.bbox[2] == cols.max() + 1


def test_two_cubes_masks_never_overlap_and_nearer_wins():
    near = _box(1, (0.2, -1.5, 0.0))
    far = _box(2, (0.0, 0.5, 0.0))
    _scene, frame = _labels([near, far])
    labels = {o.instance_id: o for o in frame.objects}
    assert labels[1].visible_fraction == 1.0
    assert labels[2].visible_fraction < 1.0
    # one id per pixel by construction; counts add up to the labeled pixels
    total = sum(o.attributes["visible_pixels"] for o in frame.objects)
    assert total == int(np.count_nonzero(frame.instance_mask))


def test_shared_scissored_solo_passes_count_what_separate_full_passes_count():
    from synthlab.generators.scene.labels import _to_camera
    from synthlab.generators.scene.render import PyrenderRasterizer

    # a row of cubes: neighbours' boxes touch (separate passes), every other one's do not
    cubes = [_box(i + 1, (-2.4 + 1.2 * i, 0.3 * (i % 2), 0.0), (0.9, 0.9, 0.9)) for i in range(5)]
    scene = _scene(cubes)
    rasterizer = PyrenderRasterizer()
    try:
        loaded = rasterizer.load(scene)
        boxes = {}
        for position, placed in enumerate(scene.objects):
            uv = project_points(scene, _to_camera(scene.camera.world_to_camera, placed).points)
            boxes[position] = (uv[:, 0].min(), uv[:, 1].min(), uv[:, 0].max(), uv[:, 1].max())
        shared = loaded.solo_counts(boxes)
        alone = {p: loaded.solo_counts({p: None})[p] for p in boxes}  # one full frame each
    finally:
        rasterizer.close()
    assert shared == alone
    assert all(count > 0 for count in alone.values())


def project_points(scene: SceneDescription, points: np.ndarray) -> np.ndarray:
    from synthlab.generators.scene.camera import project

    return project(scene.camera.K, points)

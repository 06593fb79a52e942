"""The project's warehouse and street assets: exact labels from the id pass (boxes tight
to masks, the mask inside the mesh's projection, keypoints where the geometry is), their
size budget, and their per-part finishes."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from synthlab.generators.scene.assets import build_asset
from synthlab.generators.scene.camera import Camera, intrinsics, look_at_pose, project
from synthlab.generators.scene.labels import compute_labels
from synthlab.generators.scene.layout import PlacedObject, SceneDescription, _scaled
from synthlab.generators.scene.materials import Material

pytestmark = pytest.mark.scene

NEW_ASSETS = (
    "forklift",
    "racking",
    "racking_loaded",
    "box_stack",
    "wrapped_pallet",
    "car",
    "bicycle",
    "sign",
)
W, H = 256, 192  # fine enough that a pixel spans about a centimetre of a keypoint's surface


def _placed(name: str, yaw: float) -> PlacedObject:
    shape = build_asset(name)
    parts, keypoints, bounds = _scaled(shape, 1.0, Material((90, 120, 200), 0.0, 0.6, "none", 1.0))
    pose = trimesh.transformations.rotation_matrix(yaw, (0, 0, 1))
    return PlacedObject(1, name, parts, pose, keypoints, bounds)


def _render(placed: PlacedObject, eye: np.ndarray):
    from synthlab.generators.scene.render import PyrenderRasterizer

    centre = placed.world_vertices().mean(axis=0)
    camera = Camera(intrinsics(W, H, 50.0), W, H, look_at_pose(eye, centre))
    scene = SceneDescription((placed,), (), (), 0.5, camera, np.zeros((H, W, 3), np.uint8), {})
    rasterizer = PyrenderRasterizer()
    try:
        loaded = rasterizer.load(scene)
        return scene, compute_labels(scene, loaded, loaded.labels(), (placed.category,), True)
    finally:
        rasterizer.close()


@pytest.mark.parametrize("name", NEW_ASSETS)
def test_new_asset_labels_are_exact(name: str) -> None:
    placed = _placed(name, yaw=0.6)
    size = float(np.ptp(placed.world_vertices(), axis=0).max())
    seen = 0  # keypoints seen over both views: they sit on surfaces a camera can see
    for eye in ([-0.9, -2.2, 1.2], [1.5, 1.8, 1.0]):  # front-left and rear-right
        seen += _check_view(placed, np.array(eye) * size)
    assert seen >= 1


def _check_view(placed: PlacedObject, eye: np.ndarray) -> int:
    scene, frame = _render(placed, eye)
    (label,) = frame.objects
    mask = frame.instance_mask == 1
    rows, cols = np.nonzero(mask)
    assert rows.size > 200  # the asset fills a good part of the frame
    # the visible box is the tight bound of the id buffer's pixels
    assert label.bbox == (
        cols.min(),
        rows.min(),
        cols.max() + 1 - cols.min(),
        rows.max() + 1 - rows.min(),
    )
    # every labelled pixel lies within the projection of the mesh's own vertices
    world_to_camera = scene.camera.world_to_camera
    points = placed.world_vertices() @ world_to_camera[:3, :3].T + world_to_camera[:3, 3]
    uv = project(scene.camera.K, points)
    assert cols.min() >= np.floor(uv[:, 0].min()) and cols.max() + 1 <= np.ceil(uv[:, 0].max())
    assert rows.min() >= np.floor(uv[:, 1].min()) and rows.max() + 1 <= np.ceil(uv[:, 1].max())
    # the amodal box holds the centre of every labelled pixel (a pixel is labelled by the
    # surface under its centre)
    ax, ay, aw, ah = label.amodal_bbox
    assert ax <= cols.min() + 0.5 and ax + aw >= cols.max() + 0.5
    assert ay <= rows.min() + 0.5 and ay + ah >= rows.max() + 0.5
    # keypoints: projected where the geometry says; the visible ones on the object's mask
    names = [k.name for k in label.keypoints]
    assert names == [k.name for k in placed.keypoints]
    object_to_camera = world_to_camera @ placed.pose
    for point, found in zip(placed.keypoints, label.keypoints, strict=True):
        xyz = object_to_camera[:3, :3] @ np.asarray(point.position) + object_to_camera[:3, 3]
        u, v = project(scene.camera.K, xyz[None])[0]
        assert (found.x, found.y) == pytest.approx((u, v), abs=1e-6)
        if found.visibility == 2:
            assert mask[int(np.floor(v)), int(np.floor(u))]
    return sum(k.visibility == 2 for k in label.keypoints)


@pytest.mark.parametrize("name", NEW_ASSETS)
def test_new_assets_stay_small_and_rest_on_the_ground(name: str) -> None:
    shape = build_asset(name)
    triangles = sum(len(p.mesh.faces) for p in shape.parts)
    assert 100 < triangles < 5000
    assert shape.local_bounds[0][2] == pytest.approx(0.0, abs=1e-9)
    # built the same way every time (assets are shared by every image of a run)
    again = build_asset(name)
    for a, b in zip(shape.parts, again.parts, strict=True):
        assert np.array_equal(a.mesh.vertices, b.mesh.vertices)


def test_parts_carry_their_own_finish() -> None:
    """Forks and racking decks are metal, windows smooth and dark, tyres rough."""
    parts, _, _ = _scaled(build_asset("car"), 1.0, Material((200, 0, 0), 0.3, 0.5, "none", 1.0))
    finishes = {(m.color, m.metallic, m.roughness) for _, m in parts}
    assert ((28, 34, 42), 0.0, 0.05) in finishes  # glass
    assert ((20, 20, 22), 0.0, 0.95) in finishes  # tyres
    assert ((200, 0, 0), 0.3, 0.5) in finishes  # the body takes the class material
    forklift = build_asset("forklift")
    assert max(p.metallic for p in forklift.parts) >= 0.9
    assert any(p.color is None for p in forklift.parts)

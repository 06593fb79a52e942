"""Labels computed from what was placed and the exact label pass, never guessed from pixels.

* visible box: tight bound of the object's pixels in the instance mask (pixel edges);
* amodal box: bound of the whole mesh projected through the camera, not clipped;
* visible fraction: visible pixels / pixels the object covers when drawn alone. The solo
  pass is skipped when no other object's projection can overlap this one's: then nothing
  can hide it and the two counts are equal by construction;
* truncation: share of the amodal box that lies outside the image;
* occluders (attribute, objects something hides): [[instance id, pixels], ...] of what
  shows where the object would be seen alone (0: unlabeled things), from the same solo
  pass, pinhole; `pose` (attribute, people): the named pose they were built in;
* keypoints: projected; 2 = the object itself is seen at that pixel at that depth (within
  the keypoint's own depth under the surface, plus 1 cm), 1 = in the image but hidden,
  0 = outside the image or behind the camera (COCO's convention).

With a lens (`synthlab.generators.scene.lens`) the label pass is resampled into the
distorted image with nearest neighbour, and every label is taken in that image: visible
boxes are tight bounds of the warped mask, keypoints, amodal boxes and 3D box corners go
through the forward distortion model, and visibility is read from the warped mask and
depth. Visible fraction stays the pinhole count's ratio: a lens moves pixels, it hides
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synthlab.generators.scene.camera import project
from synthlab.generators.scene.layout import PlacedObject, SceneDescription
from synthlab.samples.image import Keypoint, ObjectLabel, tight_box

if TYPE_CHECKING:  # the renderer imports OpenGL; labels need only its two result types
    from synthlab.generators.scene.lens import Lens
    from synthlab.generators.scene.render import LabelPass, LoadedScene

__all__ = ["FrameLabels", "compute_labels"]

KEYPOINT_SLACK = 0.01  # metres


@dataclass(frozen=True, eq=False)
class FrameLabels:
    objects: tuple[ObjectLabel, ...]
    instance_mask: np.ndarray
    semantic_mask: np.ndarray
    depth: np.ndarray
    solo_passes: int  # objects that needed a solo silhouette (they share draw passes)


@dataclass
class _Projected:
    points: np.ndarray  # Nx3 camera frame
    box: tuple[float, float, float, float] | None  # x0 y0 x1 y1 of projected vertices
    near: float
    far: float


def _to_camera(world_to_camera: np.ndarray, placed: PlacedObject) -> _Projected:
    points = placed.world_vertices() @ world_to_camera[:3, :3].T + world_to_camera[:3, 3]
    near, far = float(points[:, 2].min()), float(points[:, 2].max())
    return _Projected(points, None, near, far)


def _overlaps(a: tuple[float, ...] | None, b: tuple[float, ...] | None) -> bool:
    if a is None or b is None:
        return True  # unknown extent (behind the camera): assume it may
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _truncation(box: tuple[float, float, float, float], width: int, height: int) -> float:
    x0, y0, x1, y1 = box
    area = max(x1 - x0, 1e-12) * max(y1 - y0, 1e-12)
    inside = max(0.0, min(x1, width) - max(x0, 0)) * max(0.0, min(y1, height) - max(y0, 0))
    return float(min(max(1.0 - inside / area, 0.0), 1.0))


def _keypoints(
    placed: PlacedObject,
    object_to_camera: np.ndarray,
    K: np.ndarray,
    instance: np.ndarray,
    depth: np.ndarray,
    lens: Lens | None,
) -> tuple[Keypoint, ...]:
    height, width = instance.shape
    found = []
    for point in placed.keypoints:
        xyz = object_to_camera[:3, :3] @ np.asarray(point.position) + object_to_camera[:3, 3]
        if xyz[2] <= 1e-6:
            found.append(Keypoint(point.name, 0.0, 0.0, 0))
            continue
        pixel = project(K, xyz[None, :])
        u, v = (lens.distort_pixels(pixel) if lens is not None else pixel)[0]
        col, row = int(np.floor(u)), int(np.floor(v))
        if not (0 <= col < width and 0 <= row < height):
            found.append(Keypoint(point.name, float(u), float(v), 0))
            continue
        seen = instance[row, col] == placed.instance_id and (
            xyz[2] - depth[row, col] <= point.depth + KEYPOINT_SLACK
        )
        found.append(Keypoint(point.name, float(u), float(v), 2 if seen else 1))
    return tuple(found)


def _extra_attributes(
    placed: PlacedObject, coverage: tuple[int, dict[int, int]] | None
) -> dict[str, object]:
    extra: dict[str, object] = {}
    if coverage is not None and coverage[1]:
        extra["occluders"] = [[ident, pixels] for ident, pixels in sorted(coverage[1].items())]
    body = placed.drawn.get("body")
    if isinstance(body, dict):
        extra["pose"] = body["pose"]
    return extra


def compute_labels(
    scene: SceneDescription,
    loaded: LoadedScene,
    label_pass: LabelPass,
    class_names: tuple[str, ...],
    keep_invisible: bool,
    lens: Lens | None = None,
) -> FrameLabels:
    camera = scene.camera
    K, extrinsics = camera.K, camera.world_to_camera
    width, height = camera.width, camera.height
    instance, depth = label_pass.instance, label_pass.depth
    pinhole_counts = np.bincount(instance.ravel(), minlength=len(scene.objects) + 1)
    if lens is not None:  # labels are taken in the distorted image from here on
        instance, depth = lens.warp(instance, nearest=True), lens.warp(depth, nearest=True)

    def to_image(pixels: np.ndarray) -> np.ndarray:
        return lens.distort_pixels(pixels) if lens is not None else pixels

    projected = [_to_camera(extrinsics, o) for o in scene.objects]
    for item in projected:
        if item.near > camera.znear:
            uv = project(K, item.points)
            item.box = (
                float(uv[:, 0].min()),
                float(uv[:, 1].min()),
                float(uv[:, 0].max()),
                float(uv[:, 1].max()),
            )
    counts = (
        pinhole_counts
        if lens is None
        else np.bincount(instance.ravel(), minlength=len(scene.objects) + 1)
    )
    # objects that something nearer may hide need a solo pass; the others cannot be hidden
    hideable = {
        position: mine.box
        for position, mine in enumerate(projected)
        if scene.objects[position].instance_id
        and mine.far > camera.znear
        and any(
            other is not mine and other.near < mine.far and _overlaps(mine.box, other.box)
            for other in projected
        )
    }
    coverage = loaded.solo_coverage(hideable, label_pass.instance) if hideable else {}
    solo = {position: count for position, (count, _) in coverage.items()}
    labels = []
    for position, placed in enumerate(scene.objects):
        if placed.instance_id == 0:
            continue
        mine = projected[position]
        visible = int(counts[placed.instance_id]) if placed.instance_id < counts.size else 0
        pinhole = (
            int(pinhole_counts[placed.instance_id])
            if placed.instance_id < pinhole_counts.size
            else 0
        )
        # wholly behind the camera: covers nothing; not hideable: covers what is visible
        alone = 0 if mine.far <= camera.znear else solo.get(position, pinhole)
        if visible == 0 and not keep_invisible:
            continue
        mask = instance == placed.instance_id if visible else None
        object_to_camera = extrinsics @ placed.pose
        amodal = None
        truncation = 1.0 if alone == 0 else None
        if mine.box is not None:
            x0, y0, x1, y1 = mine.box
            if lens is not None:
                uv = lens.distort_pixels(project(K, mine.points))
                x0, y0 = float(uv[:, 0].min()), float(uv[:, 1].min())
                x1, y1 = float(uv[:, 0].max()), float(uv[:, 1].max())
            amodal = (x0, y0, x1 - x0, y1 - y0)
            truncation = _truncation((x0, y0, x1, y1), width, height)
        corners = np.array(
            [
                [x, y, z]
                for x in placed.bounds[:, 0]
                for y in placed.bounds[:, 1]
                for z in placed.bounds[:, 2]
            ]
        )
        corners_cam = corners @ object_to_camera[:3, :3].T + object_to_camera[:3, 3]
        box3d = None
        if corners_cam[:, 2].min() > 1e-6:
            box3d = tuple((float(u), float(v)) for u, v in to_image(project(K, corners_cam)))
        labels.append(
            ObjectLabel(
                instance_id=placed.instance_id,
                category=str(placed.category),
                bbox=tight_box(mask) if mask is not None else None,
                amodal_bbox=amodal,
                visible_fraction=(pinhole / alone) if alone else 0.0,
                truncation=truncation,
                keypoints=_keypoints(placed, object_to_camera, K, instance, depth, lens),
                pose=tuple(tuple(float(v) for v in row) for row in object_to_camera),
                box3d=box3d,
                attributes={"visible_pixels": visible, "unoccluded_pixels": alone}
                | ({} if lens is None else {"pinhole_visible_pixels": pinhole})
                | _extra_attributes(placed, coverage.get(position)),
            )
        )
    lookup = np.zeros(
        max(o.instance_id for o in scene.objects) + 1 if scene.objects else 1, np.uint16
    )
    for placed in scene.objects:
        if placed.instance_id:
            lookup[placed.instance_id] = class_names.index(str(placed.category)) + 1
    semantic = lookup[np.minimum(instance, lookup.size - 1)]
    return FrameLabels(tuple(labels), instance, semantic, depth, len(solo))

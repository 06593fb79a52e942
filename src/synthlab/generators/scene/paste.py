"""Pasting rendered objects into the user's photos, with the photos' own annotations kept.

One sample: a photo (index % n, or drawn), a camera set by the recipe's ground (pitched so
the horizon falls on the given row, at `camera_height` above the ground plane), objects
stood on that ground at contact points drawn inside the ground region, rendered with no
surface and no backdrop. The label pass gives the pasted objects' exact ids (every pixel
whose centre a labeled object covers); `depth > 0` marks every pixel any rendered object
(distractors included) covers: that is the paste's mask, and the only pixels that change.

The photo's annotations become labeled objects too (instance ids after the pasted ones):
* a pixel that two annotations claim goes to the one in front: annotations with a
  segmentation stand before box-only ones; among those, the smaller area stands in front
  (a bag on a person); ties go to the later one in the file;
* the paste removes its mask from them: their mask, tight box, area and visible fraction
  (pixels left / pixels they held before the paste) are taken from what is left;
* one left with no pixel is kept, reported with visible fraction 0, no box and
  `fully_occluded: true` (the COCO file, which has no way to hold an annotation with no
  pixel, leaves it out, like every object with no visible pixel; the label JSON keeps it);
* a box-only annotation is taken to fill its box, behind every segmented annotation.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import numpy as np
import trimesh

from synthlab.errors import RuntimeFailure, UsageError
from synthlab.generators.base import SamplePlan
from synthlab.generators.scene.ambient_occlusion import ambient_occlusion
from synthlab.generators.scene.appearance import composite
from synthlab.generators.scene.assets import Keypoint3D, Shape
from synthlab.generators.scene.camera import Camera, intrinsics, look_at_pose, project
from synthlab.generators.scene.conditions import frame_conditions, meets_plan
from synthlab.generators.scene.declared_labels import scene_label_set
from synthlab.generators.scene.labels import compute_labels
from synthlab.generators.scene.layout import PlacedObject, SceneDescription
from synthlab.generators.scene.lights import draw_light
from synthlab.generators.scene.materials import Material, draw_material
from synthlab.generators.scene.params import MaterialSpec, ObjectClassSpec, SceneParams
from synthlab.generators.scene.paste_params import PasteSpec
from synthlab.generators.scene.photos import (
    Photo,
    RealAnnotation,
    coco_for,
    load_photo,
    photo_overrides,
    photo_sources,
)
from synthlab.recipe.files import RecipeFileError
from synthlab.samples.image import ImageSample, Keypoint, ObjectLabel, tight_box
from synthlab.seeding import substream

__all__ = ["PhotoPaster", "ground_camera", "real_object_labels"]

PHOTO_KEY = 0x9A57E  # spawn key of the stream that picks a photo (the same for every retry)
LIFT = 0.001  # metres above the ground, as the scene layout does
HORIZON_MARGIN = 0.02  # contact points stay this share of the height below the horizon


def _fov(params: SceneParams, rng: np.random.Generator) -> float:
    spec = params.camera
    if spec.focal_length_mm is not None:
        focal_mm = float(spec.focal_length_mm.sample(rng))
        return math.degrees(2 * math.atan(spec.sensor_height_mm / (2 * focal_mm)))
    return float(spec.fov.sample(rng)) if spec.fov is not None else 50.0


def ground_camera(
    width: int, height: int, fov: float, horizon: float, camera_height: float
) -> Camera:
    """A camera `camera_height` above the ground plane z = 0 looking along +y, pitched so
    the horizon (points at infinity on the ground) projects to row `horizon * height`."""
    K = intrinsics(width, height, fov)
    pitch = math.atan2(K[1, 2] - horizon * height, K[1, 1])  # > 0: looking down
    eye = np.array([0.0, 0.0, camera_height])
    forward = np.array([0.0, math.cos(pitch), -math.sin(pitch)])
    return Camera(K, width, height, look_at_pose(eye, eye + forward))


def _inside(point: tuple[float, float], polygon: tuple[tuple[float, float], ...]) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _ground_point(camera: Camera, u: float, v: float) -> np.ndarray | None:
    """Where the ray through pixel (u, v) meets the ground, or None above the horizon."""
    ray = np.linalg.solve(camera.K, np.array([u, v, 1.0]))
    cv_to_world = np.linalg.inv(camera.world_to_camera)
    direction = cv_to_world[:3, :3] @ ray
    eye = cv_to_world[:3, 3]
    if direction[2] >= -1e-9:
        return None
    point: np.ndarray = eye + direction * (-eye[2] / direction[2])
    return point


def _parts(shape: Shape, material: Material) -> tuple[tuple[trimesh.Trimesh, Material], ...]:
    fixed: dict[tuple[object, ...], Material] = {}  # by colour and finish (assets.Part)
    return tuple(
        (
            part.mesh,
            material
            if part.color is None
            else fixed.setdefault(
                (part.color, part.metallic, part.roughness),
                Material(part.color, part.metallic, part.roughness, "none", 1.0),
            ),
        )
        for part in shape.parts
    )


class _Placer:
    """Stands objects on the ground at contact points drawn in the ground region."""

    def __init__(
        self,
        spec: PasteSpec,
        camera: Camera,
        horizon_row: float,
        region: tuple[tuple[float, float], ...] | None,
        pixel_height: tuple[float, float] | None,
    ):
        self.max_tries = spec.max_tries
        self.pixel_height = pixel_height
        self.camera = camera
        self.top_row = max(horizon_row + HORIZON_MARGIN * camera.height, 0.0)
        self.taken: list[tuple[float, float, float]] = []
        self.region = (
            None
            if region is None
            else tuple((x * camera.width, y * camera.height) for x, y in region)
        )

    def _contact(self, rng: np.random.Generator) -> tuple[float, float] | None:
        width, height = self.camera.width, self.camera.height
        if self.region is None:
            x0, x1, y0, y1 = 0.0, float(width), self.top_row, float(height)
        else:
            xs, ys = [p[0] for p in self.region], [p[1] for p in self.region]
            x0, x1, y0, y1 = min(xs), max(xs), max(min(ys), self.top_row), max(ys)
        if y0 >= y1:
            return None
        u, v = float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))
        if self.region is not None and not _inside((u, v), self.region):
            return None
        return u, v

    def _pixel_height(self, vertices: np.ndarray, pose: np.ndarray) -> tuple[float, float]:
        """(pixel height, nearest depth) of the posed vertices."""
        world = vertices @ pose[:3, :3].T + pose[:3, 3]
        extrinsics = self.camera.world_to_camera
        cam = world @ extrinsics[:3, :3].T + extrinsics[:3, 3]
        near = float(cam[:, 2].min())
        if near <= self.camera.znear:
            return 0.0, near
        uv = project(self.camera.K, cam)
        return float(uv[:, 1].max() - uv[:, 1].min()), near

    def place(
        self,
        shape: Shape,
        scale: float,
        upright: bool,
        rng: np.random.Generator,
        sized: bool,
    ) -> tuple[np.ndarray, float, dict[str, Any]] | None:
        """(pose, scale, drawn) of one object, or None when no free spot was found."""
        base = np.concatenate([np.asarray(p.mesh.vertices) for p in shape.parts])
        for _ in range(self.max_tries):
            contact = self._contact(rng)
            if contact is None:
                continue
            point = _ground_point(self.camera, *contact)
            if point is None:
                continue
            if upright:
                yaw = 2 * math.pi * float(rng.random())
                rotation = trimesh.transformations.rotation_matrix(yaw, (0, 0, 1))
                drawn: dict[str, Any] = {"yaw_deg": math.degrees(yaw)}
            else:
                quaternion = rng.normal(size=4)
                rotation = trimesh.transformations.quaternion_matrix(
                    quaternion / np.linalg.norm(quaternion)
                )
                drawn = {"rotation": rotation[:3, :3].round(6).tolist()}
            wanted = (
                float(rng.uniform(*self.pixel_height))
                if sized and self.pixel_height is not None
                else None
            )
            own = scale
            for _ in range(3 if wanted is not None else 1):
                turned = base * own @ rotation[:3, :3].T
                centre = (turned.min(axis=0) + turned.max(axis=0)) / 2
                pose = rotation.copy()
                pose[:3, 3] = (
                    point[0] - centre[0],
                    point[1] - centre[1],
                    LIFT - turned[:, 2].min(),
                )
                pixels, near = self._pixel_height(base * own, pose)
                if wanted is None or pixels <= 0:
                    break
                own *= wanted / pixels
            if near <= self.camera.znear or pixels < 1:
                continue
            radius = float(np.max(np.linalg.norm(turned[:, :2] - centre[:2], axis=1)))
            if any(math.hypot(point[0] - a, point[1] - b) < radius + c for a, b, c in self.taken):
                continue
            self.taken.append((float(point[0]), float(point[1]), radius))
            drawn |= {
                "contact_pixel": [round(contact[0], 4), round(contact[1], 4)],
                "pixel_height": round(pixels, 4),
            }
            return pose, own, drawn
        return None


@functools.lru_cache(maxsize=1)
def _ground_slab() -> trimesh.Trimesh:
    """A 400 m square slab with its top at z = 0 that catches shadows (shared and never
    modified, so the renderer keeps it uploaded)."""
    mesh: trimesh.Trimesh = trimesh.creation.box(
        extents=(400.0, 400.0, 0.05),
        transform=trimesh.transformations.translation_matrix((0.0, 0.0, -0.025)),
    )
    return mesh


def shadow_factor(
    rasterizer: Any,
    scene: SceneDescription,
    strength: float,
    keep: np.ndarray,
    occlusion: bool = False,
) -> np.ndarray:
    """Per pixel, what the objects' shadows leave of the light on the ground (1: none):
    the ground drawn with the objects over the ground drawn alone, from the same lights and
    camera, weakened by `strength`; 1 on `keep` (the objects' own pixels) and wherever the
    ground is not seen. With `occlusion`, the objects also take ambient light from the
    ground round their feet (ambient_occlusion.py; the ground alone keeps all of it). Loads
    two scenes: the caller's loaded scene is invalid afterwards."""
    ground = PlacedObject(
        0, None, ((_ground_slab(), Material((200, 200, 200), 0.0, 1.0, "none", 1.0)),), np.eye(4)
    )
    lit = []
    for objects in (scene.objects, ()):
        alone = SceneDescription(
            objects, (ground,), scene.lights, scene.ambient, scene.camera,
            scene.background, {}, (0, 0, 0),
        )  # fmt: skip
        loaded = rasterizer.load(alone)
        sky = None
        if occlusion and objects:  # a bare flat ground's map is all ones: nothing to draw
            depth = loaded.labels().depth
            sky = ambient_occlusion(depth, scene.camera.K)
        rgb = loaded.color(True, sky).astype(np.float64)
        lit.append(rgb @ np.array([0.299, 0.587, 0.114]))
    with_objects, without = lit
    ratio = np.ones_like(without)
    seen = without > 1.0
    ratio[seen] = np.clip(with_objects[seen] / without[seen], 0.0, 1.0)
    ratio[keep] = 1.0
    factor: np.ndarray = 1.0 - strength * (1.0 - ratio)
    return factor


def _overlap_order(annotations: tuple[RealAnnotation, ...]) -> list[int]:
    """Annotation positions from back to front: box-only behind segmented; bigger behind
    smaller; the later one in the file in front on ties."""
    return sorted(
        range(len(annotations)),
        key=lambda i: (annotations[i].kind != "box", -int(annotations[i].mask.sum()), i),
    )


def _truncation(box: tuple[float, float, float, float], width: int, height: int) -> float:
    x, y, w, h = box
    area = max(w, 1e-12) * max(h, 1e-12)
    inside = max(0.0, min(x + w, width) - max(x, 0)) * max(0.0, min(y + h, height) - max(y, 0))
    return float(min(max(1.0 - inside / area, 0.0), 1.0))


def real_object_labels(
    annotations: tuple[RealAnnotation, ...],
    first_id: int,
    instance: np.ndarray,
    pasted: np.ndarray,
) -> tuple[list[ObjectLabel], np.ndarray]:
    """The photo's annotations as labels after the paste covers `pasted`, and the instance
    mask with their ids written where they are still seen (`instance` holds the pasted
    objects' ids; it is not modified)."""
    height, width = instance.shape
    if first_id + len(annotations) > 65535:
        raise RuntimeFailure(
            f"{len(annotations)} annotations and {first_id - 1} pasted objects exceed the "
            "65535 instance ids of a 16-bit mask"
        )
    layer = np.zeros(instance.shape, np.int32)
    for position in _overlap_order(annotations):
        layer[annotations[position].mask] = first_id + position
    before = np.bincount(layer.ravel(), minlength=first_id + len(annotations))
    layer[pasted] = 0
    after = np.bincount(layer.ravel(), minlength=first_id + len(annotations))
    merged = instance.copy()
    merged[layer > 0] = layer[layer > 0].astype(instance.dtype)
    labels = []
    for position, annotation in enumerate(annotations):
        ident = first_id + position
        mask = layer == ident
        held, seen = int(before[ident]), int(after[ident])
        points, hidden = [], 0
        for name, x, y, v in annotation.keypoints:
            # a visible point that a pasted object now covers becomes "in the image, hidden"
            if v == 2 and pasted[min(int(y), height - 1), min(int(x), width - 1)]:
                v, hidden = 1, hidden + 1
            points.append(Keypoint(name, x, y, v) if v else Keypoint(name, 0.0, 0.0, 0))
        labels.append(
            ObjectLabel(
                instance_id=ident,
                category=annotation.category,
                bbox=tight_box(mask) if seen else None,
                amodal_bbox=tight_box(annotation.mask),
                visible_fraction=seen / held if held else 0.0,
                truncation=_truncation(annotation.bbox, width, height),
                keypoints=tuple(points),
                attributes={
                    "source": "photo",
                    "coco_id": annotation.coco_id,
                    "segmentation": annotation.kind,
                    "iscrowd": annotation.iscrowd,
                    "annotated_pixels": int(annotation.mask.sum()),
                    "pixels_before_paste": held,
                    "visible_pixels": seen,
                    "covered_by_paste": held - seen,
                    "fully_occluded": held > 0 and seen == 0,
                }
                | ({"keypoints_hidden_by_paste": hidden} if points else {}),
            )
        )
    return labels, merged


class PhotoPaster:
    """Makes scene samples by pasting into photos (see the module doc)."""

    def __init__(
        self,
        params: SceneParams,
        shapes: dict[str, Shape],
        recipe_dir: Path,
        rasterizer: Any,
        seed: int,
    ):
        spec = params.background.paste_spec()
        assert spec is not None
        self.params, self.spec, self.shapes = params, spec, shapes
        self.rasterizer, self.seed = rasterizer, seed
        try:
            self.sources = photo_sources(params.background, recipe_dir)
            self.coco = coco_for(params.background, recipe_dir)
            self.overrides = photo_overrides(spec, self.sources)
        except RecipeFileError as err:
            raise UsageError(str(err)) from None
        self.class_names = tuple(params.classes)
        extra = self.coco.categories if self.coco is not None else ()
        self.category_names = self.class_names + tuple(
            name for name in extra if name not in self.class_names
        )
        # the photos' keypoints are carried under their category's names; a category that
        # is also a recipe class keeps the class's names, so its points are carried only
        # when the names agree (COCO's person and `asset: human`)
        declared = scene_label_set(params, recipe_dir)
        self.keypoint_names = {}
        for name, (names, _) in (self.coco.keypoints if self.coco else {}).items():
            schema = declared.keypoint_schema(name)
            if schema is not None and schema.names == names:
                self.keypoint_names[name] = names

    def _photo(self, index: int) -> Photo:
        n = len(self.sources)
        if self.spec.pick == "cycle":
            pick = index % n
        else:
            pick = int(substream(self.seed, index, PHOTO_KEY).integers(0, n))
        source = self.sources[pick]
        annotations = self.coco.annotations.get(source.name, ()) if self.coco else ()
        try:
            return load_photo(
                source, annotations, self.params.camera.resolution, self.keypoint_names
            )
        except RecipeFileError as err:
            raise UsageError(str(err)) from None

    def _objects(
        self, rng: np.random.Generator, placer: _Placer, overrides: dict[str, int]
    ) -> tuple[list[PlacedObject], int]:
        objects: list[PlacedObject] = []
        dropped = 0
        for name, spec in self.params.classes.items():
            count = int(spec.count.sample(rng))
            if name in overrides:
                count = 0 if overrides[name] == 0 else max(count, overrides[name])
            for _ in range(count):
                placed = self._one(
                    name,
                    spec.scale.sample(rng),
                    spec.material,
                    spec.pose == "upright",
                    rng,
                    placer,
                    len(objects) + 1,
                    spec if spec.asset == "human" else None,
                )
                if placed is None:
                    dropped += 1
                else:
                    objects.append(placed)
        distractors = self.params.distractors
        for _ in range(int(distractors.count.sample(rng))):
            kind = distractors.primitives[int(rng.integers(0, len(distractors.primitives)))]
            placed = self._one(
                f"distractor:{kind}",
                distractors.scale.sample(rng),
                distractors.material,
                False,
                rng,
                placer,
                0,
            )
            if placed is None:
                dropped += 1
            else:
                objects.append(placed)
        return objects, dropped

    def _one(
        self,
        name: str,
        scale: float,
        material_spec: MaterialSpec,
        upright: bool,
        rng: np.random.Generator,
        placer: _Placer,
        ident: int,
        person: ObjectClassSpec | None = None,
    ) -> PlacedObject | None:
        shape = self.shapes[name]
        material = draw_material(material_spec, rng)
        body = None
        if person is not None:  # each person is built anew, as in a rendered scene
            from synthlab.generators.scene.human import draw_person

            shape, body = draw_person(person.human, rng)
        found = placer.place(shape, float(scale), upright, rng, sized=ident > 0)
        if found is None:
            return None
        pose, own, drawn = found
        keypoints = tuple(
            Keypoint3D(k.name, tuple(own * v for v in k.position), k.depth * own)  # type: ignore[arg-type]
            for k in shape.keypoints
        )
        record = {
            "class": name if ident else None,
            "scale": own,
            "position": pose[:3, 3].round(6).tolist(),
            "material": material.describe(),
            **drawn,
            **({"body": body} if body is not None else {}),
        }
        return PlacedObject(
            ident,
            name if ident else None,
            _parts(shape, material),
            pose,
            keypoints,
            shape.local_bounds * own,
            record,
            own,
        )

    def generate(
        self, index: int, rng: np.random.Generator, plan: SamplePlan, overrides: dict[str, int]
    ) -> ImageSample:
        import pyrender

        params = self.params
        photo = self._photo(index)
        width, height = params.camera.resolution
        override = self.overrides.get(photo.name)
        ground = override.ground if override and override.ground else self.spec.ground
        pixel_height = (
            override.pixel_height if override and override.pixel_height else self.spec.pixel_height
        )
        for attempt in range(params.max_attempts):
            stream = rng if attempt == 0 else substream(self.seed, index, attempt)
            horizon = float(ground.horizon.sample(stream))
            camera_height = float(self.spec.camera_height.sample(stream))
            fov = _fov(params, stream)
            camera = ground_camera(width, height, fov, horizon, camera_height)
            placer = _Placer(self.spec, camera, horizon * height, ground.region, pixel_height)
            objects, dropped = self._objects(stream, placer, overrides)
            lights = tuple(draw_light(spec, stream, 0.0) for spec in params.lights)
            ambient = float(params.ambient.sample(stream))
            drawn = {
                "objects": [o.drawn for o in objects],
                "dropped_for_space": dropped,
                "lights": [{"type": light.type, **light.drawn} for light in lights],
                "ambient": ambient,
                "camera": {
                    "fov_deg": fov,
                    "horizon": horizon,
                    "camera_height": camera_height,
                },
            }
            scene = SceneDescription(
                tuple(objects), (), lights, ambient, camera, photo.pixels, drawn, None
            )
            loaded = self.rasterizer.load(scene)
            label_pass = loaded.labels()
            frame = compute_labels(
                scene, loaded, label_pass, self.class_names, params.keep_invisible, None
            )
            carried, achieved = frame_conditions(frame.objects, self.class_names, params.conditions)
            if meets_plan(plan, carried):
                break
        else:
            raise RuntimeFailure(
                f"sample {index}: no paste into photo {photo.name!r} in "
                f"{params.max_attempts} attempts carried the sample's quota conditions "
                f"(require {sorted(plan.require)}, forbid {sorted(plan.forbid)}); widen "
                "the ground region or the conditions' ranges, or raise max_attempts"
            )
        flags = pyrender.RenderFlags.RGBA
        if params.shadows:
            flags |= pyrender.RenderFlags.SHADOWS_DIRECTIONAL | pyrender.RenderFlags.SHADOWS_SPOT
        if objects:
            occlusion = (
                ambient_occlusion(label_pass.depth, camera.K) if params.ambient_occlusion else None
            )
            rgba = self.rasterizer.draw_color(
                loaded.scene, flags, loaded.size, alpha=True, occlusion=occlusion
            )
        else:  # pyrender cannot size a shadow map for an empty scene; nothing to draw anyway
            rgba = np.zeros((height, width, 4), np.uint8)
        pasted = label_pass.depth > 0
        match = self.spec.match
        background = photo.pixels
        shadowed = 0
        if match.shadow > 0 and objects:  # last: it loads other scenes into the rasterizer
            factor = shadow_factor(
                self.rasterizer, scene, match.shadow, pasted, params.ambient_occlusion
            )
            darker = np.rint(photo.pixels * factor[..., None]).astype(np.uint8)
            shadowed = int(((darker != photo.pixels).any(axis=-1) & ~pasted).sum())
            background = darker
        image, matched = composite(
            background, rgba, pasted, stream, match.color, match.blur, match.noise
        )
        first_id = max((o.instance_id for o in objects), default=0) + 1
        real, instance = real_object_labels(
            photo.annotations, first_id, frame.instance_mask, pasted
        )
        lookup = {name: i + 1 for i, name in enumerate(self.category_names)}
        semantic = frame.semantic_mask.copy()
        for label in real:
            if label.bbox is not None:
                semantic[instance == label.instance_id] = lookup[label.category]
        pasted_labels = tuple(
            ObjectLabel(**{**o.__dict__, "attributes": {**o.attributes, "source": "pasted"}})
            for o in frame.objects
        )
        metadata = {
            "seed": self.seed,
            "attempts": attempt + 1,
            "achieved": achieved,
            "scene": drawn,
            "photo": photo.fit,
            "appearance": matched,
            "pasted_pixels": int(pasted.sum()),
            "shadow_pixels": shadowed,
            "fully_occluded": [
                label.attributes["coco_id"] for label in real if label.attributes["fully_occluded"]
            ],
            "renderer": self.rasterizer.name,
        }
        return ImageSample(
            index=index,
            conditions=carried,
            metadata=metadata,
            image=image,
            objects=pasted_labels + tuple(real),
            instance_mask=instance,
            semantic_mask=semantic,
            depth=None,  # the photo has none; a depth of the pasted objects alone would mislead
            camera=camera.describe(),
            category_names=self.category_names,
        )

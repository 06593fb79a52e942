"""Building one scene description: which objects, how big, where, in which pose, lit how,
seen from where. Placement keeps objects apart by their footprint circles on the surface,
which rules out interpenetration without a physics engine.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import trimesh

from synthlab.generators.scene.assets import Keypoint3D, Shape, build_primitive
from synthlab.generators.scene.camera import Camera, draw_camera
from synthlab.generators.scene.colors import parse_color
from synthlab.generators.scene.human import draw_person
from synthlab.generators.scene.lights import Light, draw_light
from synthlab.generators.scene.materials import Material, draw_material
from synthlab.generators.scene.params import SceneParams

__all__ = ["PlacedObject", "SceneDescription", "build_scene"]

PLACEMENT_TRIES = 40
GAP = 0.02  # metres kept free between footprints
LIFT = 0.001  # objects float 1 mm above the surface so they never z-fight with it


@dataclass(frozen=True, eq=False)
class PlacedObject:
    instance_id: int  # >= 1 for labeled objects, 0 for distractors and the surface
    category: str | None
    # the shape's meshes, shared between objects and never modified: `scale` applies to
    # them, so the renderer can keep each shape's geometry uploaded from image to image
    parts: tuple[tuple[trimesh.Trimesh, Material], ...]
    pose: np.ndarray  # rigid 4x4 object-to-world (scale not included)
    keypoints: tuple[Keypoint3D, ...] = ()  # scaled, object frame
    bounds: np.ndarray = field(default_factory=lambda: np.zeros((2, 3)))  # scaled, object frame
    # what was sampled, for the sample's metadata; a redraw that tucks the object behind
    # another one updates it, so it is a dict although the dataclass is frozen
    drawn: dict[str, object] = field(default_factory=dict)
    scale: float = 1.0  # uniform, applied to `parts` before `pose`

    def object_vertices(self) -> np.ndarray:
        """All parts' vertices, scaled, in the object frame."""
        points = np.concatenate([np.asarray(mesh.vertices) for mesh, _ in self.parts])
        scaled: np.ndarray = points * self.scale
        return scaled

    def world_vertices(self) -> np.ndarray:
        world: np.ndarray = self.object_vertices() @ self.pose[:3, :3].T + self.pose[:3, 3]
        return world

    def drawn_pose(self) -> np.ndarray:
        """Object-to-world for the unscaled meshes: the pose times the scale."""
        matrix: np.ndarray = self.pose.copy()
        matrix[:3, :3] *= self.scale
        return matrix


@dataclass(frozen=True, eq=False)
class SceneDescription:
    objects: tuple[PlacedObject, ...]  # labeled objects and distractors
    fixtures: tuple[PlacedObject, ...]  # surface (and floor under a table): never labeled
    lights: tuple[Light, ...]
    ambient: float
    camera: Camera
    background: np.ndarray  # HxWx3 uint8
    drawn: Mapping[str, object]
    # set when the background is one flat colour: the renderer then clears to it instead of
    # compositing the image over the background afterwards
    background_color: tuple[int, int, int] | None = None
    # set by image-based light (environment_light.py): linear RGB ambient instead of grey
    ambient_color: tuple[float, float, float] | None = None

    @property
    def labeled(self) -> tuple[PlacedObject, ...]:
        return tuple(o for o in self.objects if o.instance_id > 0)


def _random_rotation(rng: np.random.Generator) -> np.ndarray:
    quaternion = rng.normal(size=4)
    quaternion /= np.linalg.norm(quaternion)
    matrix: np.ndarray = trimesh.transformations.quaternion_matrix(quaternion)
    return matrix


def _scaled(
    shape: Shape, scale: float, material: Material
) -> tuple[tuple[tuple[trimesh.Trimesh, Material], ...], tuple[Keypoint3D, ...], np.ndarray]:
    """The shape's parts with their materials (meshes shared, not scaled: the object's
    `scale` applies), and its keypoints and bounds scaled."""
    parts = []
    # one per colour and finish: parts sharing one are drawn together
    fixed: dict[tuple[object, ...], Material] = {}
    for part in shape.parts:
        own = material
        if part.color is not None:
            finish = (part.color, part.metallic, part.roughness)
            own = fixed.setdefault(
                finish, Material(part.color, part.metallic, part.roughness, "none", 1.0)
            )
        parts.append((part.mesh, own))
    keypoints = tuple(
        Keypoint3D(k.name, tuple(scale * v for v in k.position), k.depth * scale)  # type: ignore[arg-type]
        for k in shape.keypoints
    )
    return tuple(parts), keypoints, shape.local_bounds * scale


class _Packer:
    """Footprint circles on the surface, placed by rejection sampling."""

    def __init__(self, spread: float, half_size: tuple[float, float]):
        self.spread = spread
        self.half = half_size
        self.taken: list[tuple[float, float, float]] = []

    def place(self, radius: float, rng: np.random.Generator) -> tuple[float, float] | None:
        for _ in range(PLACEMENT_TRIES):
            r = self.spread * math.sqrt(rng.random())
            angle = 2 * math.pi * rng.random()
            x, y = r * math.cos(angle), r * math.sin(angle)
            if abs(x) + radius > self.half[0] or abs(y) + radius > self.half[1]:
                continue
            if all(math.hypot(x - a, y - b) >= radius + c + GAP for a, b, c in self.taken):
                self.taken.append((x, y, radius))
                return x, y
        return None


def _pose_object(
    bounds: np.ndarray, vertices: np.ndarray, upright: bool, top: float, rng: np.random.Generator
) -> tuple[np.ndarray, float, dict[str, object]]:
    """Rotation (and its lift onto the surface), the footprint radius, what was drawn."""
    if upright:
        yaw = 2 * math.pi * rng.random()
        rotation = trimesh.transformations.rotation_matrix(yaw, (0, 0, 1))
        corners = np.array([[x, y] for x in bounds[:, 0] for y in bounds[:, 1]])
        radius = float(np.max(np.linalg.norm(corners, axis=1)))
        rotation[2, 3] = top + LIFT
        return rotation, radius, {"yaw_deg": math.degrees(yaw)}
    rotation = _random_rotation(rng)
    turned = vertices @ rotation[:3, :3].T
    centre = (turned.min(axis=0) + turned.max(axis=0)) / 2
    rotation[:3, 3] = (-centre[0], -centre[1], top + LIFT - turned[:, 2].min())
    radius = float(np.max(np.linalg.norm(turned[:, :2] - centre[:2], axis=1)))
    return rotation, radius, {"rotation": rotation[:3, :3].round(6).tolist()}


def _background(
    params: SceneParams, width: int, height: int, images: list[np.ndarray], rng: np.random.Generator
) -> tuple[np.ndarray, tuple[int, int, int] | None, dict[str, object]]:
    """The background image, its colour when it is flat, and what was drawn."""
    spec = params.background
    if images:
        pick = int(rng.integers(0, len(images)))
        return images[pick], None, {"background_image": pick}
    if spec.gradient is not None:
        top, bottom = (np.asarray(parse_color(c), float) for c in spec.gradient)
        t = np.linspace(0.0, 1.0, height)[:, None, None]
        rows = np.round(top * (1 - t) + bottom * t).astype(np.uint8)
        return np.broadcast_to(rows, (height, width, 3)), None, {}
    color = parse_color(spec.color)
    flat = np.broadcast_to(np.asarray(color, np.uint8), (height, width, 3))
    return flat, color, {}


@functools.lru_cache(maxsize=16)
def _slab(width: float, depth: float) -> trimesh.Trimesh:
    """A 5 cm slab with its top at z = 0, one per size and shared (never modified), so the
    renderer keeps it uploaded from image to image."""
    mesh: trimesh.Trimesh = trimesh.creation.box(
        extents=(width, depth, 0.05),
        transform=trimesh.transformations.translation_matrix((0, 0, -0.025)),
    )
    return mesh


@functools.lru_cache(maxsize=16)
def _corner_slab(width: float, depth: float) -> trimesh.Trimesh:
    """`_slab` with a corner at the origin instead of its centre: box-projected texture
    coordinates then run 0..width and 0..depth, so one non-repeating image spans it."""
    mesh: trimesh.Trimesh = _slab(width, depth).copy()
    mesh.apply_translation((width / 2, depth / 2, 0.0))
    return mesh


def _fixtures(params: SceneParams, rng: np.random.Generator) -> tuple[PlacedObject, ...]:
    surface = params.surface
    material = draw_material(surface.material, rng)
    top = surface.height
    slab = _slab(*surface.size)
    pose = trimesh.transformations.translation_matrix((0.0, 0.0, top))
    if material.texture == "field":  # worn once across the whole surface: nothing repeats
        width, depth = surface.size
        slab = _corner_slab(width, depth)
        material = dataclasses.replace(material, texture_scale=1.0 / max(width, depth))
        # turned about its centre by quarter turns (half turns unless square), so images
        # see different parts of one uploaded texture under the same objects
        turns = int(rng.integers(0, 4 if width == depth else 2)) * (1 if width == depth else 2)
        pose = pose @ trimesh.transformations.rotation_matrix(turns * math.pi / 2, (0, 0, 1))
        pose = pose @ trimesh.transformations.translation_matrix((-width / 2, -depth / 2, 0))
    fixtures = [
        PlacedObject(0, None, ((slab, material),), pose, drawn={"surface": material.describe()})
    ]
    if surface.markings or surface.walls is not None:  # fixtures_extra imports this module
        from synthlab.generators.scene.fixtures_extra import lane_lines, walls

        if surface.markings:
            fixtures.append(lane_lines(surface.size, surface.spread, top, rng))
        if surface.walls is not None:
            fixtures.append(walls(surface.walls, 4.0, 0.0, rng))
    if surface.kind == "table" and top > 0:
        floor = _slab(40.0, 40.0)
        fixtures.append(
            PlacedObject(
                0, None, ((floor, Material((90, 90, 95), 0.0, 0.9, "none", 1.0)),), np.eye(4)
            )
        )
    return tuple(fixtures)


def _tuck_behind(
    objects: list[PlacedObject],
    slots: dict[int, int],
    packer: _Packer,
    name: str,
    eye: np.ndarray,
    rng: np.random.Generator,
    cover_class: str | None = None,
) -> None:
    """Move the first `name` object just behind another labeled object, seen from `eye`:
    one of `cover_class` when given (a condition names its occluder), else any other."""
    target = next((i for i, o in enumerate(objects) if o.category == name and i in slots), None)
    others = [
        i
        for i, o in enumerate(objects)
        if i in slots
        and i != target
        and (o.category == cover_class if cover_class else o.category != name)
    ]
    if target is None or not others:
        return
    # the tallest candidate hides the most; ties go to the first placed
    cover = max(others, key=lambda i: float(objects[i].bounds[1][2]))
    cx, cy, cover_radius = packer.taken[slots[cover]]
    _, _, radius = packer.taken[slots[target]]
    away = np.array([cx - eye[0], cy - eye[1]])
    away /= max(float(np.linalg.norm(away)), 1e-9)
    side = np.array([-away[1], away[0]])
    # a named occluder must actually hide: close behind it and not far off its line of sight
    reach, sideways = (0.3, 0.5) if cover_class else (1.0, 1.0)
    step = cover_radius + radius + GAP + float(rng.uniform(0.0, reach))
    offset = float(rng.uniform(-sideways, sideways)) * cover_radius
    x, y = np.array([cx, cy]) + away * step + side * offset
    rest = [t for k, t in enumerate(packer.taken) if k != slots[target]]
    if abs(x) + radius > packer.half[0] or abs(y) + radius > packer.half[1]:
        return
    if any(math.hypot(x - a, y - b) < radius + c + GAP for a, b, c in rest):
        return
    packer.taken[slots[target]] = (float(x), float(y), radius)
    moved = objects[target]
    moved.pose[0, 3], moved.pose[1, 3] = x, y
    moved.drawn["position"] = moved.pose[:3, 3].round(6).tolist()
    moved.drawn["tucked_behind"] = cover


def build_scene(
    params: SceneParams,
    shapes: Mapping[str, Shape],
    rng: np.random.Generator,
    camera_rng: np.random.Generator,
    backgrounds: list[np.ndarray],
    counts_override: Mapping[str, int],
    hide: str | None = None,
    cover: str | None = None,
    poses: Mapping[str, tuple[str | None, frozenset[str]]] | None = None,
    environment_image: np.ndarray | None = None,
) -> SceneDescription:
    """One scene from `rng`, seen by a camera drawn from `camera_rng` (the same stream
    unless several cameras share a scene). `counts_override` pins class counts (quota plans:
    0 to forbid a class, at least 1 to require it). `hide` names a class to tuck behind
    another object as seen from the camera (used when redrawing for a partial-visibility
    quota, where chance alone rarely produces the wanted occlusion), behind an instance of
    class `cover` when given. `poses` pins people's poses per class: (the pose of its first
    instance or None, poses none of its instances may take), for quotas on `pose`.
    `environment_image`: the image a recipe's `environment:` names, loaded by the caller."""
    surface = params.surface
    top = surface.height
    camera, camera_drawn = draw_camera(params.camera, camera_rng, top)
    slots: dict[int, int] = {}  # object position -> its footprint in the packer
    packer = _Packer(surface.spread, (surface.size[0] / 2, surface.size[1] / 2))
    objects: list[PlacedObject] = []
    dropped = 0
    next_id = 1
    for name, spec in params.classes.items():
        count = int(spec.count.sample(rng))
        if name in counts_override:
            wanted = counts_override[name]
            count = 0 if wanted == 0 else max(count, wanted)
        for number in range(count):
            scale = float(spec.scale.sample(rng))
            material = draw_material(spec.material, rng)
            shape, body = shapes[name], None
            if spec.asset == "human":  # each person is built anew: pose, body, clothes
                require, exclude = (poses or {}).get(name, (None, frozenset()))
                shape, body = draw_person(spec.human, rng, require if number == 0 else None,
                                          exclude)  # fmt: skip
            parts, keypoints, bounds = _scaled(shape, scale, material)
            vertices = np.concatenate([np.asarray(m.vertices) for m, _ in parts]) * scale
            pose, radius, drawn = _pose_object(bounds, vertices, spec.pose == "upright", top, rng)
            spot = packer.place(radius, rng)
            if spot is None:
                dropped += 1
                continue
            pose[0, 3] += spot[0]
            pose[1, 3] += spot[1]
            slots[len(objects)] = len(packer.taken) - 1
            record = {
                "class": name,
                "scale": scale,
                "position": pose[:3, 3].round(6).tolist(),
                "material": material.describe(),
                **drawn,
                **({"body": body} if body is not None else {}),
            }
            objects.append(
                PlacedObject(next_id, name, parts, pose, keypoints, bounds, record, scale)
            )
            next_id += 1
    distractors = params.distractors
    for _ in range(int(distractors.count.sample(rng))):
        kind = distractors.primitives[int(rng.integers(0, len(distractors.primitives)))]
        scale = float(distractors.scale.sample(rng))
        material = draw_material(distractors.material, rng)
        parts, _, bounds = _scaled(
            shapes.get(f"distractor:{kind}") or build_primitive(kind), scale, material
        )
        vertices = np.concatenate([np.asarray(m.vertices) for m, _ in parts]) * scale
        pose, radius, drawn = _pose_object(bounds, vertices, False, top, rng)
        spot = packer.place(radius, rng)
        if spot is None:
            dropped += 1
            continue
        pose[0, 3] += spot[0]
        pose[1, 3] += spot[1]
        objects.append(
            PlacedObject(
                0, None, parts, pose, (), bounds, {"distractor": kind, "scale": scale}, scale
            )
        )
    if hide is not None:
        _tuck_behind(objects, slots, packer, hide, camera.gl_pose[:3, 3], rng, cover)
    fixtures = _fixtures(params, rng)
    lights = tuple(draw_light(spec, rng, top) for spec in params.lights)
    ambient = float(params.ambient.sample(rng))
    background, background_color, background_drawn = _background(
        params, camera.width, camera.height, backgrounds, camera_rng
    )
    ambient_color = None
    environment_drawn: dict[str, object] = {}
    if params.environment is not None:  # light estimated from the background image
        from synthlab.generators.scene.environment_light import environment_lights

        # the recipe's environment image when it names one, else this image's background
        source = background if environment_image is None else environment_image
        estimated, ambient_color, environment_drawn = environment_lights(
            params.environment, source, float(camera_drawn["azimuth_deg"]), top
        )
        lights = (*(lights if params.environment.keep_lights else ()), *estimated)
        ambient = float(max(ambient_color))
    drawn = {
        "objects": [o.drawn for o in objects],
        "dropped_for_space": dropped,
        "lights": [{"type": light.type, **light.drawn} for light in lights],
        "ambient": ambient,
        "camera": camera_drawn,
        **background_drawn,
        **environment_drawn,
    }
    return SceneDescription(
        tuple(objects), fixtures, lights, ambient, camera, background, drawn, background_color,
        ambient_color,
    )  # fmt: skip

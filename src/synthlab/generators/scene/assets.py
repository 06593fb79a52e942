"""Shapes: the project's procedural assets, trimesh primitives and user mesh files.

Every shape is built in its own frame with z up, resting on z = 0 and centred on the z
axis, so placement only has to choose a position on the surface and a yaw. Assets are made
from primitives by code here (nothing downloaded); each names its keypoints. A keypoint
carries a `depth` tolerance: how far inside the surface it sits (a hip joint inside a
body), so visibility tests do not call it hidden by its own flesh.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import trimesh
import trimesh.resolvers

from synthlab.generators.scene.asset_parts import box, cylinder, torus
from synthlab.recipe.files import RecipeFileError, read_recipe_bytes

__all__ = [
    "Keypoint3D",
    "Part",
    "Shape",
    "build_asset",
    "build_primitive",
    "load_recipe_mesh",
    "load_user_mesh",
]


@dataclass(frozen=True)
class Keypoint3D:
    name: str
    position: tuple[float, float, float]
    depth: float = 0.0  # metres below the surface (before scaling) that still count as visible


@dataclass(frozen=True)
class Part:
    mesh: trimesh.Trimesh
    color: tuple[int, int, int] | None = None  # fixed colour (tyres); None: the class material
    # with a fixed colour: its PBR factors (steel forks metallic, glass smooth, rubber rough)
    metallic: float = 0.0
    roughness: float = 0.8


@dataclass(frozen=True)
class Shape:
    parts: tuple[Part, ...]
    keypoints: tuple[Keypoint3D, ...] = ()
    name: str = ""
    local_bounds: np.ndarray = field(default_factory=lambda: np.zeros((2, 3)))

    @staticmethod
    def of(name: str, parts: list[Part], keypoints: list[Keypoint3D]) -> Shape:
        bounds = np.array(trimesh.util.concatenate([p.mesh for p in parts]).bounds)
        return Shape(tuple(parts), tuple(keypoints), name, bounds)


def _capsule(
    radius: float, start: tuple[float, float, float], end: tuple[float, float, float]
) -> trimesh.Trimesh:
    a, b = np.asarray(start, float), np.asarray(end, float)
    length = float(np.linalg.norm(b - a))
    mesh = trimesh.creation.capsule(height=length, radius=radius, count=(10, 10))
    direction = (b - a) / length
    mesh.apply_transform(trimesh.geometry.align_vectors((0, 0, 1), direction))
    mesh.apply_translation((a + b) / 2)
    return mesh


def _crate() -> Shape:
    s = 0.6
    parts = [Part(box((s, s, s), (0, 0, s / 2)))]
    # edge battens a little proud of the faces, so the crate reads as a crate
    for x in (-1, 1):
        for y in (-1, 1):
            parts.append(
                Part(box((0.06, 0.06, s), (x * (s / 2 - 0.02), y * (s / 2 - 0.02), s / 2)))
            )
    corners = [
        Keypoint3D(f"{'top' if z else 'bottom'}_{fy}_{fx}", (x * s / 2, y * s / 2, z * s))
        for z in (1, 0)
        for y, fy in ((-1, "front"), (1, "back"))
        for x, fx in ((-1, "left"), (1, "right"))
    ]
    return Shape.of("crate", parts, corners)


def _pallet() -> Shape:
    length, width = 1.2, 0.8
    parts = []
    for y in (-0.35, 0.0, 0.35):  # runners
        parts.append(Part(box((length, 0.1, 0.1), (0, y, 0.05))))
    for x in np.linspace(-0.55, 0.55, 5):  # deck boards
        parts.append(Part(box((0.1, width, 0.022), (float(x), 0, 0.111))))
    top = 0.122
    corners = [
        Keypoint3D(f"deck_{fy}_{fx}", (x * length / 2, y * width / 2, top))
        for y, fy in ((-1, "front"), (1, "back"))
        for x, fx in ((-1, "left"), (1, "right"))
    ]
    return Shape.of("pallet", parts, corners)


def _barrel() -> Shape:
    radius, height = 0.3, 0.9
    parts = [Part(cylinder(radius, height, (0, 0, height / 2), sections=32))]
    for z in (0.25, 0.65):  # rolling hoops
        parts.append(Part(torus(radius, 0.02, (0, 0, z), sections=(32, 8)), (60, 60, 60)))
    points = [Keypoint3D("top_center", (0, 0, height)), Keypoint3D("bottom_center", (0, 0, 0))]
    return Shape.of("barrel", parts, points)


def _traffic_cone() -> Shape:
    base, height = 0.4, 0.7
    cone = trimesh.creation.cone(radius=0.16, height=height - 0.03, sections=32)
    cone.apply_translation((0, 0, 0.03))
    parts = [Part(box((base, base, 0.03), (0, 0, 0.015)), (30, 30, 30)), Part(cone)]
    stripe = cylinder(0.105, 0.08, (0, 0, 0.38), sections=32)
    parts.append(Part(stripe, (235, 235, 235)))
    points = [Keypoint3D("tip", (0, 0, height))] + [
        Keypoint3D(f"base_{fy}_{fx}", (x * base / 2, y * base / 2, 0.03))
        for y, fy in ((-1, "front"), (1, "back"))
        for x, fx in ((-1, "left"), (1, "right"))
    ]
    return Shape.of("traffic_cone", parts, points)


def _human() -> Shape:
    """A person standing at rest; scenes build each person anew (human.py: pose, body)."""
    from synthlab.generators.scene.human import standing_human  # it imports this module

    return standing_human()


def _loaded_pallet() -> Shape:
    """A pallet carrying a stack of cartons, 1.2 x 0.8 m and 1.3 m tall over all (stacks
    of about 1.0-1.2 m are usual: taller ones get unstable on racking). The cartons keep
    cardboard colours; the pallet takes the class material."""
    bare = _pallet()
    parts = list(bare.parts)
    deck = 0.122
    carton = (0.4, 0.4, 0.3)  # three by two cartons a layer, four layers
    shades = ((176, 136, 92), (190, 150, 104), (164, 126, 84))
    for layer in range(4):
        for i, x in enumerate((-0.4, 0.0, 0.4)):
            for j, y in enumerate((-0.2, 0.2)):
                z = deck + carton[2] * (layer + 0.5)
                size = (carton[0] - 0.01, carton[1] - 0.01, carton[2] - 0.004)
                parts.append(Part(box(size, (x, y, z)), shades[(i + j + layer) % 3]))
    top = deck + 4 * carton[2]
    corners = list(bare.keypoints) + [
        Keypoint3D(f"top_{fy}_{fx}", (x * 0.6, y * 0.4, top))
        for y, fy in ((-1, "front"), (1, "back"))
        for x, fx in ((-1, "left"), (1, "right"))
    ]
    return Shape.of("loaded_pallet", parts, corners)


def _vehicle() -> Shape:
    """A 4.2 m car facing -y."""
    length, width = 4.2, 1.8
    parts = [
        Part(box((width, length, 0.7), (0, 0, 0.65))),  # body
        Part(box((width * 0.9, length * 0.5, 0.55), (0, 0.25, 1.275))),  # cabin
        Part(box((width * 0.86, 0.05, 0.42), (0, -0.78, 1.25)), (40, 50, 60)),  # windscreen
    ]
    wheels = []
    for y, fy in ((-1.35, "front"), (1.35, "rear")):
        for x, fx in ((-0.85, "left"), (0.85, "right")):
            parts.append(Part(cylinder(0.34, 0.22, (x, y, 0.34), "x", sections=24), (25, 25, 25)))
            wheels.append(Keypoint3D(f"wheel_{fy}_{fx}", (x * 1.06, y, 0.34)))
    points = [
        Keypoint3D("front_center", (0, -length / 2, 0.65)),
        Keypoint3D("rear_center", (0, length / 2, 0.65)),
        Keypoint3D("roof_center", (0, 0.25, 1.55)),
        *wheels,
    ]
    return Shape.of("vehicle", parts, points)


def _elsewhere(module: str, name: str) -> Callable[[], Shape]:
    """A builder from assets_warehouse.py / assets_street.py, imported when first used
    (they import Part and Shape from here)."""

    def build() -> Shape:
        import importlib

        built = importlib.import_module(f"synthlab.generators.scene.{module}")
        shape: Shape = getattr(built, name)()
        return shape

    return build


ASSET_BUILDERS: dict[str, Callable[[], Shape]] = {
    "crate": _crate,
    "pallet": _pallet,
    "loaded_pallet": _loaded_pallet,
    "barrel": _barrel,
    "traffic_cone": _traffic_cone,
    "human": _human,
    "vehicle": _vehicle,
    **{
        name: _elsewhere("assets_warehouse", name)
        for name in ("forklift", "racking", "racking_loaded", "box_stack", "wrapped_pallet")
    },
    **{name: _elsewhere("assets_street", name) for name in ("car", "bicycle", "sign")},
}


def build_asset(name: str) -> Shape:
    return ASSET_BUILDERS[name]()


def build_primitive(name: str, stretch: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> Shape:
    """A unit-sized primitive (1 m across) resting on z = 0, stretched per axis."""
    if name == "box":
        mesh = trimesh.creation.box(extents=(1.0, 1.0, 1.0))
    elif name == "sphere":
        mesh = trimesh.creation.icosphere(subdivisions=3, radius=0.5)
    elif name == "cylinder":
        mesh = trimesh.creation.cylinder(radius=0.5, height=1.0, sections=32)
    elif name == "capsule":
        mesh = trimesh.creation.capsule(height=0.5, radius=0.25, count=(16, 16))
    elif name == "cone":
        mesh = trimesh.creation.cone(radius=0.5, height=1.0, sections=32)
    elif name == "torus":
        mesh = trimesh.creation.torus(major_radius=0.35, minor_radius=0.15)
    else:
        raise ValueError(f"unknown primitive {name!r}")
    mesh.apply_scale(stretch)
    low = mesh.bounds[0]
    mesh.apply_translation((0, 0, -low[2]))
    top = float(mesh.bounds[1][2])
    return Shape.of(
        name,
        [Part(mesh)],
        [Keypoint3D("top", (0.0, 0.0, top)), Keypoint3D("bottom", (0.0, 0.0, 0.0))],
    )


class _ContainedResolver(trimesh.resolvers.Resolver):
    """The files a mesh refers to (an OBJ's materials and textures, a glTF's buffers), read
    through the recipe's containment: a reference that leads out of the recipe's folder is
    refused, never followed (trimesh's own resolver does not resolve symbolic links)."""

    def __init__(self, base_dir: Path, folder: str):
        self.base_dir = base_dir
        self.folder = folder

    def get(self, name: str) -> bytes:
        relpath = posixpath.join(self.folder, name) if self.folder else name
        return read_recipe_bytes(
            self.base_dir, relpath, what="file the mesh refers to", allow_assets=False
        )

    def write(self, name: str, data: object) -> None:
        raise RecipeFileError(f"a mesh may not write files ({name!r})")

    def namespaced(self, namespace: str) -> _ContainedResolver:
        return _ContainedResolver(self.base_dir, posixpath.join(self.folder, namespace))

    def keys(self) -> Iterator[str]:
        return iter(())


def load_recipe_mesh(
    base_dir: Path,
    relpath: str,
    units: float,
    keypoints: dict[str, tuple[float, float, float]],
    stretch: tuple[float, float, float],
) -> Shape:
    """The mesh file a recipe names (`relpath`, inside the recipe's folder `base_dir`), read
    through `synthlab.recipe.files` and parsed from memory, as `load_user_mesh` shapes it.
    Raises RecipeFileError naming the path when it is refused or holds no mesh."""
    data = read_recipe_bytes(base_dir, relpath, what="mesh", allow_assets=False)
    suffix = posixpath.splitext(relpath)[1].lower().lstrip(".")
    resolver = _ContainedResolver(base_dir, posixpath.dirname(relpath))
    try:
        loaded = trimesh.load(
            io.BytesIO(data), file_type=suffix, resolver=resolver, force="mesh", process=False
        )
    except RecipeFileError:
        raise
    except Exception as err:  # parsers raise anything on a malformed file
        raise RecipeFileError(f"mesh {relpath!r} cannot be read as {suffix}: {err}") from None
    if not isinstance(loaded, trimesh.Trimesh) or len(loaded.faces) == 0:
        raise RecipeFileError(f"mesh {relpath!r} holds no triangles")
    return _user_shape(loaded, posixpath.splitext(posixpath.basename(relpath))[0], units,
                       keypoints, stretch)  # fmt: skip


def load_user_mesh(
    path: Path,
    units: float,
    keypoints: dict[str, tuple[float, float, float]],
    stretch: tuple[float, float, float],
) -> Shape:
    """A mesh file, scaled to metres, centred on z and set down on z = 0. Keypoints are given
    in the file's frame and move with it. Recipes go through `load_recipe_mesh` instead."""
    loaded = trimesh.load(path, force="mesh", process=False)
    if not isinstance(loaded, trimesh.Trimesh) or len(loaded.faces) == 0:
        raise ValueError(f"{path} holds no triangles")
    return _user_shape(loaded, path.stem, units, keypoints, stretch)


def _user_shape(
    loaded: trimesh.Trimesh,
    name: str,
    units: float,
    keypoints: dict[str, tuple[float, float, float]],
    stretch: tuple[float, float, float],
) -> Shape:
    mesh = loaded.copy()
    scale = np.asarray(stretch, float) * units
    mesh.apply_scale(scale)
    low, high = mesh.bounds
    shift = np.array([-(low[0] + high[0]) / 2, -(low[1] + high[1]) / 2, -low[2]])
    mesh.apply_translation(shift)
    points = [
        Keypoint3D(name, (float(x), float(y), float(z)))
        for name, (x, y, z) in (
            (name, np.asarray(xyz, float) * scale + shift) for name, xyz in keypoints.items()
        )
    ]
    return Shape.of(name, [Part(mesh)], points)

"""The rasterizer: the one module that imports pyrender (and through it OpenGL).

Everything else talks to the narrow `Rasterizer` interface (labels pass, solo pass, colour
pass), so another rasterizer can be added later without touching labels or layout.
Rendering is headless through EGL: Mesa's llvmpipe on a CPU, the NVIDIA EGL device on a
GPU. One OpenGL context per process, opened on first use, i.e. after a worker forked.

Labels come from pyrender's segmentation pass, which draws with multisampling disabled:
every pixel takes exactly the id of the surface under its centre, so instance masks are
exact and never blend. The colour pass keeps 4x multisampling for smooth edges.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYOPENGL_PLATFORM", "egl")  # must precede the first OpenGL import
# llvmpipe's own render threads do not survive fork: a worker forked from a process that
# already rendered would hang. Single-threaded llvmpipe also fits the engine's rule of one
# thread per worker (parallelism comes from worker processes). No effect on GPU drivers.
os.environ.setdefault("LP_NUM_THREADS", "0")

import numpy as np

# pyrender 0.1.45 still spells `np.infty`, which NumPy 2 removed; keep the alias here only.
if not hasattr(np, "infty"):
    np.infty = np.inf  # type: ignore[attr-defined]

import pyrender
import trimesh

from synthlab.generators.scene.layout import PlacedObject, SceneDescription
from synthlab.generators.scene.materials import Material, box_project_uv

__all__ = ["LabelPass", "LoadedScene", "PyrenderRasterizer"]

_UNLABELED = (0, 0, 0)


class LabelPass:
    """Instance ids (uint16, 0 where no labeled object is visible) and depth (float32
    metres along the optical axis, 0 where nothing at all was hit)."""

    def __init__(self, instance: np.ndarray, depth: np.ndarray):
        self.instance = instance
        self.depth = depth


def _material(material: Material) -> pyrender.MetallicRoughnessMaterial:
    texture = None
    if material.image is not None:
        texture = pyrender.Texture(
            source=material.image, source_channels="RGB", sampler=pyrender.Sampler()
        )
    color = (
        (1.0, 1.0, 1.0, 1.0) if texture is not None else (*(c / 255 for c in material.color), 1.0)
    )
    return pyrender.MetallicRoughnessMaterial(
        baseColorFactor=color,
        metallicFactor=material.metallic,
        roughnessFactor=material.roughness,
        baseColorTexture=texture,
    )


def _mesh(placed: PlacedObject) -> pyrender.Mesh:
    """One primitive per distinct material: parts sharing a material are drawn in one call,
    which matters on llvmpipe, where each draw call costs Python and driver overhead."""
    groups: dict[int, tuple[Material, list[trimesh.Trimesh]]] = {}
    for mesh, material in placed.parts:
        groups.setdefault(id(material), (material, []))[1].append(mesh)
    primitives = []
    for material, meshes in groups.values():
        merged = meshes[0] if len(meshes) == 1 else trimesh.util.concatenate(meshes)
        if material.image is not None:
            merged = box_project_uv(merged, material.texture_scale)
        built = pyrender.Mesh.from_trimesh(merged, material=_material(material), smooth=False)
        primitives.extend(built.primitives)
    return pyrender.Mesh(primitives=primitives)


def _light(light) -> pyrender.Light:  # type: ignore[no-untyped-def]
    if light.type == "directional":
        return pyrender.DirectionalLight(color=light.color, intensity=light.intensity)
    # point and spot: `intensity` is the illuminance they give at the scene centre
    distance = float(np.linalg.norm(light.pose[:3, 3]))
    strength = light.intensity * distance**2
    if light.type == "point":
        return pyrender.PointLight(color=light.color, intensity=strength)
    outer = np.radians(light.cone_angle_deg)
    return pyrender.SpotLight(
        color=light.color, intensity=strength, innerConeAngle=outer * 0.7, outerConeAngle=outer
    )


class LoadedScene:
    """A scene description turned into pyrender nodes, ready for the three passes."""

    def __init__(self, rasterizer: PyrenderRasterizer, scene: SceneDescription):
        self.rasterizer = rasterizer
        self.description = scene
        camera = scene.camera
        self.size = (camera.width, camera.height)
        self.scene = pyrender.Scene(
            bg_color=(0.0, 0.0, 0.0, 0.0), ambient_light=(scene.ambient,) * 3
        )
        self.object_nodes = [self.scene.add(_mesh(o), pose=o.pose) for o in scene.objects]
        self.fixture_nodes = [self.scene.add(_mesh(f), pose=f.pose) for f in scene.fixtures]
        for light in scene.lights:
            self.scene.add(_light(light), pose=light.pose)
        K = camera.K
        self.scene.add(
            pyrender.IntrinsicsCamera(
                K[0, 0], K[1, 1], K[0, 2], K[1, 2], camera.znear, camera.zfar
            ),
            pose=camera.gl_pose,
        )

    def labels(self) -> LabelPass:
        seg_map = {node: _UNLABELED for node in self.fixture_nodes}
        for node, placed in zip(self.object_nodes, self.description.objects, strict=True):
            ident = placed.instance_id
            seg_map[node] = (ident & 255, (ident >> 8) & 255, 0)
        color, depth = self.rasterizer.draw(
            self.scene, pyrender.RenderFlags.SEG, seg_map, self.size
        )
        instance = color[..., 0].astype(np.uint16) | (color[..., 1].astype(np.uint16) << 8)
        return LabelPass(instance, np.ascontiguousarray(depth, dtype=np.float32))

    def solo(self, position: int) -> np.ndarray:
        """Where object `position` (in description.objects) would cover with nothing else."""
        seg_map = {self.object_nodes[position]: (255, 255, 255)}
        color, _ = self.rasterizer.draw(self.scene, pyrender.RenderFlags.SEG, seg_map, self.size)
        return color[..., 0] > 0

    def color(self, shadows: bool) -> np.ndarray:
        flags = pyrender.RenderFlags.RGBA
        if shadows:
            flags |= pyrender.RenderFlags.SHADOWS_DIRECTIONAL | pyrender.RenderFlags.SHADOWS_SPOT
        rgba, _ = self.rasterizer.draw(self.scene, flags, None, self.size)
        # the clear colour is transparent black, so edges come out premultiplied
        rgb = rgba[..., :3].astype(np.float32)
        alpha = rgba[..., 3:4].astype(np.float32) / 255.0
        out = rgb + self.description.background.astype(np.float32) * (1.0 - alpha)
        return np.clip(np.round(out), 0, 255).astype(np.uint8)


class PyrenderRasterizer:
    """One offscreen OpenGL renderer, opened lazily in the process that uses it."""

    name = "pyrender-egl"

    def __init__(self) -> None:
        self._renderer: pyrender.OffscreenRenderer | None = None

    def load(self, scene: SceneDescription) -> LoadedScene:
        return LoadedScene(self, scene)

    def draw(
        self,
        scene: pyrender.Scene,
        flags: int,
        seg_map: dict | None,  # type: ignore[type-arg]
        size: tuple[int, int],
    ) -> tuple[np.ndarray, np.ndarray]:
        width, height = size
        if self._renderer is None:
            self._renderer = pyrender.OffscreenRenderer(width, height)
        elif (self._renderer.viewport_width, self._renderer.viewport_height) != (width, height):
            self._renderer.viewport_width, self._renderer.viewport_height = width, height
        color, depth = self._renderer.render(scene, flags=flags, seg_node_map=seg_map)
        return np.asarray(color), np.asarray(depth)

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.delete()
            self._renderer = None

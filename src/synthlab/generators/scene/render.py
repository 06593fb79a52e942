"""The rasterizer. pyrender (and OpenGL) are imported here, which sets the platform first,
and in the renderer parts imported through here (readback.py, plain_passes.py,
programs.py, gpu_meshes.py); paste.py takes pyrender's flags after this module loaded.

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
# `import pyrender` imports pyglet (for its viewer), which wants X11 libraries unless told it
# runs headless; GPU servers often have no X11 at all (found on an H100 machine).
os.environ.setdefault("PYGLET_HEADLESS", "1")

import numpy as np

# pyrender 0.1.45 still spells `np.infty`, which NumPy 2 removed; keep the alias here only.
if not hasattr(np, "infty"):
    np.infty = np.inf  # type: ignore[attr-defined]

import pyrender
from pyrender.platforms.base import Platform

from synthlab.generators.scene.gpu_meshes import MeshPool
from synthlab.generators.scene.layout import SceneDescription
from synthlab.generators.scene.readback import ReadbackRenderer as _ReadbackRenderer

__all__ = ["LabelPass", "LoadedScene", "PyrenderRasterizer"]

_UNLABELED = (0, 0, 0)


class LabelPass:
    """Instance ids (uint16, 0 where no labeled object is visible) and depth (float32
    metres along the optical axis, 0 where nothing at all was hit)."""

    def __init__(self, instance: np.ndarray, depth: np.ndarray):
        self.instance = instance
        self.depth = depth


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


class _FixedScene(pyrender.Scene):  # type: ignore[misc]
    """A scene whose nodes do not move once added, so their world poses are cached:
    pyrender asks for them again for every primitive of every pass, each time searching
    the scene graph (networkx) and multiplying matrices."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._poses: dict[pyrender.Node, np.ndarray] = {}
        self.changes = 0  # the renderer syncs its context again when this moves
        # floor, walls, lane lines: the only nodes a shadow map may take for ground
        self.fixture_nodes: frozenset[pyrender.Node] = frozenset()

    def add_node(self, node: pyrender.Node, parent_node: pyrender.Node | None = None) -> None:
        self._poses.clear()
        self.changes += 1
        super().add_node(node, parent_node)

    def remove_node(self, node: pyrender.Node) -> None:
        self._poses.clear()
        self.changes += 1
        super().remove_node(node)

    def set_pose(self, node: pyrender.Node, pose: np.ndarray) -> None:
        self._poses.clear()
        self.changes += 1
        super().set_pose(node, pose)

    def get_pose(self, node: pyrender.Node) -> np.ndarray:
        pose = self._poses.get(node)
        if pose is None:
            pose = self._poses[node] = super().get_pose(node)
        return pose.copy()  # callers may modify what they get, as pyrender's own is fresh


class LoadedScene:
    """A scene description turned into pyrender nodes, ready for the three passes. Valid
    until the rasterizer loads the next scene (their meshes come from one pool)."""

    def __init__(self, rasterizer: PyrenderRasterizer, scene: SceneDescription):
        self.rasterizer = rasterizer
        self.description = scene
        camera = scene.camera
        self.size = (camera.width, camera.height)
        flat = scene.background_color
        # a flat background is the clear colour; any other is composited in color()
        clear = (0.0, 0.0, 0.0, 0.0) if flat is None else (*(c / 255 for c in flat), 1.0)
        ambient = scene.ambient_color or (scene.ambient,) * 3  # coloured: image-based light
        self.scene = _FixedScene(bg_color=clear, ambient_light=ambient)
        pool = rasterizer.meshes
        pool.start_scene()
        self.object_nodes = [
            self.scene.add(pool.mesh(o), pose=o.drawn_pose()) for o in scene.objects
        ]
        self.fixture_nodes = [
            self.scene.add(pool.mesh(f), pose=f.drawn_pose()) for f in scene.fixtures
        ]
        self.scene.fixture_nodes = frozenset(self.fixture_nodes)
        for light in scene.lights:
            self.scene.add(_light(light), pose=light.pose)
        K = camera.K
        self.scene.add(
            pyrender.IntrinsicsCamera(
                K[0, 0], K[1, 1], K[0, 2], K[1, 2], camera.znear, camera.zfar
            ),
            pose=camera.gl_pose,
        )

    def _ids(self, positions: list[int]) -> dict[pyrender.Node, tuple[int, int, int]]:
        seg_map = {}
        for position in positions:
            ident = self.description.objects[position].instance_id
            seg_map[self.object_nodes[position]] = (ident & 255, (ident >> 8) & 255, 0)
        return seg_map

    def labels(self) -> LabelPass:
        # everything is drawn (distractors and fixtures as id 0), so all of it occludes
        seg_map = self._ids(list(range(len(self.object_nodes))))
        seg_map.update(dict.fromkeys(self.fixture_nodes, _UNLABELED))
        ids, depth = self.rasterizer.draw_ids(self.scene, seg_map, self.size)
        assert depth is not None
        return LabelPass(ids, depth)

    def solo_counts(
        self, boxes: dict[int, tuple[float, float, float, float] | None]
    ) -> dict[int, int]:
        """Pixels each object would cover alone (`solo_coverage` without occluders)."""
        return {p: count for p, (count, _) in self.solo_coverage(boxes).items()}

    def solo_coverage(
        self,
        boxes: dict[int, tuple[float, float, float, float] | None],
        behind: np.ndarray | None = None,
    ) -> dict[int, tuple[int, dict[int, int]]]:
        """Pixels each object (by position in description.objects, with its projected
        x0 y0 x1 y1 box or None where unknown) would cover with nothing else drawn.

        Objects whose boxes are apart share one pass: a pixel can only be covered by an
        object whose projected box holds the pixel's centre, so such objects cannot touch
        each other's pixels. Boxes get a pixel of margin against rounding between NumPy's
        projection and OpenGL's. Each pass clears, draws and reads only its region.

        With `behind` (the full label pass's ids), also which ids show where the object
        would be seen alone: {id: pixels} of what hides it (0: unlabeled things)."""
        width, height = self.size
        groups: list[tuple[list[int], list[tuple[int, int, int, int]]]] = []
        for position, box in boxes.items():
            if box is None:
                region = (0, 0, width, height)
            else:
                region = (
                    max(int(np.floor(box[0])) - 1, 0),
                    max(int(np.floor(box[1])) - 1, 0),
                    min(int(np.ceil(box[2])) + 2, width),
                    min(int(np.ceil(box[3])) + 2, height),
                )
            if region[0] >= region[2] or region[1] >= region[3]:
                region = (0, 0, 0, 0)  # wholly outside the image: nothing to draw
            for members, regions in groups:
                if box is not None and all(not _touch(region, r) for r in regions):
                    members.append(position)
                    regions.append(region)
                    break
            else:
                groups.append(([position], [region]))
        counts: dict[int, tuple[int, dict[int, int]]] = {}
        for members, regions in groups:
            x0 = min(r[0] for r in regions)
            y0 = min(r[1] for r in regions)
            x1 = max(r[2] for r in regions)
            y1 = max(r[3] for r in regions)
            if x0 >= x1 or y0 >= y1:
                counts.update({position: (0, {}) for position in members})
                continue
            ids = self.rasterizer.draw_ids(
                self.scene, self._ids(members), self.size, region=(x0, y0, x1, y1)
            )[0]
            found = np.bincount(ids.ravel())
            window = behind[y0:y1, x0:x1] if behind is not None else None
            for position in members:
                ident = self.description.objects[position].instance_id
                count = int(found[ident]) if ident < found.size else 0
                hidden: dict[int, int] = {}
                if window is not None and count:
                    shown = window[ids == ident]
                    values, pixels = np.unique(shown[shown != ident], return_counts=True)
                    hidden = {int(v): int(n) for v, n in zip(values, pixels, strict=True)}
                counts[position] = (count, hidden)
        return counts

    def color(self, shadows: bool, occlusion: np.ndarray | None = None) -> np.ndarray:
        """The image; `occlusion` is the ambient-occlusion map for its ambient light."""
        flags = pyrender.RenderFlags.RGBA
        if shadows:
            flags |= pyrender.RenderFlags.SHADOWS_DIRECTIONAL | pyrender.RenderFlags.SHADOWS_SPOT
        flat = self.description.background_color is not None
        rgba = self.rasterizer.draw_color(
            self.scene, flags, self.size, alpha=not flat, occlusion=occlusion
        )
        if flat:
            return rgba  # RGB, drawn over the background already
        # The clear colour is transparent black, so edges come out premultiplied: add the
        # background by the uncovered share, in integers (rounded to nearest).
        alpha = rgba[..., 3:4].astype(np.uint16)
        out = rgba[..., :3].astype(np.uint16)
        out += (self.description.background * (255 - alpha) + 127) // 255
        return np.minimum(out, 255).astype(np.uint8)


def _touch(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class PyrenderRasterizer:
    """One offscreen OpenGL context and renderer, opened lazily in the process that uses it
    (after a worker forked) and kept current for the life of the process."""

    name = "pyrender-egl"

    def __init__(self) -> None:
        self._platform: Platform | None = None
        self._renderer: _ReadbackRenderer | None = None
        self.meshes = MeshPool()  # geometry uploaded once per context, reused by scenes

    def _open(self, size: tuple[int, int]) -> _ReadbackRenderer:
        width, height = size
        if self._renderer is None or self._platform is None:
            from pyrender.platforms import egl

            device = egl.get_device_by_index(int(os.environ.get("EGL_DEVICE_ID", "0")))
            self._platform = egl.EGLPlatform(width, height, device=device)
            self._platform.init_context()
            self._platform.make_current()
            self._renderer = _ReadbackRenderer(width, height)
        else:
            self._platform.make_current()
        self._renderer.viewport_width, self._renderer.viewport_height = width, height
        return self._renderer

    def load(self, scene: SceneDescription) -> LoadedScene:
        return LoadedScene(self, scene)

    def draw_ids(
        self,
        scene: pyrender.Scene,
        seg_map: dict[pyrender.Node, tuple[int, int, int]],
        size: tuple[int, int],
        region: tuple[int, int, int, int] | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Instance ids (uint16, from the red and green bytes) of the nodes in `seg_map`,
        with linear depth for a full frame; a `region` (x0 y0 x1 y1) draws and reads only
        that rectangle and gives no depth."""
        renderer = self._open(size)
        renderer.region = region
        flags = pyrender.RenderFlags.SEG | pyrender.RenderFlags.OFFSCREEN
        try:
            renderer.render(scene, flags, seg_map)
        finally:
            renderer.region = None
        return renderer.ids, renderer.depth

    def draw_color(
        self,
        scene: pyrender.Scene,
        flags: int,
        size: tuple[int, int],
        alpha: bool = True,
        occlusion: np.ndarray | None = None,
    ) -> np.ndarray:
        """RGBA (uint8), or RGB without `alpha`; ambient light times `occlusion` (a map
        over the image, any resolution) where given."""
        renderer = self._open(size)
        renderer.read_alpha = alpha
        renderer.occlusion = occlusion
        try:
            renderer.render(scene, flags | pyrender.RenderFlags.OFFSCREEN)
        finally:
            renderer.occlusion = None
        return renderer.rgba

    def close(self) -> None:
        if self._renderer is not None and self._platform is not None:
            self._platform.make_current()
            self.meshes.clear()
            self._renderer.delete()
            self._platform.delete_context()
            self._renderer = None
            self._platform = None

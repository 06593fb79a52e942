"""pyrender's renderer with read-back cut to what each of our passes needs.

Import it through `render.py`, which sets PYOPENGL_PLATFORM before OpenGL first loads.

pyrender draws every pass into a 4-sample framebuffer, resolves colour and depth into a
single-sample one, reads both back and linearises depth in NumPy, whatever the caller uses.
On llvmpipe that fixed cost (about 12 ms at 640x480) exceeded the drawing itself for our
label passes. Here:

* segmentation passes (instance ids) draw straight into the single-sample framebuffer.
  They rasterise without multisampling anyway (pyrender disables GL_MULTISAMPLE for them),
  so every pixel takes the id of the surface under its centre: the same pixels as before;
* a segmentation pass may be limited to a region (scissor): it clears, draws and reads only
  that rectangle (solo passes for the visible fraction cover one object's box);
* ids are read as two bytes per pixel (red = low byte, green = high byte) and viewed as
  little-endian uint16 without arithmetic; depth is read only for full label passes;
* the colour pass resolves and reads colour only;
* meshes stay uploaded from one scene to the next (`gpu_meshes.MeshPool` owns and frees
  them; pyrender would delete every mesh the next scene lacks), and textured primitives get
  their texture-coordinate scale as a uniform.

* shadow maps are lent from one scene's lights to the next's (pyrender made and freed a
  2048 x 2048 depth texture per light per image), the context is synced once per scene,
  and answers pyrender asks for per primitive (light limits, light views) once per render;
  passes without materials are drawn by plain_passes.py;
* a directional light's shadow map is 512 x 512 and fitted to what casts shadows
  (shadow_fit.py) instead of pyrender's square over the whole scene; spot lights keep
  pyrender's maps.

pyrender 0.1.45 is unmaintained and pinned, so overriding its private hooks
(`_configure_forward_pass_viewport`, `_read_main_framebuffer`, `_update_context`,
`_bind_and_draw_primitive`, `_compute_max_n_lights`, `_get_light_cam_matrices`,
`_configure_shadow_mapping_viewport`, and in
plain_passes.py `_forward_pass` and `_shadow_mapping_pass`) is a stable contract.
"""

from __future__ import annotations

import ctypes
import time
from collections import defaultdict

import numpy as np
import pyrender
from OpenGL import GL
from OpenGL.raw.GL.VERSION.GL_1_0 import glReadPixels as _raw_read_pixels
from pyrender.constants import SHADOW_TEX_SZ, RenderFlags

from synthlab.generators.scene.occlusion_texture import OcclusionTexture
from synthlab.generators.scene.plain_passes import PlainPasses
from synthlab.generators.scene.programs import ProgramCache
from synthlab.generators.scene.shadow_fit import DIRECTIONAL_MAP_SIZE, fitted_directional_view

__all__ = ["ReadbackRenderer"]

_SHADOW_KINDS = (
    RenderFlags.SHADOWS_DIRECTIONAL | RenderFlags.SHADOWS_SPOT | RenderFlags.SHADOWS_POINT
)


class ReadbackRenderer(PlainPasses):
    def __init__(self, width: int, height: int) -> None:
        super().__init__(width, height)
        self._program_cache = ProgramCache()  # our colour shader, cached uniform locations
        self._light_limits: dict[int, list[int]] = {}  # shadow flags -> lights per kind
        # (scene, its change count) last synced to the context, and the shadow kinds made
        self._synced: tuple[tuple[object, object], int] = ((None, None), 0)
        self._light_matrices: dict[pyrender.Node, tuple[np.ndarray, np.ndarray]] = {}
        self.region: tuple[int, int, int, int] | None = None  # x0 y0 x1 y1, image rows
        self.ids: np.ndarray = np.zeros((0, 0), np.uint16)
        self.depth: np.ndarray | None = None
        self.rgba: np.ndarray = np.zeros((0, 0, 4), np.uint8)  # or RGB, see read_alpha
        self.read_alpha = True  # whether the colour pass reads alpha (to composite with)
        # the next colour pass's ambient-occlusion map (ambient_occlusion.py), or None
        self.occlusion: np.ndarray | None = None
        self._occlusion_texture: OcclusionTexture | None = None  # made with the context
        self._occlusion_bound: set[object] = set()  # programs told where it is, this render
        # CPU seconds spent reading back, per pass kind ("labels", "solo", "color"), for
        # the benchmark's stage split; the generator's own timers include these
        self.readback_seconds: defaultdict[str, float] = defaultdict(float)

    def render(
        self,
        scene: pyrender.Scene,
        flags: int,
        seg_node_map: dict[pyrender.Node, tuple[int, int, int]] | None = None,
    ) -> object:
        # as many lights of each kind as pyrender binds (it caps them per kind)
        most = self._compute_max_n_lights(flags)
        self._program_cache.light_counts = (
            min(len(scene.directional_light_nodes), most[0]),
            min(len(scene.point_light_nodes), most[2]),
            min(len(scene.spot_light_nodes), most[1]),
        )
        self._lit: set[object] = set()
        self._light_matrices = {}  # a light's view of this scene, for this render only
        if not flags & (RenderFlags.SEG | RenderFlags.DEPTH_ONLY):  # a colour pass
            if self._occlusion_texture is None:
                self._occlusion_texture = OcclusionTexture()
            self._occlusion_texture.load(self.occlusion)
            self._occlusion_bound = set()
        return super().render(scene, flags, seg_node_map)

    def delete(self) -> None:
        if self._occlusion_texture is not None:
            self._occlusion_texture.delete()
            self._occlusion_texture = None
        super().delete()

    # pyrender asks these two for every primitive it draws (hundreds of times an image);
    # their answers hold for a whole context (the light limits: they ask OpenGL for its
    # texture-unit count each time) or a whole render (a light's view of the scene: an
    # inverse of its pose and the scene's bounds each time). Same values, asked once.
    def _compute_max_n_lights(self, flags: int) -> list[int]:
        kinds = flags & _SHADOW_KINDS
        limits = self._light_limits.get(kinds)
        if limits is None:
            limits = self._light_limits[kinds] = list(super()._compute_max_n_lights(flags))
        return limits

    def _get_light_cam_matrices(
        self, scene: pyrender.Scene, light_node: pyrender.Node, flags: int
    ) -> tuple[np.ndarray, np.ndarray]:
        matrices = self._light_matrices.get(light_node)
        if matrices is None:
            fitted = None
            if isinstance(light_node.light, pyrender.DirectionalLight):
                corners, fixtures = _world_corners(scene)
                fitted = fitted_directional_view(
                    scene.get_pose(light_node), corners, fixtures, DIRECTIONAL_MAP_SIZE
                )
            matrices = fitted or super()._get_light_cam_matrices(scene, light_node, flags)
            self._light_matrices[light_node] = matrices
        return matrices

    def _configure_shadow_mapping_viewport(self, light: pyrender.Light, flags: int) -> None:
        super()._configure_shadow_mapping_viewport(light, flags)
        texture = light.shadow_texture  # pyrender sets a 2048 viewport whatever the map
        GL.glViewport(0, 0, texture.width, texture.height)

    def _bind_lighting(
        self, scene: pyrender.Scene, program: object, node: pyrender.Node, flags: int
    ) -> None:
        # pyrender binds every light again for every primitive. A program keeps its
        # uniforms, so once per program per pass is enough, except when shadow maps take
        # texture units (renumbered per primitive) or when there are more lights than
        # pyrender binds (it then picks the nearest to each node).
        shadows = RenderFlags.SHADOWS_DIRECTIONAL | RenderFlags.SHADOWS_SPOT
        most = self._compute_max_n_lights(flags)
        plenty = (
            len(scene.directional_light_nodes) <= most[0]
            and len(scene.spot_light_nodes) <= most[1]
            and len(scene.point_light_nodes) <= most[2]
        )
        if not flags & shadows and plenty:
            if program in self._lit:
                return
            self._lit.add(program)
        super()._bind_lighting(scene, program, node, flags)

    def _lend_shadow_maps(self, scene: pyrender.Scene) -> None:
        """Give this scene's directional and spot lights the shadow maps already on the GPU.

        Every scene has new light objects, and pyrender gives each new light a new 2048 x
        2048 depth texture and deletes the last scene's (~10 ms a colour pass on
        llvmpipe, allocating and freeing 16 MB); its label passes, which take no shadows,
        delete them too. The maps are all alike and each shadow pass clears its map
        before drawing, so lending the old ones changes no pixel. Done in every pass, so
        that the label passes keep the maps alive for the colour pass."""
        spare = list(self._shadow_textures)  # in the context since the last pass
        needing = []
        held: set[object] = set()
        for light in scene.lights:
            if not isinstance(light, (pyrender.DirectionalLight, pyrender.SpotLight)):
                continue  # pyrender has no shadow maps for point lights
            texture = light._shadow_texture
            if texture is not None and texture not in held:
                held.add(texture)
            else:
                needing.append(light)
        spare = [texture for texture in spare if texture not in held]
        for light in needing:
            size = _map_size(light)
            texture = next((t for t in spare if t.width == size), None)
            if texture is None:
                continue  # made below when a pass takes shadows
            spare.remove(texture)
            light._shadow_texture = texture  # not the setter: it deletes the old map

    def _update_context(self, scene: pyrender.Scene, flags: int) -> None:
        # An image draws the same scene four to six times (label, solo, shadow and colour
        # passes); walking every primitive's material for textures each time cost a few
        # ms. A scene that counts its changes (render.py's) is synced once, and again only
        # when it changed or a pass needs shadow maps the last sync did not make.
        kinds = flags & _SHADOW_KINDS
        state = (scene, getattr(scene, "changes", None))
        if state[1] is not None and state == self._synced[0] and not kinds & ~self._synced[1]:
            return
        self._sync_context(scene, flags)
        done = self._synced[1] if state == self._synced[0] else 0
        self._synced = (state, done | kinds)

    def _sync_context(self, scene: pyrender.Scene, flags: int) -> None:
        self._lend_shadow_maps(scene)
        if flags & RenderFlags.SHADOWS_DIRECTIONAL:  # pyrender would make 2048 x 2048 ones
            for light in scene.directional_light_nodes:
                if light.light.shadow_texture is None:
                    light.light._generate_shadow_texture(size=DIRECTIONAL_MAP_SIZE)
        meshes = scene.meshes
        for mesh in meshes:
            for primitive in mesh.primitives:
                if not primitive._in_context():
                    primitive._add_to_context()
        # pyrender adds what is new since its last scene and deletes what has gone; told
        # that the meshes are exactly those it has, it only handles textures
        self._meshes = meshes
        super()._update_context(scene, flags)
        self._meshes = set()  # the pool frees them, not pyrender's delete()

    def _bind_and_draw_primitive(
        self, primitive: pyrender.Primitive, pose: np.ndarray, program: object, flags: int
    ) -> None:
        program.set_uniform("uv_scale", float(getattr(primitive, "uv_scale", 1.0)))  # type: ignore[attr-defined]
        if program not in self._occlusion_bound and self._occlusion_texture is not None:
            self._occlusion_bound.add(program)
            size = np.array([self.viewport_width, self.viewport_height], np.float32)
            program.set_uniform("ambient_occlusion_map", self._occlusion_texture.unit)  # type: ignore[attr-defined]
            program.set_uniform("viewport_size", size)  # type: ignore[attr-defined]
        super()._bind_and_draw_primitive(primitive, pose, program, flags)

    def _gl_rect(self) -> tuple[int, int, int, int]:
        """The region as OpenGL's x, y (from the bottom), width, height."""
        height = self.viewport_height
        if self.region is None:
            return 0, 0, self.viewport_width, height
        x0, y0, x1, y1 = self.region
        return x0, height - y1, x1 - x0, y1 - y0

    def _configure_forward_pass_viewport(self, flags: int) -> None:
        if not flags & RenderFlags.SEG:
            GL.glDisable(GL.GL_SCISSOR_TEST)
            super()._configure_forward_pass_viewport(flags)
            return
        self._configure_main_framebuffer()
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, self._main_fb)
        GL.glViewport(0, 0, self.viewport_width, self.viewport_height)
        if self.region is None:
            GL.glDisable(GL.GL_SCISSOR_TEST)
        else:
            GL.glEnable(GL.GL_SCISSOR_TEST)  # limits the clear that follows, and drawing
            GL.glScissor(*self._gl_rect())
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glDepthFunc(GL.GL_LESS)
        GL.glDepthRange(0.0, 1.0)

    def _read_main_framebuffer(self, scene: pyrender.Scene, flags: int) -> None:
        # llvmpipe rasterises lazily, at the next flush: finish drawing first so that the
        # read-back's time is the resolve and copy, not the pass's own fragment work
        GL.glFinish()
        started = time.process_time()
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
        if flags & RenderFlags.SEG:
            kind = "labels" if self.region is None else "solo"
            self._read_ids(scene)
        else:
            kind = "color"
            self._read_color()
        self.readback_seconds[kind] += time.process_time() - started

    def _read_ids(self, scene: pyrender.Scene) -> None:
        x, y, width, height = self._gl_rect()
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._main_fb)
        self.ids = _read(x, y, width, height, GL.GL_RG, GL.GL_UNSIGNED_BYTE, "<u2")
        self.depth = None
        if self.region is None:
            window = _read(x, y, width, height, GL.GL_DEPTH_COMPONENT, GL.GL_FLOAT, np.float32)
            self.depth = _linear_depth(window, scene.main_camera_node.camera)
        GL.glDisable(GL.GL_SCISSOR_TEST)

    def _read_color(self) -> None:
        width, height = self.viewport_width, self.viewport_height
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._main_fb_ms)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, self._main_fb)
        GL.glBlitFramebuffer(
            0, 0, width, height, 0, 0, width, height, GL.GL_COLOR_BUFFER_BIT, GL.GL_LINEAR
        )
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._main_fb)
        if self.read_alpha:
            pixels = _read(0, 0, width, height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, np.uint32)
            self.rgba = pixels.view(np.uint8).reshape(height, width, 4)
        else:  # three bytes per pixel straight from OpenGL: no copy to drop the alpha
            pixels = _read(0, 0, width, height, GL.GL_RGB, GL.GL_UNSIGNED_BYTE, np.uint8, 3)
            self.rgba = pixels.reshape(height, width, 3)


def _map_size(light: pyrender.Light) -> int:
    """Texels a side of the shadow map this renderer gives `light`."""
    if isinstance(light, pyrender.DirectionalLight):
        return DIRECTIONAL_MAP_SIZE  # fitted to the casters (shadow_fit.py)
    return int(SHADOW_TEX_SZ)  # pyrender's own, for spot lights


def _world_corners(scene: pyrender.Scene) -> tuple[list[np.ndarray], list[bool]]:
    """The world-space corners of every visible mesh's bounding box, an (8, 3) array each,
    and whether each is one of the scene's fixtures (render.py's scenes name them; in any
    other scene nothing counts as ground and the map covers everything)."""
    fixtures: frozenset[pyrender.Node] = getattr(scene, "fixture_nodes", frozenset())
    corners, is_fixture = [], []
    for node in scene.mesh_nodes:
        if not node.mesh.is_visible:
            continue
        low, high = node.mesh.bounds
        box = np.array([[x, y, z, 1.0] for x in (low[0], high[0]) for y in (low[1], high[1])
                        for z in (low[2], high[2])])  # fmt: skip
        corners.append((box @ scene.get_pose(node).T)[:, :3])
        is_fixture.append(node in fixtures)
    return corners, is_fixture


def _read(
    x: int,
    y: int,
    width: int,
    height: int,
    fmt: int,
    kind: int,
    dtype: object,
    per_pixel: int = 1,
) -> np.ndarray:
    """glReadPixels straight into a fresh array (`per_pixel` values of `dtype` per pixel
    in a row), rows flipped to image order (a view). The raw entry point: PyOpenGL's
    wrapper knows no GL_RG and copies through bytes."""
    shape = (height, width * per_pixel)
    out: np.ndarray = np.empty(shape, dtype=dtype)  # type: ignore[call-overload]
    _raw_read_pixels(x, y, width, height, fmt, kind, ctypes.c_void_p(out.ctypes.data))
    return out[::-1]


def _linear_depth(window: np.ndarray, camera: pyrender.Camera) -> np.ndarray:
    """Window depth in [0, 1] to metres along the optical axis, 0 where nothing was hit;
    the same float32 operations, in the same order, as pyrender's own read-back."""
    near, far = camera.znear, camera.zfar
    # in place in one buffer (the read-back's own, flipped view): each step is the float32
    # operation `(2nf) / (f + n - (2w - 1)(f - n))` makes, so values are bit-identical,
    # without four temporary 1.2 MB arrays (~0.7 ms of a 640x480 label pass)
    nothing = window == 1.0
    metres: np.ndarray = window
    np.multiply(metres, 2.0, out=metres)
    np.subtract(metres, 1.0, out=metres)
    np.multiply(metres, far - near, out=metres)
    np.subtract(far + near, metres, out=metres)
    with np.errstate(divide="ignore"):
        np.divide(2.0 * near * far, metres, out=metres)
    metres[nothing] = 0.0
    return metres

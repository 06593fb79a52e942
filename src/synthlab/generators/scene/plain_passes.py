"""The passes that draw no material (instance ids, shadow maps) without pyrender's
per-primitive set-up.

Import it through `render.py`, which sets PYOPENGL_PLATFORM before OpenGL first loads.

For every primitive of every pass pyrender binds its program and sets the camera's three
uniforms again, then sets five pieces of fixed-function state that a pass without
materials never changes. An image takes four to six such passes (the label pass, solo
passes, one shadow map per light) over 30-130 primitives, and on llvmpipe this Python and
PyOpenGL work cost as much as drawing. These loops draw the same primitives in the same
order with the same programs, uniforms and state, set once per pass or per program, so
every pixel comes out the same (tests/scene/test_plain_passes.py compares them with
pyrender's own loops).
"""

from __future__ import annotations

import ctypes

import numpy as np
import pyrender
from OpenGL import GL
from pyrender.constants import GLTF, ProgramFlags, RenderFlags

__all__ = ["PlainPasses"]


class PlainPasses(pyrender.Renderer):  # type: ignore[misc]
    """pyrender's segmentation forward pass and shadow-map pass, lean."""

    def _forward_pass(
        self,
        scene: pyrender.Scene,
        flags: int,
        seg_node_map: dict[pyrender.Node, object] | None = None,
    ) -> object:
        if not flags & RenderFlags.SEG:
            return super()._forward_pass(scene, flags, seg_node_map)
        self._configure_forward_pass_viewport(flags)
        GL.glClearColor(0.0, 0.0, 0.0, 1.0)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)
        GL.glDisable(GL.GL_MULTISAMPLE)
        V, P = self._get_camera_matrices(scene)
        colors = seg_node_map or {}
        self._draw_plain(scene, flags, ProgramFlags.USE_MATERIAL, V, P, colors)
        if flags & RenderFlags.OFFSCREEN:
            return self._read_main_framebuffer(scene, flags)
        return None

    def _shadow_mapping_pass(
        self, scene: pyrender.Scene, light_node: pyrender.Node, flags: int
    ) -> None:
        self._configure_shadow_mapping_viewport(light_node.light, flags)
        V, P = self._get_light_cam_matrices(scene, light_node, flags)
        self._draw_plain(scene, flags, ProgramFlags.NONE, V, P, None)

    def _draw_plain(
        self,
        scene: pyrender.Scene,
        flags: int,
        program_flags: int,
        V: np.ndarray,
        P: np.ndarray,
        colors: dict[pyrender.Node, object] | None,
    ) -> None:
        """Every visible mesh node (with `colors`: only those it names, each drawn in its
        colour) in pyrender's order, as pyrender's loops draw them."""
        camera_position = scene.get_pose(scene.main_camera_node)[:3, 3]
        # the state pyrender's _bind_and_draw_primitive sets for every primitive of a
        # pass without materials: back faces culled, no blending, filled polygons
        GL.glEnable(GL.GL_CULL_FACE)
        GL.glEnable(GL.GL_BLEND)
        GL.glCullFace(GL.GL_BACK)
        GL.glBlendFunc(GL.GL_ONE, GL.GL_ZERO)
        GL.glPolygonMode(GL.GL_FRONT_AND_BACK, GL.GL_FILL)
        GL.glDisable(GL.GL_PROGRAM_POINT_SIZE)
        ready: set[object] = set()  # programs whose camera uniforms are set in this pass
        program = None
        for node in self._sorted_mesh_nodes(scene):
            mesh = node.mesh
            if not mesh.is_visible:
                continue
            if colors is not None:
                if node not in colors:
                    continue
                color = _unit_color(colors[node])
            pose = scene.get_pose(node)
            for primitive in mesh.primitives:
                wanted = self._get_primitive_program(primitive, flags, program_flags)
                if wanted is not program:
                    program = wanted
                    program._bind()
                if program not in ready:
                    ready.add(program)
                    program.set_uniform("V", V)
                    program.set_uniform("P", P)
                    program.set_uniform("cam_pos", camera_position)
                if colors is not None:
                    program.set_uniform("color", color)
                program.set_uniform("M", pose)
                _draw(primitive, self.point_size)
        if program is not None:
            program._unbind()
        self._reset_active_textures()
        GL.glFlush()


def _unit_color(color: object) -> np.ndarray:
    """A segmentation colour as pyrender hands it to the shader: three values in [0, 1]."""
    if not isinstance(color, (list, tuple, np.ndarray)):
        color = [color] * 3  # one grey level (what pyrender's np.repeat(color, 3) makes)
    unit: np.ndarray = np.asanyarray(color) / 255.0
    return unit


def _draw(primitive: pyrender.Primitive, point_size: float) -> None:
    primitive._bind()
    points = primitive.mode == GLTF.POINTS
    if points:
        GL.glEnable(GL.GL_PROGRAM_POINT_SIZE)
        GL.glPointSize(point_size)
    instances = 1 if primitive.poses is None else len(primitive.poses)
    if primitive.indices is not None:
        GL.glDrawElementsInstanced(
            primitive.mode,
            primitive.indices.size,
            GL.GL_UNSIGNED_INT,
            ctypes.c_void_p(0),
            instances,
        )
    else:
        GL.glDrawArraysInstanced(primitive.mode, 0, len(primitive.positions), instances)
    if points:
        GL.glDisable(GL.GL_PROGRAM_POINT_SIZE)
    primitive._unbind()

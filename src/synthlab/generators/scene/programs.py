"""Shader programs for the renderer: our own colour shader, pyrender's for the rest.

Import it through `render.py`, which sets PYOPENGL_PLATFORM before OpenGL first loads.

pyrender asks its program cache for `mesh.vert` + `mesh.frag` whenever it draws with
materials (our colour pass). Its PBR fragment shader is most of an image's render time on
llvmpipe, so this cache answers that request with `shaders/color.vert` + `color.frag`
(written here: Lambert + Blinn-Phong, see the file), fed by the same uniforms pyrender's
renderer binds. Label passes (segmentation) and shadow maps (depth) keep pyrender's own
shaders: labels never depend on the colour shader.

Two more differences from pyrender's cache, both for speed:
* a program remembers where its uniforms live: pyrender asks OpenGL for a uniform's
  location on every set, hundreds of times per image, and uses an exception to skip the
  names a shader does not declare;
* defines are `#define` lines after `#version` (pyrender substitutes text), so a shader can
  test them with `#if defined(...)`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pyrender
from OpenGL import GL
from pyrender.shader_program import ShaderProgram

__all__ = ["ProgramCache"]

OUR_SHADERS = Path(__file__).parent / "shaders"
PYRENDER_SHADERS = Path(pyrender.__file__).parent / "shaders"
# pyrender's name for a shader -> ours
REPLACED = {"mesh.vert": "color.vert", "mesh.frag": "color.frag"}

LIGHT_COUNT_NAMES = ("N_DIRECTIONAL_LIGHTS", "N_POINT_LIGHTS", "N_SPOT_LIGHTS")

_VECTOR_SETTERS = {
    ("f", 1): GL.glUniform1fv,
    ("f", 2): GL.glUniform2fv,
    ("f", 3): GL.glUniform3fv,
    ("f", 4): GL.glUniform4fv,
    ("i", 1): GL.glUniform1iv,
    ("i", 2): GL.glUniform2iv,
    ("i", 3): GL.glUniform3iv,
    ("i", 4): GL.glUniform4iv,
}


def _shader_path(name: str | None) -> str | None:
    if name is None:
        return None
    if name in REPLACED:
        return str(OUR_SHADERS / REPLACED[name])
    return str(PYRENDER_SHADERS / name)


@functools.cache
def _source(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


class Program(ShaderProgram):  # type: ignore[misc]
    """pyrender's program object (the renderer calls its private `_bind` etc.) with
    uniform locations cached and defines as real preprocessor definitions."""

    def __init__(
        self, vertex: str, fragment: str, geometry: str | None, defines: dict[str, object]
    ) -> None:
        super().__init__(vertex, fragment, geometry, defines)
        self._locations: dict[str, int] = {}

    def _load(self, shader_filename: str) -> str:
        version, _, body = _source(shader_filename).partition("\n")
        lines = [f"#define {name} {value}" for name, value in sorted(self.defines.items())]
        return "\n".join([version, *lines, body])

    def _remove_from_context(self) -> None:
        super()._remove_from_context()
        self._locations.clear()

    def set_uniform(self, name: str, value: Any, unsigned: bool = False) -> None:
        location = self._locations.get(name)
        if location is None:
            location = int(GL.glGetUniformLocation(self._program_id, name))
            self._locations[name] = location
        if location == -1:  # not declared (or optimised away) in this shader
            return
        if isinstance(value, np.ndarray):
            if value.ndim == 2:
                GL.glUniformMatrix4fv(location, 1, GL.GL_TRUE, value.astype(np.float32))
            elif value.dtype.kind in "iub":
                _VECTOR_SETTERS["i", value.size](location, 1, value.astype(np.int32))
            else:
                _VECTOR_SETTERS["f", value.size](location, 1, value.astype(np.float32))
        elif isinstance(value, (bool, int, np.integer)):
            GL.glUniform1i(location, int(value))
        elif isinstance(value, (float, np.floating)):
            GL.glUniform1f(location, float(value))
        else:
            raise TypeError(f"uniform {name!r}: cannot set a {type(value).__name__}")


class ProgramCache:
    """Stands in for pyrender's `ShaderProgramCache` (same two methods the renderer calls)."""

    def __init__(self) -> None:
        self._programs: dict[tuple[object, ...], Program] = {}
        self._answers: dict[tuple[object, ...], Program] = {}  # request -> program
        # directional, point and spot lights in the scene being drawn: the colour shader
        # unrolls its light loops over these (the renderer sets them before each pass)
        self.light_counts = (0, 0, 0)

    def get_program(
        self,
        vertex_shader: str,
        fragment_shader: str,
        geometry_shader: str | None = None,
        defines: dict[str, object] | None = None,
    ) -> Program:
        # pyrender asks for a program for every primitive of every pass, with a fresh
        # dict of defines: remember each request's answer (the path joins and define
        # filtering below cost more than drawing a small part on llvmpipe)
        request = (
            vertex_shader,
            fragment_shader,
            geometry_shader,
            tuple(sorted((defines or {}).items())),
            self.light_counts if fragment_shader in REPLACED else None,
        )
        known = self._answers.get(request)
        if known is not None:
            return known
        program = self._program_for(vertex_shader, fragment_shader, geometry_shader, defines)
        self._answers[request] = program
        return program

    def _program_for(
        self,
        vertex_shader: str,
        fragment_shader: str,
        geometry_shader: str | None,
        defines: dict[str, object] | None,
    ) -> Program:
        defines = dict(defines or {})
        if fragment_shader in REPLACED:
            for name, count in zip(LIGHT_COUNT_NAMES, self.light_counts, strict=True):
                defines[name] = count
        paths = tuple(_shader_path(name) for name in (vertex_shader, fragment_shader))
        geometry = _shader_path(geometry_shader)
        # Only the defines a shader mentions: pyrender passes material and light defines
        # to every shader, and each distinct program costs llvmpipe a compile on first draw.
        source = "".join(_source(path) for path in (*paths, geometry) if path is not None)
        defines = {name: value for name, value in defines.items() if name in source}
        key = (*paths, geometry, tuple(sorted(defines.items())))
        program = self._programs.get(key)
        if program is None:
            vertex, fragment = paths
            assert vertex is not None and fragment is not None
            program = self._programs[key] = Program(vertex, fragment, geometry, defines)
        return program

    def clear(self) -> None:
        for program in self._programs.values():
            program.delete()
        self._programs.clear()
        self._answers.clear()

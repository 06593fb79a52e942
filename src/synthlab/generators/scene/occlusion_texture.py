"""The ambient-occlusion map on the GPU: one float texture the colour shader reads by
screen position (`ambient_occlusion_map`), bound to a texture unit pyrender never takes.

Import it through `render.py`, which sets PYOPENGL_PLATFORM before OpenGL first loads.

pyrender hands out texture units from 0 for each primitive (its material's textures, then
shadow maps) and starts again at 0 for the next; it reserves 6 for materials and binds at
most 4 lights of each kind, at most 18 in all, so of 32 units (llvmpipe's, NVIDIA's) the
last stays ours. Without a map the texture is a single white texel: the shader multiplies
its ambient term by exactly 1.0, so images come out as they did before there was a map.
"""

from __future__ import annotations

import numpy as np
from OpenGL import GL

__all__ = ["OcclusionTexture"]


class OcclusionTexture:
    def __init__(self) -> None:
        self.unit = int(GL.glGetIntegerv(GL.GL_MAX_TEXTURE_IMAGE_UNITS)) - 1
        self._texture = int(GL.glGenTextures(1))
        GL.glActiveTexture(GL.GL_TEXTURE0 + self.unit)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self._texture)
        for name, value in (
            (GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR),
            (GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR),
            (GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE),
            (GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE),
        ):
            GL.glTexParameteri(GL.GL_TEXTURE_2D, name, value)
        GL.glActiveTexture(GL.GL_TEXTURE0)
        self._shape: tuple[int, int] | None = None

    def load(self, occlusion: np.ndarray | None) -> None:
        """Upload `occlusion` (rows from the image's top, float32 in [0, 1]) or, for None,
        the white texel, and leave it bound to `unit`."""
        if occlusion is None:
            occlusion = np.ones((1, 1), np.float32)
        # OpenGL's rows start at the bottom, as gl_FragCoord's do
        rows = np.ascontiguousarray(occlusion[::-1], dtype=np.float32)
        GL.glActiveTexture(GL.GL_TEXTURE0 + self.unit)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self._texture)
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
        height, width = rows.shape
        if self._shape != (height, width):
            GL.glTexImage2D(
                GL.GL_TEXTURE_2D, 0, GL.GL_R32F, width, height, 0, GL.GL_RED, GL.GL_FLOAT, rows
            )
            self._shape = (height, width)
        else:
            GL.glTexSubImage2D(
                GL.GL_TEXTURE_2D, 0, 0, 0, width, height, GL.GL_RED, GL.GL_FLOAT, rows
            )
        GL.glActiveTexture(GL.GL_TEXTURE0)

    def delete(self) -> None:
        GL.glDeleteTextures([self._texture])

"""GPU meshes reused from one scene to the next within a worker.

Import it through `render.py`, which sets PYOPENGL_PLATFORM before OpenGL first loads.

Building a pyrender mesh per object per image (merge the parts, unshare vertices, compute
normals, upload a vertex buffer) cost about a fifth of an image's CPU time. Objects share
their shape's meshes unscaled (the scale goes into the node pose), so the same geometry
comes back image after image. Here each distinct geometry is turned into vertex arrays and
uploaded once; a scene borrows as many copies as it has objects of that shape, and only
the materials (and the texture-coordinate scale, a shader uniform) change per image.
Which copy a scene borrows cannot change what is drawn: copies hold equal vertex data.

A `LoadedScene` is valid until the next one is loaded: the copies it borrowed are handed
to the next scene with new materials.

Geometry built for one image only (each person is posed anew: `human.py` marks its meshes
`metadata["per_image"]`) is freed when the next scene starts instead of filling the pool.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pyrender
import trimesh

from synthlab.generators.scene.layout import PlacedObject
from synthlab.generators.scene.materials import Material, box_uv

__all__ = ["MeshPool", "TexturedPrimitive"]

MAX_GEOMETRIES = 64  # distinct object geometries kept uploaded between scenes


class TexturedPrimitive(pyrender.Primitive):  # type: ignore[misc]
    """A primitive whose box-projected texture coordinates are for a unit scale; the colour
    shader multiplies them by `uv_scale` (object scale times texture repeats per metre)."""

    uv_scale: float = 1.0


@dataclass
class _Arrays:
    positions: np.ndarray
    normals: np.ndarray
    uv: np.ndarray | None


@dataclass
class _Geometry:
    meshes: tuple[tuple[trimesh.Trimesh, ...], ...]  # kept alive: the key holds their ids
    arrays: list[_Arrays]
    copies: list[pyrender.Mesh] = field(default_factory=list)


def _flat_arrays(meshes: tuple[trimesh.Trimesh, ...], textured: bool) -> _Arrays:
    """One vertex per face corner with the face's normal (flat shading, as pyrender's
    `from_trimesh(smooth=False)`), texture coordinates by box projection at unit scale."""
    corners = np.concatenate([np.asarray(m.vertices)[np.asarray(m.faces)] for m in meshes])
    normals = np.concatenate([np.asarray(m.face_normals) for m in meshes])
    positions = corners.reshape(-1, 3)
    normals = np.repeat(normals, 3, axis=0)
    uv = box_uv(positions, normals) if textured else None
    return _Arrays(positions.astype(np.float32), normals.astype(np.float32), uv)


# Textures of shared read-only images (textures.py's `field`, 12 MB each), by the image's
# id: the same pyrender.Texture in consecutive scenes stays uploaded (pyrender frees only
# textures that leave the scene), where a new one per image would upload it again.
_SHARED_TEXTURES: dict[int, tuple[np.ndarray, pyrender.Texture]] = {}


def _texture(image: np.ndarray) -> pyrender.Texture:
    if image.flags.writeable:  # a small tile drawn for this image only
        return pyrender.Texture(source=image, source_channels="RGB", sampler=pyrender.Sampler())
    held = _SHARED_TEXTURES.get(id(image))
    if held is None or held[0] is not image:
        texture = pyrender.Texture(source=image, source_channels="RGB", sampler=pyrender.Sampler())
        held = _SHARED_TEXTURES[id(image)] = (image, texture)
    return held[1]


def _pyrender_material(material: Material) -> pyrender.MetallicRoughnessMaterial:
    texture = None if material.image is None else _texture(material.image)
    color = (
        (1.0, 1.0, 1.0, 1.0) if texture is not None else (*(c / 255 for c in material.color), 1.0)
    )
    return pyrender.MetallicRoughnessMaterial(
        baseColorFactor=color,
        metallicFactor=material.metallic,
        roughnessFactor=material.roughness,
        baseColorTexture=texture,
    )


def _groups(placed: PlacedObject) -> list[tuple[Material, list[trimesh.Trimesh]]]:
    """Parts by material: parts sharing one are drawn in one call, which matters on
    llvmpipe, where each draw call costs Python and driver overhead."""
    groups: dict[int, tuple[Material, list[trimesh.Trimesh]]] = {}
    for mesh, material in placed.parts:
        groups.setdefault(id(material), (material, []))[1].append(mesh)
    return list(groups.values())


def _per_image(geometry: _Geometry) -> bool:
    return any(m.metadata.get("per_image") for meshes in geometry.meshes for m in meshes)


def _free(geometry: _Geometry) -> None:
    for copy in geometry.copies:
        for primitive in copy.primitives:
            primitive.delete()


class MeshPool:
    """Uploaded object geometry of one OpenGL context, and which copies a scene uses."""

    def __init__(self) -> None:
        self._geometries: OrderedDict[tuple[object, ...], _Geometry] = OrderedDict()
        self._borrowed: dict[tuple[object, ...], int] = {}

    def start_scene(self) -> None:
        self._borrowed = {}
        once = [key for key, g in self._geometries.items() if _per_image(g)]
        for key in once:  # drawn for the last image only: nothing will ask for it again
            _free(self._geometries.pop(key))
        while len(self._geometries) > MAX_GEOMETRIES:  # the least recently used go
            _, geometry = self._geometries.popitem(last=False)
            _free(geometry)

    def mesh(self, placed: PlacedObject) -> pyrender.Mesh:
        """A mesh drawing `placed` in its object frame, unscaled; materials set for it."""
        groups = _groups(placed)
        key = tuple(
            (tuple(id(m) for m in meshes), material.image is not None)
            for material, meshes in groups
        )
        geometry = self._geometries.get(key)
        if geometry is None:
            parts = tuple(tuple(meshes) for _, meshes in groups)
            arrays = [
                _flat_arrays(meshes, textured)
                for meshes, (_, textured) in zip(parts, key, strict=True)
            ]
            geometry = self._geometries[key] = _Geometry(parts, arrays)
        self._geometries.move_to_end(key)
        slot = self._borrowed.get(key, 0)
        self._borrowed[key] = slot + 1
        if slot == len(geometry.copies):
            geometry.copies.append(self._new_copy(geometry))
        mesh = geometry.copies[slot]
        for primitive, (material, _) in zip(mesh.primitives, groups, strict=True):
            primitive.material = _pyrender_material(material)
            primitive.uv_scale = placed.scale * material.texture_scale
        return mesh

    @staticmethod
    def _new_copy(geometry: _Geometry) -> pyrender.Mesh:
        primitives = [
            TexturedPrimitive(
                positions=arrays.positions, normals=arrays.normals, texcoord_0=arrays.uv
            )
            for arrays in geometry.arrays
        ]
        return pyrender.Mesh(primitives=primitives)

    def clear(self) -> None:
        """Free every uploaded copy (the context must be current)."""
        for geometry in self._geometries.values():
            for copy in geometry.copies:
                for primitive in copy.primitives:
                    primitive.delete()
        self._geometries.clear()
        self._borrowed = {}

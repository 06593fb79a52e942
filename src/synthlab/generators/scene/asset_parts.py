"""Small mesh builders shared by the project's procedural assets (assets*.py): boxes,
cylinders and tubes between two points, tori, rounded wrapped hulls. All in metres."""

from __future__ import annotations

import numpy as np
import trimesh

__all__ = ["box", "cylinder", "rounded_block", "torus", "tube"]


def box(extents: tuple[float, float, float], at: tuple[float, float, float]) -> trimesh.Trimesh:
    mesh: trimesh.Trimesh = trimesh.creation.box(
        extents=extents, transform=trimesh.transformations.translation_matrix(at)
    )
    return mesh


def _placed(mesh: trimesh.Trimesh, axis: str, at: tuple[float, float, float]) -> trimesh.Trimesh:
    """`mesh`, built about z, turned to lie along `axis` ("x", "y" or "z") and moved to `at`."""
    if axis == "x":
        mesh.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, (0, 1, 0)))
    elif axis == "y":
        mesh.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, (1, 0, 0)))
    mesh.apply_translation(at)
    return mesh


def cylinder(
    radius: float,
    height: float,
    at: tuple[float, float, float],
    axis: str = "z",
    sections: int = 16,
) -> trimesh.Trimesh:
    mesh: trimesh.Trimesh = trimesh.creation.cylinder(
        radius=radius, height=height, sections=sections
    )
    return _placed(mesh, axis, at)


def tube(
    start: tuple[float, float, float],
    end: tuple[float, float, float],
    radius: float,
    sections: int = 8,
) -> trimesh.Trimesh:
    """A cylinder from `start` to `end` (frame tubes, struts, poles)."""
    a, b = np.asarray(start, float), np.asarray(end, float)
    mesh: trimesh.Trimesh = trimesh.creation.cylinder(
        radius=radius, segment=np.stack([a, b]), sections=sections
    )
    return mesh


def torus(
    major: float,
    minor: float,
    at: tuple[float, float, float],
    axis: str = "z",
    sections: tuple[int, int] = (24, 6),
) -> trimesh.Trimesh:
    """A ring about `axis` (tyres: axis x, so the wheel stands in the y-z plane)."""
    mesh: trimesh.Trimesh = trimesh.creation.torus(
        major_radius=major,
        minor_radius=minor,
        major_sections=sections[0],
        minor_sections=sections[1],
    )
    return _placed(mesh, axis, at)


def rounded_block(
    extents: tuple[float, float, float],
    at: tuple[float, float, float],
    roundness: float,
    wrinkle: float,
    seed: int,
    subdivisions: int = 3,
) -> trimesh.Trimesh:
    """A box with rounded edges and a slightly uneven skin: the look of stretch film pulled
    round a stack of cartons. The box is subdivided, its vertices pulled onto a
    superellipsoid (exponent from `roundness`: 0 square, 1 an ellipsoid), then each pushed
    along its direction from the centre by up to `wrinkle` metres of fixed-seed noise."""
    mesh = trimesh.creation.box(extents=(2.0, 2.0, 2.0))
    for _ in range(subdivisions):
        mesh = mesh.subdivide()
    v = np.asarray(mesh.vertices, float)
    power = 2.0 + 18.0 * (1.0 - roundness) ** 2  # large: nearly a box
    norm = (np.abs(v) ** power).sum(axis=1) ** (1.0 / power)
    unit = v / norm[:, None]
    half = np.asarray(extents, float) / 2
    points = unit * half
    rng = np.random.default_rng(seed)
    direction = unit / np.maximum(np.linalg.norm(unit, axis=1), 1e-9)[:, None]
    bottom = points[:, 2] <= -half[2] + 1e-6
    push = rng.uniform(-1.0, 1.0, len(points)) * wrinkle
    push[bottom] = 0.0  # the film ends flat on the deck
    points = points + direction * push[:, None]
    points[:, 2] = np.maximum(points[:, 2], -half[2])
    out = trimesh.Trimesh(points + np.asarray(at, float), mesh.faces, process=False)
    return out

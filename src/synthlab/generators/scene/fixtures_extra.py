"""Unlabelled fixtures that make a floor read as a warehouse: painted lane lines on the
floor and walls round the scene. They are drawn (so they occlude and cast shadows) but
never labelled (instance 0), like the floor itself.

Lane lines are 10 cm wide yellow stripes (the common width for aisle marking tape and
paint), 2 mm proud of the floor: objects stand 1 mm above the floor, so a line under an
object stays hidden inside it rather than flickering through. Meshes are cached per size,
so the renderer keeps them uploaded; only their pose (a yaw) is drawn per image.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import trimesh

from synthlab.generators.scene.layout import PlacedObject
from synthlab.generators.scene.materials import Material

__all__ = ["LINE_WIDTH", "lane_lines", "walls"]

LINE_WIDTH = 0.1
LINE_THICKNESS = 0.002
LANE_YELLOW = Material((226, 188, 24), 0.0, 0.55, "none", 1.0)
WALL_COLORS = ((196, 196, 190), (176, 182, 188), (210, 204, 190))


@functools.lru_cache(maxsize=8)
def _lines(length: float, gap: float) -> trimesh.Trimesh:
    """Two parallel lines `gap` apart (between centres) and a dashed centre line."""
    boxes = [
        trimesh.creation.box(
            extents=(length, LINE_WIDTH, LINE_THICKNESS),
            transform=trimesh.transformations.translation_matrix((0, y, LINE_THICKNESS / 2)),
        )
        for y in (-gap / 2, gap / 2)
    ]
    for x in np.arange(-length / 2 + 0.5, length / 2 - 0.5, 2.0):  # 1 m dashes, 1 m apart
        boxes.append(
            trimesh.creation.box(
                extents=(1.0, LINE_WIDTH, LINE_THICKNESS),
                transform=trimesh.transformations.translation_matrix(
                    (float(x) + 0.5, 0, LINE_THICKNESS / 2)
                ),
            )
        )
    mesh = trimesh.util.concatenate(boxes)
    assert isinstance(mesh, trimesh.Trimesh)  # boxes concatenate to one mesh
    return mesh


def lane_lines(
    surface_size: tuple[float, float], spread: float, top: float, rng: np.random.Generator
) -> PlacedObject:
    """Lane lines just outside the area objects stand in, at a yaw drawn from `rng`."""
    length = float(min(surface_size)) * 0.9
    gap = 2 * spread + 0.6
    yaw = float(rng.uniform(0.0, math.pi))
    pose = trimesh.transformations.rotation_matrix(yaw, (0, 0, 1))
    pose[2, 3] = top
    return PlacedObject(
        0,
        None,
        ((_lines(length, gap), LANE_YELLOW),),
        pose,
        drawn={"lane_lines": {"yaw_deg": round(math.degrees(yaw), 6), "gap": gap}},
    )


@functools.lru_cache(maxsize=8)
def _wall_ring(distance: float, height: float) -> trimesh.Trimesh:
    """Four 20 cm walls enclosing a square `distance` from the centre to each wall."""
    side = 2 * distance + 0.2
    boxes = []
    for angle in (0.0, 0.5, 1.0, 1.5):
        wall = trimesh.creation.box(
            extents=(side, 0.2, height),
            transform=trimesh.transformations.translation_matrix((0, distance + 0.1, height / 2)),
        )
        wall.apply_transform(trimesh.transformations.rotation_matrix(angle * math.pi, (0, 0, 1)))
        boxes.append(wall)
    mesh = trimesh.util.concatenate(boxes)
    assert isinstance(mesh, trimesh.Trimesh)  # boxes concatenate to one mesh
    return mesh


def walls(distance: float, height: float, top: float, rng: np.random.Generator) -> PlacedObject:
    """Painted walls round the scene (colour drawn from a few greys and creams)."""
    color = WALL_COLORS[int(rng.integers(0, len(WALL_COLORS)))]
    material = Material(color, 0.0, 0.85, "none", 1.0)
    pose = trimesh.transformations.translation_matrix((0, 0, top))
    return PlacedObject(
        0,
        None,
        ((_wall_ring(distance, height), material),),
        pose,
        drawn={"walls": {"distance": distance, "color": "#{:02x}{:02x}{:02x}".format(*color)}},
    )

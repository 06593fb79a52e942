"""The label set of a scene recipe: its classes in the order the recipe lists them (category
ids count up from `category_id_start`, YOLO numbers from 0), and each class's keypoint names
in the order its labels list them, with a skeleton where the shape has limbs.

Keypoint names come from the shape itself (a project asset or primitive is built, which
takes milliseconds and no renderer; a user mesh's names are its `keypoints` mapping), so
they cannot drift from what the labels hold.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from synthlab.samples.labels import KeypointSchema, LabelSet

__all__ = ["SKELETONS", "scene_label_set"]

# Edges drawn between keypoints, by name, per project asset: COCO's person skeleton (limbs,
# hips, shoulders) with the neck joined to the nose and both shoulders, as this body names it.
SKELETONS: dict[str, tuple[tuple[str, str], ...]] = {
    "human": (
        ("nose", "neck"),
        ("neck", "left_shoulder"),
        ("neck", "right_shoulder"),
        ("left_shoulder", "right_shoulder"),
        ("left_shoulder", "left_elbow"),
        ("left_elbow", "left_wrist"),
        ("right_shoulder", "right_elbow"),
        ("right_elbow", "right_wrist"),
        ("left_shoulder", "left_hip"),
        ("right_shoulder", "right_hip"),
        ("left_hip", "right_hip"),
        ("left_hip", "left_knee"),
        ("left_knee", "left_ankle"),
        ("right_hip", "right_knee"),
        ("right_knee", "right_ankle"),
    ),
}


@cache
def _asset_keypoints(asset: str) -> tuple[str, ...]:
    from synthlab.generators.scene.assets import build_asset

    return tuple(point.name for point in build_asset(asset).keypoints)


@cache
def _primitive_keypoints(primitive: str) -> tuple[str, ...]:
    from synthlab.generators.scene.assets import build_primitive

    return tuple(point.name for point in build_primitive(primitive).keypoints)


def _schema(category: str, spec: Any) -> KeypointSchema | None:
    if spec.asset is not None:
        names = _asset_keypoints(spec.asset)
    elif spec.primitive is not None:
        names = _primitive_keypoints(spec.primitive)
    else:
        names = tuple(spec.keypoints)
    if not names:
        return None
    position = {name: i for i, name in enumerate(names)}
    edges = tuple(
        (position[a], position[b])
        for a, b in SKELETONS.get(spec.asset or "", ())
        if a in position and b in position
    )
    return KeypointSchema(category, names, edges)


def scene_label_set(params: Any, base_dir: Path) -> LabelSet:
    """`params`: `SceneParams` (also the scene inside a diffusion ControlNet recipe)."""
    schemas = (_schema(name, spec) for name, spec in params.classes.items())
    return LabelSet(
        categories=tuple(params.classes),
        category_id_start=params.category_id_start,
        keypoints=tuple(schema for schema in schemas if schema is not None),
    )

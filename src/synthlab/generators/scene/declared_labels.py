"""The label set of a scene recipe: its classes in the order the recipe lists them (category
ids count up from `category_id_start`, YOLO numbers from 0), and each class's keypoint names
in the order its labels list them, with a skeleton where the shape has limbs.

Keypoint names are kept here as data, so that the label set costs no trimesh import (the
engine asks for it in the driver too); a test builds every asset and primitive and compares
(tests/core/test_label_set.py). A user mesh's names are its `keypoints` mapping, in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthlab.generators.scene.coco_person import COCO_KEYPOINTS, COCO_SKELETON
from synthlab.samples.labels import KeypointSchema, LabelSet

__all__ = ["ASSET_KEYPOINTS", "PRIMITIVE_KEYPOINTS", "SKELETONS", "scene_label_set"]


def _corners(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{y}_{x}" for y in ("front", "back") for x in ("left", "right"))


# The keypoints `assets.build_asset(name)` gives each project asset, in its order.
ASSET_KEYPOINTS: dict[str, tuple[str, ...]] = {
    "crate": (*_corners("top"), *_corners("bottom")),
    "pallet": _corners("deck"),
    "loaded_pallet": (*_corners("deck"), *_corners("top")),
    "barrel": ("top_center", "bottom_center"),
    "traffic_cone": ("tip", *_corners("base")),
    "human": COCO_KEYPOINTS,
    "vehicle": (
        "front_center",
        "rear_center",
        "roof_center",
        *(f"wheel_{y}_{x}" for y in ("front", "rear") for x in ("left", "right")),
    ),
    "forklift": (
        "fork_tip_left",
        "fork_tip_right",
        "mast_top",
        "guard_top",
        *(f"wheel_{y}_{x}" for y in ("front", "rear") for x in ("left", "right")),
    ),
    "racking": (*_corners("top"), "base_front_left", "base_front_right"),
    "racking_loaded": (*_corners("top"), "base_front_left", "base_front_right"),
    "box_stack": ("top_center", *_corners("bottom")),
    "wrapped_pallet": (*_corners("deck"), "top_center"),
    "car": (
        "front_center",
        "rear_center",
        "roof_center",
        *(f"wheel_{y}_{x}" for y in ("front", "rear") for x in ("left", "right")),
    ),
    "bicycle": ("wheel_front", "wheel_rear", "handlebar", "saddle"),
    "sign": ("plate_center", "plate_top", "pole_base"),
}
# every primitive (box, sphere, cylinder, capsule, cone, torus) marks its top and bottom
PRIMITIVE_KEYPOINTS: tuple[str, ...] = ("top", "bottom")

# Edges drawn between keypoints, by name, per project asset
SKELETONS: dict[str, tuple[tuple[str, str], ...]] = {"human": COCO_SKELETON}


def _schema(category: str, spec: Any) -> KeypointSchema | None:
    if spec.asset is not None:
        names = ASSET_KEYPOINTS[spec.asset]
    elif spec.primitive is not None:
        names = PRIMITIVE_KEYPOINTS
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
    schemas = [_schema(name, spec) for name, spec in params.classes.items()]
    categories = tuple(params.classes)
    background = getattr(params, "background", None)
    if background is not None and getattr(background, "annotations", None) is not None:
        # the photos' own COCO categories follow the recipe's classes, in the file's order
        from synthlab.generators.scene.photos import coco_categories, coco_keypoint_schemas

        found = coco_categories(background, base_dir)
        photo_only = tuple(name for name in found if name not in categories)
        categories += photo_only
        points = coco_keypoint_schemas(background, base_dir)
        schemas += [KeypointSchema(n, *points[n]) for n in photo_only if n in points]
    return LabelSet(
        categories=categories,
        category_id_start=params.category_id_start,
        keypoints=tuple(schema for schema in schemas if schema is not None),
    )

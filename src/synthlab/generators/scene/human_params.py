"""Recipe schema of the articulated human (`classes.<name>.human: {...}` on a class with
`asset: human`) and the checks of the conditions about people and occluders
(`occluded_by:`, `pose:`). Kept apart from params.py, which only names them; cheap to
import (no trimesh).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from synthlab.errors import did_you_mean
from synthlab.recipe.distributions import Choice, Const, StrValue, Value
from synthlab.recipe.model import RecipeModel

__all__ = ["POSE_NAMES", "HumanSpec", "condition_errors", "str_options"]

# the names synthlab.generators.scene.human.POSES knows (kept here as data so the schema
# costs no trimesh import; tests/scene/test_human.py compares the two)
POSE_NAMES = ("standing", "walking", "running", "crouching", "sitting", "reaching", "lying")
_DEFAULT_POSES = POSE_NAMES[:-1]  # lying on the floor only when asked for
_TROUSERS = ("navy", "#2b3a55", "#1c1c1e", "#6b6250", "#4a4d52", "#3d4a3a")


def str_options(value: Value[str]) -> list[str]:
    """Every string a StrValue can draw (constants and choices)."""
    if isinstance(value, Const):
        return [str(value.value)]
    return [text for option in getattr(value, "options", ()) for text in str_options(option)]


class HumanSpec(RecipeModel):
    """How people of this class are drawn. The shirt takes the class `material`; stature,
    girth, skin tone and shoes are drawn from published ranges (docs/scene.md, People)."""

    pose: StrValue = Field(
        default_factory=lambda: Choice(tuple(Const(p) for p in _DEFAULT_POSES)),
        description=f"named pose: {', '.join(POSE_NAMES)} (default: any but lying)",
    )
    variation: float = Field(
        default=1.0, ge=0.0, le=3.0, description="scale of the random joint-angle variation"
    )
    lower: StrValue = Field(
        default_factory=lambda: Choice(tuple(Const(c) for c in _TROUSERS)),
        description="trousers colour",
    )

    @field_validator("pose")
    @classmethod
    def _known_pose(cls, value: Value[str]) -> Value[str]:
        for option in str_options(value):
            if option not in POSE_NAMES:
                raise ValueError(
                    f"unknown pose {option!r}{did_you_mean(option, POSE_NAMES)}; "
                    f"accepted: {', '.join(POSE_NAMES)}"
                )
        return value

    @field_validator("lower")
    @classmethod
    def _known_color(cls, value: Value[str]) -> Value[str]:
        from synthlab.generators.scene.colors import parse_color

        for option in str_options(value):
            parse_color(option)
        return value


def condition_errors(params: Any) -> list[str]:
    """What is wrong with the conditions' `occluded_by` and `pose` (SceneParams)."""
    errors = []
    for name, condition in params.conditions.items():
        about = params.classes.get(condition.class_name)
        occluder = condition.occluded_by
        if occluder is not None:
            if occluder not in params.classes:
                errors.append(
                    f"condition {name!r} asks for occluded_by {occluder!r}"
                    f"{did_you_mean(occluder, params.classes)}, which is not under classes "
                    f"({', '.join(params.classes)})"
                )
            elif params.classes[occluder].count.bounds()[1] < 1:
                errors.append(
                    f"condition {name!r} asks for occluded_by {occluder!r}, but that class's "
                    "count is always 0: no instance can hide anything"
                )
        if condition.pose is not None:
            if condition.pose not in POSE_NAMES:
                errors.append(
                    f"condition {name!r} asks for pose {condition.pose!r}"
                    f"{did_you_mean(condition.pose, POSE_NAMES)}; accepted: "
                    f"{', '.join(POSE_NAMES)}"
                )
            elif about is not None and about.asset != "human":
                errors.append(
                    f"condition {name!r} asks for pose {condition.pose!r} of class "
                    f"{condition.class_name!r}, which is not a person (asset: human)"
                )
            elif _pasting(params) and condition.pose not in str_options(
                (about.human or HumanSpec()).pose if about is not None else Const("")
            ):
                errors.append(
                    f"condition {name!r} asks for pose {condition.pose!r}, which class "
                    f"{condition.class_name!r} never draws; people pasted into photos are not "
                    "posed by quotas, so add it to the class's human.pose choices"
                )
    return errors


def _pasting(params: Any) -> bool:
    """Whether objects are pasted into photos (that path draws people's poses from the
    class's choices only: quotas do not pin them there)."""
    spec = getattr(getattr(params, "background", None), "paste_spec", None)
    return bool(callable(spec) and spec() is not None)

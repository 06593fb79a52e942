"""Which quota conditions a rendered frame carries, and the values that decided it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from synthlab.generators.scene.occluders import mostly_hidden_by
from synthlab.generators.scene.params import ConditionSpec
from synthlab.samples.image import ObjectLabel

if TYPE_CHECKING:
    from synthlab.generators.base import SamplePlan

__all__ = ["frame_conditions", "meets_plan"]


def _meets(label: ObjectLabel, spec: ConditionSpec, category_of: Mapping[int, str]) -> bool:
    fraction = label.visible_fraction or 0.0
    truncation = label.truncation if label.truncation is not None else 1.0
    low, high = spec.visible_fraction
    t_low, t_high = spec.truncation
    return (
        label.category == spec.class_name
        and label.bbox is not None
        and low <= fraction <= high
        and t_low <= truncation <= t_high
        and (spec.pose is None or label.attributes.get("pose") == spec.pose)
        and (spec.occluded_by is None or mostly_hidden_by(label, category_of, spec.occluded_by))
    )


def frame_conditions(
    objects: tuple[ObjectLabel, ...],
    classes: tuple[str, ...],
    conditions: Mapping[str, ConditionSpec],
) -> tuple[frozenset[str], dict[str, object]]:
    """Class names with a visible instance, and named conditions that hold; plus the
    achieved values (visible fractions of the objects each condition is about)."""
    carried = {o.category for o in objects if o.bbox is not None and o.category in classes}
    achieved: dict[str, object] = {}
    category_of = {o.instance_id: o.category for o in objects}
    for name, spec in conditions.items():
        matching = [o for o in objects if _meets(o, spec, category_of)]
        if len(matching) >= spec.min_count:
            carried.add(name)
        achieved[name] = sorted(
            round(o.visible_fraction or 0.0, 4)
            for o in objects
            if o.category == spec.class_name and o.bbox is not None
        )
    return frozenset(carried), achieved


def meets_plan(plan: SamplePlan, carried: frozenset[str]) -> bool:
    """Whether a frame carrying `carried` has every condition the plan requires and none of
    those it forbids."""
    return plan.require <= carried and not plan.forbid & carried

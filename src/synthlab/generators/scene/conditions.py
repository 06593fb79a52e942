"""Which quota conditions a rendered frame carries, and the values that decided it."""

from __future__ import annotations

from collections.abc import Mapping

from synthlab.generators.scene.params import ConditionSpec
from synthlab.samples.image import ObjectLabel

__all__ = ["frame_conditions"]


def _meets(label: ObjectLabel, spec: ConditionSpec) -> bool:
    fraction = label.visible_fraction or 0.0
    truncation = label.truncation if label.truncation is not None else 1.0
    low, high = spec.visible_fraction
    t_low, t_high = spec.truncation
    return (
        label.category == spec.class_name
        and label.bbox is not None
        and low <= fraction <= high
        and t_low <= truncation <= t_high
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
    for name, spec in conditions.items():
        matching = [o for o in objects if _meets(o, spec)]
        if len(matching) >= spec.min_count:
            carried.add(name)
        achieved[name] = sorted(
            round(o.visible_fraction or 0.0, 4)
            for o in objects
            if o.category == spec.class_name and o.bbox is not None
        )
    return frozenset(carried), achieved

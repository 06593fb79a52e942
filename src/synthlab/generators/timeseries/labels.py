"""The label set of a time-series recipe: the event kinds it injects (in the fixed order of
their `label` column codes), its event names (its quota conditions) and, with an activity
model, the activity states of the `activity` column."""

from __future__ import annotations

from pathlib import Path

from synthlab.generators.timeseries.params import TimeseriesParams
from synthlab.samples.labels import LabelSet
from synthlab.samples.timeseries import EVENT_KINDS

__all__ = ["timeseries_label_set"]


def timeseries_label_set(params: TimeseriesParams, base_dir: Path) -> LabelSet:
    injected = {event.kind for event in params.events}
    return LabelSet(
        event_kinds=tuple(kind for kind in EVENT_KINDS if kind in injected),
        event_names=tuple(params.conditions()),
        # the column's codes index the fixed ACTIVITIES table (then the recipe's own
        # activities), whichever states are drawn
        activities=params.activity.activity_names if params.activity is not None else (),
    )

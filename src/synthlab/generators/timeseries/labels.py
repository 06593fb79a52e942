"""The label set of a time-series recipe: the event kinds it injects (in the fixed order of
their `label` column codes), its event names (its quota conditions) and, with an activity
model, the activity states of the `activity` column."""

from __future__ import annotations

from pathlib import Path

from synthlab.generators.timeseries.params import TimeseriesParams
from synthlab.generators.timeseries.real_params import EXISTING_NAME
from synthlab.samples.labels import LabelSet
from synthlab.samples.timeseries import LABEL_KINDS

__all__ = ["timeseries_label_set"]


def timeseries_label_set(params: TimeseriesParams, base_dir: Path) -> LabelSet:
    injected: set[str] = {event.kind for event in params.events}
    names = tuple(params.conditions())
    if params.base is not None and params.base.label is not None:
        # the input's own labelled stretches are carried as events of kind `existing`
        injected.add(EXISTING_NAME)
        names += (EXISTING_NAME,)
    return LabelSet(
        event_kinds=tuple(kind for kind in LABEL_KINDS if kind in injected),
        event_names=names,
        # the column's codes index the fixed ACTIVITIES table (then the recipe's own
        # activities), whichever states are drawn
        activities=params.activity.activity_names if params.activity is not None else (),
    )

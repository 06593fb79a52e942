"""What every time-series format writes: the per-point columns of a series and the rows of
the dataset's event table, built once from a `TimeseriesSample`."""

from __future__ import annotations

from typing import Any

import numpy as np

from synthlab.jsonio import canonical_json
from synthlab.samples.labels import LabelSet
from synthlab.samples.timeseries import ACTIVITIES, LABEL_KINDS, TimeseriesSample

__all__ = [
    "EVENT_COLUMNS",
    "event_codes",
    "event_names",
    "event_rows",
    "iso_time",
    "label_codes",
    "point_columns",
    "series_name",
]

EVENT_COLUMNS = (
    "series",
    "event_id",
    "kind",
    "name",
    "channels",
    "start",
    "end",
    "start_time",
    "end_time",
    "phase",
    "params",
)


def series_name(index: int, width: int) -> str:
    return f"{index:0{width}d}"


def event_names(sample: TimeseriesSample, labels: LabelSet) -> tuple[str, ...]:
    """The code table of the per-point `event` column: "" (no event) is 0, then the label
    set's event names in recipe order, so a name has the same code in every series of a
    dataset. Names a label set does not declare (a generator that declares none) follow,
    sorted, and each file's table says what they are."""
    declared = labels.event_names
    extra = sorted({event.name for event in sample.events} - set(declared))
    return ("", *declared, *extra)


def event_codes(sample: TimeseriesSample, names: tuple[str, ...]) -> np.ndarray:
    """Per row, the code in `names` of the event the point belongs to (0 outside events),
    looked up through the per-point event_id, so it agrees with the event table."""
    if not sample.events:
        return np.zeros(sample.event_id.shape[0], np.int16)
    by_id = np.zeros(max(e.event_id for e in sample.events) + 2, np.int16)
    for event in sample.events:
        by_id[event.event_id + 1] = names.index(event.name)
    codes: np.ndarray = by_id[sample.event_id + 1]
    return codes


def point_columns(
    sample: TimeseriesSample, names: tuple[str, ...] | None = None
) -> dict[str, np.ndarray]:
    """Column name -> per-row array, in output order. Timestamps are int64 nanoseconds UTC;
    `event` holds codes into `names` (see `event_names`), `activity` codes into
    `sample.activities`."""
    columns: dict[str, np.ndarray] = {"timestamp": sample.time_ns, "index": sample.grid_index}
    for number, channel in enumerate(sample.channels):
        columns[channel] = sample.values[:, number]
    columns["anomaly"] = sample.anomaly
    columns["label"] = sample.label
    columns["event_id"] = sample.event_id
    columns["event"] = event_codes(sample, names or event_names(sample, LabelSet()))
    if sample.activity is not None:
        columns["activity"] = sample.activity
    columns.update(sample.targets)
    return columns


def grid_time_ns(sample: TimeseriesSample, position: int) -> int:
    """Nominal time of grid index `position` (window ends are not necessarily sampled)."""
    return sample.start_ns + round(position * 1e9 / sample.rate_hz)


def iso_time(ns: int) -> str:
    """ISO 8601 UTC with microseconds, e.g. 2024-01-01T00:00:01.500000Z (no wall clock)."""
    text = np.datetime_as_string(np.datetime64(ns // 1000, "us"), unit="us")
    return f"{text}Z"


def event_rows(sample: TimeseriesSample) -> list[dict[str, Any]]:
    """One row per event (per phase for phased events), in event order."""
    return [
        {
            "series": sample.index,
            "event_id": event.event_id,
            "kind": event.kind,
            "name": event.name,
            "channels": list(event.channels),
            "start": event.start,
            "end": event.end,
            "start_time": grid_time_ns(sample, event.start),
            "end_time": grid_time_ns(sample, event.end),
            "phase": event.phase,
            "params": canonical_json(event.params),
        }
        for event in sample.events
    ]


def label_codes(
    names: tuple[str, ...] = ("",), activities: tuple[str, ...] = ACTIVITIES
) -> dict[str, Any]:
    """The meaning of the integer label columns (written next to the data); `names`: the
    `event` column's code table (`event_names`); `activities`: the `activity` column's (the
    fixed table, then a recipe's own activities)."""
    return {
        "label": {"0": "normal", **{str(i + 1): kind for i, kind in enumerate(LABEL_KINDS)}},
        "activity": {str(i): name for i, name in enumerate(activities)},
        "event": {str(i): name for i, name in enumerate(names)},
        "event_id": "-1 outside events, else the event's id within its series",
        "anomaly": "1 inside any event window, else 0",
    }

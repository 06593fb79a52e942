"""Reading a time-series dataset back (Parquet, else NPZ) and checking its label invariants."""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np

from synthlab.errors import RuntimeFailure
from synthlab.exporters.base import Layout
from synthlab.readers import DatasetView
from synthlab.samples import Sample
from synthlab.samples.timeseries import (
    ACTIVITIES,
    LABEL_KINDS,
    EventLabel,
    Segment,
    TimeseriesSample,
    kind_code,
)

__all__ = ["READER", "TimeseriesReader", "label_violations"]

_LABEL_COLUMNS = ("timestamp", "index", "anomaly", "label", "event_id", "event", "activity")


def _from_parquet(path: Any) -> dict[str, Any]:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    about = json.loads(table.schema.metadata[b"synthlab"])
    names = table.column_names
    channels = tuple(names[names.index("index") + 1 : names.index("anomaly")])
    after = names[names.index("event_id") + 1 :]
    activity = None
    if "activity" in names:
        activity = table.column("activity").combine_chunks().indices.to_numpy().astype(np.int16)
    return {
        "channels": channels,
        "units": tuple(about["units"][c] for c in channels),
        "rate_hz": float(about["rate_hz"]),
        "time_ns": table.column("timestamp").cast("int64").to_numpy(),
        "grid_index": table.column("index").to_numpy(),
        "values": np.column_stack([table.column(c).to_numpy() for c in channels]),
        "anomaly": table.column("anomaly").to_numpy(),
        "label": table.column("label").to_numpy(),
        "event_id": table.column("event_id").to_numpy(),
        "activity": activity,
        "targets": {n: table.column(n).to_numpy() for n in after if n not in _LABEL_COLUMNS},
    }


def _from_npz(path: Any) -> dict[str, Any]:
    from synthlab.exporters.timeseries.tabular import read_npz

    arrays = read_npz(path.read_bytes())
    about = json.loads(str(arrays.pop("about")))
    fixed = {"timestamp_ns", "index", "values", "channels", "units", "anomaly", "label"}
    fixed |= {"event_id", "event", "event_names", "activity"}
    return {
        "channels": tuple(str(c) for c in arrays["channels"]),
        "units": tuple(str(u) for u in arrays["units"]),
        "rate_hz": float(about["rate_hz"]),
        "time_ns": arrays["timestamp_ns"],
        "grid_index": arrays["index"],
        "values": arrays["values"],
        "anomaly": arrays["anomaly"],
        "label": arrays["label"],
        "event_id": arrays["event_id"],
        "activity": arrays.get("activity"),
        "targets": {k: v for k, v in arrays.items() if k not in fixed},
    }


class TimeseriesReader:
    def load_sample(self, dataset: DatasetView, record: dict[str, Any]) -> Sample:
        index = int(record["index"])
        layout = Layout(dataset.count)
        found: dict[str, Any] | None = None
        for folder, suffix, load in (
            ("parquet", ".parquet", _from_parquet),
            ("npz", ".npz", _from_npz),
        ):
            path = dataset.path / layout.sample_path(f"{folder}/series", index, suffix)
            if path.is_file():
                found = load(path)
                break
        if found is None:
            raise RuntimeFailure(
                f"sample {index}: no parquet/ or npz/ series file in {dataset.path}; "
                "render with format parquet or npz to read it back"
            )
        meta = record.get("metadata", {})
        return TimeseriesSample(
            index=index,
            conditions=frozenset(record["conditions"]),
            metadata=meta,
            start_ns=int(found["time_ns"][0]) if len(found["time_ns"]) else 0,
            length=int(meta["length"]),
            # the recipe's activity table (built-ins, then its own), from the manifest
            activities=(
                tuple(dataset.manifest.get("label_set", {}).get("activities") or ACTIVITIES)
                if found["activity"] is not None
                else ()
            ),
            events=tuple(EventLabel.from_json(e) for e in meta.get("events", [])),
            segments=tuple(Segment(**s) for s in meta.get("segments", [])),
            **found,
        )

    def check_sample(self, sample: Sample) -> list[str]:
        assert isinstance(sample, TimeseriesSample)
        return label_violations(sample)


def _check_events(sample: TimeseriesSample, problems: list[str]) -> None:
    n = sample.length
    spans: dict[int, list[EventLabel]] = {}
    for event in sample.events:
        where = f"event {event.event_id} ({event.kind}{', ' + event.phase if event.phase else ''})"
        if event.kind not in LABEL_KINDS:
            problems.append(f"{where} has an unknown kind")
        if not 0 <= event.start < event.end <= n:
            problems.append(f"{where} window [{event.start}, {event.end}) is not inside 0..{n}")
        unknown = set(event.channels) - set(sample.channels)
        if unknown or not event.channels:
            problems.append(f"{where} names channels {sorted(unknown) or 'none'} not in the series")
        spans.setdefault(event.event_id, []).append(event)
    windows = sorted(sample.event_windows())
    for (_, end), (start, _) in itertools.pairwise(windows):
        if start < end:
            problems.append(f"event windows overlap at point {start}")
    for event_id, parts in spans.items():
        ordered = sorted(parts, key=lambda e: e.start)
        for left, right in itertools.pairwise(ordered):
            if left.end != right.start:
                problems.append(
                    f"event {event_id}: phases {left.phase} and {right.phase} do not meet"
                )
    carried = {e.name for e in sample.events}
    if carried != set(sample.conditions):
        problems.append(
            f"conditions {sorted(sample.conditions)} differ from event names {sorted(carried)}"
        )


def _check_points(sample: TimeseriesSample, problems: list[str]) -> None:
    grid = sample.grid_index
    if grid.size and (grid[0] < 0 or grid[-1] >= sample.length or np.any(np.diff(grid) <= 0)):
        problems.append("grid indices are not increasing within the series")
    if np.any(np.diff(sample.time_ns) <= 0):
        problems.append("timestamps are not strictly increasing")
    label = np.zeros(sample.length, np.int16)
    event_id = np.full(sample.length, -1, np.int32)
    for event in sample.events:
        label[event.start : event.end] = kind_code(event.kind)
        event_id[event.start : event.end] = event.event_id
    for name, got, wanted in (
        ("anomaly", sample.anomaly, (label > 0)[grid].astype(np.uint8)),
        ("label", sample.label, label[grid]),
        ("event_id", sample.event_id, event_id[grid]),
    ):
        wrong = np.flatnonzero(np.asarray(got) != wanted)
        if wrong.size:
            problems.append(
                f"per-point {name} differs from the event table at {wrong.size} points "
                f"(first at grid index {int(grid[wrong[0]])})"
            )
    if sample.activity is not None:
        codes = np.full(sample.length, -1, np.int16)
        for segment in sample.segments:
            codes[segment.start : segment.end] = (sample.activities or ACTIVITIES).index(
                segment.activity
            )
        if np.any(codes < 0):
            problems.append("activity segments do not cover the series")
        wrong = np.flatnonzero(sample.activity != codes[grid])
        if wrong.size:
            problems.append(f"activity labels differ from the segments at {wrong.size} points")


def label_violations(sample: TimeseriesSample) -> list[str]:
    """Every way the sample's labels break the invariants, as sentences ([] when fine)."""
    problems: list[str] = []
    _check_events(sample, problems)
    _check_points(sample, problems)
    return problems


READER = TimeseriesReader()

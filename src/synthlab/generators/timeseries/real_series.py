"""A sample made from a real base: a series (or a window of one) drawn from the input, the
recipe's events injected into it by the same code as a generated series, the input's own
labels carried.

Outside the event windows every value is the input's float64 value, unchanged: the window
is copied once and events write only inside their own windows (events.py). The input's
labelled stretches become events of kind `existing` (one per run of equal label values);
injected events are placed around them unless `allow_overlap`, and where one is allowed to
cover them, the injected event's kind is what the point's label says (the labelled stretch
keeps the parts outside it), so windows still never overlap.

Draws: the sample's stream splits as a generated series' does; the shape stream picks the
series and the window, the event stream places and shapes the events.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from synthlab.generators.base import SamplePlan
from synthlab.generators.timeseries.events import (
    PlacedEvent,
    apply_events,
    place_events,
    point_labels,
)
from synthlab.generators.timeseries.params import TimeseriesParams
from synthlab.generators.timeseries.real_base import (
    RealSeries,
    SeriesSource,
    base_sources,
    describe_bundled,
)
from synthlab.generators.timeseries.real_params import EXISTING_NAME
from synthlab.generators.timeseries.targets import forecast_targets
from synthlab.recipe.files import RecipeFileError
from synthlab.samples.timeseries import EventLabel, TimeseriesSample

__all__ = ["RealBaseSource", "label_runs", "make_real_series"]

_CACHED = 4  # series kept in memory per worker (each is one input file's named columns)


class RealBaseSource:
    """The base's series for one worker, read when a sample first needs them (checked the
    way `synthlab check` checks them), a few kept in memory."""

    def __init__(self, params: TimeseriesParams, base_dir: Path):
        self.params = params
        try:
            self.sources: list[SeriesSource] = base_sources(params, base_dir)
        except RecipeFileError as error:
            raise RuntimeError(f"base: {error}") from None
        self._cache: OrderedDict[int, RealSeries] = OrderedDict()

    def series(self, number: int) -> RealSeries:
        found = self._cache.get(number)
        if found is None:
            try:
                found = self.sources[number].load()
            except RecipeFileError as error:
                raise RuntimeError(f"base: {error}") from None
            self._cache[number] = found
            if len(self._cache) > _CACHED:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(number)
        return found

    def provenance(self) -> dict[str, Any]:
        base = self.params.base
        assert base is not None
        if base.bundled is not None:
            return {"base": describe_bundled(self.params)}
        # files are hashed by the engine (the manifest's `inputs`); this says how many
        return {"base": {"series": len(self.sources)}}


def label_runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, end, value) of every run of equal non-zero values, in order."""
    if labels.size == 0:
        return []
    edges = np.flatnonzero(np.diff(labels)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [labels.size]))
    return [
        (int(a), int(b), int(labels[a])) for a, b in zip(starts, ends, strict=True) if labels[a]
    ]


def _existing_events(
    labels: np.ndarray | None,
    placed: list[PlacedEvent],
    channels: tuple[str, ...],
) -> list[EventLabel]:
    """The input's labelled runs, as events numbered after the injected ones; the parts an
    injected event covers (allow_overlap) are left to it."""
    if labels is None:
        return []
    kept = labels.copy()
    for event in placed:
        kept[event.start : event.end] = 0
    return [
        EventLabel(
            event_id=len(placed) + number,
            kind=EXISTING_NAME,
            name=EXISTING_NAME,
            channels=channels,
            start=start,
            end=end,
            params={"value": value},
        )
        for number, (start, end, value) in enumerate(label_runs(kept))
    ]


def make_real_series(
    params: TimeseriesParams,
    source: RealBaseSource,
    index: int,
    rng: np.random.Generator,
    plan: SamplePlan,
) -> TimeseriesSample:
    base = params.base
    assert base is not None
    shape_rng, _sampling, _activity, _base, event_rng = rng.spawn(5)
    number = int(shape_rng.integers(len(source.sources)))
    series = source.series(number)
    n = series.length if base.window is None else int(base.window.sample(shape_rng))
    if n > series.length:
        raise RuntimeError(
            f"base: {series.source} has {series.length} rows, fewer than a window of {n}"
        )
    first = int(shape_rng.integers(series.length - n + 1))
    rows = series.rows[:, first : first + n].copy()  # channel-major, each row contiguous
    labels = None if series.label is None else series.label[first : first + n]
    reserved = [] if labels is None or base.allow_overlap else label_runs(labels)
    spans = [(lo, hi) for lo, hi, _ in reserved]
    try:
        placed = place_events(params, n, plan, event_rng, reserved=spans)
    except RuntimeError as error:
        if not spans:
            raise
        raise RuntimeError(
            f"{error} ({series.source} rows {first + 1}..{first + n}: the input's labelled "
            f"stretches take {sum(hi - lo for lo, hi in spans)} of the {n} points; "
            "base.allow_overlap: true lets events cover them)"
        ) from None
    values = apply_events(params, rows.T, placed, event_rng)
    injected = [label for event in placed for label in event.labels()]
    existing = _existing_events(labels, placed, params.channel_names)
    events = tuple(injected + existing)
    windows = ((e.start, e.end, e.kind, e.event_id) for e in events)
    anomaly, label, event_id = point_labels(n, windows)
    time_ns = series.time_ns[first : first + n].copy()
    return TimeseriesSample(
        index=index,
        conditions=frozenset(e.name for e in events),
        metadata={
            "length": n,
            "rows": n,
            "events": [e.to_json() for e in events],
            "segments": [],
            "base": {"series": series.source, "row": first},
        },
        channels=params.channel_names,
        units=("",) * len(params.channel_names),
        rate_hz=params.rate_hz,
        start_ns=int(time_ns[0]),
        length=n,
        grid_index=np.arange(n, dtype=np.int64),
        time_ns=time_ns,
        values=values.astype(params.dtype),
        anomaly=anomaly,
        label=label,
        event_id=event_id,
        events=events,
        targets=forecast_targets(values, params.targets, params.channel_names, params.dtype),
    )

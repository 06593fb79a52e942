"""The `timeseries` generator: base signal, activity, events, labels, irregular sampling.

A sample's stream is split into independent child streams (shape, sampling, activity,
base, events). Event draws therefore never shift the base signal: a series rendered with
its events removed is identical outside the event windows, which the tests check.

Memory layout: the signal is built channel-major (one contiguous row per channel) and
handed out as its transpose, an (n, channels) view. Each channel is then one contiguous
block for the component code, the event statistics and the exporters (zero-copy columns).
Values are computed in float64 and cast once, at the end, to the recipe's `dtype`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from synthlab.generators.base import Generator, GeneratorContext, SamplePlan
from synthlab.generators.timeseries.activity import (
    ActivitySignal,
    relabel_falls,
    sensor_output,
    simulate_activity,
)
from synthlab.generators.timeseries.components import Timeline, channel_values, correlated_noise
from synthlab.generators.timeseries.events import apply_events, place_events, point_labels
from synthlab.generators.timeseries.memory import keep_freed_memory
from synthlab.generators.timeseries.params import TimeseriesParams
from synthlab.generators.timeseries.sampling import kept_points, sample_times
from synthlab.generators.timeseries.targets import forecast_targets, target_name
from synthlab.samples.timeseries import Segment, TimeseriesSample

__all__ = ["TimeseriesGenerator", "make_series", "target_name"]


def _length(params: TimeseriesParams, rng: np.random.Generator) -> int:
    if params.length is not None:
        return int(params.length.sample(rng))
    assert params.duration is not None
    return max(2, round(params.duration.sample(rng) * params.rate_hz))


def _base(
    params: TimeseriesParams,
    line: Timeline,
    base_rng: np.random.Generator,
    activity_rng: np.random.Generator,
) -> tuple[np.ndarray, ActivitySignal | None]:
    """The clean signal as an (n, channels) view of a channel-major array, and the body's
    motion when the recipe has an activity model (in g and rad/s, gravity included)."""
    rows = np.empty((len(params.channels), line.n))
    for channel, row in zip(params.channels, rows, strict=True):
        channel_values(channel, line, base_rng, out=row)
    base = rows.T
    if params.correlated_noise is not None:
        base += correlated_noise(params.correlated_noise, line.n, base_rng)
    if params.mixing is not None:
        base = (np.asarray(params.mixing, dtype=float) @ rows).T
    t = line.t
    if params.activity is None:
        return base, None
    motion = simulate_activity(params.activity, t, params.rate_hz, activity_rng)
    names = params.channel_names
    for axis, name in enumerate(params.activity.axes):
        base[:, names.index(name)] += motion.accel[:, axis]
    for axis, name in enumerate(params.activity.gyro or ()):
        base[:, names.index(name)] += motion.gyro[:, axis]
    return base, motion


def _nanoseconds(start_ns: int, seconds: np.ndarray) -> np.ndarray:
    scaled = seconds * 1e9
    np.rint(scaled, out=scaled)
    stamps = scaled.astype(np.int64)
    stamps += start_ns
    return stamps


def make_series(
    params: TimeseriesParams, index: int, rng: np.random.Generator, plan: SamplePlan
) -> TimeseriesSample:
    shape_rng, sampling_rng, activity_rng, base_rng, event_rng = rng.spawn(5)
    n = _length(params, shape_rng)
    t = sample_times(params.sampling, n, params.rate_hz, sampling_rng)
    keep = kept_points(params.sampling, n, sampling_rng)
    line = Timeline(t, params.rate_hz, regular=params.sampling.jitter == 0)
    base, motion = _base(params, line, base_rng, activity_rng)
    placed = place_events(params, n, plan, event_rng, () if motion is None else motion.segments)
    values = apply_events(params, base, placed, event_rng)
    activity: np.ndarray | None = None
    segments: tuple[Segment, ...] = ()
    activities: tuple[str, ...] = ()
    if motion is not None:
        assert params.activity is not None
        activities = params.activity.activity_names
        activity, segments = relabel_falls(motion.codes, motion.segments, placed, activities)
        sensor_output(params.activity, values, params.channel_names, motion, placed)
    windows = ((e.start, e.end, e.spec.kind, e.event_id) for e in placed)
    anomaly, label, event_id = point_labels(n, windows)
    targets = forecast_targets(values, params.targets, params.channel_names, params.dtype, keep)
    events = tuple(label for event in placed for label in event.labels())
    every = keep.shape[0] == n  # skip fancy-indexing copies when nothing was dropped
    return TimeseriesSample(
        index=index,
        conditions=frozenset(e.spec.condition for e in placed),
        metadata={
            "length": n,
            "rows": int(keep.shape[0]),
            "events": [e.to_json() for e in events],
            "segments": [s.to_json() for s in segments],
        },
        channels=params.channel_names,
        units=tuple(c.unit for c in params.channels),
        rate_hz=params.rate_hz,
        start_ns=params.start_ns,
        length=n,
        grid_index=keep,
        time_ns=_nanoseconds(params.start_ns, t if every else t[keep]),
        values=(values if every else values[keep]).astype(params.dtype),
        anomaly=anomaly if every else anomaly[keep],
        label=label if every else label[keep],
        event_id=event_id if every else event_id[keep],
        activity=None if activity is None else (activity if every else activity[keep]),
        activities=activities,
        targets=targets,
        events=events,
        segments=segments,
    )


class TimeseriesGenerator(Generator):
    params: TimeseriesParams

    def setup(self, params: TimeseriesParams, context: GeneratorContext) -> None:
        super().setup(params, context)
        keep_freed_memory()
        self.real: Any = None
        if params.base is not None:  # the user's series, read when a sample needs them
            from synthlab.generators.timeseries.real_series import RealBaseSource

            self.real = RealBaseSource(params, context.recipe_dir)

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> TimeseriesSample:
        if self.real is not None:
            from synthlab.generators.timeseries.real_series import make_real_series

            return make_real_series(self.params, self.real, index, rng, plan)
        return make_series(self.params, index, rng, plan)

    def provenance(self) -> dict[str, Any]:
        return self.real.provenance() if self.real is not None else {}

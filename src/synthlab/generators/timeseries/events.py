"""Event placement and injection with exact windows.

Every event is confined to its window `[start, end)`: it is computed from the clean base
signal and written only inside its window, blended in over the optional onset. Windows of
one series never overlap (so each point has one kind in the per-point label), and all
event draws come from the event stream, so a series rendered without events is identical
to this one outside the windows.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from synthlab.generators.base import SamplePlan
from synthlab.generators.timeseries.activity import lying_gravity
from synthlab.generators.timeseries.fault_frequencies import FAULT_KINDS
from synthlab.generators.timeseries.faults import draw_fault, fault_waveform
from synthlab.generators.timeseries.params import EventParams, FaultParams, TimeseriesParams
from synthlab.samples.timeseries import EventLabel, Segment, kind_code

__all__ = ["PlacedEvent", "apply_events", "place_events", "point_labels"]

_TRIES = 12  # draws from the recipe's position distribution before looking for a free gap
_FALL_PRE = (0.3, 0.6)  # seconds of pre-fall (loss of balance, near free fall)
_FALL_IMPACT = (0.1, 0.25)  # seconds of impact


@dataclass(frozen=True)
class PlacedEvent:
    event_id: int
    spec: EventParams
    start: int
    end: int
    channels: tuple[str, ...]
    values: dict[str, Any]  # the sampled parameters (magnitude, direction, onset ...)
    phases: tuple[tuple[str, int, int], ...] = field(default=())

    def labels(self) -> list[EventLabel]:
        common = {
            "event_id": self.event_id,
            "kind": self.spec.kind,
            "name": self.spec.condition,
            "channels": self.channels,
            "params": self.values,
        }
        if not self.phases:
            return [EventLabel(start=self.start, end=self.end, **common)]  # type: ignore[arg-type]
        return [
            EventLabel(start=lo, end=hi, phase=name, **common)  # type: ignore[arg-type]
            for name, lo, hi in self.phases
        ]


def point_labels(
    n: int, windows: Iterable[tuple[int, int, str, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The per-point columns of `n` points from event windows (start, end, kind, event id):
    anomaly (1 inside a window), label (the kind's code) and event_id (-1 outside)."""
    anomaly = np.zeros(n, np.uint8)
    label = np.zeros(n, np.int16)
    event_id = np.full(n, -1, np.int32)
    for start, end, kind, number in windows:
        anomaly[start:end] = 1
        label[start:end] = kind_code(kind)
        event_id[start:end] = number
    return anomaly, label, event_id


def _how_many(spec: EventParams, plan: SamplePlan, rng: np.random.Generator) -> int:
    # both draws happen always, so one event's outcome never shifts the next one's draws
    chance = rng.random()
    count = max(0, spec.count.sample(rng))
    if spec.condition in plan.forbid:
        return 0
    if spec.condition in plan.require:
        return max(1, count)
    return count if chance < spec.probability else 0


def _overlaps(start: int, end: int, taken: Sequence[tuple[int, int]]) -> bool:
    return any(start < hi and lo < end for lo, hi in taken)


def _free_start(
    length: int, n: int, taken: list[tuple[int, int]], rng: np.random.Generator
) -> int | None:
    """A start for a window of `length` chosen uniformly among the positions that fit."""
    edges = [(0, 0), *sorted(taken), (n, n)]
    gaps = [
        (a_hi, b_lo - length)
        for (_, a_hi), (b_lo, _) in itertools.pairwise(edges)
        if b_lo - a_hi >= length
    ]
    room = np.array([hi - lo + 1 for lo, hi in gaps])
    if room.size == 0:
        return None
    pick = int(rng.integers(room.sum()))
    which = int(np.searchsorted(np.cumsum(room), pick, side="right"))
    return gaps[which][0] + pick - int(room[:which].sum())


def _points(seconds: float, rate: float) -> int:
    return max(1, round(seconds * rate))


def _outside(during: tuple[str, ...], segments: Sequence[Segment], n: int) -> list[tuple[int, int]]:
    """The stretches an event with `during: [activities]` may not touch: every activity
    segment of another activity (and all of the series when no segment is given)."""
    if not segments:
        return [(0, n)]
    return [(s.start, s.end) for s in segments if s.activity not in during]


def place_events(
    params: TimeseriesParams,
    n: int,
    plan: SamplePlan,
    rng: np.random.Generator,
    segments: Sequence[Segment] = (),
    reserved: Sequence[tuple[int, int]] = (),
) -> list[PlacedEvent]:
    """`reserved`: disjoint windows no event may touch (a real base's own labelled stretches)."""
    rate = params.rate_hz
    taken: list[tuple[int, int]] = list(reserved)
    placed: list[PlacedEvent] = []
    names = params.channel_names
    # required events are placed first, so optional ones can never take all the room
    ordered = sorted(params.events, key=lambda spec: spec.condition not in plan.require)
    for spec in ordered:
        for _ in range(_how_many(spec, plan, rng)):
            phases: list[tuple[str, int]] = []
            if spec.kind == "fall":
                phases = [
                    ("pre_fall", _points(rng.uniform(*_FALL_PRE), rate)),
                    ("impact", _points(rng.uniform(*_FALL_IMPACT), rate)),
                ]
            main = _points(spec.duration.sample(rng), rate)
            phases.append(("lying" if spec.kind == "fall" else "", main))
            length = min(n, sum(p for _, p in phases))
            start: int | None = None
            # `during`: the other activities' stretches are as good as taken for this event
            blocked = taken + _outside(spec.during, segments, n) if spec.during else taken
            for _try in range(_TRIES):
                fraction = min(max(spec.position.sample(rng), 0.0), 1.0)
                candidate = round(fraction * (n - length))
                if not _overlaps(candidate, candidate + length, blocked):
                    start = candidate
                    break
            if start is None:
                start = _free_start(length, n, blocked, rng)
            if start is None:
                if spec.condition in plan.require and not any(
                    e.spec.condition == spec.condition for e in placed
                ):
                    raise RuntimeError(
                        f"no room left for a required {spec.kind} event of {length} points"
                        + (f" during {'/'.join(spec.during)}" if spec.during else "")
                        + " "
                        f"in a series of {n} points; shorten events or lower their counts"
                    )
                continue
            taken.append((start, start + length))
            pool = spec.channels or (
                params.activity.axes + (params.activity.gyro or ())
                if spec.kind == "fall" and params.activity
                else names
            )
            chosen = pool
            if spec.pick is not None:
                picked = rng.choice(len(pool), size=spec.pick.sample(rng), replace=False)
                chosen = tuple(pool[i] for i in sorted(picked))
            values: dict[str, Any] = {
                "magnitude": spec.magnitude.sample(rng),
                "direction": spec.direction.sample(rng),
                "onset_points": min(length, round(spec.onset.sample(rng) * rate)),
                "relative": spec.relative,
            }
            # draws only for the fields a recipe uses: older recipes keep their bytes
            if spec.snr_db is not None:
                values["snr_db"] = spec.snr_db.sample(rng)
                values["magnitude"] = 10.0 ** (values["snr_db"] / 20.0)
            if spec.relative_to == "local":
                values["local_points"] = round(spec.local_window.sample(rng) * rate)
            if spec.kind in FAULT_KINDS:
                values.update(draw_fault(spec.kind, spec.fault or FaultParams(), rng))
            bounds: list[tuple[str, int, int]] = []
            cursor = start
            for name, size in phases:
                stop = min(start + length, cursor + size)
                bounds.append((name, cursor, stop))
                cursor = stop
            bounds = [b for b in bounds if b[2] > b[1]]
            placed.append(
                PlacedEvent(
                    event_id=len(placed),
                    spec=spec,
                    start=start,
                    end=start + length,
                    channels=tuple(c for c in names if c in chosen),
                    values=values,
                    phases=tuple(bounds) if spec.kind == "fall" else (),
                )
            )
    return placed


def _shape(
    event: PlacedEvent,
    x: np.ndarray,
    base: np.ndarray,
    column: np.ndarray,
    scale: np.ndarray,
    mean: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """The event's version of window `x` (window x channels) made from the clean signal."""
    kind = event.spec.kind
    m = float(event.values["magnitude"])
    sign = -1.0 if event.values["direction"] == "down" else 1.0
    size = x.shape[0]
    ramp = (np.arange(size) + 1.0) / size
    if kind == "spike":
        return x + sign * m * scale * np.bartlett(size + 2)[1:-1, None]
    if kind == "level_shift":
        return np.asarray(x + sign * m * scale)
    if kind == "trend_change":
        return np.asarray(x + sign * m * scale * ramp[:, None])
    if kind == "drift":
        return np.asarray(x + sign * m * scale * (ramp**2)[:, None])
    if kind == "variance_change":
        centre = x.mean(axis=0)
        return np.asarray(centre + (x - centre) * m)
    if kind == "frequency_change":
        source = np.minimum(event.start + np.arange(size) * m, base.shape[0] - 1)
        grid = np.arange(base.shape[0])
        return np.column_stack([np.interp(source, grid, base[:, c]) for c in column])
    if kind == "flatline":
        return np.broadcast_to(x[:1], x.shape).copy()
    if kind == "stuck":
        level = mean + m * scale if event.values["relative"] else np.full(x.shape[1], m)
        return np.broadcast_to(level, x.shape).copy()
    if kind == "dropout":
        return np.full(x.shape, np.nan)
    if kind == "noise_burst":
        return x + rng.normal(size=x.shape) * (m * scale)
    if kind == "pattern":
        centre = x.mean(axis=0)
        return np.asarray(centre + m * scale * np.sign(x - centre))
    raise ValueError(f"unknown event kind {kind!r}")


def _fall(
    event: PlacedEvent,
    x: np.ndarray,
    names: tuple[str, ...],
    axes: tuple[str, ...],
    rate: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Pre-fall (acceleration sinks toward free fall, the body rotates), impact (a damped
    jolt of `magnitude` g), lying still (gravity in the horizontal plane, tiny tremor)."""
    out = x.copy()
    down = lying_gravity(rng)
    accel = [i for i, name in enumerate(names) if name in axes]
    gyro = [i for i, name in enumerate(names) if name not in axes]
    down = down[[axes.index(names[i]) for i in accel]]  # gravity on the touched axes
    peak = float(event.values["magnitude"])
    for phase, lo, hi in event.phases:
        rows = slice(lo - event.start, hi - event.start)
        size = hi - lo
        local = np.arange(size) / rate
        if phase == "pre_fall":
            sink = 1.0 - 0.85 * (np.arange(size) + 1.0) / size
            out[rows, accel] = x[rows, accel] * sink[:, None]
            out[rows, gyro] = 3.0 * np.sin(np.pi * (np.arange(size) + 0.5) / size)[:, None]
        elif phase == "impact":
            jolt = peak * np.exp(-local * 25.0) * np.cos(2 * np.pi * 12.0 * local)
            out[rows, accel] = down + jolt[:, None] * down
            out[rows, gyro] = rng.normal(0, 1.5, (size, len(gyro)))
        else:  # lying still
            out[rows, accel] = down + rng.normal(0, 0.01, (size, len(accel)))
            out[rows, gyro] = rng.normal(0, 0.01, (size, len(gyro)))
    return out


def _local_spread(base: np.ndarray, columns: np.ndarray, event: PlacedEvent) -> np.ndarray:
    """Each column's std of the clean signal over the event window and `local_window`
    seconds on each side: a magnitude relative to the noise where the event happens."""
    reach = int(event.values["local_points"])
    lo, hi = max(0, event.start - reach), min(base.shape[0], event.end + reach)
    deviation = base[lo:hi][:, columns].std(axis=0)
    return np.where(deviation > 0, deviation, 1.0)


def _fault(event: PlacedEvent, size: int, rate: float, rng: np.random.Generator) -> np.ndarray:
    """The fault's added signal (magnitude = its RMS at full severity, before `scale`)."""
    spec = event.spec
    wave = fault_waveform(
        spec.kind, spec.fault or FaultParams(), event.values, event.start, size, rate, rng
    )
    return wave * float(event.values["magnitude"])


def apply_events(
    params: TimeseriesParams,
    base: np.ndarray,
    events: Sequence[PlacedEvent],
    rng: np.random.Generator,
) -> np.ndarray:
    """`base` (n x channels) with every event written into its window.

    Written in place (the caller's clean signal is not kept) unless an event reads the
    clean signal outside its own window (frequency_change): windows never overlap, so
    every other event reads only clean values, whatever was written before it."""
    if not events:
        return base
    reads_outside = any(e.spec.kind == "frequency_change" for e in events)
    out = base.copy(order="K") if reads_outside else base
    names = params.channel_names
    # only channels some event touches need their statistics (the base holds no NaN);
    # each column is contiguous in the channel-major layout, so this is one pass each
    mean = np.zeros(base.shape[1])
    spread = np.ones(base.shape[1])
    for column in sorted({names.index(c) for e in events for c in e.channels}):
        values = base[:, column]
        mean[column] = values.mean()
        deviation = values.std()
        spread[column] = deviation if deviation > 0 else 1.0
    for event in events:
        columns = np.array([names.index(c) for c in event.channels])
        window = slice(event.start, event.end)
        x = base[window][:, columns]  # a copy: clean values, never a view of `out`
        if event.spec.kind == "fall":
            assert params.activity is not None
            out[window, columns] = _fall(
                event, x, event.channels, params.activity.axes, params.rate_hz, rng
            )
            continue
        scale = np.ones(columns.size)
        if event.spec.relative:
            scale = spread[columns]
            if event.spec.relative_to == "local":
                scale = _local_spread(base, columns, event)
        if event.spec.kind in FAULT_KINDS:
            y = x + _fault(event, x.shape[0], params.rate_hz, rng)[:, None] * scale
        else:
            y = _shape(event, x, base, columns, scale, mean[columns], rng)
        onset = int(event.values["onset_points"])
        if onset > 0 and event.spec.kind != "dropout":
            blend = np.minimum((np.arange(x.shape[0]) + 1.0) / (onset + 1), 1.0)[:, None]
            y = x + blend * (y - x)
        out[window, columns] = y
    return out

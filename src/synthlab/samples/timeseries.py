"""Time-series samples: one multichannel series with its exact event and activity labels.

Conventions: index `i` is the position on the nominal sampling grid (`start + i / rate`);
windows are half-open `[start, end)` in grid indices. With irregular sampling some grid
points are missing: `grid_index` lists the grid positions that exist, and every per-point array
has one row per existing point. Event windows always refer to grid indices, so they stay
valid whether or not a point inside them was dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from synthlab.samples.base import Sample

__all__ = [
    "ACTIVITIES",
    "EVENT_KINDS",
    "INPUT_KINDS",
    "LABEL_KINDS",
    "EventLabel",
    "Segment",
    "TimeseriesSample",
    "kind_code",
]

# Codes of the per-point `activity` column (its index here). Fixed: never reorder.
ACTIVITIES: tuple[str, ...] = (
    "standing",
    "sitting",
    "walking",
    "running",
    "lying",
    # the body-worn activity library (generators/timeseries/wearable/activities.yaml)
    "walking_slow",
    "walking_fast",
    "stairs_up",
    "stairs_down",
    "cycling",
    "shuffling",
    "freezing_of_gait",
    "sit_to_stand",
    "stand_to_sit",
    "lie_to_sit",
    "sit_to_lie",
)

# Integer codes of the per-point `label` column (0 = normal). Fixed: never reorder.
EVENT_KINDS: tuple[str, ...] = (
    "spike",
    "level_shift",
    "trend_change",
    "drift",
    "variance_change",
    "frequency_change",
    "flatline",
    "stuck",
    "dropout",
    "noise_burst",
    "pattern",
    "fall",
    "bearing_outer",
    "bearing_inner",
    "bearing_ball",
    "bearing_cage",
    "imbalance",
    "misalignment",
    "looseness",
    "gear_mesh",
    "cavitation",
)


# Kinds of stretches labelled in the input itself, not injected (a real base's own label
# column, `existing`): coded after the injected kinds, never injected by a recipe.
INPUT_KINDS: tuple[str, ...] = ("existing",)
# Every kind the per-point `label` column codes (its code is the index here + 1).
LABEL_KINDS: tuple[str, ...] = EVENT_KINDS + INPUT_KINDS


def kind_code(kind: str) -> int:
    return LABEL_KINDS.index(kind) + 1


@dataclass(frozen=True)
class EventLabel:
    """One injected event, or one phase of it (a fall has pre_fall, impact and lying rows).

    `name` is the quota condition it counts for (the recipe's event name, by default its
    kind); `phase` is None for events without phases.
    """

    event_id: int
    kind: str
    name: str
    channels: tuple[str, ...]
    start: int
    end: int  # exclusive
    phase: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "kind": self.kind,
            "name": self.name,
            "channels": list(self.channels),
            "start": self.start,
            "end": self.end,
            "phase": self.phase,
            "params": dict(self.params),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> EventLabel:
        return cls(
            event_id=int(raw["event_id"]),
            kind=str(raw["kind"]),
            name=str(raw["name"]),
            channels=tuple(raw["channels"]),
            start=int(raw["start"]),
            end=int(raw["end"]),
            phase=raw.get("phase"),
            params=dict(raw.get("params", {})),
        )


@dataclass(frozen=True)
class Segment:
    """An activity segment `[start, end)` in grid indices."""

    activity: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"activity": self.activity, "start": self.start, "end": self.end}


@dataclass(frozen=True, eq=False)
class TimeseriesSample(Sample):
    """A series: values (rows x channels), timestamps and per-point labels, plus the event
    table (`events`) and activity segments that the per-point labels are made from."""

    channels: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    rate_hz: float = 1.0
    start_ns: int = 0  # timestamp of grid index 0, nanoseconds since the Unix epoch (UTC)
    length: int = 0  # points on the nominal grid
    grid_index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # per row
    time_ns: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    values: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # rows x channels
    anomaly: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))
    label: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))  # kind code
    event_id: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # -1: none
    activity: np.ndarray | None = None  # int16 index into `activities`, or None
    activities: tuple[str, ...] = ()
    targets: Mapping[str, np.ndarray] = field(default_factory=dict)  # name -> per-row values
    events: tuple[EventLabel, ...] = ()
    segments: tuple[Segment, ...] = ()

    modality: ClassVar[str] = "timeseries"

    @property
    def rows(self) -> int:
        return int(self.grid_index.shape[0])

    def event_windows(self) -> list[tuple[int, int]]:
        """Distinct (start, end) windows of whole events (phases merged)."""
        spans: dict[int, tuple[int, int]] = {}
        for event in self.events:
            lo, hi = spans.get(event.event_id, (event.start, event.end))
            spans[event.event_id] = (min(lo, event.start), max(hi, event.end))
        return [spans[k] for k in sorted(spans)]

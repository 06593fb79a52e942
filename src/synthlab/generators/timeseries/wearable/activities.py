"""The activity library as data: `activities.yaml` beside this module, plus a recipe's own.

An activity is a posture and numbers (cadence, amplitudes, durations); nothing about one is
code, so a user adds an activity by writing its row (or `like: walking` and what differs).
Postures give each body segment's resting angle; transitions move between two postures.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["POSTURE_SEGMENTS", "Activity", "Posture", "activity_table", "builtin_activities"]

POSTURE_SEGMENTS = ("trunk", "thigh", "shank", "forearm", "phone")


@dataclass(frozen=True)
class Posture:
    """Resting pitch of each segment, radians (0: upright trunk, hanging limbs)."""

    trunk: float
    thigh: float
    shank: float
    forearm: float
    phone: float


@dataclass(frozen=True)
class Activity:
    name: str
    posture: str = "upright"
    cadence: tuple[float, float] = (0.0, 0.0)  # steps/s (pedal rev/s when cycling)
    bounce: float = 0.0  # trunk vertical amplitude at the step frequency, m/s²
    arm_swing: float = 0.0  # radians at the stride frequency
    leg_swing: float = 0.0  # radians at the stride frequency
    impact: float = 0.0  # heel strike at the ankle, m/s²
    forearm: float | None = None  # radians from hanging; None: the posture's
    gesture: float = 0.0  # radians std, below 1.5 Hz
    sway: float = 0.0  # radians std, below 1 Hz
    tremor: tuple[float, float] = (0.0, 0.0)  # Hz
    tremor_rad: float = 0.0
    vibration: float = 0.0  # m/s² std, 5-20 Hz
    duration: tuple[float, float] = (10.0, 60.0)  # seconds
    transition: tuple[str, str] | None = None  # (from posture, to posture)

    @property
    def moves(self) -> bool:
        return self.cadence[1] > 0


_KEYS = {f.name for f in fields(Activity)} - {"name"}


def _activity(name: str, row: dict[str, Any], base: Activity | None = None) -> Activity:
    values: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in row.items() if k != "like"
    }
    unknown = sorted(set(values) - _KEYS)
    if unknown:
        raise ValueError(f"activity {name!r}: unknown key {unknown[0]!r}")
    if base is not None:
        return replace(base, name=name, **values)
    return Activity(name=name, **values)


@cache
def _library() -> tuple[dict[str, Posture], dict[str, Activity]]:
    import yaml  # the package's own file: trusted, loaded once per process

    text = resources.files(__package__).joinpath("activities.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    postures = {name: Posture(**row) for name, row in raw["postures"].items()}
    activities = {name: _activity(name, row) for name, row in raw["activities"].items()}
    return postures, activities


def postures() -> dict[str, Posture]:
    return _library()[0]


def builtin_activities() -> dict[str, Activity]:
    return dict(_library()[1])


def activity_table(custom: dict[str, dict[str, Any]] | None = None) -> dict[str, Activity]:
    """Built-in activities, in their fixed order, then the recipe's own in recipe order
    (a recipe entry named like a built-in one replaces its numbers but keeps its code)."""
    table = builtin_activities()
    for name, row in (custom or {}).items():
        like = row.get("like")
        base = table.get(like) if like else table.get(name)
        if like and base is None:
            raise ValueError(f"activity {name!r}: like {like!r} is not a known activity")
        table[name] = _activity(name, row, base)
    known = postures()
    for activity in table.values():
        for posture in (activity.posture, *(activity.transition or ())):
            if posture not in known:
                raise ValueError(
                    f"activity {activity.name!r}: unknown posture {posture!r} "
                    f"(known: {', '.join(known)})"
                )
    return table

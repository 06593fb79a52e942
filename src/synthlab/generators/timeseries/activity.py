"""A body-worn 3-axis accelerometer (in g, optionally a gyroscope in rad/s) going through
daily activities: segments of standing, sitting, walking, running and lying with
plausible durations, gravity orientation per posture, and gait at a cadence.

Device frame: upright postures put gravity along +z, sitting tilts it 60 degrees about x,
lying puts it in the horizontal (x, y) plane; each segment adds a small random tilt.
Segments are labels; only the loop over segments is in Python, never one over points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthlab.generators.timeseries.params import ACTIVITIES, ActivityParams
from synthlab.samples.timeseries import Segment

__all__ = ["ActivitySignal", "lying_gravity", "simulate_activity"]

# typical segment length in seconds (uniform between the two) when the recipe gives none
_DURATIONS = {
    "standing": (10.0, 40.0),
    "sitting": (20.0, 90.0),
    "walking": (10.0, 60.0),
    "running": (8.0, 30.0),
    "lying": (20.0, 90.0),
}
_CADENCE = {"walking": (1.6, 2.1), "running": (2.4, 3.0)}  # steps per second
_GAIT_AMPLITUDE = {"walking": 0.35, "running": 1.1}  # g, vertical
_POSTURE = {
    "standing": (0.0, 0.0, 1.0),
    "walking": (0.0, 0.0, 1.0),
    "running": (0.0, 0.0, 1.0),
    "sitting": (0.0, np.sin(np.pi / 3), np.cos(np.pi / 3)),
    "lying": (1.0, 0.0, 0.0),
}
_SMOOTH_S = 0.6  # posture changes take about this long


@dataclass(frozen=True)
class ActivitySignal:
    accel: np.ndarray  # n x 3, g
    gyro: np.ndarray  # n x 3, rad/s
    codes: np.ndarray  # n, int16 index into ACTIVITIES
    segments: tuple[Segment, ...]


def _tilt(vector: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Rotate a vector by small angles about x then y."""
    ax, ay = angles
    rot_x = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
    rot_y = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
    return np.asarray(rot_y @ rot_x @ vector)


def lying_gravity(rng: np.random.Generator) -> np.ndarray:
    """Gravity of a body lying in a random direction: in the horizontal (x, y) plane."""
    angle = rng.uniform(0, 2 * np.pi)
    return np.array([np.cos(angle), np.sin(angle), rng.normal(0, 0.1)])


def _segments(
    params: ActivityParams, n: int, rate: float, rng: np.random.Generator
) -> list[Segment]:
    states = params.states
    segments: list[Segment] = []
    position = 0
    state = states[int(rng.integers(len(states)))]
    while position < n:
        if state in params.durations:
            seconds = params.durations[state].sample(rng)
        else:
            seconds = rng.uniform(*_DURATIONS[state])
        length = max(1, round(seconds * rate))
        segments.append(Segment(state, position, min(n, position + length)))
        position += length
        others = [s for s in states if s != state] or [state]
        state = others[int(rng.integers(len(others)))]
    return segments


def simulate_activity(
    params: ActivityParams, t: np.ndarray, rate: float, rng: np.random.Generator
) -> ActivitySignal:
    n = t.shape[0]
    segments = _segments(params, n, rate, rng)
    lengths = np.array([s.end - s.start for s in segments])
    state_codes = np.array([ACTIVITIES.index(s.activity) for s in segments], dtype=np.int16)
    gravity = np.empty((len(segments), 3))
    cadence = np.zeros(len(segments))
    amplitude = np.zeros(len(segments))
    for number, segment in enumerate(segments):
        base = (
            lying_gravity(rng)
            if segment.activity == "lying"
            else np.array(_POSTURE[segment.activity])
        )
        tilt = params.tilt.sample(rng)
        gravity[number] = _tilt(base, rng.normal(0, tilt, 2) if tilt > 0 else np.zeros(2))
        if segment.activity in _CADENCE:
            chosen = params.cadence.get(segment.activity)
            cadence[number] = (
                chosen.sample(rng) if chosen else rng.uniform(*_CADENCE[segment.activity])
            )
            amplitude[number] = _GAIT_AMPLITUDE[segment.activity] * rng.uniform(0.8, 1.2)
    codes = np.repeat(state_codes, lengths)
    # imported here: only recipes with an activity model pay scipy's import in each worker
    from scipy.ndimage import uniform_filter1d

    # posture: per-segment gravity, smoothed so transitions take a moment, kept at 1 g
    down = np.repeat(gravity, lengths, axis=0)
    window = max(1, round(_SMOOTH_S * rate))
    down = uniform_filter1d(down, size=window, axis=0, mode="nearest")
    down /= np.linalg.norm(down, axis=1, keepdims=True)
    # gait: phase accumulates the cadence so that it stays continuous across segments
    step_rate = uniform_filter1d(np.repeat(cadence, lengths), size=window, mode="nearest")
    strength = uniform_filter1d(np.repeat(amplitude, lengths), size=window, mode="nearest")
    phase = 2 * np.pi * np.cumsum(step_rate) / rate + rng.uniform(0, 2 * np.pi)
    vertical = strength * (np.sin(phase) + 0.3 * np.sin(2 * phase))
    forward = 0.5 * strength * np.sin(phase + np.pi / 2)
    lateral = 0.3 * strength * np.sin(phase / 2)
    # forward and lateral directions: perpendicular to gravity, fixed in the device frame
    side = np.cross(down, np.array([0.0, 1.0, 0.0]))
    side /= np.maximum(np.linalg.norm(side, axis=1, keepdims=True), 1e-9)
    ahead = np.cross(side, down)
    accel = down * (1.0 + vertical)[:, None] + ahead * forward[:, None] + side * lateral[:, None]
    gyro = np.column_stack(
        [
            0.8 * strength * np.sin(phase),
            0.4 * strength * np.sin(phase / 2),
            np.gradient(np.arctan2(down[:, 1], down[:, 2])) * rate,
        ]
    )
    return ActivitySignal(accel, gyro, codes, tuple(segments))

"""A body-worn IMU going through daily activities: the motion of the body segment the sensor
sits on, seen from the sensor (specific force in g, gravity included, and angular rate).

The body is a few rigid segments (trunk, thigh, shank, forearm, a phone in the hand), each
with a resting angle per posture and a swing driven by the gait phase: the trunk bounces at
the step frequency and sways sideways at the stride frequency, arms and legs swing at the
stride frequency (an arm against its own side's leg), heels strike once per stride each.
The sensor's orientation in the world is one rotation matrix per point; its acceleration is
the pivot's (the trunk's) plus the second derivative of its position on the swinging
segment, and its angular rate comes from the same rotation matrices, so accelerometer and
gyroscope always agree. Numbers are data: wearable/activities.yaml and placements.py.

Only the loops over segments are in Python, never one over points.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synthlab.generators.timeseries.params import ActivityParams
from synthlab.generators.timeseries.wearable.activities import (
    Activity,
    Posture,
    activity_table,
    postures,
)
from synthlab.generators.timeseries.wearable.imu import (
    STANDARD_GRAVITY,
    accel_scale,
    clip_and_quantise,
    gyro_scale,
    random_rotation,
    rotate,
)
from synthlab.generators.timeseries.wearable.kinematics import Orientation
from synthlab.generators.timeseries.wearable.placements import PLACEMENTS, Placement
from synthlab.generators.timeseries.wearable.subjects import Subject, draw_subject
from synthlab.samples.timeseries import Segment

if TYPE_CHECKING:
    from synthlab.generators.timeseries.events import PlacedEvent

__all__ = [
    "ActivitySignal",
    "lying_gravity",
    "relabel_falls",
    "sensor_output",
    "simulate_activity",
]

_SMOOTH_S = 0.6  # posture and gait changes take about this long
_GESTURE_S = 0.2  # random arm movement: Gaussian kernel's sigma, s (below ~1 Hz)
_SWAY_S = 0.35  # postural sway: below ~0.5 Hz
_IMPACT_DECAY_S = 0.012  # heel-strike transient: decay time and ringing frequency
_IMPACT_RING_HZ = 18.0
_WALK_LEG_SWING = 0.35  # radians: the trunk's rotations are scaled to this gait


@dataclass(frozen=True)
class ActivitySignal:
    accel: np.ndarray  # n x 3, g, gravity included (device frame)
    gyro: np.ndarray  # n x 3, rad/s
    gravity: np.ndarray  # n x 3, g: gravity's share of `accel`
    codes: np.ndarray  # n, int16 index into the recipe's activity names
    segments: tuple[Segment, ...]
    subject: Subject
    step_rate: np.ndarray  # n, steps per second (0 at rest)


def lying_gravity(rng: np.random.Generator) -> np.ndarray:
    """Gravity of a body lying in a random direction: in the horizontal (x, y) plane."""
    angle = rng.uniform(0, 2 * np.pi)
    return np.array([np.cos(angle), np.sin(angle), rng.normal(0, 0.1)])


def _segments(
    params: ActivityParams,
    table: dict[str, Activity],
    n: int,
    rate: float,
    rng: np.random.Generator,
) -> list[Segment]:
    drawn = [s for s in params.states if table[s].transition is None]
    transitions = [table[s] for s in params.states if table[s].transition is not None]

    def points(state: str) -> int:
        if state in params.durations:
            seconds = params.durations[state].sample(rng)
        else:
            seconds = rng.uniform(*table[state].duration)
        return max(1, round(seconds * rate))

    segments: list[Segment] = []
    position = 0
    state = drawn[int(rng.integers(len(drawn)))]
    previous: str | None = None
    while position < n:
        if previous is not None:
            change = (table[previous].posture, table[state].posture)
            between = next((t for t in transitions if t.transition == change), None)
            if between is not None:
                length = points(between.name)
                segments.append(Segment(between.name, position, min(n, position + length)))
                position += length
                if position >= n:
                    break
        length = points(state)
        segments.append(Segment(state, position, min(n, position + length)))
        position += length
        previous = state
        others = [s for s in drawn if s != state] or [state]
        state = others[int(rng.integers(len(others)))]
    return segments


def _angle(posture: Posture, activity: Activity, segment: str) -> float:
    if segment == "forearm" and activity.forearm is not None:
        return activity.forearm
    return float(getattr(posture, segment))


def _lowpass_noise(n: int, sigma: float, rng: np.random.Generator, rows: int) -> np.ndarray:
    """(rows, n) unit-variance noise below about 1 / (2 pi sigma) cycles per point: white
    noise through four moving averages (nearly a Gaussian kernel of that sigma, in O(n)
    whatever its width), whose second derivative stays bounded (the acceleration is the
    second derivative)."""
    from scipy.ndimage import uniform_filter1d

    noise = rng.normal(size=(rows, n))
    width = round(np.sqrt(3 * sigma**2 + 1))  # four boxes of width w: variance 4 (w² - 1) / 12
    if width > 1:
        for _ in range(4):
            uniform_filter1d(noise, size=width, axis=1, mode="wrap", output=noise)
    spread = noise.std(axis=1, keepdims=True)
    return noise / np.where(spread > 0, spread, 1.0)


@dataclass
class _PerSegment:
    """Values drawn once per segment (laid out per point and smoothed together)."""

    cadence: np.ndarray
    bounce: np.ndarray
    arm: np.ndarray
    leg: np.ndarray
    impact: np.ndarray
    gesture: np.ndarray
    sway: np.ndarray
    tremor_hz: np.ndarray
    tremor_rad: np.ndarray
    vibration: np.ndarray
    start_angle: np.ndarray  # the sensor segment's resting pitch at the segment's start/end
    end_angle: np.ndarray
    roll: np.ndarray  # lying on a side, plus the device's tilt
    tilt: np.ndarray


def _draw_segments(
    params: ActivityParams,
    table: dict[str, Activity],
    segments: list[Segment],
    subject: Subject,
    placement: Placement,
    rng: np.random.Generator,
) -> _PerSegment:
    pose = postures()
    k = len(segments)
    values = _PerSegment(*(np.zeros(k) for _ in range(14)))
    for number, segment in enumerate(segments):
        activity = table[segment.activity]
        if activity.transition is not None:
            begin, end = (pose[p] for p in activity.transition)
        else:
            begin = end = pose[activity.posture]
        values.start_angle[number] = _angle(begin, activity, placement.segment)
        values.end_angle[number] = _angle(end, activity, placement.segment)
        scale = subject.intensity * rng.uniform(0.85, 1.15)
        if activity.moves:
            chosen = params.cadence.get(segment.activity)
            values.cadence[number] = (
                chosen.sample(rng)
                if chosen is not None
                else rng.uniform(*activity.cadence) * subject.cadence_scale
            )
        values.bounce[number] = activity.bounce * scale
        values.arm[number] = activity.arm_swing * scale * placement.swing
        values.leg[number] = activity.leg_swing * scale
        values.impact[number] = activity.impact * scale
        values.gesture[number] = activity.gesture * placement.gesture * rng.uniform(0.6, 1.4)
        values.sway[number] = activity.sway
        if activity.tremor[1] > 0:
            values.tremor_hz[number] = rng.uniform(*activity.tremor)
            values.tremor_rad[number] = activity.tremor_rad * scale
        values.vibration[number] = activity.vibration * scale
        if activity.posture == "lying" and activity.transition is None:
            values.roll[number] = rng.choice([-np.pi / 2, 0.0, np.pi / 2]) + rng.normal(0, 0.2)
        tilt = params.tilt.sample(rng)
        if tilt > 0:
            values.tilt[number], extra_roll = rng.normal(0, tilt, 2)
            values.roll[number] += extra_roll
    return values


def simulate_activity(
    params: ActivityParams, t: np.ndarray, rate: float, rng: np.random.Generator
) -> ActivitySignal:
    # imported here: only recipes with an activity model pay scipy's import in each worker
    from scipy.ndimage import uniform_filter1d

    n = t.shape[0]
    table = activity_table({name: d.row() for name, d in params.library.items()})
    names = params.activity_names
    placement = PLACEMENTS[params.placement]
    subject = draw_subject(params.subject, rng)
    clock = 1.0 + params.clock_ppm.sample(rng) * 1e-6  # the sensor's true rate over nominal
    dt = 1.0 / (rate * clock)
    segments = _segments(params, table, n, rate, rng)
    lengths = np.array([s.end - s.start for s in segments])
    starts = np.repeat(np.array([s.start for s in segments]), lengths)
    codes = np.repeat(np.array([names.index(s.activity) for s in segments], np.int16), lengths)
    drawn = _draw_segments(params, table, segments, subject, placement, rng)
    window = max(1, round(_SMOOTH_S * rate))

    # per-segment values laid out per point and smoothed together (one filter call), so
    # amplitudes, cadence and angles change over about _SMOOTH_S instead of jumping
    fields: tuple[str, ...] = ("cadence", "bounce", "arm", "leg", "impact", "vibration")
    fields += ("sway", "roll", "tilt", "gesture", "tremor_hz", "tremor_rad", "start_angle")
    used = [name for name in fields if getattr(drawn, name).any()]
    smooth = dict.fromkeys(fields, np.zeros(n))
    if used:
        table_rows = np.stack([getattr(drawn, name) for name in used])
        per_point = uniform_filter1d(
            np.repeat(table_rows, lengths, axis=1), size=window, axis=1, mode="nearest"
        )
        smooth.update(zip(used, per_point, strict=True))
    step_rate, bounce, arm, leg = (smooth[k] for k in ("cadence", "bounce", "arm", "leg"))
    impact, vibration = smooth["impact"], smooth["vibration"]
    # resting angle: constant in a segment, an S-curve from posture to posture in a transition
    rest = smooth["start_angle"]
    if not np.array_equal(drawn.start_angle, drawn.end_angle):
        progress = (np.arange(n) - starts) / np.repeat(lengths, lengths)
        ease = 0.5 - 0.5 * np.cos(np.pi * progress)
        begin = np.repeat(drawn.start_angle, lengths)
        end = np.repeat(drawn.end_angle, lengths)
        rest = uniform_filter1d(begin + (end - begin) * ease, size=window, mode="nearest")

    # stride phase (one stride = two steps) accumulates, so it stays continuous over changes;
    # the step frequency's sines follow from the stride's by the double-angle formulas
    stride = np.pi * np.cumsum(step_rate) * dt + rng.uniform(0, 2 * np.pi)
    sin_stride, cos_stride = np.sin(stride), np.cos(stride)
    sin_step = 2 * sin_stride * cos_stride
    cos_step = 1 - 2 * sin_stride**2
    sin_2step = 2 * sin_step * cos_step
    cos_2step = 1 - 2 * sin_step**2
    side = 1.0 if placement.side < 0 else -1.0  # the left side moves half a stride later

    # trunk (pelvis) linear acceleration, m/s², body frame: vertical at the step frequency
    # with its second harmonic, fore-aft a quarter cycle ahead, side-to-side per stride
    harmonic = np.sin(0.6) * cos_2step + np.cos(0.6) * sin_2step  # sin(2 step + 0.6)
    lift = bounce * (sin_step + 0.25 * harmonic + subject.asymmetry * sin_stride)
    gain = placement.trunk_gain
    accel_world = np.stack(
        [gain * 0.6 * bounce * cos_step, gain * 0.4 * bounce * sin_stride, gain * lift]
    )
    # trunk rotations (pelvic obliquity, rotation, tilt) grow with the gait; sway at rest
    gait = leg / _WALK_LEG_SWING
    sway = np.zeros((2, n))
    if drawn.sway.any():
        sway = smooth["sway"] * _lowpass_noise(n, _SWAY_S * rate, rng, 2)
    roll = 0.07 * gait * sin_stride + sway[1] + smooth["roll"]
    yaw = 0.07 * gait * cos_stride
    twist = np.zeros(n)
    own_sin, own_cos = side * sin_stride, side * cos_stride  # this side's leg phase
    if placement.segment == "trunk":
        swing = 0.035 * gait * sin_step + sway[0]
    elif placement.segment in ("forearm", "phone"):
        # an arm swings against its own side's leg; the forearm turns a little with it
        gestures = smooth["gesture"] * _lowpass_noise(n, _GESTURE_S * rate, rng, 2)
        swing = -arm * own_sin + gestures[0]
        twist = 0.3 * arm * own_cos + 1.5 * gestures[1]
    else:
        tremor = np.zeros(n)
        if drawn.tremor_rad.any():
            tremor_phase = 2 * np.pi * np.cumsum(smooth["tremor_hz"]) * dt
            tremor = smooth["tremor_rad"] * np.sin(tremor_phase)
        if placement.segment == "thigh":
            swing = leg * own_sin + tremor
        else:  # shank: larger, 0.6 rad later, with the quick swing phase's harmonic
            own = stride - 0.6 + (0.0 if side > 0 else np.pi)
            swing = 1.4 * leg * (np.sin(own) + 0.3 * np.sin(2 * own - 1.0)) + 1.5 * tremor
    orientation = Orientation(roll, yaw, rest + swing + smooth["tilt"], twist)

    # the sensor rides on the segment: its offset from the pivot, differentiated twice
    if placement.length > 0:
        offset = orientation.long_axis() * (placement.length * subject.height_m)
        accel_world += np.gradient(np.gradient(offset, dt, axis=1), dt, axis=1)
    # heel strikes: a damped ring after each strike, both feet for the trunk, one for a leg
    if drawn.impact.any():
        own_leg = stride + (0.0 if side > 0 else np.pi)
        per_strike = own_leg if placement.segment == "shank" else 2.0 * stride
        strikes_rate = step_rate / 2 if placement.segment == "shank" else step_rate
        since = np.mod(per_strike, 2 * np.pi) / np.maximum(2 * np.pi * strikes_rate, 1e-6)
        ring = np.exp(-since / _IMPACT_DECAY_S) * np.cos(2 * np.pi * _IMPACT_RING_HZ * since)
        jolt = placement.impact_gain * impact * ring
        accel_world[2] += jolt
        accel_world[0] += 0.3 * jolt
    if drawn.vibration.any():  # road vibration: white noise less its 0.2 s moving average
        white = rng.normal(size=(3, n))
        highpass = white - uniform_filter1d(white, max(2, round(0.2 * rate)), axis=1)
        accel_world += vibration * highpass / highpass.std(axis=1, keepdims=True)

    # segment frame -> device frame: the mount's rows are the device axes
    mount = np.asarray(placement.mount, dtype=float)
    gravity = (mount @ orientation.up_in_segment()).T
    accel = (mount @ orientation.to_segment(accel_world)).T / STANDARD_GRAVITY + gravity
    gyro = (mount @ orientation.body_rate(dt)).T
    if params.orientation == "random":
        accel, gyro, gravity = rotate(random_rotation(rng), accel, gyro, gravity)
    return ActivitySignal(accel, gyro, gravity, codes, tuple(segments), subject, step_rate)


def relabel_falls(
    codes: np.ndarray,
    segments: tuple[Segment, ...],
    events: list[PlacedEvent],
    names: tuple[str, ...],
) -> tuple[np.ndarray, tuple[Segment, ...]]:
    """A fall's lying phase is lying, whatever the body was doing before: the per-point
    codes and the segments say so (segments split around it)."""
    lying = [(lo, hi) for e in events for phase, lo, hi in e.phases if phase == "lying"]
    if not lying:
        return codes, segments
    codes = codes.copy()
    for lo, hi in lying:
        codes[lo:hi] = names.index("lying")
    # rebuild the segments from the codes: runs of one activity
    change = np.flatnonzero(np.diff(codes)) + 1
    bounds = np.concatenate([[0], change, [codes.shape[0]]])
    rebuilt = tuple(
        Segment(names[int(codes[a])], int(a), int(b)) for a, b in itertools.pairwise(bounds)
    )
    return codes, rebuilt


def sensor_output(
    params: ActivityParams,
    values: np.ndarray,
    channel_names: tuple[str, ...],
    motion: ActivitySignal,
    events: list[PlacedEvent],
) -> None:
    """In place: the activity channels as the chip reports them (gravity removed or not,
    units, range clipping, quantisation), after the events, so a fall's impact clips too."""
    accel = [channel_names.index(c) for c in params.axes]
    gyro = [channel_names.index(c) for c in params.gyro or ()]
    if not params.gravity:
        gravity = motion.gravity.copy()
        for event in events:
            # a fall turns the body: gravity from the impact on is where the lying rests
            lying = [(lo, hi) for phase, lo, hi in event.phases if phase == "lying"]
            if not lying:
                continue
            lo, hi = lying[0]
            down = np.nanmean(values[lo:hi, accel], axis=0)  # what the lying rests on
            impact = min((a for phase, a, _ in event.phases if phase == "impact"), default=lo)
            gravity[impact:hi] = down
        values[:, accel] -= gravity
    scale = accel_scale(params.units)
    if scale != 1.0:
        values[:, accel] *= scale
    full = None if params.range_g is None else params.range_g * scale
    block = values[:, accel]
    clip_and_quantise(block, full, params.bits)
    values[:, accel] = block
    if gyro:
        rate_scale = gyro_scale(params.gyro_units)
        if rate_scale != 1.0:
            values[:, gyro] *= rate_scale
        full = None
        if params.gyro_range_dps is not None:
            full = np.deg2rad(params.gyro_range_dps) * rate_scale
        block = values[:, gyro]
        clip_and_quantise(block, full, params.bits)
        values[:, gyro] = block

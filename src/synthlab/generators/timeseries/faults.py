"""Machine-fault vibration with physics: the signal a fault adds inside its event window.

Every waveform is made with unit RMS (before the severity profile), so the event's magnitude
is the fault's RMS at full severity, in the unit the events module scales it by (a channel
or local standard deviation, or the channel's own unit).

- Bearing defects (Randall & Antoni 2011, MSSP 25(2) 485-520): each pass of a rolling element
  over a defect is an impact that rings the structure's resonance (a decaying sinusoid of
  `resonance_hz` with damping ratio `damping`). Impacts repeat at the defect frequency with a
  random spacing spread of `slip` (the 1-2% the tutorial reports: the rolling elements slide
  a little, so the train is not strictly periodic). An inner-race defect turns with the shaft
  through the load zone: its impacts are modulated at shaft rate (Stribeck load distribution,
  load zone factor `load_zone`), which puts shaft-rate sidebands around BPFI in the envelope
  spectrum. A ball defect strikes the outer and inner race in turn (impacts at 2 x BSF, the
  inner one weaker) and moves with the cage through the load zone (modulation at FTF).
  A cage defect knocks once per cage turn (FTF).
- Imbalance: 1x shaft; misalignment: 2x with some 1x and 3x; mechanical looseness: many
  harmonics and half-harmonics of the shaft speed, falling with order; gear mesh: the mesh
  tone (teeth x shaft) and its second harmonic, amplitude modulated at shaft rate (sidebands
  at shaft spacing); cavitation: bursts of broadband noise in a high band.
- Severity grows over the window (`growth`): constant, linear, or exponential (a bearing's
  degradation to failure), ending at 1.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from synthlab.generators.timeseries.fault_frequencies import (
    BEARING_KINDS,
    LOOSENESS_ORDERS,
    MISALIGNMENT_ORDERS,
    bearing_frequencies,
    impact_rate,
)
from synthlab.generators.timeseries.params import FaultParams

__all__ = ["draw_fault", "fault_waveform", "severity"]

_INNER_HIT = 0.6  # a ball defect's inner-race impact, relative to its outer-race one
_NOISE_FLOOR = 0.05  # impacts outside the load zone are weak, not absent


def draw_fault(kind: str, fault: FaultParams, rng: np.random.Generator) -> dict[str, Any]:
    """The sampled machine of one event (recorded in the event table's params)."""
    shaft = float(fault.shaft_hz.sample(rng))
    drawn: dict[str, Any] = {"shaft_hz": shaft}
    if kind in BEARING_KINDS:
        drawn["defect_hz"] = impact_rate(kind, fault.bearing, shaft)
        drawn.update(
            {
                "resonance_hz": float(fault.resonance_hz.sample(rng)),
                "damping": float(fault.damping.sample(rng)),
                "slip": float(fault.slip.sample(rng)),
            }
        )
    elif kind == "gear_mesh":
        teeth = int(fault.teeth.sample(rng))
        drawn.update(
            {
                "teeth": teeth,
                "mesh_hz": teeth * shaft,
                "modulation": float(fault.modulation.sample(rng)),
            }
        )
    elif kind == "cavitation":
        drawn["bursts_per_s"] = float(fault.bursts_per_s.sample(rng))
    return drawn


def severity(fault: FaultParams, size: int) -> np.ndarray:
    """The severity profile over a window of `size` points, ending at 1."""
    if fault.growth == "constant" or size < 2:
        return np.ones(size)
    u = np.arange(size) / (size - 1)
    if fault.growth == "linear":
        return u
    return np.exp(fault.growth_rate * (u - 1.0))


def _impact_times(rate: float, seconds: float, slip: float, rng: np.random.Generator) -> np.ndarray:
    """Impact instants in [0, seconds): mean spacing 1/rate, each spacing spread by `slip`."""
    spacing = 1.0 / rate
    count = math.ceil(seconds * rate) + 2
    steps = spacing * (1.0 + slip * rng.standard_normal(count))
    np.maximum(steps, 0.5 * spacing, out=steps)
    times = rng.uniform(0.0, spacing) + np.concatenate(([0.0], np.cumsum(steps[:-1])))
    return times[times < seconds]


def _load(angle: np.ndarray, load_zone: float) -> np.ndarray:
    """Stribeck's load distribution q(angle) = (1 - (1 - cos angle) / (2 eps))^(3/2) for ball
    bearings, 0 outside the load zone (Harris, Rolling Bearing Analysis)."""
    q = np.clip(1.0 - (1.0 - np.cos(angle)) / (2.0 * load_zone), 0.0, None) ** 1.5
    weights: np.ndarray = _NOISE_FLOOR + (1.0 - _NOISE_FLOOR) * q
    return weights


def _ring(
    times: np.ndarray, heights: np.ndarray, size: int, fs: float, drawn: dict[str, Any]
) -> np.ndarray:
    """Impacts at `times` (seconds) ringing a damped resonance: each impact's height is split
    between its two neighbouring samples (sub-sample timing keeps the mean rate exact), then
    a two-pole resonator gives every impact the response r^n sin(theta (n + 1))."""
    from scipy import signal  # only when a fault is made: importing it takes ~1 s per worker

    pulses = np.zeros(size + 1)
    position = times * fs
    left = np.floor(position).astype(np.int64)
    share = position - left
    np.add.at(pulses, left, heights * (1.0 - share))
    np.add.at(pulses, left + 1, heights * share)
    omega = 2 * math.pi * drawn["resonance_hz"]
    zeta = drawn["damping"]
    r = math.exp(-zeta * omega / fs)
    theta = omega * math.sqrt(1.0 - zeta**2) / fs
    resonance = [1.0, -2.0 * r * math.cos(theta), r * r]  # a damped two-pole ring
    rung: np.ndarray = signal.lfilter([1.0], resonance, pulses[:size])
    return rung


def _bearing(
    kind: str,
    fault: FaultParams,
    drawn: dict[str, Any],
    t: np.ndarray,
    fs: float,
    rng: np.random.Generator,
) -> np.ndarray:
    seconds = t.shape[0] / fs
    times = _impact_times(drawn["defect_hz"], seconds, drawn["slip"], rng)
    heights = np.exp(0.1 * rng.standard_normal(times.shape[0]))  # impact to impact scatter
    lines = bearing_frequencies(fault.bearing, drawn["shaft_hz"])
    start = rng.uniform(0.0, 2 * math.pi)  # where the defect is when the window opens
    if kind == "bearing_inner":  # the defect turns with the shaft through the load zone
        heights *= _load(start + 2 * math.pi * drawn["shaft_hz"] * (t[0] + times), fault.load_zone)
    elif kind == "bearing_ball":  # alternate races, carried by the cage through the load zone
        heights[1::2] *= _INNER_HIT
        heights *= _load(start + 2 * math.pi * lines["ftf"] * (t[0] + times), fault.load_zone)
    return _ring(times, heights, t.shape[0], fs, drawn)


def _orders(
    orders: dict[float, float], shaft: float, t: np.ndarray, fs: float, rng: np.random.Generator
) -> np.ndarray:
    out = np.zeros(t.shape[0])
    for order, amplitude in orders.items():
        if order * shaft < 0.45 * fs:  # orders above Nyquist are not part of the signal
            phase = rng.uniform(0.0, 2 * math.pi)
            out += amplitude * np.sin(2 * math.pi * order * shaft * t + phase)
    return out


def _gear(drawn: dict[str, Any], t: np.ndarray, fs: float, rng: np.random.Generator) -> np.ndarray:
    mesh, shaft = drawn["mesh_hz"], drawn["shaft_hz"]
    carrier = np.sin(2 * math.pi * mesh * t + rng.uniform(0.0, 2 * math.pi))
    if 2 * mesh + shaft < 0.45 * fs:
        carrier += 0.4 * np.sin(2 * math.pi * 2 * mesh * t + rng.uniform(0.0, 2 * math.pi))
    wobble = 1.0 + drawn["modulation"] * np.cos(2 * math.pi * shaft * t + rng.uniform(0, 6.3))
    wave: np.ndarray = carrier * wobble
    return wave


def _cavitation(
    fault: FaultParams, drawn: dict[str, Any], size: int, fs: float, rng: np.random.Generator
) -> np.ndarray:
    from scipy import signal

    nyquist = fs / 2
    low, high = fault.band_hz or (0.2 * nyquist, 0.9 * nyquist)
    high = min(high, 0.99 * nyquist)  # the Nyquist check keeps it below; the filter needs <
    low = min(low, 0.5 * high)
    sos = signal.butter(4, [low, high], btype="bandpass", fs=fs, output="sos")
    noise = signal.sosfilt(sos, rng.standard_normal(size))
    envelope = np.zeros(size)
    bursts = rng.poisson(drawn["bursts_per_s"] * size / fs)
    for start in rng.integers(0, size, bursts):
        width = max(2, round(rng.uniform(0.005, 0.03) * fs))  # 5-30 ms collapses
        stop = min(size, start + width)
        envelope[start:stop] += np.hanning(width)[: stop - start]
    cavitation: np.ndarray = noise * envelope
    return cavitation


def fault_waveform(
    kind: str,
    fault: FaultParams,
    drawn: dict[str, Any],
    start: int,
    size: int,
    fs: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """The fault's signal over grid points [start, start + size), unit RMS before the
    severity profile, severity applied."""
    t = (start + np.arange(size)) / fs  # absolute time: phases continue across the window
    shaft = drawn["shaft_hz"]
    if kind in BEARING_KINDS:
        wave = _bearing(kind, fault, drawn, t, fs, rng)
    elif kind == "imbalance":
        wave = _orders({1.0: 1.0}, shaft, t, fs, rng)
    elif kind == "misalignment":
        wave = _orders(MISALIGNMENT_ORDERS, shaft, t, fs, rng)
    elif kind == "looseness":
        wave = _orders(LOOSENESS_ORDERS, shaft, t, fs, rng)
    elif kind == "gear_mesh":
        wave = _gear(drawn, t, fs, rng)
    elif kind == "cavitation":
        wave = _cavitation(fault, drawn, size, fs, rng)
    else:
        raise ValueError(f"{kind!r} is not a machine fault")
    rms = float(np.sqrt(np.mean(wave**2))) if size else 0.0
    if rms > 0:
        wave /= rms
    scaled: np.ndarray = wave * severity(fault, size)
    return scaled

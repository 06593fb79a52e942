"""Base signal components, each a whole array at once (no per-point Python loops).

Every function takes the sample times `t` (seconds, possibly jittered; `Timeline`) and the
base stream; parameters are drawn from the recipe's distributions first, then the noise.
Everything is computed in float64 (the stored dtype is chosen later, float32 by default):
float32 phases of a long series would drift visibly and AR filters would lose precision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from synthlab.generators.timeseries.filters import arma_filter
from synthlab.generators.timeseries.params import (
    Arma,
    Beat,
    ChannelParams,
    Component,
    Constant,
    CorrelatedNoise,
    Noise,
    RandomWalk,
    Seasonal,
    Trend,
)

__all__ = ["Timeline", "channel_values", "colored_noise", "correlated_noise", "make_component"]

_BURN_IN = 512  # ARMA warm-up points, discarded, so the series starts near stationarity
_SIN_BLOCK = 1024  # block width of the angle-addition sine on regular grids


@dataclass(frozen=True)
class Timeline:
    """Sample times in seconds; `regular` when they are exactly `index / rate` (no jitter),
    which lets periodic components skip a transcendental call per point."""

    t: np.ndarray
    rate: float
    regular: bool

    @property
    def n(self) -> int:
        return int(self.t.shape[0])


def regular_sine(n: int, step: float, phase: float) -> np.ndarray:
    """sin(step * i + phase) for i < n by angle addition: sin(a + b) = sin a cos b + cos a sin b
    with a on a coarse grid of blocks and b inside a block. Two outer products replace one
    sine per point (about 4x faster) and stay within ~1e-15 of the direct formula."""
    rows = -(-n // _SIN_BLOCK)
    coarse = step * _SIN_BLOCK * np.arange(rows) + phase
    fine = step * np.arange(_SIN_BLOCK)
    out: np.ndarray = np.multiply.outer(np.sin(coarse), np.cos(fine))
    out += np.multiply.outer(np.cos(coarse), np.sin(fine))
    return out.reshape(-1)[:n]


def _constant(c: Constant, line: Timeline, rng: np.random.Generator) -> np.ndarray:
    return np.full(line.n, c.value.sample(rng))


def _trend(c: Trend, line: Timeline, rng: np.random.Generator) -> np.ndarray:
    coefficients = [v.sample(rng) for v in c.coefficients]
    return np.asarray(np.polynomial.polynomial.polyval(line.t, coefficients))


def _sine(line: Timeline, period: float, phase: float, order: int) -> np.ndarray:
    """sin(2 pi order (t / period + phase))."""
    if line.regular:
        step = 2 * np.pi * order / (period * line.rate)
        return regular_sine(line.n, step, 2 * np.pi * order * phase)
    angle = line.t * (2 * np.pi * order / period)
    angle += 2 * np.pi * order * phase
    return np.sin(angle, out=angle)


def _seasonal(c: Seasonal, line: Timeline, rng: np.random.Generator) -> np.ndarray:
    period = c.period.sample(rng)
    amplitude = c.amplitude.sample(rng)
    phase = c.phase.sample(rng)
    if c.shape in ("square", "sawtooth"):
        cycles = np.mod(line.t / period + phase, 1.0)
        if c.shape == "square":
            return amplitude * np.where(cycles < 0.5, 1.0, -1.0)
        return amplitude * (2.0 * cycles - 1.0)
    wave = _sine(line, period, phase, 1)
    for order, relative in enumerate(c.harmonics, start=2):
        wave += relative.sample(rng) * _sine(line, period, phase, order)
    wave *= amplitude
    return wave


def _gaussian(rng: np.random.Generator, std: float, n: int) -> np.ndarray:
    """n draws of N(0, std) in float64. The standard normals are drawn as float32 (the
    ziggurat is ~25% faster in single precision) and scaled in float64: the values are
    stored as float32 by default anyway, and noise needs no more than 24 bits of mantissa."""
    draws = rng.standard_normal(n, dtype=np.float32).astype(np.float64)
    draws *= std
    return draws


def _random_walk(c: RandomWalk, line: Timeline, rng: np.random.Generator) -> np.ndarray:
    steps = rng.normal(0.0, c.step_std.sample(rng), line.n)
    return np.cumsum(steps, out=steps)


def _arma(c: Arma, line: Timeline, rng: np.random.Generator) -> np.ndarray:
    ar = [v.sample(rng) for v in c.ar]
    ma = [v.sample(rng) for v in c.ma]
    std = c.std.sample(rng)
    burn = _BURN_IN if ar else 0
    shocks = _gaussian(rng, std, line.n + burn)
    return arma_filter(shocks, ar, ma)[burn:]


def colored_noise(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Unit-variance noise whose power falls as 1/f**exponent (1: pink, 2: red)."""
    white = rng.normal(size=n)
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(n)
    scale = np.zeros_like(freqs)
    scale[1:] = freqs[1:] ** (-exponent / 2)
    shaped = np.fft.irfft(spectrum * scale, n)
    spread = shaped.std()
    return shaped / spread if spread > 0 else shaped


def _noise(c: Noise, line: Timeline, rng: np.random.Generator) -> np.ndarray:
    std = c.std.sample(rng)
    if c.type == "gaussian":
        return _gaussian(rng, std, line.n)
    return std * colored_noise(line.n, 1.0 if c.type == "pink" else 2.0, rng)


# An ECG-like beat as Gaussian waves around the R peak: (offset s, width s, height).
_WAVES = (
    (-0.20, 0.025, 0.15),  # P
    (-0.05, 0.010, -0.12),  # Q
    (0.00, 0.012, 1.00),  # R
    (0.05, 0.012, -0.25),  # S
    (0.30, 0.045, 0.30),  # T
)


def _beat(c: Beat, line: Timeline, rng: np.random.Generator) -> np.ndarray:
    t = line.t
    period = c.period.sample(rng)
    jitter = c.jitter.sample(rng)
    amplitude = c.amplitude.sample(rng)
    span = float(t[-1] - t[0]) if t.size else 0.0
    beats = int(span / max(period, 1e-6)) + 4
    intervals = np.clip(rng.normal(period, jitter, beats), 0.3 * period, None)
    peaks = t[0] - period + np.cumsum(intervals) - intervals[0] * rng.random()
    # each point feels the beat before it and the one after it (waves are shorter than a beat)
    after = np.clip(np.searchsorted(peaks, t), 1, peaks.size - 1)
    out = np.zeros(t.shape)
    for neighbour in (peaks[after - 1], peaks[after]):
        offset = t - neighbour
        for centre, width, height in _WAVES:
            out += height * np.exp(-0.5 * ((offset - centre) / width) ** 2)
    return amplitude * out


_MAKERS: dict[type, Callable[..., np.ndarray]] = {
    Constant: _constant,
    Trend: _trend,
    Seasonal: _seasonal,
    RandomWalk: _random_walk,
    Arma: _arma,
    Noise: _noise,
    Beat: _beat,
}


def make_component(component: Component, line: Timeline, rng: np.random.Generator) -> np.ndarray:
    return _MAKERS[type(component)](component, line, rng)


def channel_values(
    channel: ChannelParams, line: Timeline, rng: np.random.Generator, out: np.ndarray
) -> None:
    """One channel into `out` (a contiguous row): its components summed or multiplied
    (zeros when it has none), accumulated in place (no stacked n x k temporary)."""
    if not channel.components:
        out.fill(0.0)
        return
    out[...] = make_component(channel.components[0], line, rng)
    for component in channel.components[1:]:
        if channel.combine == "product":
            out *= make_component(component, line, rng)
        else:
            out += make_component(component, line, rng)


def correlated_noise(spec: CorrelatedNoise, n: int, rng: np.random.Generator) -> np.ndarray:
    """n x channels Gaussian noise with the given correlation (via an eigen square root, which
    also accepts singular correlation matrices)."""
    matrix = np.asarray(spec.correlation, dtype=float)
    eigenvalues, vectors = np.linalg.eigh(matrix)
    root = vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
    std = spec.std.sample(rng)
    return np.asarray(std * (rng.normal(size=(n, matrix.shape[0])) @ root.T))

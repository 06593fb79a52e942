"""Base signal components, each a whole array at once (no per-point Python loops).

Every function takes the sample times `t` (seconds, possibly jittered) and the base
stream; parameters are drawn from the recipe's distributions first, then the noise.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import signal

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

__all__ = ["channel_values", "colored_noise", "correlated_noise", "make_component"]

_BURN_IN = 512  # ARMA warm-up points, discarded, so the series starts near stationarity


def _constant(c: Constant, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.full(t.shape, c.value.sample(rng))


def _trend(c: Trend, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    coefficients = [v.sample(rng) for v in c.coefficients]
    return np.polynomial.polynomial.polyval(t, coefficients)


def _seasonal(c: Seasonal, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    period = c.period.sample(rng)
    amplitude = c.amplitude.sample(rng)
    phase = c.phase.sample(rng)
    cycles = t / period + phase
    if c.shape == "square":
        return amplitude * np.where(np.mod(cycles, 1.0) < 0.5, 1.0, -1.0)
    if c.shape == "sawtooth":
        return amplitude * (2.0 * np.mod(cycles, 1.0) - 1.0)
    angle = 2 * np.pi * cycles
    wave = np.sin(angle)
    for order, relative in enumerate(c.harmonics, start=2):
        wave += relative.sample(rng) * np.sin(order * angle)
    return amplitude * wave


def _random_walk(c: RandomWalk, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.cumsum(rng.normal(0.0, c.step_std.sample(rng), t.shape[0]))


def _arma(c: Arma, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ar = [v.sample(rng) for v in c.ar]
    ma = [v.sample(rng) for v in c.ma]
    std = c.std.sample(rng)
    burn = _BURN_IN if ar else 0
    shocks = rng.normal(0.0, std, t.shape[0] + burn)
    filtered = signal.lfilter([1.0, *ma], [1.0, *(-a for a in ar)], shocks)
    return np.asarray(filtered[burn:])


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


def _noise(c: Noise, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    std = c.std.sample(rng)
    if c.type == "gaussian":
        return rng.normal(0.0, std, t.shape[0])
    return std * colored_noise(t.shape[0], 1.0 if c.type == "pink" else 2.0, rng)


# An ECG-like beat as Gaussian waves around the R peak: (offset s, width s, height).
_WAVES = (
    (-0.20, 0.025, 0.15),  # P
    (-0.05, 0.010, -0.12),  # Q
    (0.00, 0.012, 1.00),  # R
    (0.05, 0.012, -0.25),  # S
    (0.30, 0.045, 0.30),  # T
)


def _beat(c: Beat, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
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


def make_component(component: Component, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return _MAKERS[type(component)](component, t, rng)


def channel_values(channel: ChannelParams, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One channel: its components summed or multiplied (zeros when it has none)."""
    if not channel.components:
        return np.zeros(t.shape)
    total = make_component(channel.components[0], t, rng)
    for component in channel.components[1:]:  # in place: no stacked n x k temporary
        if channel.combine == "product":
            total *= make_component(component, t, rng)
        else:
            total += make_component(component, t, rng)
    return total


def correlated_noise(spec: CorrelatedNoise, n: int, rng: np.random.Generator) -> np.ndarray:
    """n x channels Gaussian noise with the given correlation (via an eigen square root, which
    also accepts singular correlation matrices)."""
    matrix = np.asarray(spec.correlation, dtype=float)
    eigenvalues, vectors = np.linalg.eigh(matrix)
    root = vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
    std = spec.std.sample(rng)
    return std * (rng.normal(size=(n, matrix.shape[0])) @ root.T)

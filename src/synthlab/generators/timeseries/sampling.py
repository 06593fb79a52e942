"""Irregular sampling: timestamp jitter and missing samples, from the sampling stream."""

from __future__ import annotations

import numpy as np

from synthlab.generators.timeseries.params import SamplingParams

__all__ = ["kept_points", "sample_times"]


def sample_times(
    sampling: SamplingParams, n: int, rate: float, rng: np.random.Generator
) -> np.ndarray:
    """Seconds since the start for each grid point; jitter stays below half a period, so
    timestamps always increase."""
    t = np.arange(n, dtype=np.float64) / rate
    if sampling.jitter > 0:
        t += rng.uniform(-sampling.jitter, sampling.jitter, n) / rate
        t[0] = 0.0  # the first point is at the recipe's start time exactly
    return t


def kept_points(sampling: SamplingParams, n: int, rng: np.random.Generator) -> np.ndarray:
    """Grid indices that exist (all of them unless `missing` drops some)."""
    if sampling.missing <= 0:
        return np.arange(n, dtype=np.int64)
    keep = rng.random(n) >= sampling.missing
    keep[0] = True  # a series always has its first point
    return np.flatnonzero(keep).astype(np.int64)

"""Helpers for the time-series tests: params from plain dicts, one sample from a seed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from synthlab.generators.base import SamplePlan
from synthlab.generators.timeseries.generator import make_series
from synthlab.generators.timeseries.params import TimeseriesParams
from synthlab.samples.timeseries import TimeseriesSample


def series(
    raw: dict[str, Any] | TimeseriesParams,
    seed: int = 0,
    index: int = 0,
    require: frozenset[str] = frozenset(),
    forbid: frozenset[str] = frozenset(),
) -> TimeseriesSample:
    params = raw if isinstance(raw, TimeseriesParams) else TimeseriesParams.model_validate(raw)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
    return make_series(params, index, rng, SamplePlan(index, require, forbid))


@pytest.fixture(scope="session")
def make() -> Any:
    return series


SENSOR = {
    "rate_hz": 10,
    "length": 600,
    "channels": [
        {"name": "a", "components": [{"type": "arma", "ar": [0.7], "std": 1.0}]},
        {
            "name": "b",
            "components": [{"type": "seasonal", "period": 3.0}, {"type": "gaussian", "std": 0.1}],
        },
    ],
    "events": [
        {"kind": "spike", "duration": 0.5},
        {"kind": "level_shift", "name": "shift", "duration": 4.0, "onset": 1.0},
    ],
}


@pytest.fixture
def sensor() -> dict[str, Any]:
    return {**SENSOR}

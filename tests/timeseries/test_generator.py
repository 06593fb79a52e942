"""The generator: determinism, components, activity and falls, and recipe validation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from synthlab.exporters.timeseries.reader import label_violations
from synthlab.generators.timeseries.components import colored_noise
from synthlab.generators.timeseries.params import TimeseriesParams


def test_same_seed_same_values_and_different_seed_different(
    make: Any, sensor: dict[str, Any]
) -> None:
    one, again, other = make(sensor, 5), make(sensor, 5), make(sensor, 6)
    assert one.values.tobytes() == again.values.tobytes()
    assert one.events == again.events
    assert one.values.tobytes() != other.values.tobytes()


def test_arma_coefficient_is_recovered(make: Any) -> None:
    channel = {"name": "x", "components": [{"type": "arma", "ar": [0.8]}]}
    raw = {"length": 20000, "channels": [channel], "dtype": "float64"}
    x = make(raw, 1).values[:, 0]
    lag1 = np.corrcoef(x[:-1], x[1:])[0, 1]
    assert lag1 == pytest.approx(0.8, abs=0.03)


def test_pink_noise_has_more_power_at_low_frequencies() -> None:
    noise = colored_noise(4096, 1.0, np.random.default_rng(0))
    power = np.abs(np.fft.rfft(noise)) ** 2
    assert power[1:50].mean() > 10 * power[-500:].mean()
    assert noise.std() == pytest.approx(1.0)


def test_correlated_noise_has_the_asked_correlation(make: Any) -> None:
    raw = {
        "length": 20000,
        "channels": [{"name": "a"}, {"name": "b"}],
        "correlated_noise": {"std": 1.0, "correlation": [[1, 0.7], [0.7, 1]]},
    }
    values = make(raw, 2).values.astype(float)
    assert np.corrcoef(values.T)[0, 1] == pytest.approx(0.7, abs=0.03)


FALLS = {
    "rate_hz": 50,
    "duration": 120,
    "channels": [
        {"name": n, "components": [{"type": "gaussian", "std": 0.01}]}
        for n in ("ax", "ay", "az", "gx", "gy", "gz")
    ],
    "activity": {"axes": ["ax", "ay", "az"], "gyro": ["gx", "gy", "gz"]},
    "events": [{"kind": "fall", "duration": 5, "magnitude": 4}],
}


def test_a_fall_has_three_contiguous_phases_with_an_impact_peak(make: Any) -> None:
    sample = make(FALLS, 3)
    phases = [e for e in sample.events if e.kind == "fall"]
    assert [e.phase for e in phases] == ["pre_fall", "impact", "lying"]
    assert phases[0].end == phases[1].start and phases[1].end == phases[2].start
    accel = np.linalg.norm(sample.values[:, :3].astype(float), axis=1)
    impact = accel[phases[1].start : phases[1].end]
    assert impact.max() > 3.0  # the jolt, in g
    lying = accel[phases[2].start : phases[2].end]
    assert np.all(np.abs(lying - 1.0) < 0.1)  # still, gravity only
    assert label_violations(sample) == []


def test_activity_segments_label_every_point_and_walking_moves(make: Any) -> None:
    sample = make({**FALLS, "events": []}, 4)
    assert sample.segments[0].start == 0 and sample.segments[-1].end == sample.length
    accel = np.linalg.norm(sample.values[:, :3].astype(float), axis=1)
    for segment in sample.segments:
        part = accel[segment.start : segment.end]
        if segment.activity in ("running", "walking") and part.size > 200:
            assert part.std() > 0.1
        if segment.activity in ("lying", "sitting", "standing") and part.size > 200:
            assert part[50:-50].std() < 0.05  # away from posture transitions
    assert label_violations(sample) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"length": None}, "give exactly one of length"),
        ({"events": [{"kind": "spike", "channels": ["nope"]}]}, "unknown channel 'nope'"),
        ({"events": [{"kind": "fall"}]}, "a fall event needs an activity model"),
        ({"events": [{"kind": "spike", "duration": 100}]}, "does not fit in a series"),
        ({"events": [{"kind": "spikes"}]}, "spike"),
        ({"mixing": [[1, 0]]}, "mixing must be a 2x2 matrix"),
        ({"start": "2024-01-01T00:00:00"}, "needs a time zone"),
        ({"channels": [{"name": "label"}]}, "reserved"),
        # int64 nanoseconds end in 2262: wrapped timestamps were written before
        ({"start": "2262-01-01T00:00:00+00:00", "length": 10**9}, "leave the timestamps' range"),
        ({"start": "1600-01-01T00:00:00+00:00"}, "leave the timestamps' range"),
    ],
)
def test_bad_recipes_are_refused_with_a_clear_message(
    sensor: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        TimeseriesParams.model_validate({**sensor, **change})


def test_quota_conditions_are_the_event_names(sensor: dict[str, Any]) -> None:
    assert TimeseriesParams.model_validate(sensor).conditions() == ("spike", "shift")

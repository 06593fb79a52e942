"""Property tests over random recipes: windows inside the series, per-point labels equal to
the union of the event table's windows, and events changing data only inside windows."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from synthlab.exporters.timeseries.reader import label_violations
from synthlab.generators.timeseries.params import TimeseriesParams

KINDS = [
    "spike", "level_shift", "trend_change", "drift", "variance_change", "frequency_change",
    "flatline", "stuck", "dropout", "noise_burst", "pattern",
]  # fmt: skip

component = st.one_of(
    st.builds(lambda v: {"type": "constant", "value": v}, st.floats(-5, 5)),
    st.builds(lambda c: {"type": "trend", "coefficients": [0.0, c]}, st.floats(-0.1, 0.1)),
    st.builds(
        lambda p, shape: {"type": "seasonal", "period": p, "shape": shape},
        st.floats(0.5, 20),
        st.sampled_from(["sine", "square", "sawtooth"]),
    ),
    st.builds(lambda a: {"type": "arma", "ar": [a], "ma": [0.3], "std": 1.0}, st.floats(-0.9, 0.9)),
    st.builds(lambda k: {"type": k, "std": 0.5}, st.sampled_from(["gaussian", "pink", "red"])),
    st.just({"type": "random_walk", "step_std": 0.2}),
    st.just({"type": "beat", "period": 0.8}),
)


@st.composite
def recipes(draw: st.DrawFn) -> dict[str, Any]:
    n_channels = draw(st.integers(1, 3))
    names = [f"ch{i}" for i in range(n_channels)]
    rate = draw(st.sampled_from([1.0, 5.0, 25.0]))
    length = draw(st.integers(60, 400))
    events = []
    for number in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(KINDS))
        events.append(
            {
                "kind": kind,
                "name": f"{kind}_{number}",
                "count": draw(st.integers(0, 3)),
                "probability": draw(st.sampled_from([0.5, 1.0])),
                "duration": draw(st.floats(1 / rate, length / rate / 6)),
                "magnitude": draw(st.floats(0.5, 5)),
                "onset": draw(st.sampled_from([0.0, 2 / rate])),
                "pick": 1 if n_channels > 1 and draw(st.booleans()) else None,
            }
        )
    raw = {
        "rate_hz": rate,
        "length": length,
        "channels": [
            {
                "name": name,
                "combine": draw(st.sampled_from(["sum", "product"])),
                "components": draw(st.lists(component, min_size=1, max_size=3)),
            }
            for name in names
        ],
        "events": events,
        "sampling": {
            "jitter": draw(st.sampled_from([0.0, 0.3])),
            "missing": draw(st.sampled_from([0.0, 0.1])),
        },
        "dtype": draw(st.sampled_from(["float32", "float64"])),
    }
    assume(not _aliases(raw))
    return raw


def _aliases(raw: dict[str, Any]) -> bool:
    """True for recipes the Nyquist check refuses at load (tests/timeseries/test_nyquist.py):
    a period under 2 samples, or a frequency_change pushing a season past rate/2."""
    try:
        TimeseriesParams.model_validate(raw)
    except ValidationError as error:
        return any("Nyquist" in item["msg"] for item in error.errors())
    return False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recipes(), st.integers(0, 2**32))
def test_labels_equal_the_union_of_event_windows(make: Any, raw: dict[str, Any], seed: int) -> None:
    sample = make(raw, seed)
    for event in sample.events:
        assert 0 <= event.start < event.end <= sample.length
    assert label_violations(sample) == []
    # and directly: a row is flagged exactly when its grid index lies in some window
    inside = np.zeros(sample.length, bool)
    for start, end in sample.event_windows():
        inside[start:end] = True
    assert np.array_equal(sample.anomaly.astype(bool), inside[sample.grid_index])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recipes(), st.integers(0, 2**32))
def test_events_change_values_only_inside_their_windows(
    make: Any, raw: dict[str, Any], seed: int
) -> None:
    with_events = make(raw, seed)
    clean = make({**raw, "events": []}, seed)
    assert np.array_equal(with_events.grid_index, clean.grid_index)
    assert np.array_equal(with_events.time_ns, clean.time_ns)
    outside = with_events.anomaly == 0
    assert np.array_equal(with_events.values[outside], clean.values[outside], equal_nan=True)
    touched = {c for e in with_events.events for c in e.channels}
    for column, name in enumerate(with_events.channels):
        if name not in touched:  # a channel no event names is identical everywhere
            assert np.array_equal(
                with_events.values[:, column], clean.values[:, column], equal_nan=True
            )


@settings(max_examples=40, deadline=None)
@given(recipes(), st.integers(0, 2**32), st.data())
def test_required_events_appear_and_forbidden_ones_never(
    make: Any, raw: dict[str, Any], seed: int, data: st.DataObject
) -> None:
    params = TimeseriesParams.model_validate(raw)
    conditions = params.conditions()
    if not conditions:
        return
    required = data.draw(st.sampled_from(conditions))
    forbidden = frozenset(conditions) - {required}
    sample = make(params, seed, require=frozenset({required}), forbid=forbidden)
    names = {e.name for e in sample.events}
    assert required in names
    assert not names & forbidden
    assert sample.conditions == names

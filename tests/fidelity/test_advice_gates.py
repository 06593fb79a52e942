"""Advice sentences name real recipe fields; gates select metrics as documented."""

from __future__ import annotations

import numpy as np
import pytest

import synthlab.fidelity
from synthlab.errors import UsageError
from synthlab.fidelity import (
    FidelityOptions,
    FidelityReport,
    Metric,
    ModalityComparison,
    evaluate_gates,
    parse_distance_gate,
)
from synthlab.fidelity.gates import Gate
from synthlab.fidelity.series_advice import Advisor
from synthlab.fidelity.twosample import TwoSampleResult

PARAMS = {
    "rate_hz": 50.0,
    "channels": [
        {"name": "temp", "components": [{"type": "seasonal", "period": 10.0, "amplitude": 1.0}]},
        {"name": "acc_z", "components": [{"type": "gaussian", "std": 0.02}]},
    ],
    "activity": {
        "axes": ["acc_z", "acc_z", "acc_z"],
        "cadence": {"walking": {"uniform": [1.6, 2.0]}},
    },
    "events": [{"kind": "spike", "name": "glitch"}],
}


def test_advice_names_the_fields_of_the_recipe() -> None:
    advisor = Advisor(PARAMS, 50.0)
    scale = advisor.scale("temp", None, real=2.0, synth=0.5)
    assert scale.startswith("temp std is 0.5 in synthetic vs 2 in real")
    assert "raise generator.params.channels[0].components[0].amplitude (seasonal)" in scale
    period = advisor.frequency("temp", None, real_cpp=0.002, synth_cpp=0.004)
    assert period.startswith("temp dominant frequency is 0.2 Hz in synthetic vs 0.1 Hz in real")
    assert "set generator.params.channels[0].components[0].period near 10 s" in period
    cadence = advisor.frequency("acc_z", "walking", real_cpp=0.036, synth_cpp=0.072)
    assert "lower generator.params.activity.cadence.walking by a factor 2" in cadence
    assert "about 0.9 steps per second" in cadence  # the recipe's 1.8 on average, halved
    event = advisor.scale("temp", "glitch", real=5.0, synth=1.0)
    assert "raise generator.params.events[0].magnitude" in event
    assert "set generator.params.rate_hz: 100" in advisor.rate_mismatch(100.0, 50.0)
    plain = Advisor(None, None).scale("x", None, real=1.0, synth=3.0)
    assert plain == "x std is 3 in synthetic vs 1 in real: lower the channel's amplitude"


def _report() -> FidelityReport:
    metrics = [
        Metric("a.ks", 0.1),
        Metric("a.ks", 0.4, condition="walking"),
        Metric("b.ks", 0.2),
    ]
    comparison = ModalityComparison("timeseries", metrics, ["f"], np.zeros((2, 1)), np.ones((2, 1)))
    test = TwoSampleResult(0.8, 0.75, 0.85, (0.8,), 2, "model", ())
    return FidelityReport("r", "s", FidelityOptions(), comparison, test)


def test_distance_gates_select_by_pattern_and_condition() -> None:
    report = _report()
    whole, walking, every = (
        parse_distance_gate(text) for text in ("*.ks=0.3", "a.ks@walking=0.3", "*.ks@*=0.3")
    )
    results = evaluate_gates(report, [whole, walking, every])
    assert [r.passed for r in results] == [True, False, False]
    assert results[1].detail == "a.ks (walking) is 0.4 > 0.3"
    auc = evaluate_gates(report, [Gate("max_auc", 0.75), Gate("min_auc", 0.75)])
    assert [r.passed for r in auc] == [False, True]
    gap = evaluate_gates(report, [Gate("max_tstr_gap", 0.1)])
    assert not gap[0].passed and "no TSTR task" in gap[0].detail
    with pytest.raises(UsageError, match="matches no metric"):
        evaluate_gates(report, [parse_distance_gate("c.ks=1")])
    with pytest.raises(UsageError, match="is not a number"):
        parse_distance_gate("a.ks=high")


def test_public_names_are_pinned() -> None:
    assert synthlab.fidelity.__all__ == sorted(synthlab.fidelity.__all__)
    assert set(synthlab.fidelity.__all__) >= {
        "FidelityOptions",
        "FidelityReport",
        "compare",
        "write_report",
        "evaluate_gates",
    }

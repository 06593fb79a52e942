"""Time-series fidelity on real bundled data: identical, far off, pushed away step by step."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from synthlab.errors import UsageError
from synthlab.fidelity import FidelityOptions, compare, to_json


def _metric(report, name: str, condition: str | None = None) -> float:  # type: ignore[no-untyped-def]
    found = [
        m.value for m in report.comparison.metrics if m.name == name and m.condition == condition
    ]
    assert len(found) == 1, (name, condition)
    return float(found[0])


def test_identical_data_is_indistinguishable(h, co2_real: Path) -> None:
    report = compare(co2_real, co2_real, h.FAST)
    test = report.two_sample
    assert test.low <= 0.5 <= test.high
    assert abs(test.auc - 0.5) < 0.05
    assert test.verdict == "indistinguishable"
    assert test.copies == test.per_side  # every synthetic window is a real one
    assert not report.far
    assert _metric(report, "co2.wasserstein") == pytest.approx(0.0, abs=1e-9)


def test_multichannel_identical_and_different(h, tmp_path: Path) -> None:
    table = h.macro_table()
    real = h.write_csv(tmp_path / "real", "macro.csv", table)
    options = dataclasses.replace(h.FAST, window=16, stride=4)
    same = compare(real, real, options)
    assert same.two_sample.low <= 0.5 <= same.two_sample.high
    shuffled = dict(table)
    rng = np.random.default_rng(0)
    for name in ("realgdp", "realinv", "cpi"):  # same values, order (time structure) lost
        shuffled[name] = rng.permutation(table[name])
    synth = h.write_csv(tmp_path / "synth", "macro.csv", shuffled)
    differ = compare(real, synth, options)
    assert _metric(differ, "realgdp.wasserstein") < 0.2  # same values ...
    assert _metric(differ, "realgdp.autocorrelation") > _metric(same, "realgdp.autocorrelation")
    assert _metric(differ, "channels.correlation") > 0.0


def test_white_noise_is_far_off(h, co2_real: Path, tmp_path: Path) -> None:
    _, ppm = h.co2_values()
    rng = np.random.default_rng(1)
    fake = h.co2_folder(tmp_path / "noise", rng.normal(ppm.mean(), ppm.std(), ppm.size))
    report = compare(co2_real, fake, h.FAST)
    assert report.two_sample.auc > 0.95
    assert report.two_sample.verdict == "easily told apart"
    far = {m.name for m in report.far}
    assert {"co2.log_psd", "co2.autocorrelation"} <= far
    advice = [m.advice for m in report.far if m.advice]
    assert any("autocorrelation" in a for a in advice)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("push", "steps", "metrics"),
    [
        ("scaled", (1.0, 1.5, 2.5, 4.0), ("co2.wasserstein", "co2.ks", "co2.envelope")),
        ("stretched", (1.0, 1.4, 2.0, 3.0), ("co2.dominant_freq", "co2.log_psd")),
        ("noisy", (0.0, 0.3, 1.0, 3.0), ("co2.log_psd", "co2.autocorrelation")),
    ],
    ids=["scale", "frequency", "noise"],
)
def test_metrics_grow_as_synthetic_data_is_pushed_away(
    h,
    tmp_path: Path,
    push,
    steps,
    metrics,  # type: ignore[no-untyped-def]
) -> None:
    stamps, ppm = h.co2_seasonal()
    real = h.write_csv(tmp_path / "real", "co2.csv", {"timestamp": stamps, "co2": ppm})
    options = dataclasses.replace(h.FAST, window=128, stride=8)
    values = {name: [] for name in metrics}
    aucs = []
    for number, step in enumerate(steps):
        pushed = getattr(h, push)(ppm, step)
        synth = h.write_csv(
            tmp_path / f"step{number}",
            "co2.csv",
            {"timestamp": stamps[: pushed.size], "co2": pushed},
        )
        report = compare(real, synth, options)
        aucs.append(report.two_sample.auc)
        for name in metrics:
            values[name].append(_metric(report, name))
    for name, series in values.items():
        assert all(b > a for a, b in itertools.pairwise(series)), (name, series)
    assert aucs[-1] > 0.9 and aucs[0] < 0.6, aucs
    assert all(b >= a - 0.03 for a, b in itertools.pairwise(aucs)), aucs


def test_same_seed_same_bytes_other_seed_other_bytes(h, co2_real: Path, tmp_path: Path) -> None:
    _, ppm = h.co2_values()
    synth = h.co2_folder(tmp_path / "noisy", h.noisy(ppm, 0.5))
    first = to_json(compare(co2_real, synth, h.FAST))
    again = to_json(compare(co2_real, synth, h.FAST))
    other = to_json(compare(co2_real, synth, dataclasses.replace(h.FAST, seed=4)))
    assert first == again
    assert first != other


@pytest.mark.slow
def test_synthlab_datasets_same_recipe_close_other_cadence_far(
    h, activity_real: Path, tmp_path: Path
) -> None:
    options = dataclasses.replace(h.FAST, window=64, stride=32)
    same = compare(activity_real, h.render_activity(tmp_path / "same", seed=12), options)
    assert same.two_sample.auc < 0.75, same.two_sample
    assert same.comparison.tasks and same.comparison.tasks[0].classes == (
        "lying",
        "standing",
        "walking",
    )
    task = same.comparison.tasks[0]
    assert task.tstr > 0.8 and task.trtr > 0.8
    fast = compare(
        activity_real, h.render_activity(tmp_path / "fast", seed=12, cadence=3.6), options
    )
    assert fast.two_sample.auc > 0.7  # only the walking third of the windows differs
    assert fast.two_sample.auc > same.two_sample.auc + 0.05
    walking = [m for m in fast.far if m.condition == "walking" and m.advice]
    assert any(
        "generator.params.activity.cadence.walking" in (m.advice or "") and "lower" in m.advice
        for m in walking
    ), [m.advice for m in walking]
    assert _metric(fast, "acc_z.dominant_freq", "walking") > 0.8  # about one octave
    assert _metric(same, "acc_z.dominant_freq", "walking") < 0.3


def test_bad_inputs_say_what_is_wrong(h, co2_real: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        compare(tmp_path / "missing", co2_real, h.FAST)
    stamps, ppm = h.co2_values()
    no_time = h.write_csv(tmp_path / "no-time", "x.csv", {"value": ppm})
    with pytest.raises(UsageError, match="no time column"):
        compare(no_time, co2_real, h.FAST)
    other = h.write_csv(tmp_path / "other", "x.csv", {"timestamp": stamps, "a": ppm, "b": ppm})
    with pytest.raises(UsageError, match="share no channel"):
        compare(co2_real, other, h.FAST)
    short = h.co2_folder(tmp_path / "short", ppm[:100])
    with pytest.raises(UsageError, match="at least 10 are needed"):
        compare(short, co2_real, h.FAST)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="holds no series files"):
        compare(tmp_path / "empty", co2_real, h.FAST)
    with pytest.raises(UsageError, match="not a synthlab dataset"):
        compare(co2_real, tmp_path / "empty", h.FAST)


def test_plain_files_with_an_activity_column_get_tstr(activity_real: Path, tmp_path: Path) -> None:
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    real = tmp_path / "real"
    real.mkdir()
    for path in sorted((activity_real / "parquet" / "series").rglob("*.parquet")):
        table = pq.read_table(path)
        keep = ["timestamp", "acc_x", "acc_y", "acc_z"]
        columns = {name: table.column(name) for name in keep}
        columns["activity"] = pc.cast(table.column("activity"), "string")
        pa_csv.write_csv(pa.table(columns), real / f"{path.stem}.csv")
    options = FidelityOptions(window=64, stride=32, folds=3, figures=False, seed=3)
    report = compare(real, activity_real, options)
    assert report.two_sample.copies == report.two_sample.per_side  # the same recordings
    assert report.two_sample.verdict == "indistinguishable"
    task = report.comparison.tasks[0]
    assert task.classes == ("lying", "standing", "walking")
    assert task.tstr > 0.9 and task.trtr > 0.9
    conditions = {m.condition for m in report.comparison.metrics}
    assert {"lying", "standing", "walking"} <= conditions
    assert any(m.name == "rate" and m.value < 0.01 for m in report.comparison.metrics)

"""`synthlab fidelity`: the report folder, the gates' exit codes, errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from synthlab.cli import main

FAST = ["--window", "64", "--stride", "16", "--seed", "3", "--no-plots"]


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*map(str, args)])


def test_report_written_and_gates_pass(co2_real: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = _run(
        "fidelity",
        co2_real,
        co2_real,
        "-o",
        out,
        "--window",
        "64",
        "--stride",
        "16",
        "--max-auc",
        "0.6",
        "--max-distance",
        "*.wasserstein=0.1",
    )
    assert result.exit_code == 0, result.output
    assert "two-sample AUC 0.500" in result.output and "indistinguishable" in result.output
    assert "gate --max-auc 0.6: pass" in result.output
    data = json.loads((out / "fidelity.json").read_text())
    assert [g["passed"] for g in data["gates"]] == [True, True]
    assert (out / "index.html").read_text().startswith("<!doctype html>")


def test_failing_gates_exit_1(h, co2_real: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, ppm = h.co2_values()
    synth = h.co2_folder(tmp_path / "synth", h.scaled(ppm, 3.0))
    result = _run("fidelity", co2_real, synth, *FAST, "--max-auc", "0.75")
    assert result.exit_code == 1, result.output
    assert "gate --max-auc 0.75: FAIL" in result.output
    assert "co2 std is" in result.output  # the advice is printed
    result = _run("fidelity", co2_real, synth, *FAST, "--max-distance", "co2.ks=0.2")
    assert result.exit_code == 1 and "co2.ks is" in result.output
    result = _run("fidelity", co2_real, synth, *FAST, "--min-auc", "0.2")
    assert result.exit_code == 0, result.output


def test_bad_input_exits_2_with_one_message(h, co2_real: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = _run("fidelity", tmp_path / "nope", co2_real, *FAST)
    assert missing.exit_code == 2 and "does not exist" in missing.output
    assert "Traceback" not in missing.output
    stamps, ppm = h.co2_values()
    no_time = h.write_csv(tmp_path / "no-time", "x.csv", {"value": ppm})
    result = _run("fidelity", no_time, co2_real, *FAST)
    assert result.exit_code == 2 and "--time-column" in result.output
    result = _run("fidelity", co2_real, co2_real, "--window", "4096")
    assert result.exit_code == 2 and "at least 10 are needed" in result.output
    result = _run("fidelity", co2_real, co2_real, *FAST, "--max-distance", "co2.wasserstien=1")
    assert result.exit_code == 2 and 'did you mean "co2.wasserstein"' in result.output
    result = _run("fidelity", co2_real, co2_real, *FAST, "--max-distance", "nonsense")
    assert result.exit_code == 2 and "NAME=X" in result.output
    result = _run("fidelity", co2_real, co2_real, "--window", "3")
    assert result.exit_code == 2 and "window=3" in result.output
    renamed = h.write_csv(tmp_path / "renamed", "x.csv", {"when": stamps, "co2": ppm})
    result = _run("fidelity", renamed, co2_real, *FAST, "--time-column", "when")
    assert result.exit_code == 0, result.output

"""Verdicts -> defect rate, interval, decision and exit code; planted defects; agreement;
label checks; the Label Studio export (its RLE: tests/labelstudio)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main
from synthlab.readers import get_reader, register_reader
from synthlab.spotcheck.labelcheck import verify_labels
from synthlab.spotcheck.verdicts import Verdict, append_verdict, now_utc
from synthlab.spotcheck.workspace import Workspace


def _judge(workspace: Workspace, reviewer: str, rejects: set[str], gold: str = "catch") -> None:
    for item in workspace.items:
        planted = item["id"] in workspace.gold
        wrong = item["id"] in rejects or (planted and gold == "catch")
        append_verdict(
            workspace.root / "verdicts.jsonl",
            Verdict(
                item=item["id"],
                verdict="reject" if wrong else "accept",
                reviewer=reviewer,
                time=now_utc(),
                plan=workspace.digest,
                reason="wrong class" if wrong else None,
            ),
        )


def _spotcheck(out: Path, *args: str) -> Workspace:
    result = CliRunner().invoke(main, ["spotcheck", str(out), *args])
    assert result.exit_code == 0, result.output
    return Workspace.open(out)


def _summary(out: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["spotcheck", str(out), "--summary", "--json"])
    return result.exit_code, json.loads(result.output)


def test_recipe_plan_and_clean_review_accept(fresh_dataset: Path) -> None:
    workspace = _spotcheck(fresh_dataset, "--planted", "2")
    assert workspace.plan.kind == "zero_defect" and workspace.plan.n == 22  # 10 % at 90 %
    code, incomplete = _summary(fresh_dataset)
    assert code == 1 and incomplete["decision"] == "incomplete"
    _judge(workspace, "ann", rejects=set())
    code, summary = _summary(fresh_dataset)
    assert code == 0 and summary["decision"] == "accept"
    assert summary["defects"] == 0 and summary["reviewed"] == summary["sampled"]
    assert summary["planted_caught"] == 2 and summary["detection"] == 1.0
    assert summary["interval"][0] == 0.0 and 0 < summary["interval"][1] < 0.2


def test_a_defect_rejects_with_breakdown(fresh_dataset: Path) -> None:
    workspace = _spotcheck(fresh_dataset, "--n", "15")
    real = [i for i in workspace.items if i["id"] not in workspace.gold]
    bad = real[0]
    _judge(workspace, "ann", rejects={bad["id"]})
    code, summary = _summary(fresh_dataset)
    assert code == 1 and summary["decision"] == "reject"
    assert summary["defects"] == 1 and summary["reasons"] == {"wrong class": 1}
    for stratum in bad["strata"]:
        assert summary["strata"][stratum]["defects"] == 1
    text = CliRunner().invoke(main, ["spotcheck", str(fresh_dataset), "--summary"]).output
    assert "decision: REJECT" in text and "95% exact interval" in text


def test_single_plan_accepts_up_to_c(fresh_dataset: Path) -> None:
    workspace = _spotcheck(fresh_dataset, "--single", "0.01,0.1")
    assert workspace.plan.c >= 1
    real = [i["id"] for i in workspace.items if i["id"] not in workspace.gold]
    _judge(workspace, "ann", rejects=set(real[: workspace.plan.c]))
    assert _summary(fresh_dataset)[0] == 0


def test_missed_planted_defects_make_the_review_no_evidence(fresh_dataset: Path) -> None:
    workspace = _spotcheck(fresh_dataset, "--n", "10", "--planted", "3")
    _judge(workspace, "lazy", rejects=set(), gold="miss")
    code, summary = _summary(fresh_dataset)
    assert code == 1 and summary["planted_caught"] == 0
    assert "not evidence" in summary["why"]


def test_two_reviewers_agreement_is_reported(fresh_dataset: Path) -> None:
    workspace = _spotcheck(fresh_dataset, "--n", "10")
    real = [i["id"] for i in workspace.items]
    _judge(workspace, "ann", rejects=set())
    _judge(workspace, "bob", rejects={real[0], real[1]})
    summary = _summary(fresh_dataset)[1]
    assert summary["reviewers"] == ["ann", "bob"]
    assert summary["agreement"]["items"] == len(real)
    assert summary["agreement"]["percent"] == pytest.approx(1 - 2 / len(real))
    assert summary["defects"] == 2  # a tie counts as a defect


def test_verify_labels_lists_violations_from_the_reader(debug_dataset: Path) -> None:
    assert verify_labels(debug_dataset) == []
    original = get_reader("record")

    class Strict:
        def load_sample(self, dataset, record):  # type: ignore[no-untyped-def]
            return original.load_sample(dataset, record)

        def check_sample(self, sample):  # type: ignore[no-untyped-def]
            return ["forklift is not allowed"] if sample.values["cls"] == "forklift" else []

    register_reader("record", Strict())
    try:
        violations = verify_labels(debug_dataset)
        result = CliRunner().invoke(main, ["verify", str(debug_dataset), "--labels"])
    finally:
        register_reader("record", original)
    assert len(violations) == 3 and all("forklift" in str(v) for v in violations)
    assert result.exit_code == 1 and "label checks: 3 violation(s)" in result.output


def test_label_studio_export_of_the_sample(fresh_dataset: Path) -> None:
    _spotcheck(fresh_dataset, "--n", "5", "--planted", "1", "--label-studio", "sample")
    tasks = json.loads((fresh_dataset / "spotcheck" / "label-studio.json").read_text())
    workspace = Workspace.open(fresh_dataset)
    assert len(tasks) == len(workspace.items) - 1  # the planted copy is not exported

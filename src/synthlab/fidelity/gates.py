"""CI gates over a fidelity report: each gate passes or fails with a one-line reason.

- `max_auc X`: fails when the two-sample AUC is above X (synthetic too easy to tell apart).
- `min_auc X`: fails when the AUC is below X (rarely needed: below chance means recordings
  differ more among themselves than the sides do; see docs/fidelity.md).
- `max_distance NAME[@CONDITION]=X`: fails when a metric matching NAME (a shell pattern such
  as `*.wasserstein`) is above X. Without @, whole-data metrics only; `@walking` one
  condition; `@*` every condition and the whole data. A NAME matching nothing is an error.
- `max_tstr_gap X`: fails when TRTR minus TSTR exceeds X on any task.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from synthlab.errors import UsageError, did_you_mean
from synthlab.fidelity.run import FidelityReport

__all__ = ["Gate", "GateResult", "evaluate_gates", "parse_distance_gate"]


@dataclass(frozen=True)
class Gate:
    kind: str  # "max_auc", "min_auc", "max_distance", "max_tstr_gap"
    limit: float
    pattern: str | None = None  # max_distance: the metric name pattern
    condition: str | None = None  # max_distance: None = whole data, "*" = all

    def describe(self) -> str:
        flag = "--" + self.kind.replace("_", "-")
        if self.kind != "max_distance":
            return f"{flag} {self.limit:g}"
        at = f"@{self.condition}" if self.condition else ""
        return f"{flag} {self.pattern}{at}={self.limit:g}"


@dataclass(frozen=True)
class GateResult:
    gate: str
    passed: bool
    detail: str


def parse_distance_gate(text: str) -> Gate:
    name, equals, limit = text.rpartition("=")
    if not equals or not name:
        raise UsageError(f"--max-distance {text!r}: write NAME=X, e.g. '*.wasserstein=0.3'")
    try:
        value = float(limit)
    except ValueError:
        raise UsageError(f"--max-distance {text!r}: {limit!r} is not a number") from None
    pattern, at, condition = name.partition("@")
    return Gate("max_distance", value, pattern, condition if at else None)


def _distance(report: FidelityReport, gate: Gate) -> GateResult:
    metrics = report.comparison.metrics
    chosen = [
        m
        for m in metrics
        if fnmatch.fnmatchcase(m.name, gate.pattern or "")
        and (
            gate.condition == "*"
            or (gate.condition is None and m.condition is None)
            or (gate.condition is not None and m.condition == gate.condition)
        )
    ]
    if not chosen:
        names = sorted({m.name for m in metrics})
        conditions = sorted({m.condition for m in metrics if m.condition})
        raise UsageError(
            f"{gate.describe()} matches no metric{did_you_mean(gate.pattern or '', names)}; "
            f"metrics are e.g. {', '.join(names[:6])}"
            + (f"; conditions: {', '.join(conditions)}" if conditions else "")
        )
    worst = max(chosen, key=lambda m: m.value)
    where = f" ({worst.condition})" if worst.condition else ""
    if worst.value > gate.limit:
        return GateResult(
            gate.describe(), False, f"{worst.name}{where} is {worst.value:.4g} > {gate.limit:g}"
        )
    return GateResult(
        gate.describe(),
        True,
        f"{len(chosen)} metric(s), largest {worst.name}{where} {worst.value:.4g}",
    )


def evaluate_gates(report: FidelityReport, gates: list[Gate]) -> list[GateResult]:
    results = []
    auc = report.two_sample.auc
    for gate in gates:
        if gate.kind == "max_auc":
            ok = auc <= gate.limit
            results.append(GateResult(gate.describe(), ok, f"AUC {auc:.3f}"))
        elif gate.kind == "min_auc":
            ok = auc >= gate.limit
            results.append(GateResult(gate.describe(), ok, f"AUC {auc:.3f}"))
        elif gate.kind == "max_tstr_gap":
            tasks = report.comparison.tasks
            if not tasks:
                results.append(
                    GateResult(gate.describe(), False, "no TSTR task (no shared labels)")
                )
                continue
            gap = max(t.trtr - t.tstr for t in tasks)
            ok = gap <= gate.limit
            results.append(GateResult(gate.describe(), ok, f"TRTR - TSTR = {gap:.3f}"))
        else:
            results.append(_distance(report, gate))
    return results

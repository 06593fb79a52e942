"""What the verdicts say: defects found, the defect rate with an exact interval, the
plan's decision, breakdowns by stratum and reason, reviewer agreement, and the planted
defects the reviewers caught.

An item's verdict is the majority of its reviewers' last verdicts (a tie counts as a
defect: doubt about a label is a finding). Planted items are scored separately: the share
caught is the reviewers' detection rate q, and the defect rate estimate is divided by it
(a reviewer who misses half of all errors saw half of them). The lot is accepted when
every sampled item has a verdict, the plan's acceptance number is not exceeded, and, when
defects were planted, the reviewers caught at least half of them (otherwise the review
itself is not evidence).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from synthlab.spotcheck.stats import Agreement, agreement, clopper_pearson, upper_bound
from synthlab.spotcheck.verdicts import latest_verdicts, read_verdicts
from synthlab.spotcheck.workspace import Workspace

__all__ = ["MIN_DETECTION", "Summary", "summarize"]

MIN_DETECTION = 0.5  # below this share of planted defects caught, the review proves nothing
CONFIDENCE = 0.95


@dataclass(frozen=True)
class StratumCount:
    reviewed: int = 0
    defects: int = 0


@dataclass(frozen=True)
class Summary:
    plan: dict[str, Any]
    sampled: int
    reviewed: int
    defects: int
    rate: float | None
    interval: tuple[float, float]  # two-sided exact (Clopper-Pearson), CONFIDENCE
    upper: float  # one-sided exact upper bound, CONFIDENCE
    decision: str  # "accept" | "reject" | "incomplete"
    why: str
    reasons: dict[str, int]
    strata: dict[str, StratumCount]
    reviewers: list[str]
    agreement: Agreement
    planted: int = 0
    planted_reviewed: int = 0
    planted_caught: int = 0
    detection: float | None = None
    adjusted_rate: float | None = None
    adjusted_upper: float | None = None
    defect_items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.decision == "accept"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["interval"] = list(self.interval)
        data["accepted"] = self.accepted
        return data


def _majority(verdicts: dict[str, Any]) -> tuple[str, str | None]:
    votes = Counter(v.verdict for v in verdicts.values())
    verdict = "accept" if votes["accept"] > votes["reject"] else "reject"
    reasons = [v.reason for v in verdicts.values() if v.verdict == "reject" and v.reason]
    return verdict, (Counter(reasons).most_common(1)[0][0] if reasons else None)


def summarize(workspace: Workspace) -> Summary:
    plan = workspace.plan
    latest = latest_verdicts(read_verdicts(workspace.root / "verdicts.jsonl", workspace.digest))
    items = {item["id"]: item for item in workspace.items}
    real = [i for i in items if i not in workspace.gold]
    reviewed = defects = 0
    reasons: Counter[str] = Counter()
    strata: dict[str, StratumCount] = {}
    defect_items = []
    for item_id in real:
        if item_id not in latest:
            continue
        verdict, reason = _majority(latest[item_id])
        reviewed += 1
        wrong = verdict == "reject"
        defects += wrong
        if wrong:
            reasons[reason or "unspecified"] += 1
            comments = [v.comment for v in latest[item_id].values() if v.comment]
            defect_items.append(
                {
                    "id": item_id,
                    "index": items[item_id]["index"],
                    "reason": reason,
                    "comments": comments,
                }
            )
        for name in items[item_id]["strata"]:
            old = strata.get(name, StratumCount())
            strata[name] = StratumCount(old.reviewed + 1, old.defects + wrong)

    planted_reviewed = planted_caught = 0
    for item_id in workspace.gold:
        if item_id in latest:
            planted_reviewed += 1
            planted_caught += _majority(latest[item_id])[0] == "reject"
    detection = planted_caught / planted_reviewed if planted_reviewed else None

    rate = defects / reviewed if reviewed else None
    interval = clopper_pearson(defects, reviewed, CONFIDENCE)
    upper = upper_bound(defects, reviewed, CONFIDENCE)
    adjusted_rate = adjusted_upper = None
    if detection is not None and rate is not None:
        # the conservative bound divides by the lower bound of the detection rate
        low_detection = clopper_pearson(planted_caught, planted_reviewed, 0.90)[0]
        adjusted_rate = min(1.0, rate / detection) if detection > 0 else 1.0
        adjusted_upper = min(1.0, upper / low_detection) if low_detection > 0 else 1.0

    if defects > plan.c:
        decision, why = "reject", f"{defects} defect(s) found, the plan accepts at most {plan.c}"
    elif reviewed < len(real):
        decision, why = "incomplete", f"{reviewed} of {len(real)} sampled items reviewed"
    elif detection is not None and detection < MIN_DETECTION:
        decision = "reject"
        why = (
            f"reviewers caught {planted_caught} of {planted_reviewed} planted defects "
            f"(< {MIN_DETECTION:.0%}): the review is not evidence of label quality"
        )
    elif workspace.gold and planted_reviewed < len(workspace.gold):
        decision = "incomplete"
        why = f"{planted_reviewed} of {len(workspace.gold)} check items reviewed"
    else:
        decision, why = "accept", f"{defects} defect(s) found, the plan accepts up to {plan.c}"

    return Summary(
        plan=plan.to_json(),
        sampled=len(real),
        reviewed=reviewed,
        defects=defects,
        rate=rate,
        interval=interval,
        upper=upper,
        decision=decision,
        why=why,
        reasons=dict(sorted(reasons.items())),
        strata=dict(sorted(strata.items())),
        reviewers=sorted({r for by in latest.values() for r in by}),
        agreement=agreement({i: {r: v.verdict for r, v in by.items()} for i, by in latest.items()}),
        planted=len(workspace.gold),
        planted_reviewed=planted_reviewed,
        planted_caught=planted_caught,
        detection=detection,
        adjusted_rate=adjusted_rate,
        adjusted_upper=adjusted_upper,
        defect_items=defect_items,
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def format_summary(summary: Summary) -> str:
    """The summary as the lines `synthlab spotcheck OUT --summary` prints."""
    lines = [
        summary.plan["meaning"],
        f"reviewed {summary.reviewed} of {summary.sampled} sampled items; "
        f"defects: {summary.defects}",
        f"defect rate {_pct(summary.rate)}, 95% exact interval "
        f"[{_pct(summary.interval[0])}, {_pct(summary.interval[1])}], "
        f"one-sided upper bound {_pct(summary.upper)}",
    ]
    if summary.planted:
        lines.append(
            f"planted defects: caught {summary.planted_caught} of {summary.planted_reviewed} "
            f"reviewed ({summary.planted} planted); detection {_pct(summary.detection)}; "
            f"defect rate corrected for misses {_pct(summary.adjusted_rate)}, "
            f"upper bound {_pct(summary.adjusted_upper)}"
        )
    if summary.reasons:
        lines.append("by reason: " + ", ".join(f"{k}: {v}" for k, v in summary.reasons.items()))
    bad = {k: v for k, v in summary.strata.items() if v.defects}
    lines.append(f"by stratum ({len(summary.strata)} reviewed):")
    for name, count in sorted(summary.strata.items(), key=lambda kv: (-kv[1].defects, kv[0])):
        if count.defects or len(summary.strata) <= 12:
            lines.append(f"  {name}: {count.defects} defect(s) in {count.reviewed}")
    if not bad and len(summary.strata) > 12:
        lines.append("  no defects in any stratum")
    for item in summary.defect_items[:20]:
        note = "; ".join(item["comments"])
        lines.append(f"  defect: {item['id']} (sample {item['index']}): {item['reason']} {note}")
    agreement = summary.agreement
    if agreement.items:
        kappa = "n/a" if agreement.fleiss is None else f"{agreement.fleiss:.2f}"
        lines.append(
            f"agreement of {len(summary.reviewers)} reviewers on {agreement.items} shared items: "
            f"{_pct(agreement.percent)} identical, Fleiss' kappa {kappa}"
        )
    lines.append(f"decision: {summary.decision.upper()} ({summary.why})")
    return "\n".join(lines)

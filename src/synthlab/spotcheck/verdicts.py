"""Reviewers' verdicts: appended one JSON line at a time to OUT/spotcheck/verdicts.jsonl.

Each line is flushed and fsynced before the reviewer is told it was saved, so a crash
loses at most the verdict being typed. A reviewer may change their mind: the last verdict
of a reviewer on an item counts. Verdicts name the plan they were given under (its digest);
rebuilding the spot-check with another plan leaves old verdicts in the file but out of the
counts.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from synthlab.jsonio import canonical_json

__all__ = ["REASONS", "Verdict", "append_verdict", "latest_verdicts", "read_verdicts"]

# reject reason categories, in the order the review page numbers them (keys 1..6)
REASONS: tuple[str, ...] = (
    "wrong class",
    "wrong position or extent",
    "missing label",
    "extra label",
    "bad data",
    "other",
)

_lock = threading.Lock()


@dataclass(frozen=True)
class Verdict:
    item: str
    verdict: str  # "accept" | "reject"
    reviewer: str
    time: str  # UTC, ISO 8601: when the reviewer gave it (review records, not dataset bytes)
    plan: str
    reason: str | None = None
    comment: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "verdict": self.verdict,
            "reason": self.reason,
            "comment": self.comment,
            "reviewer": self.reviewer,
            "time": self.time,
            "plan": self.plan,
        }


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def append_verdict(path: Path, verdict: Verdict) -> None:
    line = (canonical_json(verdict.to_json()) + "\n").encode("utf-8")
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, line)  # one write of a whole line: no interleaving
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def read_verdicts(path: Path, plan: str | None = None) -> list[Verdict]:
    """Verdicts in file order; a torn last line (a crash mid-write) is skipped."""
    if not path.is_file():
        return []
    verdicts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            raw = json.loads(line)
            verdict = Verdict(
                item=str(raw["item"]),
                verdict=str(raw["verdict"]),
                reviewer=str(raw["reviewer"]),
                time=str(raw["time"]),
                plan=str(raw.get("plan", "")),
                reason=raw.get("reason"),
                comment=str(raw.get("comment", "")),
            )
        except (ValueError, KeyError, TypeError):
            continue
        if plan is None or verdict.plan == plan:
            verdicts.append(verdict)
    return verdicts


def latest_verdicts(verdicts: list[Verdict]) -> dict[str, dict[str, Verdict]]:
    """{item: {reviewer: their last verdict}}."""
    latest: dict[str, dict[str, Verdict]] = {}
    for verdict in verdicts:
        latest.setdefault(verdict.item, {})[verdict.reviewer] = verdict
    return latest

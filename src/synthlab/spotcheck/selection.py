"""Deterministic stratified choice of the samples to review.

Every stratum present in the dataset (class, event kind, template, locale, quota
condition...) gets at least one sample, rarest strata first, each picked at random among
the samples that carry it; the rest of the plan's n is a simple random sample of the others.
If covering every stratum takes more than n samples the review grows to cover them (the
plan says so). All draws come from `plan_rng(seed, PICK_PURPOSE)`: the same dataset and seed
give the same picks on every machine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from synthlab.readers import DatasetView
from synthlab.seeding import plan_rng
from synthlab.spotcheck.strata import strata_of

__all__ = ["PICK_PURPOSE", "Pick", "Selection", "choose"]

PICK_PURPOSE = 7001  # plan_rng purpose numbers of spot-check (the engine uses small ones)
# a dimension with more distinct values than this share of the lot is an id, not a category
_ID_LIKE_SHARE = 0.5
_ID_LIKE_MIN = 20


@dataclass(frozen=True)
class Pick:
    index: int
    strata: tuple[str, ...]
    reason: str  # "covers class=forklift" or "random"
    record: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "strata": list(self.strata), "reason": self.reason}


def _drop_id_like(strata: dict[int, list[str]], lot: int) -> dict[int, list[str]]:
    values: dict[str, set[str]] = {}
    for names in strata.values():
        for name in names:
            dimension, _, value = name.partition("=")
            values.setdefault(dimension, set()).add(value)
    id_like = {
        d
        for d, v in values.items()
        if len(v) > max(_ID_LIKE_MIN, _ID_LIKE_SHARE * lot) and d != "quota"
    }
    if not id_like:
        return strata
    return {
        i: [s for s in names if s.partition("=")[0] not in id_like] for i, names in strata.items()
    }


@dataclass(frozen=True)
class Selection:
    picks: list[Pick]  # sorted by index
    strata: list[str]  # every stratum present in the dataset
    others: list[int]  # indices not picked (where planted copies come from)
    records: dict[int, dict[str, Any]]  # index lines of the picks and of `others`

    def record(self, index: int) -> dict[str, Any]:
        return self.records[index]


def choose(dataset: DatasetView, n: int, seed: int) -> Selection:
    """The samples to review (at least n, more if the strata need it)."""
    modality = dataset.modality
    records = {int(r["index"]): r for r in dataset.records()}
    strata = {index: strata_of(r, modality) for index, r in records.items()}
    strata = _drop_id_like(strata, len(strata))
    rng = plan_rng(seed, PICK_PURPOSE)
    counts = Counter(name for names in strata.values() for name in names)
    holders: dict[str, list[int]] = {}
    for index in sorted(strata):
        for name in strata[index]:
            holders.setdefault(name, []).append(index)

    chosen: dict[int, str] = {}
    covered: set[str] = set()
    for name in sorted(counts, key=lambda s: (counts[s], s)):
        if name in covered:
            continue
        candidates = holders[name]
        index = candidates[int(rng.integers(len(candidates)))]
        chosen[index] = f"covers {name}"
        covered.update(strata[index])

    rest = np.array(sorted(set(strata) - set(chosen)), dtype=np.int64)
    wanted = min(max(n - len(chosen), 0), rest.size)
    if wanted:
        for index in rng.choice(rest, size=wanted, replace=False).tolist():
            chosen[int(index)] = "random"
    picks = [Pick(i, tuple(strata[i]), chosen[i], records[i]) for i in sorted(chosen)]
    others = sorted(set(strata) - set(chosen))
    return Selection(picks, sorted(counts), others, records)

"""Which split a sample belongs to.

By sample (the default, `split_by: sample`): a sample's split is a pure function of
(seed, index, quota plan), so sample i lands in the same split whether it is made alone or
in a batch. Samples a quota asks for are stratified: the n samples of a quota condition are
ranked by their turn in the quota plan (`synthlab.quotas.QuotaPlan`), each split gets
a block of ranks of its share of n (largest remainder, and at least one sample per split
when n allows), so every quota class and entity type is in every split in proportion. The
other samples follow a golden-ratio sequence over the index shifted by a seed-drawn offset:
any run of consecutive indices is split within a sample or two of the fractions.

By template (`split_by: template`): every template belongs to exactly one split, so a model
is tested on sentence shapes it never saw in training. Templates are shuffled by a hash of
(seed, template id), stable across runs, machines and template order in the file, then dealt
out: one to each split first, then each to the split furthest below its share of the total
template weight. A split may then hold no template able to carry a quota class:
`template_split_gaps` names them (the generator warns).
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import accumulate

from synthlab.quotas import QuotaPlan

__all__ = [
    "SampleSplitter",
    "allocate",
    "assign_splits",
    "quota_rank",
    "split_order",
    "template_split_gaps",
]

_GOLDEN = (math.sqrt(5) - 1) / 2


def _order_key(seed: int, template_id: str) -> bytes:
    return hashlib.sha256(f"{seed}\0{template_id}".encode()).digest()


def split_order(fractions: Mapping[str, float]) -> list[str]:
    """Split names, largest fraction first (ties by name): the order blocks are dealt in."""
    return sorted(fractions, key=lambda name: (-fractions[name], name))


def assign_splits(
    templates: Sequence[tuple[str, float]], fractions: Mapping[str, float], seed: int
) -> dict[str, str]:
    """template id -> split name, for (id, weight) pairs and split fractions summing to 1."""
    if not fractions:
        return {template_id: "train" for template_id, _ in templates}
    if len(templates) < len(fractions):
        raise ValueError(
            f"{len(fractions)} template-disjoint splits need at least as many templates, "
            f"got {len(templates)}"
        )
    ordered = sorted(templates, key=lambda item: _order_key(seed, item[0]))
    total = sum(weight for _, weight in templates)
    names = split_order(fractions)
    assigned = dict.fromkeys(names, 0.0)
    result: dict[str, str] = {}
    for position, (template_id, weight) in enumerate(ordered):
        if position < len(names):
            split = names[position]
        else:
            split = max(names, key=lambda n: (fractions[n] * total - assigned[n], -names.index(n)))
        result[template_id] = split
        assigned[split] += weight
    return result


def template_split_gaps(
    templates: Iterable[tuple[str, Collection[str]]], conditions: Iterable[str]
) -> list[tuple[str, str]]:
    """(split, condition) pairs where no template of the split can carry the quota condition,
    for (split, conditions a template may carry) pairs."""
    can: dict[str, set[str]] = {}
    for split, carried in templates:
        can.setdefault(split, set()).update(carried)
    return [
        (split, condition)
        for split in sorted(can)
        for condition in sorted(conditions)
        if condition not in can[split]
    ]


def allocate(n: int, fractions: Mapping[str, float]) -> list[tuple[str, int]]:
    """n samples dealt to splits in proportion (largest remainder), in `split_order`; every
    split gets at least one when n is at least the number of splits."""
    names = split_order(fractions)
    shares = [n * fractions[name] for name in names]
    counts = [math.floor(share) for share in shares]
    if n >= len(names):
        counts = [max(1, c) for c in counts]
    while sum(counts) > n:  # only after raising zeros to one: take from the largest
        largest = max(range(len(counts)), key=lambda i: (counts[i], -i))
        counts[largest] -= 1
    while sum(counts) < n:
        behind = max(range(len(counts)), key=lambda i: (shares[i] - counts[i], -i))
        counts[behind] += 1
    return list(zip(names, counts, strict=True))


def quota_rank(plan: QuotaPlan, index: int) -> tuple[str, int] | None:
    """(condition, rank among that condition's samples) of a quota sample, or None: the
    inverse map `QuotaPlan.conditions_for` uses, with the turn's place inside its quota."""
    total = plan.total
    if not total:
        return None
    slot = -((plan.offset - index * total) // plan.count)
    if not 0 <= slot < total or (slot * plan.count + plan.offset) // total != index:
        return None
    turn = (slot * plan.stride) % total
    ends = list(accumulate(plan.counts))
    which = bisect_right(ends, turn)
    return plan.names[which], turn - (ends[which - 1] if which else 0)


class SampleSplitter:
    """split_of(index): a sample's split under `split_by: sample` (see the module doc)."""

    def __init__(self, fractions: Mapping[str, float], seed: int) -> None:
        self.names = split_order(fractions)
        self.cumulative = list(accumulate(fractions[name] for name in self.names))
        digest = hashlib.sha256(f"split\0{seed}".encode()).digest()
        self.offset = int.from_bytes(digest[:8]) / 2.0**64
        self.quotas: QuotaPlan | None = None
        self.blocks: dict[str, tuple[list[int], list[str]]] = {}
        self.fractions = dict(fractions)

    def use_quota_plan(self, plan: QuotaPlan) -> None:
        self.quotas = plan
        self.blocks = {}
        for name, n in zip(plan.names, plan.counts, strict=True):
            dealt = [(split, k) for split, k in allocate(n, self.fractions) if k]
            ends = list(accumulate(k for _, k in dealt))
            self.blocks[name] = (ends, [split for split, _ in dealt])

    def split_of(self, index: int, planned: bool) -> str:
        """`planned`: the engine's plan requires a quota condition of this sample."""
        if planned and self.quotas is not None:
            found = quota_rank(self.quotas, index)
            if found is not None:
                ends, splits = self.blocks[found[0]]
                return splits[bisect_right(ends, found[1])]
        u = (self.offset + index * _GOLDEN) % 1.0
        position = bisect_right(self.cumulative, u * self.cumulative[-1])
        return self.names[min(position, len(self.names) - 1)]

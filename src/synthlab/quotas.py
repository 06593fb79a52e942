"""Exact, spread-out quota placement that any worker can evaluate for one index alone.

The quotas of a recipe ask for n_k samples of condition k, T = sum(n_k) <= count = N slots
in all. Slot t (0 <= t < T) sits at index (t*N + o) // T: distinct, evenly spaced over the
whole range, shifted by an offset o drawn from the seed. Slot t is given to a condition by
stepping through the slots with a stride coprime to T (golden-ratio sized), which visits
every slot once and interleaves conditions instead of grouping them. Both maps invert in
O(number of quotas), so no list of assignments is ever held in memory.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from itertools import accumulate

from synthlab.seeding import plan_rng

__all__ = ["QuotaPlan"]

_QUOTA_PURPOSE = 1
_GOLDEN = (math.sqrt(5) - 1) / 2


def _coprime_stride(total: int) -> int:
    stride = max(1, round(total * _GOLDEN))
    while math.gcd(stride, total) != 1:
        stride += 1
    return stride


@dataclass(frozen=True)
class QuotaPlan:
    count: int
    all_names: tuple[str, ...]  # including quotas of 0, which forbid a condition everywhere
    names: tuple[str, ...]
    counts: tuple[int, ...]
    offset: int
    stride: int

    @classmethod
    def build(cls, quotas: dict[str, int], count: int, seed: int) -> QuotaPlan:
        # sorted, so that the placement does not depend on the order keys were written in
        names = tuple(sorted(name for name, n in quotas.items() if n > 0))
        counts = tuple(quotas[name] for name in names)
        total = sum(counts)
        if total > count:
            raise ValueError(f"quotas ask for {total} samples but count is {count}")
        offset = int(plan_rng(seed, _QUOTA_PURPOSE).integers(0, count)) if total else 0
        return cls(
            count,
            tuple(sorted(quotas)),
            names,
            counts,
            offset,
            _coprime_stride(total) if total else 1,
        )

    @property
    def total(self) -> int:
        return sum(self.counts)

    def conditions_for(self, index: int) -> frozenset[str]:
        """The quota condition assigned to `index` (at most one), or none."""
        total = self.total
        if not total:
            return frozenset()
        slot = -((self.offset - index * total) // self.count)  # ceil((i*T - o) / N)
        if not 0 <= slot < total or (slot * self.count + self.offset) // total != index:
            return frozenset()
        turn = (slot * self.stride) % total
        which = bisect.bisect_right(list(accumulate(self.counts)), turn)
        return frozenset({self.names[which]})

    def forbidden_for(self, index: int) -> frozenset[str]:
        """Quota conditions `index` must not carry: every quota is met exactly elsewhere."""
        return frozenset(self.all_names) - self.conditions_for(index)

"""How many samples to review: zero-defect and single sampling plans.

Two questions a reviewer's sample can answer:

* zero-defect ("c = 0"): review n items and accept only if none is wrong. n is the
  smallest size for which a lot whose defect rate is at least `max_rate` would show a
  defect with probability at least `confidence`. For an unbounded lot that is
  n = ceil(ln(1 - c) / ln(1 - p)) (59 for 5 % at 95 %); for a finite lot of N samples the
  defects are drawn without replacement (hypergeometric), which needs fewer.
* single sampling (n, c): review n items and accept when at most c are wrong, chosen so a
  lot at the acceptable quality level (AQL) is accepted with probability >= 1 - producer
  risk and a lot at the rejectable quality level (RQL) is accepted with probability
  <= consumer risk. Finite lots use the hypergeometric distribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

__all__ = ["PlanSize", "single_plan", "zero_defect_n"]


@dataclass(frozen=True)
class PlanSize:
    """A sample size n with its acceptance number c (accept when defects <= c)."""

    n: int
    c: int


def _defects_in_lot(rate: float, lot: int, *, round_up: bool) -> int:
    exact = round(rate * lot, 9)  # 0.05 * 100 = 5.000000000000001 is 5 defects
    return math.ceil(exact) if round_up else math.floor(exact)


def _accept_probability(n: int, c: int, rate: float, lot: int | None, *, round_up: bool) -> float:
    """P(at most c defects among n reviewed) for a lot with defect rate `rate`."""
    if lot is None:
        return float(stats.binom.cdf(c, n, rate))
    defects = _defects_in_lot(rate, lot, round_up=round_up)
    return float(stats.hypergeom.cdf(c, lot, defects, n))


def zero_defect_n(max_rate: float, confidence: float, lot: int | None = None) -> int:
    """Smallest n such that zero defects among n shows rate < max_rate at `confidence`.

    With a finite lot, "rate >= max_rate" means at least ceil(max_rate * lot) defects; the
    answer never exceeds the lot (reviewing everything is always conclusive).
    """
    if not 0 < max_rate < 1 or not 0 < confidence < 1:
        raise ValueError(
            f"need 0 < max_rate < 1 and 0 < confidence < 1, got {max_rate}, {confidence}"
        )
    unbounded = math.ceil(round(math.log(1 - confidence) / math.log(1 - max_rate), 9))
    if lot is None:
        return unbounded
    miss = 1 - confidence
    # P(no defect seen) only falls as n grows, so search up from 1 (bounded by the binomial n)
    for n in range(1, min(lot, unbounded) + 1):
        if _accept_probability(n, 0, max_rate, lot, round_up=True) <= miss + 1e-12:
            return n
    return min(lot, unbounded)


def single_plan(
    aql: float,
    rql: float,
    producer_risk: float = 0.05,
    consumer_risk: float = 0.10,
    lot: int | None = None,
    max_n: int = 100_000,
) -> PlanSize:
    """The smallest single sampling plan (n, c) meeting both risks.

    For each n the acceptance number is the smallest c that keeps the producer's risk
    (rejecting a lot at AQL) within bounds; the first n whose c also keeps the consumer's
    risk (accepting a lot at RQL) within bounds wins. A finite lot caps n at the lot size,
    where reviewing every item decides exactly.
    """
    if not 0 < aql < rql < 1:
        raise ValueError(f"Cannot have aql={aql} >= rql={rql} (both in (0, 1))")
    limit = max_n if lot is None else min(lot, max_n)
    for n in range(1, limit + 1):
        c = _smallest_c(n, aql, producer_risk, lot)
        if c is None:
            continue
        accept_bad = _accept_probability(n, c, rql, lot, round_up=True)
        if accept_bad <= consumer_risk + 1e-12:
            return PlanSize(n, c)
    if lot is not None and limit == lot:
        # full inspection: accept when defects found <= AQL defects in the lot
        return PlanSize(lot, _defects_in_lot(aql, lot, round_up=False))
    raise ValueError(f"no single sampling plan with n <= {max_n} meets these risks")


def _smallest_c(n: int, aql: float, producer_risk: float, lot: int | None) -> int | None:
    # binary search: P(accept | AQL) grows with c
    lo, hi = 0, n
    if _accept_probability(n, hi, aql, lot, round_up=False) < 1 - producer_risk - 1e-12:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if _accept_probability(n, mid, aql, lot, round_up=False) >= 1 - producer_risk - 1e-12:
            hi = mid
        else:
            lo = mid + 1
    return lo

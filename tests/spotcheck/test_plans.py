"""Sample sizes against published values, and the arithmetic of intervals and agreement."""

from __future__ import annotations

import pytest
from scipy import stats

from synthlab.errors import UsageError
from synthlab.recipe.model import SpotcheckSection
from synthlab.spotcheck.plans import resolve_plan
from synthlab.spotcheck.sizes import single_plan, zero_defect_n
from synthlab.spotcheck.stats import (
    agreement,
    clopper_pearson,
    cohen_kappa,
    fleiss_kappa,
    upper_bound,
)


@pytest.mark.parametrize(
    ("rate", "confidence", "n"),
    [(0.05, 0.95, 59), (0.01, 0.95, 299), (0.10, 0.90, 22), (0.05, 0.99, 90)],
)
def test_zero_defect_sizes_match_published_values(rate: float, confidence: float, n: int) -> None:
    assert zero_defect_n(rate, confidence) == n


def test_zero_defect_hypergeometric_for_a_finite_lot() -> None:
    # lot of 100 with 5 defective: 45 draws without replacement miss all 5 with p < 5 %
    assert zero_defect_n(0.05, 0.95, lot=100) == 45
    assert stats.hypergeom.pmf(0, 100, 5, 45) <= 0.05 < stats.hypergeom.pmf(0, 100, 5, 44)
    # a huge lot behaves like the binomial
    assert zero_defect_n(0.05, 0.95, lot=1_000_000) == 59


def test_single_plan_matches_the_binomial_table_value() -> None:
    # AQL 1 %, RQL 5 %, producer's risk 5 %, consumer's risk 10 %: n = 132, c = 3
    plan = single_plan(0.01, 0.05, 0.05, 0.10)
    assert (plan.n, plan.c) == (132, 3)


def test_single_plan_for_a_finite_lot_meets_both_risks_and_is_smallest() -> None:
    lot = 200
    plan = single_plan(0.01, 0.05, 0.05, 0.10, lot=lot)
    assert plan.n < 132  # sampling without replacement needs fewer
    good, bad = 2, 10  # 1 % and 5 % of 200
    assert stats.hypergeom.cdf(plan.c, lot, good, plan.n) >= 0.95
    assert stats.hypergeom.cdf(plan.c, lot, bad, plan.n) <= 0.10
    smaller = plan.n - 1
    assert not any(
        stats.hypergeom.cdf(c, lot, good, smaller) >= 0.95
        and stats.hypergeom.cdf(c, lot, bad, smaller) <= 0.10
        for c in range(smaller + 1)
    )


def test_plans_resolve_from_flags_or_recipe_and_say_what_they_mean() -> None:
    default = resolve_plan(SpotcheckSection(), 10_000)
    assert (default.kind, default.n, default.c) == ("zero_defect", 59, 0)
    assert "below 5.0% with 95% confidence" in default.meaning()
    fixed = resolve_plan(SpotcheckSection(), 500, n=30)
    assert fixed.n == 30 and "below 9.5%" in fixed.meaning()
    single = resolve_plan(SpotcheckSection(), 10_000, single=(0.01, 0.05, 0.05, 0.10))
    assert (single.n, single.c) == (132, 3)
    assert "at most 3 are wrong" in single.meaning()
    with pytest.raises(UsageError, match="choose one"):
        resolve_plan(SpotcheckSection(), 100, n=3, zero_defect=(0.1, 0.9))
    with pytest.raises(UsageError, match="aql"):
        resolve_plan(SpotcheckSection(), 100, single=(0.2, 0.1, 0.05, 0.1))


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(0, 59, 0.0, 0.0606), (5, 20, 0.0866, 0.4910), (1, 10, 0.0025, 0.4450), (10, 10, 0.6915, 1.0)],
)
def test_clopper_pearson_matches_known_values(k: int, n: int, low: float, high: float) -> None:
    interval = clopper_pearson(k, n)
    assert interval == pytest.approx((low, high), abs=5e-5)


def test_one_sided_bound_is_what_59_clean_samples_prove() -> None:
    assert upper_bound(0, 59) == pytest.approx(1 - 0.05 ** (1 / 59))
    assert upper_bound(0, 59) < 0.05 < upper_bound(0, 58)


def test_kappas_match_hand_computed_values() -> None:
    # observed 4/6, expected (3*3 + 3*3)/36 = 0.5 -> kappa = (2/3 - 1/2) / (1/2) = 1/3
    first = ["a", "a", "a", "r", "r", "r"]
    second = ["a", "a", "r", "r", "r", "a"]
    assert cohen_kappa(first, second) == pytest.approx(1 / 3)
    assert cohen_kappa(first, first) == pytest.approx(1.0)
    # Fleiss: items [a,a], [r,r], [a,r]: P_bar = 2/3, p = (1/2, 1/2), P_e = 1/2 -> 1/3
    assert fleiss_kappa([["a", "a"], ["r", "r"], ["a", "r"]]) == pytest.approx(1 / 3)
    result = agreement({"i1": {"x": "accept", "y": "accept"}, "i2": {"x": "reject", "y": "accept"}})
    assert result.items == 2 and result.percent == 0.5

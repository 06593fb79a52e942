"""Verdict arithmetic: exact binomial intervals, agreement between reviewers, and the
defect-rate estimate corrected for the reviewer's miss rate on planted defects."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy import stats

__all__ = [
    "Agreement",
    "agreement",
    "clopper_pearson",
    "cohen_kappa",
    "fleiss_kappa",
    "upper_bound",
]


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact two-sided interval for a binomial proportion with k successes in n."""
    if n <= 0:
        return (0.0, 1.0)
    if not 0 <= k <= n:
        raise ValueError(f"Cannot have k={k} outside 0..n={n}")
    alpha = 1 - confidence
    lower = 0.0 if k == 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1))
    upper = 1.0 if k == n else float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return (lower, upper)


def upper_bound(k: int, n: int, confidence: float = 0.95) -> float:
    """One-sided exact upper confidence bound (what a zero-defect claim rests on)."""
    if n <= 0:
        return 1.0
    return 1.0 if k == n else float(stats.beta.ppf(confidence, k + 1, n - k))


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when chance agreement is 1."""
    if len(first) != len(second) or not first:
        raise ValueError("Cohen's kappa needs two equally long, non-empty rating lists")
    total = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / total
    left, right = Counter(first), Counter(second)
    expected = sum(left[c] * right[c] for c in left) / total**2
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(ratings: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa over items each rated by two or more raters (counts may differ by item).

    None when there are no such items or every rating falls in one category.
    """
    items = [r for r in ratings if len(r) >= 2]
    if not items:
        return None
    per_item = []
    totals: Counter[str] = Counter()
    for item in items:
        counts = Counter(item)
        totals.update(counts)
        raters = len(item)
        per_item.append((sum(c * c for c in counts.values()) - raters) / (raters * (raters - 1)))
    observed = sum(per_item) / len(per_item)
    all_ratings = sum(totals.values())
    expected = sum((c / all_ratings) ** 2 for c in totals.values())
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class Agreement:
    items: int  # items seen by two or more reviewers
    percent: float | None  # share of those items where every reviewer gave the same verdict
    fleiss: float | None
    pairs: dict[str, float | None]  # "alice/bob" -> Cohen's kappa on their common items


def agreement(verdicts: Mapping[str, Mapping[str, str]]) -> Agreement:
    """Agreement from {item: {reviewer: "accept" | "reject"}}."""
    shared = {item: by for item, by in verdicts.items() if len(by) >= 2}
    percent = (
        sum(len(set(by.values())) == 1 for by in shared.values()) / len(shared) if shared else None
    )
    fleiss = fleiss_kappa([list(by.values()) for by in shared.values()])
    reviewers = sorted({r for by in verdicts.values() for r in by})
    pairs: dict[str, float | None] = {}
    for a, b in itertools.combinations(reviewers, 2):
        common = sorted(i for i, by in verdicts.items() if a in by and b in by)
        if common:
            pairs[f"{a}/{b}"] = cohen_kappa(
                [verdicts[i][a] for i in common], [verdicts[i][b] for i in common]
            )
    return Agreement(len(shared), percent, fleiss, pairs)

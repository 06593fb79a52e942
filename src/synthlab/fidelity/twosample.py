"""The classifier two-sample test: can a model tell real items from synthetic ones?

Both sides are subsampled to the same size (a seeded draw), so an AUC of 0.5 means chance.
A fixed gradient-boosted tree model (scikit-learn's HistGradientBoostingClassifier) is
cross-validated over stratified, seeded folds; every item is scored once, by the model
that did not see it, and the AUC of those out-of-fold scores is reported with DeLong's
confidence interval (the variance of the Mann-Whitney statistic from its structural
components; DeLong, DeLong & Clarke-Pearson 1988, in the fast form of Sun & Xu 2014).
The AUC is the probability that a synthetic item scores above a real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["TwoSampleResult", "delong_interval", "two_sample_test", "verdict"]

_Z95 = 1.959963984540054  # two-sided 95% normal quantile
_TELLING = 8  # features listed as the ones that tell the sides apart best


@dataclass(frozen=True)
class TwoSampleResult:
    auc: float
    low: float  # 95% confidence interval
    high: float
    fold_aucs: tuple[float, ...]
    per_side: int  # items per side after balancing
    model: str
    telling: tuple[tuple[str, float], ...]  # (feature, its own AUC), most telling first
    copies: int = 0  # synthetic items whose features equal a real item's exactly

    @property
    def verdict(self) -> str:
        return verdict(self.auc, self.low, self.high)


def verdict(auc: float, low: float, high: float) -> str:
    """A plain word for the AUC; the thresholds are stated in docs/fidelity.md."""
    if low <= 0.5 <= high or auc <= 0.6:
        return "indistinguishable"
    if auc <= 0.75:
        return "close"
    if auc <= 0.9:
        return "distinguishable"
    return "easily told apart"


def _auc_parts(scores: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    from scipy.stats import rankdata

    positive, negative = scores[labels == 1], scores[labels == 0]
    m, n = positive.size, negative.size
    joint = rankdata(np.concatenate([positive, negative]))
    within_positive = rankdata(positive)
    within_negative = rankdata(negative)
    auc = (joint[:m].sum() - m * (m + 1) / 2) / (m * n)
    v10 = (joint[:m] - within_positive) / n  # each positive: share of negatives below it
    v01 = 1.0 - (joint[m:] - within_negative) / m  # each negative: share of positives above
    return float(auc), v10, v01


def delong_interval(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """(AUC, low, high): the AUC with its 95% DeLong interval, clipped to [0, 1]."""
    auc, v10, v01 = _auc_parts(np.asarray(scores, np.float64), np.asarray(labels))
    variance = np.var(v10, ddof=1) / v10.size + np.var(v01, ddof=1) / v01.size
    half = _Z95 * float(np.sqrt(max(variance, 0.0)))
    return auc, max(0.0, auc - half), min(1.0, auc + half)


def _balanced(
    real: np.ndarray,
    synth: np.ndarray,
    real_groups: np.ndarray | None,
    synth_groups: np.ndarray | None,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equal numbers of rows per side; groups numbered apart (every row alone when None)."""
    size = min(real.shape[0], synth.shape[0])
    pick_real = np.sort(rng.choice(real.shape[0], size, replace=False))
    pick_synth = np.sort(rng.choice(synth.shape[0], size, replace=False))
    features = np.concatenate([real[pick_real], synth[pick_synth]])
    labels = np.concatenate([np.zeros(size, np.int8), np.ones(size, np.int8)])
    first = np.arange(real.shape[0]) if real_groups is None else np.asarray(real_groups)
    second = np.arange(synth.shape[0]) if synth_groups is None else np.asarray(synth_groups)
    first, second = first[pick_real], second[pick_synth]
    groups = np.concatenate([first, second + int(first.max()) + 1])
    return features, labels, groups


def _telling(
    names: list[str], features: np.ndarray, labels: np.ndarray
) -> tuple[tuple[str, float], ...]:
    """Each feature's own AUC (no model): which single numbers separate the sides."""
    from scipy.stats import rankdata

    found = []
    positive = labels == 1
    m, n = int(positive.sum()), int((~positive).sum())
    ranks = rankdata(features, axis=0)  # one ranking per feature, all at once
    for column, name in enumerate(names):
        auc = (ranks[positive, column].sum() - m * (m + 1) / 2) / (m * n)
        found.append((name, float(auc)))
    found.sort(key=lambda item: (-abs(item[1] - 0.5), item[0]))
    return tuple(found[:_TELLING])


def _model(seed: int, rows: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        # scikit-learn's default leaf of 20 rows leaves nothing to split with a few dozen
        # items a side (24 images a side scored 0.47 against anything, every fold a
        # constant); from 200 training rows on, the default holds
        min_samples_leaf=min(20, max(2, rows // 10)),
        max_iter=60,
        learning_rate=0.15,
        max_leaf_nodes=15,
        max_bins=63,
        # half the features offered at each split: with one feature per split, the model
        # took the first of several that separate the training folds perfectly (often a
        # level, which a held-out stretch of a trending series does not share) and scored
        # 0.92 where a spectral feature alone scores 1.0
        max_features=0.5,
        early_stopping=False,
        random_state=seed % 2**32,
    )


def _join_copies(
    features: np.ndarray, labels: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, int]:
    """Groups merged wherever a synthetic row equals a real row; and how many do.

    Copies go to the same fold. Otherwise a copy held out is scored by a model that saw its
    twin under the other label, and identical data would score far below 0.5 (the model
    "recognises" each item as the other side) instead of at chance."""
    _, same = np.unique(np.ascontiguousarray(features), axis=0, return_inverse=True)
    same = same.reshape(-1)
    parent = {int(g): int(g) for g in np.unique(groups)}

    def root(group: int) -> int:
        while parent[group] != group:
            parent[group] = parent[parent[group]]
            group = parent[group]
        return group

    first_group: dict[int, int] = {}
    for key, group in zip(same.tolist(), groups.tolist(), strict=True):
        if key in first_group:
            a, b = root(first_group[key]), root(int(group))
            if a != b:
                parent[max(a, b)] = min(a, b)
        else:
            first_group[key] = int(group)
    real_keys = set(same[labels == 0].tolist())
    copies = int(sum(1 for key in same[labels == 1].tolist() if key in real_keys))
    merged = np.array([root(int(g)) for g in groups.tolist()], dtype=np.int64)
    return merged, copies


def two_sample_test(
    names: list[str],
    real: np.ndarray,
    synth: np.ndarray,
    *,
    folds: int,
    seed: int,
    real_groups: np.ndarray | None = None,
    synth_groups: np.ndarray | None = None,
) -> TwoSampleResult:
    """Real vs synthetic feature rows -> the cross-validated AUC and its interval.

    Rows of one group (e.g. windows of one stretch of a recording) are held out together."""
    from sklearn.model_selection import StratifiedGroupKFold
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x25A,)))
    features, labels, groups = _balanced(real, synth, real_groups, synth_groups, rng)
    per_side = features.shape[0] // 2
    groups, copies = _join_copies(features, labels, groups)
    fewest = min(np.unique(groups[labels == side]).size for side in (0, 1))
    folds = max(2, min(folds, fewest))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed % 2**32)
    scores = np.empty(labels.size, np.float64)
    fold_aucs = []
    # One thread: OpenMP's spinning threads crawl on a busy machine (a 5-fold test on 500
    # rows took 44 s, not a few, beside other jobs on 2 cores), and one thread also
    # keeps the scores independent of the core count.
    with threadpool_limits(limits=1):
        for train, test in splitter.split(features, labels, groups):
            model = _model(seed, train.size)
            model.fit(features[train], labels[train])
            scores[test] = model.predict_proba(features[test])[:, 1]
            fold_aucs.append(_auc_parts(scores[test], labels[test])[0])
    auc, low, high = delong_interval(scores, labels)
    return TwoSampleResult(
        auc=auc,
        low=low,
        high=high,
        fold_aucs=tuple(fold_aucs),
        per_side=per_side,
        model=(
            "HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=15, max_features=0.5), "
            f"{folds}-fold CV"
        ),
        telling=_telling(names, features, labels),
        copies=copies,
    )

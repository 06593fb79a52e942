"""The classifier two-sample test: chance for one distribution, near 1 for two."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.metrics import roc_auc_score

from synthlab.fidelity.twosample import delong_interval, two_sample_test, verdict

NAMES = [f"f{k}" for k in range(5)]


def _draw(seed: int, shift: float = 0.0, rows: int = 200) -> np.ndarray:
    return np.random.default_rng(seed).normal(shift, 1.0, (rows, len(NAMES)))


def test_same_distribution_is_at_chance() -> None:
    result = two_sample_test(NAMES, _draw(1), _draw(2), folds=5, seed=0)
    assert result.low <= 0.5 <= result.high
    assert abs(result.auc - 0.5) < 0.08
    assert result.verdict == "indistinguishable"
    assert result.copies == 0 and result.per_side == 200


def test_shifted_distribution_is_told_apart() -> None:
    result = two_sample_test(NAMES, _draw(1), _draw(2, shift=1.0), folds=5, seed=0)
    assert result.auc > 0.85 and result.low > 0.8
    assert result.verdict in ("distinguishable", "easily told apart")
    assert result.telling[0][1] > 0.6  # each shifted feature separates on its own too


def test_a_few_dozen_items_a_side_are_enough_to_tell_a_clear_shift() -> None:
    # with scikit-learn's default 20-row leaves every fold was a constant: 0.47 for anything
    result = two_sample_test(NAMES, _draw(1, rows=24), _draw(2, 1.5, rows=24), folds=5, seed=0)
    assert result.auc > 0.85 and result.verdict in ("distinguishable", "easily told apart")
    same = two_sample_test(NAMES, _draw(1, rows=24), _draw(2, rows=24), folds=5, seed=0)
    assert same.low <= 0.5 <= same.high


def test_identical_rows_score_half_not_below() -> None:
    rows = _draw(5)
    result = two_sample_test(NAMES, rows, rows.copy(), folds=5, seed=1)
    assert result.auc == pytest.approx(0.5)
    assert result.copies == rows.shape[0]


def test_sides_are_balanced_by_subsampling() -> None:
    result = two_sample_test(NAMES, _draw(1, rows=500), _draw(2, rows=120), folds=4, seed=0)
    assert result.per_side == 120


def test_groups_are_held_out_together() -> None:
    # each group's rows share an offset of their own: a model that sees part of a group
    # recognises the rest, one that never sees the group cannot
    rng = np.random.default_rng(3)
    offsets = rng.normal(0, 3, (40, len(NAMES)))
    groups = np.repeat(np.arange(40), 10)
    rows = offsets[groups] + rng.normal(0, 0.1, (400, len(NAMES)))
    real, synth = rows[groups % 2 == 0], rows[groups % 2 == 1]
    loose = two_sample_test(NAMES, real, synth, folds=5, seed=0)
    held = two_sample_test(
        NAMES,
        real,
        synth,
        folds=5,
        seed=0,
        real_groups=groups[groups % 2 == 0],
        synth_groups=groups[groups % 2 == 1],
    )
    assert loose.auc > 0.9  # memory of the groups, not a difference of distributions
    assert held.low <= 0.5 <= held.high or held.auc < 0.65


def test_same_seed_same_result_other_seed_other_folds() -> None:
    real, synth = _draw(1), _draw(2, shift=0.3)
    first = two_sample_test(NAMES, real, synth, folds=5, seed=7)
    assert first == two_sample_test(NAMES, real, synth, folds=5, seed=7)
    assert first.fold_aucs != two_sample_test(NAMES, real, synth, folds=5, seed=8).fold_aucs


def test_delong_auc_matches_scikit_learn_and_narrows_with_more_data() -> None:
    rng = np.random.default_rng(0)
    widths = []
    for size in (50, 500, 5000):
        labels = np.repeat([0, 1], size)
        scores = rng.normal(labels * 0.8, 1.0)
        auc, low, high = delong_interval(scores, labels)
        assert auc == pytest.approx(roc_auc_score(labels, scores))
        assert low < auc < high
        widths.append(high - low)
    assert widths[0] > widths[1] > widths[2]


def test_verdict_words() -> None:
    assert verdict(0.52, 0.45, 0.59) == "indistinguishable"
    assert verdict(0.7, 0.65, 0.75) == "close"
    assert verdict(0.85, 0.8, 0.9) == "distinguishable"
    assert verdict(0.99, 0.98, 1.0) == "easily told apart"

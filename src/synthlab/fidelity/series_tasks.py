"""Train on synthetic, test on real (TSTR) beside train on real, test on real (TRTR).

The task is the one both sides label: activity recognition or event-kind detection, one
class per window. The model is fixed (seeded extremely randomised trees on the per-window features)
so the two scores differ only in the training data. Both are scored on the same real
windows: TRTR by cross-validation over them, TSTR by a model that saw synthetic windows
only. The gap between the two is what the synthetic data costs on the user's task.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from synthlab.fidelity.base import TaskScore
from synthlab.fidelity.options import FidelityOptions

if TYPE_CHECKING:
    from synthlab.fidelity.series import _Side

__all__ = ["label_task"]

_MAX_TRAIN = 2000  # training windows per model (a seeded subsample beyond): bounded time
_MIN_PER_CLASS = 2  # real windows a class needs to be scored


def _model(seed: int) -> Any:
    # extremely randomised trees: as good as a random forest on these features and several
    # times faster (no sorting for split points), which matters at 10,000 windows a side
    from sklearn.ensemble import ExtraTreesClassifier

    return ExtraTreesClassifier(
        n_estimators=60, min_samples_leaf=2, random_state=seed % 2**32, n_jobs=1
    )


def _cap(rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if rows.size <= _MAX_TRAIN:
        return rows
    return np.sort(rng.choice(rows, _MAX_TRAIN, replace=False))


def label_task(
    real: _Side, synth: _Side, role: str, options: FidelityOptions
) -> tuple[TaskScore | None, list[str]]:
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    real_labels = np.asarray(real.windows.labels[role], dtype=str)
    synth_labels = np.asarray(synth.windows.labels[role], dtype=str)
    real_counts = {c: int((real_labels == c).sum()) for c in set(real_labels) - {""}}
    classes = sorted(
        c for c, n in real_counts.items() if n >= _MIN_PER_CLASS and (synth_labels == c).any()
    )
    missing = sorted(set(real_counts) - set(synth_labels))
    notes = []
    if missing:
        notes.append(f"real {role} classes the synthetic data lacks: {', '.join(missing)}")
    if len(classes) < 2:
        notes.append(f"TSTR skipped: fewer than two {role} classes on both sides")
        return None, notes
    rng = np.random.default_rng(np.random.SeedSequence(options.seed, spawn_key=(0x757,)))
    test = np.flatnonzero(np.isin(real_labels, classes))
    y = real_labels[test]
    folds = max(2, min(options.folds, min(int((y == c).sum()) for c in classes)))
    trtr_pred = np.empty(test.size, dtype=object)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=options.seed % 2**32)
    for train, held in splitter.split(test, y):
        chosen = _cap(train, rng)
        model = _model(options.seed).fit(real.features.rows[test[chosen]], y[chosen])
        trtr_pred[held] = model.predict(real.features.rows[test[held]])
    synth_rows = _cap(np.flatnonzero(np.isin(synth_labels, classes)), rng)
    model = _model(options.seed).fit(synth.features.rows[synth_rows], synth_labels[synth_rows])
    tstr_pred = model.predict(real.features.rows[test])
    trtr_pred = trtr_pred.astype(str)
    tstr_each = f1_score(y, tstr_pred, labels=classes, average=None, zero_division=0)
    trtr_each = f1_score(y, trtr_pred, labels=classes, average=None, zero_division=0)
    per_class = {
        c: (float(a), float(b)) for c, a, b in zip(classes, tstr_each, trtr_each, strict=True)
    }
    task = TaskScore(
        task=f"{role} per window ({len(classes)} classes, extra-trees on window features)",
        metric="macro F1",
        tstr=float(np.mean(tstr_each)),
        trtr=float(np.mean(trtr_each)),
        classes=tuple(classes),
        per_class=per_class,
    )
    notes.append(
        f"TSTR/TRTR scored on {test.size} real windows; TRTR by {folds}-fold cross-validation"
    )
    return task, notes

"""Scoring a detector on these fixtures: point-wise precision/recall/F1, range-based
precision/recall (Tatbul et al., "Precision and Recall for Time Series", NeurIPS 2018) and
the detection delay of each event.

Ranges are half-open `(start, end)` pairs of point indices, as in the event table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "PointScores",
    "RangeScores",
    "detection_delays",
    "label_ranges",
    "point_scores",
    "range_scores",
]

Bias = Literal["flat", "front", "back", "middle"]
Range = tuple[int, int]


@dataclass(frozen=True)
class PointScores:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class RangeScores:
    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    if math.isnan(precision) or math.isnan(recall):
        return math.nan
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def point_scores(truth: np.ndarray, predicted: np.ndarray) -> PointScores:
    """Per-point scores of binary arrays (NaN where undefined: nothing predicted / present)."""
    truth = np.asarray(truth).astype(bool)
    predicted = np.asarray(predicted).astype(bool)
    if truth.shape != predicted.shape:
        raise ValueError(f"truth has shape {truth.shape} but predictions {predicted.shape}")
    hits = int(np.count_nonzero(truth & predicted))
    said, real = int(predicted.sum()), int(truth.sum())
    precision = hits / said if said else math.nan
    recall = hits / real if real else math.nan
    return PointScores(precision, recall, _f1(precision, recall))


def label_ranges(flags: np.ndarray) -> list[Range]:
    """Maximal runs of nonzero points, as half-open ranges."""
    padded = np.concatenate([[0], np.asarray(flags).astype(np.int8) != 0, [0]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _positional(length: int, bias: Bias) -> np.ndarray:
    """delta(i, length) for i = 1..length (the paper's positional bias functions)."""
    i = np.arange(1, length + 1, dtype=float)
    if bias == "flat":
        return np.ones(length)
    if bias == "front":
        return length - i + 1
    if bias == "back":
        return i
    if bias == "middle":
        return np.where(i <= length / 2, i, length - i + 1)
    raise ValueError(f"unknown bias {bias!r}; use flat, front, back or middle")


def _overlap_reward(target: Range, others: Sequence[Range], bias: Bias) -> tuple[float, int]:
    """omega summed over the overlaps of `target` with `others`, and how many overlap."""
    start, end = target
    weights = _positional(end - start, bias)
    covered = np.zeros(end - start, dtype=bool)
    touching = 0
    for lo, hi in others:
        a, b = max(lo, start), min(hi, end)
        if a < b:
            covered[a - start : b - start] = True
            touching += 1
    return float(weights[covered].sum() / weights.sum()), touching


def _side(targets: Sequence[Range], others: Sequence[Range], alpha: float, bias: Bias) -> float:
    if not targets:
        return math.nan
    total = 0.0
    for target in targets:
        reward, touching = _overlap_reward(target, others, bias)
        cardinality = 1.0 if touching <= 1 else 1.0 / touching
        existence = 1.0 if touching else 0.0
        total += alpha * existence + (1 - alpha) * cardinality * reward
    return total / len(targets)


def range_scores(
    real: Sequence[Range],
    predicted: Sequence[Range],
    *,
    alpha: float = 0.0,
    bias: Bias = "flat",
) -> RangeScores:
    """Range-based precision and recall. `alpha` weighs existence (any overlap) against
    overlap size in recall; precision uses alpha = 0 as in the paper. The cardinality
    factor is the reciprocal of the number of ranges a range overlaps."""
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha lies in [0, 1], got {alpha}")
    recall = _side(real, predicted, alpha, bias)
    precision = _side(predicted, real, 0.0, bias)
    return RangeScores(precision, recall, _f1(precision, recall))


def detection_delays(real: Sequence[Range], predicted: np.ndarray) -> list[int | None]:
    """Per event: points from its start to the first positive prediction inside it, or None
    when the detector never fires inside the window."""
    flags = np.asarray(predicted).astype(bool)
    delays: list[int | None] = []
    for start, end in real:
        hits = np.flatnonzero(flags[start:end])
        delays.append(int(hits[0]) if hits.size else None)
    return delays

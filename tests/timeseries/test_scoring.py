"""Scoring helpers against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from synthlab.generators.timeseries.scoring import (
    detection_delays,
    label_ranges,
    point_scores,
    range_scores,
)


def test_point_scores() -> None:
    truth = np.array([0, 1, 1, 1, 0, 0, 1, 0])
    predicted = np.array([0, 0, 1, 1, 1, 0, 0, 0])
    scores = point_scores(truth, predicted)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 4)
    assert scores.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert math.isnan(point_scores(truth, np.zeros(8)).precision)


def test_label_ranges() -> None:
    assert label_ranges(np.array([1, 1, 0, 0, 1, 0, 1])) == [(0, 2), (4, 5), (6, 7)]
    assert label_ranges(np.zeros(3)) == []


def test_range_scores_flat_bias() -> None:
    real = [(0, 10), (20, 30)]
    predicted = [(5, 15)]
    scores = range_scores(real, predicted)
    # recall: first range half covered, second missed; precision: half of the prediction hits
    assert scores.recall == pytest.approx(0.25)
    assert scores.precision == pytest.approx(0.5)
    # existence reward alpha=1: one of two real ranges detected at all
    assert range_scores(real, predicted, alpha=1.0).recall == pytest.approx(0.5)


def test_range_scores_cardinality_and_bias() -> None:
    real = [(0, 10)]
    split = [(0, 2), (8, 10)]
    # 4 of 10 points covered, but by two predictions: cardinality factor 1/2
    assert range_scores(real, split).recall == pytest.approx(0.2)
    # front bias rewards the early points more than the late ones
    front = range_scores(real, [(0, 2)], bias="front").recall
    back = range_scores(real, [(0, 2)], bias="back").recall
    assert front == pytest.approx((10 + 9) / 55) and back == pytest.approx((1 + 2) / 55)


def test_detection_delays() -> None:
    predicted = np.zeros(30)
    predicted[[4, 25]] = 1
    assert detection_delays([(2, 8), (10, 20), (22, 30)], predicted) == [2, None, 3]

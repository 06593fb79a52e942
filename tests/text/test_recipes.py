"""The example text recipes render, honour their rare quotas and pass the label checks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from synthlab.engine.render import render_dataset
from synthlab.exporters.text.reader import READER
from synthlab.readers import DatasetView
from synthlab.recipe import load_recipe

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


@pytest.mark.parametrize(
    ("name", "rare"),
    [
        ("support-tickets-pii", {"IBAN": 4, "PASSPORT": 2}),
        ("intent-rare", {"cancel_subscription": 2}),
        ("auth-log-bruteforce", {"bruteforce": 4}),
        ("support-sentences-substitution", {"IBAN": 10}),
        ("log-sessions", {"brute_force": 6}),
    ],
)
def test_example_recipe(name, rare, tmp_path):
    recipe = load_recipe(RECIPES / f"{name}.yaml", count=200)
    render_dataset(recipe, tmp_path / "out", workers=1)
    view = DatasetView.open(tmp_path / "out")
    counts: Counter[str] = Counter()
    for record in view.records():
        sample = READER.load_sample(view, record)
        assert READER.check_sample(sample) == []
        counts.update(sample.conditions)
    for condition, expected in rare.items():
        assert counts[condition] == expected

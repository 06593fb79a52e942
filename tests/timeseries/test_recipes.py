"""The example recipes render (at a small count), meet their quotas and pass label checks."""

from __future__ import annotations

from pathlib import Path

import pytest

import synthlab
from synthlab.readers import DatasetView
from synthlab.recipe import load_recipe

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


@pytest.mark.parametrize(
    ("name", "sets"),
    [
        ("accelerometer-falls", ["count=20", "generator.params.duration=60"]),
        ("machine-sensors", ["count=16", "generator.params.length=3600"]),
        ("pump-bearing-degradation", ["count=16"]),
        ("real-series-injection", ["count=10"]),  # statsmodels' sunspots, read at run time
    ],
)
def test_example_recipe_renders_with_exact_quotas(
    name: str, sets: list[str], tmp_path: Path
) -> None:
    recipe = load_recipe(RECIPES / f"{name}.yaml", sets=sets)
    result = synthlab.render(recipe, tmp_path / name, workers=1)
    assert result.manifest is not None
    for condition, counts in result.manifest["quotas"].items():
        assert counts["got"] == counts["asked"] > 0, condition
    view = DatasetView.open(tmp_path / name)
    reader = synthlab.readers.get_reader("timeseries")
    for index in range(recipe.count):
        assert reader.check_sample(view.load_sample(index)) == []

"""Small debug-generator datasets for spot-check tests, rendered once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import synthlab

RECIPE = """
version: 1
name: spot
seed: 7
count: {count}
generator:
  kind: debug
  params:
    values: {{x: {{uniform: [0, 1]}}}}
    labels:
      cls: {{choice: [cat, dog, "<script>alert(1)</script>", forklift], weights: [60, 35, 4, 1]}}
    conditions: [rare, fall]
    condition_rate: 0.02
quotas: {{rare: 2}}
spotcheck:
  zero_defect: {{max_rate: 0.1, confidence: 0.9}}
"""


def render_debug(directory: Path, count: int) -> Path:
    recipe = directory / "recipe.yaml"
    recipe.write_text(RECIPE.format(count=count), encoding="utf-8")
    out = directory / "out"
    synthlab.render(recipe, out, workers=1)
    return out


@pytest.fixture(scope="session")
def debug_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_debug(tmp_path_factory.mktemp("debug"), 300)


@pytest.fixture
def fresh_dataset(debug_dataset: Path, tmp_path: Path) -> Path:
    """A private copy, for tests that write OUT/spotcheck."""
    out = tmp_path / "out"
    shutil.copytree(debug_dataset, out, ignore=shutil.ignore_patterns("spotcheck"))
    return out

"""Session-wide tiny pipelines (built once, offline) and helpers for diffusion recipes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("diffusers")

sys.path.insert(0, str(Path(__file__).parent))
from tiny_models import build_tiny_controlnet, build_tiny_pipeline

from synthlab.recipe import Recipe, load_recipe

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


@pytest.fixture(scope="session")
def tiny_t2i(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny-t2i")
    return build_tiny_pipeline(root / "model", root / "tokenizer-src")


@pytest.fixture(scope="session")
def tiny_inpaint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny-inpaint")
    return build_tiny_pipeline(root / "model", root / "tokenizer-src", inpainting=True)


@pytest.fixture(scope="session")
def tiny_controlnet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_controlnet(tmp_path_factory.mktemp("tiny-controlnet") / "model")


@pytest.fixture
def recipe_with() -> Callable[..., Recipe]:
    """Load recipes/<name> with --set overrides (strings like 'seed=3')."""

    def load(name: str, *sets: str) -> Recipe:
        return load_recipe(RECIPES / name, sets=list(sets))

    return load

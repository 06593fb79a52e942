"""Prompted mode on a tiny random pipeline: labels, provenance and byte-determinism."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import synthlab
from synthlab.generators.diffusion.models import folder_digest
from synthlab.recipe import Recipe

pytestmark = pytest.mark.diffusion

Loader = Callable[..., Recipe]


def images(recipe: Recipe) -> list[bytes]:
    return [sample.image.tobytes() for sample in synthlab.generate(recipe)]


def test_class_label_and_slots_are_what_made_the_prompt(
    tiny_t2i: Path, recipe_with: Loader
) -> None:
    recipe = recipe_with("diffusion-tiny.yaml", f"generator.params.model={tiny_t2i}")
    samples = list(synthlab.generate(recipe))
    assert len(samples) == recipe.count
    for sample in samples:
        slots = sample.metadata["slots"]
        assert sample.classes == (slots["class"],)
        assert sample.metadata["prompt"] == (
            f"a photo of a {slots['class']}, {slots['style']}, at {slots['time']}"
        )
        assert sample.metadata["negative_prompt"] == f"blurry, {slots['style']}"
        assert sample.image.shape == (32, 32, 3) and sample.image.dtype == np.uint8
        assert sample.objects == () and sample.instance_mask is None


def test_metadata_records_model_content_device_dtype_threads(
    tiny_t2i: Path, recipe_with: Loader
) -> None:
    recipe = recipe_with("diffusion-tiny.yaml", f"generator.params.model={tiny_t2i}")
    meta = synthlab.Dataset(recipe)[0].metadata
    assert meta["model"] == {"name": str(tiny_t2i), "sha256": folder_digest(tiny_t2i)}
    assert (meta["device"], meta["dtype"], meta["threads"]) == ("cpu", "float32", 1)
    assert meta["steps"] == 2 and 1.5 <= meta["guidance_scale"] <= 3.0
    assert isinstance(meta["torch_seed"], int)


def test_same_recipe_gives_the_same_bytes_and_another_seed_differs(
    tiny_t2i: Path, recipe_with: Loader
) -> None:
    model = f"generator.params.model={tiny_t2i}"
    first = images(recipe_with("diffusion-tiny.yaml", model))
    again = images(recipe_with("diffusion-tiny.yaml", model))
    other = images(recipe_with("diffusion-tiny.yaml", model, "seed=8"))
    assert first == again
    assert all(a != b for a, b in zip(first, other, strict=True))
    assert len(set(first)) == len(first)  # each sample its own torch seed


def test_a_sample_regenerated_alone_is_identical(tiny_t2i: Path, recipe_with: Loader) -> None:
    recipe = recipe_with("diffusion-tiny.yaml", f"generator.params.model={tiny_t2i}")
    in_order = images(recipe)
    alone = synthlab.Dataset(recipe)[2]
    assert alone.image.tobytes() == in_order[2]


def test_batches_are_fixed_blocks_whatever_index_comes_first(
    tiny_t2i: Path, recipe_with: Loader
) -> None:
    sets = [
        f"generator.params.model={tiny_t2i}",
        "generator.params.batch_size=2",
        "generator.params.guidance_scale=2.0",
        "count=5",
    ]
    recipe = recipe_with("diffusion-tiny.yaml", *sets)
    forward = images(recipe)
    backward = list(reversed(images_in(recipe, [4, 3, 2, 1, 0])))
    assert forward == backward
    assert synthlab.Dataset(recipe)[3].image.tobytes() == forward[3]
    assert synthlab.Dataset(recipe)[3].metadata["batch_size"] == 2


def images_in(recipe: Recipe, order: list[int]) -> list[bytes]:
    return [sample.image.tobytes() for sample in synthlab.generate(recipe, order)]

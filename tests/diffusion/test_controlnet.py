"""ControlNet on scene renders: labels and quota conditions are the scene's, exactly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import synthlab
from synthlab.generators.diffusion.controlnet import depth_condition, segmentation_condition
from synthlab.generators.scene import SceneParams
from synthlab.recipe import Recipe

pytestmark = [pytest.mark.diffusion, pytest.mark.scene]

Loader = Callable[..., Recipe]


def scene_only(recipe: Recipe) -> Recipe:
    """The same scene as a plain scene recipe (same seed, count and quotas)."""
    params = recipe.generator.params.controlnet.scene  # type: ignore[union-attr]
    assert isinstance(params, SceneParams)
    section = recipe.generator.model_copy(update={"kind": "scene", "params": params})
    return replace_recipe(recipe, section)


def replace_recipe(recipe: Recipe, generator: object) -> Recipe:
    copied = recipe.model_copy(update={"generator": generator})
    copied._base_dir = recipe.base_dir
    return copied


@pytest.fixture
def controlnet_sets(tiny_t2i: Path, tiny_controlnet: Path) -> list[str]:
    return [
        f"generator.params.model={tiny_t2i}",
        f"generator.params.controlnet.model={tiny_controlnet}",
    ]


@pytest.fixture
def controlnet_recipe(controlnet_sets: list[str], recipe_with: Loader) -> Recipe:
    return recipe_with("diffusion-tiny-controlnet.yaml", *controlnet_sets)


def test_labels_masks_and_conditions_are_the_scene_ones(controlnet_recipe: Recipe) -> None:
    painted = list(synthlab.generate(controlnet_recipe))
    rendered = list(synthlab.generate(scene_only(controlnet_recipe)))
    assert sum("ball" in s.conditions for s in painted) == 2  # the quota holds
    for ours, scene in zip(painted, rendered, strict=True):
        assert ours.objects == scene.objects
        assert ours.conditions == scene.conditions
        assert np.array_equal(ours.instance_mask, scene.instance_mask)
        assert np.array_equal(ours.depth, scene.depth)
        assert ours.image.shape == scene.image.shape and ours.image.dtype == np.uint8
        assert not np.array_equal(ours.image, scene.image)  # appearance is diffusion's
        present = sorted({o.category for o in scene.objects if o.bbox is not None})
        assert ours.metadata["prompt"].startswith(f"a photo of {', '.join(present)} on a ")
        assert ours.metadata["controlnet"]["conditioning"] == "depth"
        assert "sha256" in ours.metadata["controlnet"]


def test_controlnet_samples_repeat_and_depend_on_the_seed(
    controlnet_sets: list[str], recipe_with: Loader
) -> None:
    def run(*sets: str) -> list[bytes]:
        recipe = recipe_with("diffusion-tiny-controlnet.yaml", *controlnet_sets, *sets)
        return [s.image.tobytes() for s in synthlab.generate(recipe)]

    first = run()
    assert first == run()
    assert all(a != b for a, b in zip(first, run("seed=12"), strict=True))


def test_conditioning_images() -> None:
    depth = np.array([[1.0, 2.0], [0.0, np.inf]], dtype=np.float32)
    image = depth_condition(depth)
    assert image.shape == (2, 2, 3)
    assert image[0, 0, 0] == 255 and image[0, 1, 0] == 40  # near bright, far dim
    assert image[1, 0].tolist() == [0, 0, 0] and image[1, 1].tolist() == [0, 0, 0]
    seg = segmentation_condition(np.array([[0, 1], [2, 2]], dtype=np.uint16), 2)
    assert seg[0, 0].tolist() == [0, 0, 0]
    assert seg[0, 1].tolist() != seg[1, 0].tolist() and seg[1, 0].tolist() == seg[1, 1].tolist()


def test_category_names_and_scene_metadata_are_kept(controlnet_recipe: Recipe) -> None:
    sample = synthlab.Dataset(controlnet_recipe)[0]
    assert sample.category_names == ("ball", "block")
    assert sample.camera is not None and sample.metadata["scene"]

"""Recipe validation of the diffusion params: every mistake is caught before sampling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from synthlab.errors import RecipeError
from synthlab.generators.diffusion import SPEC, DiffusionParams
from synthlab.recipe import load_recipe, load_recipe_text

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def params(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "model": "models/tiny",
        "width": 32,
        "height": 32,
        "steps": 2,
        "prompt": {"template": "a {thing}", "slots": {"thing": {"choice": ["cat", "dog"]}}},
    }
    base.update(changes)
    return base


def error_of(**changes: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        DiffusionParams.model_validate(params(**changes))
    return str(caught.value)


def test_valid_params_are_accepted_and_keep_their_values() -> None:
    model = DiffusionParams.model_validate(params(batch_size=4, guidance_scale=3))
    assert model.batch_size == 4
    assert model.guidance_scale.sample(None) == 3.0  # type: ignore[arg-type]
    assert model.steps.sample(None) == 2  # type: ignore[arg-type]


def test_a_slot_without_a_value_is_named() -> None:
    text = error_of(prompt={"template": "a {thing} at {time}", "slots": {"thing": "cat"}})
    assert "no value fills: time" in text


def test_template_braces_must_be_slots() -> None:
    assert "stray '{'" in error_of(prompt={"template": "a {thing.__class__}"})


def test_sizes_must_suit_the_vae() -> None:
    assert "width=30 must be a multiple of 8" in error_of(width=30)


def test_each_mode_needs_its_section_and_only_that() -> None:
    assert "mode inpaint needs an inpaint: section" in error_of(mode="inpaint")
    img2img = {"images": "src", "annotations": "a.json", "strength": 0.5}
    assert "only used with mode: img2img" in error_of(img2img=img2img)


def test_batching_refuses_settings_drawn_per_sample() -> None:
    text = error_of(batch_size=2, steps={"int": [2, 4]})
    assert "batch_size > 1" in text and "steps" in text


def test_img2img_strength_above_the_label_limit_is_refused() -> None:
    img2img = {"images": "src", "annotations": "a.json", "strength": {"uniform": [0.3, 0.8]}}
    text = error_of(mode="img2img", img2img=img2img, steps=10)
    assert "above max_label_strength=0.5" in text


def test_img2img_needs_at_least_one_denoising_step() -> None:
    img2img = {"images": "src", "annotations": "a.json", "strength": 0.2}
    assert "raise steps or strength" in error_of(mode="img2img", img2img=img2img, steps=2)


def test_inpaint_prompt_may_use_the_category_slot() -> None:
    inpaint = {
        "category": {"choice": ["cat", "dog"]},
        "region": {"width": {"uniform": [0.2, 0.5]}, "height": 0.5},
        "background": {"folder": "bg"},
    }
    model = DiffusionParams.model_validate(
        params(mode="inpaint", inpaint=inpaint, prompt={"template": "a {category}"})
    )
    assert model.inpaint is not None and model.inpaint.region.shape.sample(None) == "box"  # type: ignore[arg-type]
    assert "region width must lie in (0.0, 1.0]" in error_of(
        mode="inpaint", inpaint={**inpaint, "region": {"width": 1.5, "height": 0.5}}
    )


def test_recipe_errors_point_at_the_params_through_the_loader() -> None:
    text = """\
version: 1
name: bad
seed: 1
count: 2
generator:
  kind: diffusion
  params:
    model: models/tiny
    width: 32
    height: 32
    prompt: {template: "a {thing}"}
"""
    with pytest.raises(RecipeError) as caught:
        load_recipe_text(text, "bad.yaml")
    assert "no value fills: thing" in caught.value.show()


def test_spec_is_cheap_and_asks_a_gpu_only_for_cuda() -> None:
    assert SPEC.modality == "image" and SPEC.extra == "diffusion"
    assert SPEC.resources(DiffusionParams.model_validate(params())) == {"CPU": 1.0}
    cuda = DiffusionParams.model_validate(params(device="cuda"))
    assert SPEC.resources(cuda) == {"CPU": 1.0, "GPU": 1.0}


def test_region_shape_may_be_drawn_but_only_box_or_ellipse() -> None:
    inpaint = {
        "category": "cat",
        "region": {"shape": {"choice": ["box", "circle"]}, "width": 0.3, "height": 0.3},
        "background": {"folder": "bg"},
    }
    text = error_of(mode="inpaint", inpaint=inpaint, prompt={"template": "a {category}"})
    assert "region shape 'circle' is not one of box, ellipse" in text


@pytest.mark.parametrize(
    "name",
    [
        "diffusion-tiny.yaml",
        "diffusion-tiny-controlnet.yaml",
        "diffusion-sd15-warehouse.yaml",
        "diffusion-sd15-inpaint.yaml",
    ],
)
def test_example_recipes_validate_without_their_weights(name: str) -> None:
    recipe = load_recipe(RECIPES / name)
    assert isinstance(recipe.generator.params, DiffusionParams)

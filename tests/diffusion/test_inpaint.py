"""Inpainting into planned regions: the label is the region, and outside it nothing changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import synthlab
from synthlab.generators.diffusion.inpaint import fit_image
from synthlab.recipe import Recipe, load_recipe_text

pytestmark = pytest.mark.diffusion

RECIPE = """\
version: 1
name: inpaint-test
seed: {seed}
count: {count}
generator:
  kind: diffusion
  params:
    model: {model}
    mode: inpaint
    width: 32
    height: 32
    steps: 2
    guidance_scale: 2.0
    device: cpu
    prompt:
      template: "a {{category}} in a {{place}}"
      slots: {{place: {{choice: [field, street]}}}}
    inpaint:
      category: {{choice: [cat, dog]}}
      region: {{shape: {shape}, width: {{uniform: [0.25, 0.6]}}, height: {{uniform: [0.25, 0.6]}}}}
      background: {background}
"""


def make_backgrounds(folder: Path) -> Path:
    """Three photos of different sizes, made of seeded noise and gradients."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    for name, (h, w) in {"a.png": (40, 48), "b.png": (32, 32), "c.jpg": (64, 40)}.items():
        pixels = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / name)
    return folder


def inpaint_recipe(
    tmp: Path,
    model: Path,
    *,
    shape: str = "box",
    seed: int = 3,
    count: int = 4,
    background: str = "{folder: backgrounds}",
) -> Recipe:
    text = RECIPE.format(seed=seed, count=count, model=model, shape=shape, background=background)
    return load_recipe_text(text, "inpaint.yaml", base_dir=tmp)


@pytest.fixture(scope="module")
def backgrounds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inpaint")
    make_backgrounds(root / "backgrounds")
    return root


def tight_box(mask: np.ndarray) -> tuple[float, float, float, float]:
    ys, xs = np.nonzero(mask)
    return (
        float(xs.min()),
        float(ys.min()),
        float(xs.max() - xs.min() + 1),
        float(ys.max() - ys.min() + 1),
    )


@pytest.mark.parametrize("shape", ["box", "ellipse"])
def test_pixels_outside_the_mask_are_exactly_the_background(
    shape: str, backgrounds: Path, tiny_inpaint: Path
) -> None:
    recipe = inpaint_recipe(backgrounds, tiny_inpaint, shape=shape)
    changed_inside = 0
    for sample in synthlab.generate(recipe):
        file = backgrounds / "backgrounds" / sample.metadata["background"]["file"]
        background = fit_image(file, 32, 32)
        assert sample.instance_mask is not None
        outside = sample.instance_mask == 0
        assert np.array_equal(sample.image[outside], background[outside])
        changed_inside += int((sample.image[~outside] != background[~outside]).any())
    assert changed_inside > 0  # the pipeline did paint inside the regions


def test_the_label_is_the_planned_region(backgrounds: Path, tiny_inpaint: Path) -> None:
    recipe = inpaint_recipe(backgrounds, tiny_inpaint, shape="ellipse", count=6)
    for sample in synthlab.generate(recipe):
        assert sample.instance_mask is not None and sample.instance_mask.dtype == np.uint16
        assert set(np.unique(sample.instance_mask)) == {0, 1}
        (label,) = sample.objects
        assert label.instance_id == 1 and label.category in {"cat", "dog"}
        assert sample.classes == (label.category,)
        assert label.bbox == tight_box(sample.instance_mask == 1)
        assert sample.metadata["region"]["bbox"] == list(label.bbox)
        assert sample.metadata["prompt"].startswith(f"a {label.category} in a ")
        width, height = label.bbox[2], label.bbox[3]
        assert 0.25 * 32 - 1 <= width <= 0.6 * 32 + 1 and 0.25 * 32 - 1 <= height <= 0.6 * 32 + 1


def test_inpainting_is_deterministic_and_seed_dependent(
    backgrounds: Path, tiny_inpaint: Path
) -> None:
    def run(seed: int) -> list[bytes]:
        recipe = inpaint_recipe(backgrounds, tiny_inpaint, seed=seed)
        return [s.image.tobytes() + s.instance_mask.tobytes() for s in synthlab.generate(recipe)]  # type: ignore[union-attr]

    first = run(3)
    assert first == run(3)
    assert all(a != b for a, b in zip(first, run(4), strict=True))


def test_generated_backgrounds_stay_exact_outside_the_mask(
    backgrounds: Path, tiny_inpaint: Path, tiny_t2i: Path
) -> None:
    background = f'{{prompt: {{template: "an empty street"}}, model: "{tiny_t2i}"}}'
    recipe = inpaint_recipe(backgrounds, tiny_inpaint, count=2, background=background)
    dataset = synthlab.Dataset(recipe)
    sample = dataset[1]
    assert sample.metadata["background"]["prompt"] == "an empty street"
    assert sample.metadata["background_model"]["name"] == str(tiny_t2i)
    # Regenerating the background alone with its seed gives exactly the pixels kept outside.
    generator = dataset._maker.generator  # type: ignore[union-attr]
    images, _ = generator._run(
        generator.background_pipeline,
        prompt="an empty street",
        negative_prompt="",
        num_inference_steps=2,
        guidance_scale=2.0,
        generator=generator._generators([sample.metadata["background"]["torch_seed"]])[0],
        output_type="np",
        height=32,
        width=32,
    )
    outside = sample.instance_mask == 0
    assert np.array_equal(sample.image[outside], images[0][outside])


def test_a_text_to_image_model_also_inpaints(backgrounds: Path, tiny_t2i: Path) -> None:
    recipe = inpaint_recipe(backgrounds, tiny_t2i, count=2)
    for sample in synthlab.generate(recipe):
        background = fit_image(
            backgrounds / "backgrounds" / sample.metadata["background"]["file"], 32, 32
        )
        outside = sample.instance_mask == 0
        assert np.array_equal(sample.image[outside], background[outside])

"""img2img variants: boxes carried over from the user's COCO file, scaled to the output size."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import synthlab
from synthlab.errors import RuntimeFailure
from synthlab.recipe import Recipe, load_recipe_text

pytestmark = pytest.mark.diffusion

RECIPE = """\
version: 1
name: variants-test
seed: {seed}
count: 4
generator:
  kind: diffusion
  params:
    model: {model}
    mode: img2img
    width: 32
    height: 32
    steps: 4
    guidance_scale: 2.0
    device: cpu
    prompt: {{template: "a rainy day"}}
    img2img:
      images: source
      annotations: {annotations}
      strength: {{uniform: [0.3, 0.5]}}
"""

COCO = {
    "images": [
        {"id": 2, "file_name": "wide.png", "width": 64, "height": 32},
        {"id": 1, "file_name": "square.png", "width": 48, "height": 48},
    ],
    "categories": [{"id": 1, "name": "car"}, {"id": 7, "name": "person"}],
    "annotations": [
        {"id": 10, "image_id": 2, "category_id": 1, "bbox": [8, 4, 20, 10], "iscrowd": 0},
        {"id": 11, "image_id": 2, "category_id": 7, "bbox": [40, 0, 30, 16], "iscrowd": 0},
        {"id": 12, "image_id": 1, "category_id": 7, "bbox": [12, 6, 24, 36], "iscrowd": 1},
    ],
}

EXPECTED = {  # boxes scaled to 32x32 and clipped to the image
    2: [("car", (4.0, 4.0, 10.0, 10.0), 10), ("person", (20.0, 0.0, 12.0, 16.0), 11)],
    1: [("person", (8.0, 4.0, 16.0, 24.0), 12)],
}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("variants")
    (root / "source").mkdir()
    rng = np.random.default_rng(2)
    for entry in COCO["images"]:
        pixels = rng.integers(0, 256, size=(entry["height"], entry["width"], 3), dtype=np.uint8)
        Image.fromarray(pixels).save(root / "source" / entry["file_name"])
    (root / "coco.json").write_text(json.dumps(COCO))
    return root


def variant_recipe(
    root: Path, model: Path, seed: int = 1, annotations: str = "coco.json"
) -> Recipe:
    text = RECIPE.format(seed=seed, model=model, annotations=annotations)
    return load_recipe_text(text, "variants.yaml", base_dir=root)


def test_boxes_are_carried_over_scaled(source: Path, tiny_t2i: Path) -> None:
    seen = set()
    for sample in synthlab.generate(variant_recipe(source, tiny_t2i)):
        image_id = sample.metadata["source"]["image_id"]
        seen.add(image_id)
        got = [(o.category, o.bbox, o.attributes["source_annotation_id"]) for o in sample.objects]
        assert got == EXPECTED[image_id]
        assert [o.instance_id for o in sample.objects] == list(range(1, len(got) + 1))
        assert sample.classes == tuple(sorted({c for c, _, _ in got}))
        assert 0.3 <= sample.metadata["source"]["strength"] <= 0.5
        assert sample.image.shape == (32, 32, 3)
    assert seen == {1, 2}


def test_variants_are_deterministic_and_seed_dependent(source: Path, tiny_t2i: Path) -> None:
    def run(seed: int) -> list[bytes]:
        return [
            s.image.tobytes() for s in synthlab.generate(variant_recipe(source, tiny_t2i, seed))
        ]

    first = run(1)
    assert first == run(1)
    assert first != run(2)


def test_a_broken_coco_file_is_named(source: Path, tiny_t2i: Path) -> None:
    (source / "broken.json").write_text(json.dumps({"images": [], "categories": []}))
    with pytest.raises(RuntimeFailure, match="lists no images"):
        synthlab.Dataset(variant_recipe(source, tiny_t2i, annotations="broken.json"))[0]

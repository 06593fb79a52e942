"""Diffusion datasets rendered to disk through the image exporters, read back and checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import synthlab
from synthlab.readers import DatasetView, get_reader
from synthlab.recipe import Recipe

pytestmark = [pytest.mark.diffusion, pytest.mark.slow]

Loader = Callable[..., Recipe]


def tree_digest(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".synthlab" not in path.parts  # run bookkeeping, not data
    }


def test_rendered_prompted_dataset_is_independent_of_workers_and_shards(
    tiny_t2i: Path, recipe_with: Loader, tmp_path: Path
) -> None:
    recipe = recipe_with("diffusion-tiny.yaml", f"generator.params.model={tiny_t2i}")
    synthlab.render(recipe, tmp_path / "one", workers=1, shard_size=4)
    synthlab.render(recipe, tmp_path / "two", workers=2, shard_size=1)
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")

    view = DatasetView.open(tmp_path / "one")
    reader = get_reader(view.modality)
    for index, made in enumerate(synthlab.generate(recipe)):
        loaded = view.load_sample(index)
        assert np.array_equal(loaded.image, made.image)
        assert loaded.classes == made.classes
        assert reader.check_sample(loaded) == []
    coco = json.loads((tmp_path / "one" / "coco.json").read_text())
    assert [c["name"] for c in coco["categories"]] == ["cat", "dog", "forklift"]

    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    provenance = manifest["generator"]["provenance"]
    assert provenance["device"] == "cpu" and provenance["dtype"] == "float32"
    assert provenance["threads"] == 1
    assert len(provenance["model"]["sha256"]) == 64 or "revision" in provenance["model"]


def test_rendered_inpaint_dataset_keeps_regions_exact(tiny_inpaint: Path, tmp_path: Path) -> None:
    from test_inpaint import inpaint_recipe, make_backgrounds

    make_backgrounds(tmp_path / "backgrounds")
    recipe = inpaint_recipe(tmp_path, tiny_inpaint, shape="ellipse", count=3)
    synthlab.render(recipe, tmp_path / "out", workers=1)
    view = DatasetView.open(tmp_path / "out")
    reader = get_reader("image")
    coco = json.loads((tmp_path / "out" / "coco.json").read_text())
    assert len(coco["annotations"]) == 3
    for index, made in enumerate(synthlab.generate(recipe)):
        loaded = view.load_sample(index)
        assert reader.check_sample(loaded) == []
        assert np.array_equal(loaded.instance_mask, made.instance_mask)
        assert np.array_equal(loaded.image, made.image)
        assert loaded.objects[0].bbox == made.objects[0].bbox


@pytest.mark.scene
def test_rendered_controlnet_dataset_passes_the_label_checks(
    tiny_t2i: Path, tiny_controlnet: Path, recipe_with: Loader, tmp_path: Path
) -> None:
    recipe = recipe_with(
        "diffusion-tiny-controlnet.yaml",
        f"generator.params.model={tiny_t2i}",
        f"generator.params.controlnet.model={tiny_controlnet}",
    )
    synthlab.render(recipe, tmp_path / "out", workers=1)
    view = DatasetView.open(tmp_path / "out")
    reader = get_reader("image")
    for index in range(recipe.count):
        assert reader.check_sample(view.load_sample(index)) == []
    coco = json.loads((tmp_path / "out" / "coco.json").read_text())
    assert {c["name"] for c in coco["categories"]} == {"ball", "block"}

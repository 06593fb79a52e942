"""Example recipes render at a small count; bad params fail early with a readable message."""

from __future__ import annotations

from pathlib import Path

import pytest

import synthlab
from synthlab.errors import SynthlabError
from synthlab.exporters.image.reader import READER
from synthlab.generators.scene.params import SceneParams
from synthlab.readers import DatasetView

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


@pytest.mark.scene
@pytest.mark.parametrize("name", ["warehouse-rare-person", "pedestrian-dusk", "tabletop"])
def test_example_recipe_renders_small(name, tmp_path):
    recipe = synthlab.load_recipe(
        RECIPES / f"{name}.yaml",
        sets=["count=3", "generator.params.camera.resolution=[96,72]"],
    )
    result = synthlab.render(recipe, tmp_path / name, workers=1)
    assert result.made == 3
    view = DatasetView.open(tmp_path / name)
    for index in range(3):
        assert READER.check_sample(view.load_sample(index)) == []
    for condition, wanted in recipe.quota_counts().items():
        assert result.manifest["conditions"].get(condition, 0) == wanted


def test_unknown_asset_is_named_with_a_suggestion():
    with pytest.raises(ValueError, match=r"unknown asset 'crat'.*did you mean \"crate\""):
        SceneParams.model_validate({"classes": {"box": {"asset": "crat"}}})


def test_condition_about_unknown_class_is_rejected():
    with pytest.raises(ValueError, match="not under classes"):
        SceneParams.model_validate(
            {
                "classes": {"crate": {"asset": "crate"}},
                "conditions": {"x": {"class": "persn", "visible_fraction": [0.3, 0.7]}},
            }
        )


def test_bad_ranges_and_sources_are_rejected():
    with pytest.raises(ValueError, match="exactly one of asset, primitive or mesh"):
        SceneParams.model_validate({"classes": {"a": {"asset": "crate", "primitive": "box"}}})
    with pytest.raises(ValueError, match="camera elevation"):
        SceneParams.model_validate(
            {"classes": {"a": {"primitive": "box"}}, "camera": {"elevation": -10}}
        )
    with pytest.raises(ValueError, match="unknown colour"):
        SceneParams.model_validate(
            {"classes": {"a": {"primitive": "box", "material": {"color": "rde"}}}}
        )
    with pytest.raises(ValueError, match="inside the recipe"):
        SceneParams.model_validate({"classes": {"a": {"mesh": "../x.obj"}}})


def test_recipe_with_unknown_quota_condition_fails_at_load(tmp_path):
    text = (RECIPES / "tabletop.yaml").read_text() + "quotas:\n  bal: 1\n"
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(SynthlabError, match="did you mean"):
        synthlab.load_recipe(path)

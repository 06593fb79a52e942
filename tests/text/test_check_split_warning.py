"""`synthlab check` shows the template-split warning a render would give, before any sample
is made; a recipe split by sample (or whose quota every split can carry) shows none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from synthlab.cli import main

PARAMS: dict[str, Any] = {
    "values": {"city": {"words": ["Lyon", "Oslo"]}, "card": {"pattern": "4### ####"}},
    "templates": [
        {"id": "a", "text": "Order to {{city:CITY}}.", "tags": ["normal"]},
        {"id": "b", "text": "Where is {{city:CITY}}?", "tags": ["normal"]},
        {"id": "c", "text": "Thanks from {{city:CITY}}!", "tags": ["normal"]},
        {"id": "fraud", "text": "Card {{card:CARD}} declined.", "tags": ["fraud"]},
    ],
    "splits": {"train": 0.8, "test": 0.2},
}


def _check(tmp_path: Path, params: dict[str, Any], quotas: dict[str, int]) -> Any:
    recipe = {
        "version": 1,
        "name": "split-check",
        "seed": 5,
        "count": 100,
        "generator": {"kind": "text", "params": params},
        "quotas": quotas,
    }
    path = tmp_path / "recipe.yaml"
    path.write_text(json.dumps(recipe), encoding="utf-8")  # JSON is YAML
    return CliRunner().invoke(main, ["check", str(path)])


def test_check_warns_when_a_template_split_cannot_hold_a_quota_class(tmp_path):
    result = _check(tmp_path, {**PARAMS, "split_by": "template"}, {"fraud": 5})
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if line.startswith("warning:")]
    # the one fraud template sits in one split: the other split is named, and only it
    assert len(warned) == 1, result.output
    assert "holds no template that can carry the quota class 'fraud'" in warned[0]
    assert ("split 'test'" in warned[0]) != ("split 'train'" in warned[0])
    assert ": ok:" in result.output


def test_check_is_quiet_for_splits_by_sample_and_for_classes_every_split_holds(tmp_path):
    by_sample = _check(tmp_path, PARAMS, {"fraud": 5})
    assert by_sample.exit_code == 0 and "warning" not in by_sample.output
    # CITY is carried by every template, so every split can hold it
    spread = _check(tmp_path, {**PARAMS, "split_by": "template"}, {"CITY": 5})
    assert spread.exit_code == 0 and "warning" not in spread.output, spread.output


def test_check_names_the_same_split_the_render_warns_about(tmp_path, kit):
    import warnings

    from synthlab.engine.sampling import SampleMaker

    params = {**PARAMS, "split_by": "template"}
    result = _check(tmp_path, params, {"fraud": 5})
    recipe = kit.load(kit.recipe_dict(params, count=100, seed=5, quotas={"fraud": 5}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SampleMaker.open(recipe).close()
    rendered = [str(w.message) for w in caught if "quota class" in str(w.message)]
    assert rendered and all(f"warning: {m}" in result.output for m in rendered)

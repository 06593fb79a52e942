"""Helpers for the text tests: build recipes as dicts, render them, make samples directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synthlab.engine.render import render_dataset
from synthlab.engine.sampling import SampleMaker
from synthlab.recipe import load_recipe_text

ALL_FORMATS = ["text-jsonl", "conll", "spacy", "hf", "label-studio-text"]

PII_PARAMS: dict[str, Any] = {
    "locales": {"en_US": 2, "de_DE": 1, "fr_FR": 1, "es_ES": 1, "ja_JP": 1, "zh_CN": 1},
    "pool_size": 50,
    "values": {
        "name": {"identity": "name"},
        "email": {"identity": "email"},
        "iban": {"faker": "iban"},
        "passport": {"pattern": "??#######"},
        "product": {"words": ["laptop", "phone 😀", "café crème", "東京タワー", "e\u0301clair"]},
    },
    "templates": [
        {
            "id": "refund",
            "text": "Please refund {{name:PERSON}} to {{iban:IBAN}}[[?, thanks| asap]].",
            "tags": ["complaint"],
        },
        {
            "id": "contact",
            "text": "[[Hi|Hello]] {{name:PERSON}},\r\nyour {{product:PRODUCT}} ships 🚚; "
            "mail {{email:EMAIL}}.",
            "tags": ["info"],
        },
        {
            "id": "travel",
            "text": "Passport {{passport:PASSPORT}} for {{name:PERSON}}[[? ({{email:EMAIL}})]].",
            "tags": ["info"],
        },
        {"id": "thanks", "text": "Thanks {{name:PERSON}}! 👍🏽", "tags": ["praise"]},
    ],
}


def recipe_dict(params: dict[str, Any], **top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": 1,
        "name": "text-test",
        "seed": 11,
        "count": 40,
        "generator": {"kind": "text", "params": params},
    }
    data.update(top)
    return data


def load(data: dict[str, Any], base_dir: Path | None = None) -> Any:
    return load_recipe_text(json.dumps(data, ensure_ascii=False), "<test>", base_dir=base_dir)


def render(data: dict[str, Any], out: Path, base_dir: Path | None = None, **kwargs: Any) -> Any:
    return render_dataset(load(data, base_dir), out, **kwargs)


def samples(data: dict[str, Any], base_dir: Path | None = None) -> list[Any]:
    recipe = load(data, base_dir)
    maker = SampleMaker.open(recipe)
    try:
        return [maker.make(i) for i in range(recipe.count)]
    finally:
        maker.close()


@pytest.fixture
def pii_params() -> dict[str, Any]:
    return json.loads(json.dumps(PII_PARAMS))


class _Kit:
    """The helpers above, handed to tests as a fixture (importlib mode: no conftest import)."""

    ALL_FORMATS = ALL_FORMATS
    recipe_dict = staticmethod(recipe_dict)
    load = staticmethod(load)
    render = staticmethod(render)
    samples = staticmethod(samples)


@pytest.fixture
def kit() -> type[_Kit]:
    return _Kit

"""The public surface: exported names, light imports, the CLI's listing commands."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

from click.testing import CliRunner

import synthlab
from synthlab.cli import main


def test_public_names_are_pinned() -> None:
    assert synthlab.__all__ == [
        "Dataset",
        "Generator",
        "GeneratorSpec",
        "Recipe",
        "RecipeError",
        "RenderResult",
        "Sample",
        "SamplePlan",
        "SynthlabError",
        "__version__",
        "generate",
        "load_recipe",
        "register_generator",
        "render",
    ]
    for name in synthlab.__all__:
        assert hasattr(synthlab, name)


def test_import_and_help_do_not_load_heavy_libraries() -> None:
    code = (
        "import sys, synthlab, synthlab.cli\n"
        "from click.testing import CliRunner\n"
        "CliRunner().invoke(synthlab.cli.main, ['--help'])\n"
        "CliRunner().invoke(synthlab.cli.main, ['generators'])\n"
        "CliRunner().invoke(synthlab.cli.main, ['schema'])\n"
        "heavy = [m for m in ('torch', 'diffusers', 'pyrender', 'ray', 'spacy', 'datasets') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_schema_is_json_schema_with_generator_branches() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert {
        "version",
        "name",
        "seed",
        "count",
        "generator",
        "quotas",
        "output",
        "spotcheck",
    } <= set(schema["properties"])
    kinds = [b["properties"]["kind"]["const"] for b in schema["properties"]["generator"]["oneOf"]]
    assert "debug" in kinds
    assert "FloatValue" in schema["$defs"]
    text = json.dumps(schema)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "#/$defs/')[1:]}:
        assert ref in schema["$defs"], f"dangling $ref {ref}"


def test_schema_accepts_a_real_recipe() -> None:
    import jsonschema

    schema = json.loads(CliRunner().invoke(main, ["schema"]).output)
    recipe = {
        "version": 1,
        "name": "x",
        "seed": 1,
        "count": 3,
        "generator": {"kind": "debug", "params": {"values": {"a": {"uniform": [0, 1]}}}},
        "quotas": {},
    }
    jsonschema.validate(recipe, schema)


def test_generators_lists_state_and_description() -> None:
    result = CliRunner().invoke(main, ["generators"])
    assert result.exit_code == 0
    assert "debug" in result.output and "ready" in result.output


def test_version_flag() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert synthlab.__version__ in result.output


def test_a_generator_whose_extra_is_missing_says_what_to_install(tmp_path, monkeypatch) -> None:
    from synthlab.generators.base import _registered, register_generator
    from synthlab.generators.debug import SPEC as DEBUG

    fake = dataclasses.replace(
        DEBUG, kind="needs-extra", requires=("synthlab_no_such_module",), extra="scene"
    )
    monkeypatch.setitem(_registered, fake.kind, register_generator(fake))
    listing = CliRunner().invoke(main, ["generators"])
    assert 'needs-extra  record      needs: pip install "synthlab[scene]"' in listing.output
    recipe = tmp_path / "r.yaml"
    recipe.write_text("version: 1\nname: x\nseed: 1\ncount: 2\ngenerator: {kind: needs-extra}\n")
    result = CliRunner().invoke(main, ["render", str(recipe), "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 1
    assert "needs synthlab_no_such_module, which is not installed" in result.output
    assert 'pip install "synthlab[scene]"' in result.output

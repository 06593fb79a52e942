"""Bad recipes and bad command lines: one readable message, the right exit code, and the
location (file:line:col, field) and suggestion a person needs to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main

GOOD = """\
version: 1
name: tiny
seed: 1
count: 10
generator:
  kind: debug
  params:
    values: {x: {uniform: [0, 1]}}
    conditions: [rare]
"""

# (id, recipe text or None for GOOD, extra CLI args, exit code, parts the message must hold)
CASES = [
    ("bad-yaml", "version: 1\nname: [unclosed\n", [], 2, ["recipe.yaml:3:1", "bad YAML"]),
    (
        "unknown-top-key",
        GOOD + "quota: {rare: 1}\n",
        [],
        2,
        ["recipe.yaml:10:1", "unknown key 'quota'", 'did you mean "quotas"'],
    ),
    (
        "unknown-param-key",
        GOOD.replace("conditions:", "conditons:"),
        [],
        2,
        ["recipe.yaml:9:5", "generator.params.conditons", 'did you mean "conditions"'],
    ),
    (
        "wrong-type",
        GOOD.replace("count: 10", "count: ten"),
        [],
        2,
        ["recipe.yaml:4:8", "count", "valid integer", "'ten'"],
    ),
    (
        "negative-count",
        GOOD.replace("count: 10", "count: -5"),
        [],
        2,
        ["recipe.yaml:4:8", "count", "greater than or equal to 1", "-5"],
    ),
    ("negative-seed", GOOD.replace("seed: 1", "seed: -1"), [], 2, ["recipe.yaml:3:7", "seed"]),
    (
        "unknown-generator",
        GOOD.replace("kind: debug", "kind: debgu"),
        [],
        2,
        ["recipe.yaml:6:9", "generator.kind", 'did you mean "debug"', "available:"],
    ),
    (
        "unknown-distribution",
        GOOD.replace("uniform", "unifrom"),
        [],
        2,
        [
            "recipe.yaml:8:17",
            "generator.params.values.x",
            "unknown distribution 'unifrom'",
            'did you mean "uniform"',
        ],
    ),
    (
        "inverted-uniform",
        GOOD.replace("[0, 1]", "[5, 1]"),
        [],
        2,
        ["recipe.yaml:8:17", "Cannot have uniform low=5.0 > high=1.0"],
    ),
    (
        "normal-bad-arg",
        GOOD.replace("{uniform: [0, 1]}", "{normal: {mean: 0, sd: 1}}"),
        [],
        2,
        ["generator.params.values.x", "'sd'", 'did you mean "std"'],
    ),
    (
        "choice-weights-mismatch",
        GOOD.replace("{uniform: [0, 1]}", "{choice: [1, 2], weights: [1]}"),
        [],
        2,
        ["generator.params.values.x", "2 options but weights"],
    ),
    (
        "unknown-quota",
        GOOD + "quotas: {rar: 2}\n",
        [],
        2,
        ["recipe.yaml:10:10", "quotas.rar", 'did you mean "rare"'],
    ),
    (
        "quota-over-count",
        GOOD + "quotas: {rare: 11}\n",
        [],
        2,
        ["quotas ask for 11 samples", "count is 10"],
    ),
    ("quota-bad-fraction", GOOD + "quotas: {rare: 1.5}\n", [], 2, ["fraction lies in [0, 1]"]),
    (
        "unknown-format",
        GOOD + "output: {formats: [jsnl]}\n",
        [],
        2,
        ["recipe.yaml:10:20", "output.formats[0]", 'did you mean "jsonl"'],
    ),
    (
        "object-tag",
        GOOD.replace("name: tiny", "name: !!python/object/apply:os.system [ls]"),
        [],
        2,
        ["recipe.yaml:2:7", "YAML tag not allowed", "python/object/apply"],
    ),
    (
        "scalar-object-tag",
        GOOD.replace("name: tiny", "name: !!python/name:os.system ''"),
        [],
        2,
        ["recipe.yaml:2:7", "YAML tag not allowed"],
    ),
    ("duplicate-key", GOOD + "seed: 2\n", [], 2, ["recipe.yaml:10:1", "duplicate key 'seed'"]),
    (
        "name-escapes-output",
        GOOD.replace("name: tiny", "name: ../../etc"),
        [],
        2,
        ["recipe.yaml:2:7", "name", "names output folders"],
    ),
    ("version", GOOD.replace("version: 1", "version: 2"), [], 2, ["recipe.yaml:1:10", "version"]),
    ("not-a-mapping", "- just\n- a list\n", [], 2, ["recipe.yaml:1:1", "mapping"]),
    ("empty-file", "", [], 2, ["recipe is empty"]),
    ("bad-set-path", None, ["--set", "=3"], 2, ["--set '=3'", "path.to.field=value"]),
    ("bad-set-value", None, ["--set", "count=abc"], 2, ["--set count=abc", "count", "'abc'"]),
    (
        "bad-set-key",
        None,
        ["--set", "generator.params.valus.x=1"],
        2,
        ["--set generator.params.valus.x=1", 'did you mean "values"'],
    ),
    (
        "bad-set-distribution",
        None,
        ["--set", "generator.params.values.x={uniform: [2, 1]}"],
        2,
        ["--set generator.params.values.x", "Cannot have uniform low=2.0 > high=1.0"],
    ),
    ("bad-seed-flag", None, ["--seed", "-4"], 2, ["--seed -4", "seed"]),
    ("bad-count-flag", None, ["--count", "0"], 2, ["--count 0", "count"]),
]


@pytest.mark.parametrize(
    ("case", "text", "args", "code", "parts"), CASES, ids=[c[0] for c in CASES]
)
def test_check_reports_bad_recipes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case, text, args, code, parts
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("recipe.yaml").write_text(GOOD if text is None else text)
    result = CliRunner().invoke(main, ["check", "recipe.yaml", *args])
    assert result.exit_code == code, result.output
    for part in parts:
        assert part in result.output, f"{part!r} not in:\n{result.output}"
    assert "Traceback" not in result.output


def test_missing_recipe_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", "nope.yaml"])
    assert result.exit_code == 2
    assert "recipe file not found: nope.yaml" in result.output


def test_bad_only_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("recipe.yaml").write_text(GOOD)
    result = CliRunner().invoke(main, ["render", "recipe.yaml", "--only", "10"])
    assert result.exit_code == 2
    assert "--only 10: sample indices run from 0 to 9" in result.output
    result = CliRunner().invoke(main, ["render", "recipe.yaml", "--only", "x"])
    assert result.exit_code == 2 and "expected indices" in result.output


def test_bad_flag_value_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("recipe.yaml").write_text(GOOD)
    result = CliRunner().invoke(main, ["render", "recipe.yaml", "-j", "0"])
    assert result.exit_code == 2 and "-j" in result.output


def test_every_problem_is_reported_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = GOOD.replace("seed: 1", "seed: -1").replace("count: 10", "count: x") + "extra: 1\n"
    Path("recipe.yaml").write_text(text)
    result = CliRunner().invoke(main, ["check", "recipe.yaml"])
    assert result.exit_code == 2
    assert "3 problems" in result.output
    assert "seed" in result.output and "count" in result.output and "'extra'" in result.output


def test_generator_crash_is_a_runtime_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("recipe.yaml").write_text(GOOD.replace("conditions: [rare]", "fail_at: 4"))
    result = CliRunner().invoke(main, ["render", "recipe.yaml", "-o", "out", "-j", "1", "-q"])
    assert result.exit_code == 1
    assert "generator 'debug' failed at sample 4" in result.output
    assert "--only 4 --debug" in result.output
    assert "Traceback" not in result.output
    debug = CliRunner().invoke(
        main, ["--debug", "render", "recipe.yaml", "-o", "out", "-j", "1", "-q", "--resume"]
    )
    assert debug.exception is not None  # --debug lets the exception (and traceback) through

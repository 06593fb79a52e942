"""Resource bounds on hostile recipes and flags (issue 18, items 4, 6 and 7): alias bombs,
recursive aliases, deep nesting and NUL bytes are refused early with file:line; --only,
-j, count and seed are checked before anything large is built or started."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main
from synthlab.errors import RecipeError
from synthlab.recipe import load_recipe_text
from synthlab.recipe.model import MAX_COUNT
from synthlab.recipe.yamlsource import MAX_ALIAS_VALUES, MAX_DEPTH, load_yaml_text


def billion_laughs(levels: int, width: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def yaml_problem(text: str) -> str:
    with pytest.raises(RecipeError) as caught:
        load_yaml_text(text, "r.yaml")
    return caught.value.show()


# -- item 4: YAML alias bombs, recursive aliases, deep nesting --------------------------


@pytest.mark.parametrize("levels", [6, 9, 30])
def test_alias_bombs_are_refused_in_milliseconds_naming_the_anchor(levels: int) -> None:
    text = billion_laughs(levels)
    assert len(text) < 2000
    started = time.perf_counter()
    shown = yaml_problem(text)
    # a bound against hanging, not a speed target: refused in 3-56 ms, was 28 s for 6 levels
    assert time.perf_counter() - started < 5
    assert "r.yaml:4:5: a3: aliases of &a3 expand the recipe to at least" in shown
    assert f"at most {MAX_ALIAS_VALUES:,}" in shown


def test_modest_reuse_through_aliases_and_merges_still_loads() -> None:
    text = billion_laughs(2) + "base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n"
    data = load_yaml_text(text, "r.yaml").data
    assert data["a2"] == [[["lol"] * 9] * 9] * 9
    # an explicit key overrides a merged one (YAML's merge rule), no "duplicate key"
    assert data["thing"] == {"x": 1, "y": 3}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: &a [1, *a]\n", "r.yaml:1:4: a[1]: alias &a is used inside its own value"),
        ("a: &a {b: *a}\n", "r.yaml:1:4: a.b: alias &a is used inside its own value"),
        ("a: &a {<<: *a}\n", "r.yaml:1:4: a.<<: alias &a is used inside its own value"),
    ],
)
def test_recursive_aliases_are_recipe_errors(text: str, where: str) -> None:
    assert where in yaml_problem(text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        "x:\n" + "- " * 5000 + "1\n",
        "".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "v\n",
    ],
    ids=["flow", "block-list", "block-map"],
)
def test_deep_nesting_is_a_recipe_error_not_recursion_error(text: str) -> None:
    assert f"nested more than {MAX_DEPTH} levels deep" in yaml_problem(text)


def test_nesting_through_a_chain_of_aliases_is_bounded_too() -> None:
    text = "a0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 500))
    assert "levels deep through aliases" in yaml_problem(text)


def test_nesting_within_the_limit_loads() -> None:
    depth = MAX_DEPTH - 2
    assert load_yaml_text("x: " + "[" * depth + "]" * depth, "r.yaml").data["x"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 2024-13-01\n", "r.yaml:1:4: a: cannot read '2024-13-01' (month must be in 1..12)"),
        ("a: " + "9" * 5000 + "\n", "r.yaml:1:4: a: cannot read '9999"),
        ("a: {<<: 5}\n", "r.yaml:1:9: bad YAML: expected a mapping or list of mappings"),
    ],
)
def test_scalars_pyyaml_cannot_build_are_located_recipe_errors(text: str, expected: str) -> None:
    assert expected in yaml_problem(text)


# -- item 7 (part): NUL bytes ------------------------------------------------------------


def test_nul_byte_in_a_recipe_is_a_recipe_error_with_its_place(tmp_path: Path) -> None:
    recipe = tmp_path / "nul.yaml"
    recipe.write_bytes(b"version: 1\nname: ab\x00c\nseed: 1\n")
    result = CliRunner().invoke(main, ["check", str(recipe)])
    assert result.exit_code == 2, result.output
    assert f"{recipe}:2:9: character U+0000 (NUL) is not allowed" in result.output
    assert "internal error" not in result.output


# -- item 6: count, seed, --only, -j -----------------------------------------------------

RECIPE = """\
version: 1
name: tiny
seed: 3
count: {count}
generator:
  kind: debug
  params: {{values: {{x: {{uniform: [0, 1]}}}}}}
"""


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("true", "count: Input should be a valid integer (got True)"),
        ("5.0", "count: Input should be a valid integer (got 5.0)"),
        (str(10**12), f"count: Input should be less than or equal to {MAX_COUNT}"),
        ("0", "count: Input should be greater than or equal to 1"),
    ],
)
def test_count_must_be_a_real_integer_within_the_documented_maximum(
    count: str, message: str
) -> None:
    with pytest.raises(RecipeError) as caught:
        load_recipe_text(RECIPE.format(count=count), "r.yaml")
    assert f"r.yaml:4:8: {message}" in caught.value.show()


def test_seed_refuses_booleans_too() -> None:
    with pytest.raises(RecipeError, match=r"r.yaml:3:7: seed: Input should be a valid integer"):
        load_recipe_text(RECIPE.format(count=3).replace("seed: 3", "seed: true"), "r.yaml")


def test_the_maximum_count_itself_is_accepted() -> None:
    assert load_recipe_text(RECIPE.format(count=MAX_COUNT), "r.yaml").count == MAX_COUNT


@pytest.fixture
def recipe_file(tmp_path: Path) -> Path:
    path = tmp_path / "r.yaml"
    path.write_text(RECIPE.format(count=10))
    return path


Invoke = Callable[..., tuple[int, str]]


@pytest.fixture
def render_cli(recipe_file: Path, tmp_path: Path) -> Invoke:
    def invoke(*flags: str) -> tuple[int, str]:
        out = tmp_path / "out"
        args = ["render", str(recipe_file), "-o", str(out), "-q", *flags]
        result = CliRunner().invoke(main, args)
        return result.exit_code, result.output

    return invoke


@pytest.mark.parametrize(
    ("only", "message"),
    [
        ("5-3", "--only 5-3: a range runs from low to high (5 > 3)"),
        ("0-999999999999", "--only 0-999999999999: sample indices run from 0 to 9"),
        ("2, 10", "--only 10: sample indices run from 0 to 9"),
        ("3,-2", "--only '3,-2': expected indices like 17, 3,5,9 or 10-19"),
        ("1-2-3", "--only '1-2-3': expected indices like 17, 3,5,9 or 10-19"),
    ],
)
def test_bad_only_ranges_are_usage_errors(
    render_cli: Invoke, tmp_path: Path, only: str, message: str
) -> None:
    started = time.perf_counter()
    code, output = render_cli("--only", only)
    assert time.perf_counter() - started < 5  # no list of a trillion indices
    assert code == 2 and message in output, output
    assert not (tmp_path / "out").exists()


def test_only_still_renders_ranges_and_lists(render_cli: Invoke, tmp_path: Path) -> None:
    code, output = render_cli("--only", "7-9,2,2")
    assert code == 0, output
    records = (tmp_path / "out" / "samples.jsonl").read_text().splitlines()
    assert len(records) == 4


def test_too_many_workers_are_refused_naming_the_limit(render_cli: Invoke, tmp_path: Path) -> None:
    from synthlab.cli.render import max_local_workers

    limit = max_local_workers()
    assert limit >= 8
    code, output = render_cli("-j", "1000")
    assert code == 2, output
    assert f"-j 1000: at most {limit} worker processes on this machine" in output
    assert not (tmp_path / "out").exists()
    cores = len(os.sched_getaffinity(0))
    assert limit == max(8, 4 * cores)
    code, output = render_cli("-j", str(limit))
    assert code == 0, output


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-13-45T99:99:99", "month must be in 1..12"),  # the fuzzer's find: internal error
        ("[" * 3000, "nested more than 64 levels deep"),
        ("[&a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], " + "*a, " * 1200 + "]", "expand the recipe"),
    ],
    ids=["bad-date", "deep", "aliases"],
)
def test_set_values_are_read_within_the_same_bounds(
    recipe_file: Path, value: str, message: str
) -> None:
    result = CliRunner().invoke(main, ["check", str(recipe_file), "--set", f"version={value}"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: --set 'version=") and message in result.output
    assert "internal error" not in result.output


# -- the same bounds through the Python API ------------------------------------------------


def test_the_api_refuses_too_many_workers_and_huge_only_ranges(
    recipe_file: Path, tmp_path: Path
) -> None:
    import synthlab
    from synthlab.engine.render import max_local_workers
    from synthlab.errors import UsageError

    out = tmp_path / "api-out"
    with pytest.raises(UsageError, match=f"at most {max_local_workers()}"):
        synthlab.render(recipe_file, out, workers=1000)
    started = time.perf_counter()
    with pytest.raises(UsageError, match="sample indices run from 0 to 9"):
        synthlab.render(recipe_file, out, only=range(10**12))
    assert time.perf_counter() - started < 5  # the range is checked by its ends, never listed
    assert not out.exists()
    result = synthlab.render(recipe_file, out, only=range(2, 5))
    assert result.manifest is not None and result.manifest["selection"] == [2, 3, 4]


def test_template_files_are_read_within_the_recipe_bounds(tmp_path: Path) -> None:
    bomb = ["- &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    bomb += [f"- &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    (tmp_path / "templates.yaml").write_text("\n".join(bomb) + "\n")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "version: 1\nname: t\nseed: 1\ncount: 2\n"
        "generator:\n  kind: text\n  params:\n    template_files: [templates.yaml]\n"
    )
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["check", str(recipe)])
    assert time.perf_counter() - started < 5
    assert result.exit_code == 2, result.output
    assert "templates.yaml" in result.output and "expand the recipe" in result.output

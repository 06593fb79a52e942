"""`synthlab check` catches what `render` would reject, before a sample is made.

Each recipe below used to pass `check` and fail only while rendering (a word list that is
binary, a CSV without the column, a template file that does not parse, a mesh that is
missing or holds no triangles, a background that is no image, `period: 0` dividing by zero
at sample 0). Now both commands stop at load time with exit 2 and the same message, located
at recipe.yaml:line and naming the field, and `render` creates nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synthlab.cli import main
from synthlab.errors import RecipeError
from synthlab.generators.text.files import read_lines

HEAD = "version: 1\nname: caught\nseed: 1\ncount: 3\ngenerator:\n"
TEXT = """\
  kind: text
  params:
    templates: [{id: t, text: "Buy {{w:PRODUCT}} now"}]
    values:
"""
SERIES = """\
  kind: timeseries
  params:
    rate_hz: 10
    length: 50
    channels:
      - name: x
        components:
"""
SCENE = "  kind: scene\n  params:\n    classes:\n"


@dataclass(frozen=True)
class Case:
    id: str
    recipe: str  # the generator section; the line holding MARK is where the error points
    field: str  # the field the message names
    says: str  # part of the message
    files: dict[str, bytes]  # written next to the recipe
    mark: str

    @property
    def line(self) -> int:
        lines = (HEAD + self.recipe).splitlines()
        return next(n for n, text in enumerate(lines, start=1) if self.mark in text)


def case(
    id: str, recipe: str, field: str, says: str, mark: str, files: dict[str, bytes] | None = None
) -> Any:
    return pytest.param(Case(id, recipe, field, says, files or {}, mark), id=id)


CASES = [
    case(
        "binary-word-list",
        TEXT + "      w: {file: words.txt}\n",
        "generator.params.values.w.file",
        "is a binary file",
        "words.txt",
        {"words.txt": b"kettle\n\x00\x01\x02\xff toaster\n"},
    ),
    case(
        "latin1-word-list",
        TEXT + "      w: {file: words.txt}\n",
        "generator.params.values.w.file",
        "is not UTF-8 text (byte 0xe9 at offset 10)",
        "words.txt",
        {"words.txt": "kettle\ncaf\xe9\n".encode("latin-1")},
    ),
    case(
        "comments-only-word-list",
        TEXT + "      w: {file: words.txt}\n",
        "generator.params.values.w.file",
        "holds no values",
        "words.txt",
        {"words.txt": b"# nothing yet\n\n"},
    ),
    case(
        "csv-without-the-column",
        TEXT + "      w: {csv: items.csv, column: product}\n",
        "generator.params.values.w.csv",
        "no column 'product'",
        "items.csv",
        {"items.csv": b"name,price\nkettle,3\n"},
    ),
    case(
        "template-file-not-yaml",
        "  kind: text\n  params:\n    template_files: [more.yaml]\n    values: {w: {words: [a]}}\n",
        "generator.params.template_files[0]",
        "not valid YAML",
        "more.yaml",
        {"more.yaml": b"- id: a\n  text: [unclosed\n"},
    ),
    case(
        "template-file-unknown-value",
        "  kind: text\n  params:\n    template_files: [more.yaml]\n    values: {w: {words: [a]}}\n",
        "generator.params.template_files[0]",
        "unknown value 'nme'",
        "more.yaml",
        {"more.yaml": b"- id: a\n  text: 'Hi {{nme:PERSON}}'\n"},
    ),
    case(
        "template-file-duplicate-id",
        "  kind: text\n  params:\n    templates: [{id: a, text: 'x {{w}}'}]\n"
        "    template_files: [more.yaml]\n    values: {w: {words: [a]}}\n",
        "generator.params.template_files[0]",
        "two templates have id 'a'",
        "more.yaml",
        {"more.yaml": b"- id: a\n  text: 'y {{w}}'\n"},
    ),
    case(
        "missing-mesh",
        SCENE + "      cup: {mesh: meshes/cup.obj}\n",
        "generator.params.classes.cup.mesh",
        "not found",
        "cup.obj",
    ),
    case(
        "mesh-without-triangles",
        SCENE + "      cup: {mesh: cup.obj}\n",
        "generator.params.classes.cup.mesh",
        "holds no triangles",
        "cup.obj",
        {"cup.obj": b"# a comment and no faces\nv 0 0 0\n"},
    ),
    case(
        "background-that-is-no-image",
        SCENE + "      box: {primitive: box}\n    background: {folder: bg}\n",
        "generator.params.background.folder",
        "not an image",
        "folder: bg",
        {"bg/a.png": b"this is text, not a PNG\n"},
    ),
    case(
        "seasonal-period-0",
        SERIES + "          - {type: seasonal, period: 0}\n",
        "generator.params.channels[0].components[0]",
        "period (seconds) must be > 0",
        "period: 0",
    ),
    case(
        "seasonal-period-may-draw-0",
        SERIES + "          - {type: seasonal, period: {uniform: [0, 2]}}\n",
        "generator.params.channels[0].components[0]",
        "period (seconds) must be > 0",
        "period:",
    ),
    case(
        "beat-period-0",
        SERIES + "          - {type: beat, period: 0}\n",
        "generator.params.channels[0].components[0]",
        "beat period (seconds) must be > 0",
        "type: beat",
    ),
    case(
        "beat-negative-jitter",
        SERIES + "          - {type: beat, jitter: -0.1}\n",
        "generator.params.channels[0].components[0]",
        "jitter must be >= 0",
        "type: beat",
    ),
    case(
        "random-walk-negative-step",
        SERIES + "          - {type: random_walk, step_std: -1}\n",
        "generator.params.channels[0].components[0]",
        "step_std must be >= 0",
        "random_walk",
    ),
]


# Every open of a path outside the test's folder that the test names, recorded and refused.
_forbidden: set[str] = set()
_hits: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _forbidden and event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        real = os.path.realpath(os.fsdecode(args[0]))
        if real in _forbidden:
            _hits.append(real)
            raise PermissionError(f"test audit: {real} must not be opened")


sys.addaudithook(_audit)


@pytest.fixture
def watch() -> Iterator[set[str]]:
    _hits.clear()
    try:
        yield _forbidden
    finally:
        _forbidden.clear()


def _write(tmp_path: Path, the_case: Case) -> None:
    (tmp_path / "recipe.yaml").write_text(HEAD + the_case.recipe)
    for name, data in the_case.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("the_case", CASES)
def test_check_and_render_refuse_it_alike_before_any_sample(
    the_case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, the_case)
    checked = _run(tmp_path, monkeypatch, "check", "recipe.yaml")
    assert checked.exit_code == 2, checked.output
    where = f"recipe.yaml:{the_case.line}:"
    problem = next((line for line in checked.output.splitlines() if where in line), None)
    assert problem is not None, checked.output
    assert the_case.field in problem and the_case.says in problem, checked.output
    assert "Traceback" not in checked.output and "Error:" not in checked.output

    rendered = _run(tmp_path, monkeypatch, "render", "recipe.yaml", "-o", "out")
    assert rendered.exit_code == 2, rendered.output
    assert problem in rendered.output  # the very same message
    assert not (tmp_path / "out").exists()


def test_a_binary_word_list_read_at_setup_is_a_clear_recipe_error(tmp_path: Path) -> None:
    """The reader the generator calls while setting up (after a file changed since the
    check, say) names the file and what is wrong, never raising UnicodeDecodeError."""
    (tmp_path / "words.txt").write_bytes(b"\xff\xfe\x00k\x00e\x00t")
    with pytest.raises(RecipeError) as caught:
        read_lines(tmp_path, "words.txt")
    message = caught.value.show()
    assert "words.txt" in message and "binary" in message


def test_render_never_opens_a_mesh_linked_from_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watch: set[str]
) -> None:
    """The hostile test's case: a mesh link to a file outside the recipe's folder was opened
    and parsed by `render`. Now the load refuses it and the target is never opened."""
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "passwd.obj"
    target.write_text("root:x:0:0:root:/root:/bin/bash\n")
    recipe_dir = tmp_path / "recipe"
    recipe_dir.mkdir()
    (recipe_dir / "cup.obj").symlink_to(target)
    (recipe_dir / "recipe.yaml").write_text(HEAD + SCENE + "      cup: {mesh: cup.obj}\n")
    watch.add(os.path.realpath(target))
    result = _run(recipe_dir, monkeypatch, "render", "recipe.yaml", "-o", "out")
    assert result.exit_code == 2, result.output
    assert "generator.params.classes.cup.mesh" in result.output
    assert "leads outside the recipe's folder" in result.output
    assert _hits == []


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_bytes(b"kettle\n"), None),
        (lambda p: p.write_bytes(b"\xef\xbb\xbfkettle\n"), None),  # a BOM is not a value
        (lambda p: p.write_bytes(b""), r"is empty \(0 bytes\)"),
    ],
    ids=["plain", "utf8-bom", "empty"],
)
def test_word_list_reader_edges(
    make: Callable[[Path], Any], says: str | None, tmp_path: Path
) -> None:
    make(tmp_path / "words.txt")
    if says is None:
        assert read_lines(tmp_path, "words.txt") == ("kettle",)
    else:
        with pytest.raises(RecipeError, match=says):
            read_lines(tmp_path, "words.txt")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"components": [{"type": "gaussian", "std": -0.5}]}, "std must be >= 0"),
        ({"components": [{"type": "arma", "ar": [0.5], "std": -1}]}, "std must be >= 0"),
        ({"activity": {"durations": {"walking": 0}}}, "duration of walking"),
        ({"activity": {"cadence": {"running": {"uniform": [-1, 2]}}}}, "cadence of running"),
    ],
    ids=["noise-std", "arma-std", "activity-duration", "activity-cadence"],
)
def test_other_spreads_and_durations_must_be_positive(change: dict[str, Any], says: str) -> None:
    from pydantic import ValidationError

    from synthlab.generators.timeseries.params import TimeseriesParams

    params: dict[str, Any] = {
        "rate_hz": 10,
        "length": 50,
        "channels": [{"name": n} for n in ("ax", "ay", "az")],
    }
    TimeseriesParams.model_validate(params)  # the control: valid before the change
    if "components" in change:
        params["channels"][0]["components"] = change["components"]
    else:
        params["activity"] = {"axes": ["ax", "ay", "az"], **change["activity"]}
    with pytest.raises(ValidationError, match=says):
        TimeseriesParams.model_validate(params)

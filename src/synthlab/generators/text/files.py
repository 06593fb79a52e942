"""Reading the files a text recipe names: only inside the recipe's folder (or synthlab's own
assets with `asset:`), only as data (YAML safely, CSV and plain lines).

Where a path may lead is decided by `synthlab.recipe.files`, the one place that contains
every recipe-named path. `text_file_problems` reads every file the params name the way a run
would, so the recipe loader (`synthlab check` and `render` alike) refuses a bad word list,
CSV or template file at its field's line before a sample is made; the `read_*` functions are
what the generator calls while setting up, and raise a RecipeError naming the path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from synthlab.errors import RecipeError, RecipeProblem
from synthlab.recipe.files import ASSETS_DIR, RecipeFileError, read_recipe_text, resolve_recipe_file
from synthlab.recipe.yamlsource import load_yaml_value

__all__ = [
    "ASSETS_DIR",
    "read_csv_column",
    "read_lines",
    "read_template_file",
    "resolve_path",
    "text_file_problems",
]

T = TypeVar("T")
FieldProblem = tuple[tuple[str | int, ...], str]


def _problem(path: str, message: str) -> RecipeError:
    return RecipeError([RecipeProblem(path, None, None, "", message)])


def _as_recipe_error(relpath: str, read: Callable[[], T]) -> T:
    try:
        return read()
    except RecipeFileError as error:
        raise _problem(relpath, str(error)) from None


def resolve_path(base_dir: Path, relpath: str) -> Path:
    """`relpath` inside `base_dir` (or `asset:...` inside synthlab's assets); never outside."""
    return _as_recipe_error(relpath, lambda: resolve_recipe_file(base_dir, relpath))


def _lines(base_dir: Path, relpath: str) -> tuple[str, ...]:
    text = read_recipe_text(base_dir, relpath, what="word list")
    lines = tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    if not lines:
        raise RecipeFileError(f"word list {relpath!r} holds no values (only blanks or comments)")
    return lines


def _csv_column(base_dir: Path, relpath: str, column: str) -> tuple[str, ...]:
    text = read_recipe_text(base_dir, relpath, what="CSV file")
    try:
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or column not in reader.fieldnames:
            raise RecipeFileError(
                f"CSV file {relpath!r} has no column {column!r}; columns: {reader.fieldnames}"
            )
        values = tuple(row[column].strip() for row in reader if (row.get(column) or "").strip())
    except csv.Error as error:
        raise RecipeFileError(f"CSV file {relpath!r} cannot be read: {error}") from None
    if not values:
        raise RecipeFileError(f"CSV file {relpath!r}: column {column!r} is empty")
    return values


def _template_entries(base_dir: Path, relpath: str) -> list[dict[str, Any]]:
    text = read_recipe_text(base_dir, relpath, what="template file")
    if relpath.endswith(".txt"):
        stem = Path(relpath.removeprefix("asset:")).stem
        return [
            {"id": f"{stem}-{number}", "text": line}
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.startswith("#")
        ]
    try:  # the recipe's own bounds: no alias bombs, no runaway nesting in a template file
        data = load_yaml_value(text, f"template file {relpath}")
    except RecipeError as error:
        problems = "; ".join(problem.show() for problem in error.problems)
        raise RecipeFileError(f"template file {relpath!r} is not valid YAML: {problems}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise RecipeFileError(
            f"template file {relpath!r} must be a YAML list of {{id, text, weight?, tags?}}"
        )
    return data


def read_lines(base_dir: Path, relpath: str) -> tuple[str, ...]:
    """Non-empty lines, stripped; lines starting with '#' are comments."""
    return _as_recipe_error(relpath, lambda: _lines(base_dir, relpath))


def read_csv_column(base_dir: Path, relpath: str, column: str) -> tuple[str, ...]:
    return _as_recipe_error(relpath, lambda: _csv_column(base_dir, relpath, column))


def read_template_file(base_dir: Path, relpath: str) -> list[dict[str, Any]]:
    """A YAML list of {id, text, weight?, tags?}, or a .txt with one template per line
    (id `<file stem>-<line number>`)."""
    return _as_recipe_error(relpath, lambda: _template_entries(base_dir, relpath))


def _template_problems(params: Any, base_dir: Path, synonyms: Any = None) -> list[FieldProblem]:
    # imported here: params.py imports this package's sources, not the other way round
    from synthlab.generators.text.params import TemplateSpec, check_template

    problems: list[FieldProblem] = []
    seen = {template.id for template in params.templates}
    for position, relpath in enumerate(params.template_files):
        where = ("template_files", position)
        try:
            entries = _template_entries(base_dir, relpath)
        except RecipeFileError as error:
            problems.append((where, str(error)))
            continue
        for number, raw in enumerate(entries):
            try:
                spec = TemplateSpec.model_validate(raw)
                check_template(spec, params, synonyms)
            except ValidationError as error:
                problems.append((where, f"{relpath!r} [{number}]: {_first_line(error)}"))
                break
            except ValueError as error:
                problems.append((where, f"{relpath!r} [{number}]: {error}"))
                break
            if spec.id in seen:
                problems.append(
                    (where, f"{relpath!r} [{number}]: two templates have id {spec.id!r}")
                )
                break
            seen.add(spec.id)
    return problems


def _first_line(error: ValidationError) -> str:
    item = error.errors()[0]
    place = ".".join(str(part) for part in item["loc"])
    return f"{place}: {item['msg']}" if place else str(item["msg"])


def text_file_problems(params: Any, base_dir: Path) -> list[FieldProblem]:
    """Everything wrong with the files the text params name, as (field inside
    `generator.params`, message): each word list, CSV column and template file is read as a
    run would read it."""
    from synthlab.generators.text.sources import CsvSource, FileSource

    problems: list[FieldProblem] = []
    for name, source in params.values.items():
        try:
            if isinstance(source, FileSource):
                _lines(base_dir, source.file)
            elif isinstance(source, CsvSource):
                _csv_column(base_dir, source.csv, source.column)
        except RecipeFileError as error:
            key = "file" if isinstance(source, FileSource) else "csv"
            problems.append((("values", name, key), str(error)))
    if params.paraphrase is not None:  # the folder only: the model loads when a run sets up
        from synthlab.generators.text.paraphrase import ParaphraseError, model_folder

        try:
            model_folder(params.paraphrase.model, base_dir)
        except ParaphraseError as error:
            problems.append((("paraphrase", "model"), str(error)))
    synonyms = None
    if params.synonym_files:  # inline templates were checked with the inline sets only
        from synthlab.generators.text.params import check_template
        from synthlab.generators.text.synonyms import load_synonym_sets

        try:
            synonyms = load_synonym_sets(params, base_dir)
        except RecipeFileError as error:
            return [*problems, (("synonym_files",), str(error))]
        for template in params.templates:
            try:
                check_template(template, params, synonyms)
            except ValueError as error:
                problems.append((("templates",), str(error)))
    return problems + _template_problems(params, base_dir, synonyms)


def read_yaml_asset(relpath: str) -> Any:
    """A YAML file of synthlab's own assets (e.g. the parts user agents and URLs are built
    from), read with the recipe's YAML bounds."""
    text = read_recipe_text(Path("."), f"asset:{relpath}", what="asset")
    return load_yaml_value(text, f"asset {relpath}")

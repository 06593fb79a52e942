"""Reading the files a text recipe names: only inside the recipe's folder (or synthlab's own
assets with `asset:`), only as data (YAML safely, CSV and plain lines)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from synthlab.errors import RecipeError, RecipeProblem

__all__ = ["ASSETS_DIR", "read_csv_column", "read_lines", "read_template_file", "resolve_path"]

# The project's assets folder (word lists and templates written for synthlab itself).
ASSETS_DIR = Path(__file__).resolve().parents[4] / "assets"


def _problem(path: str, message: str) -> RecipeError:
    return RecipeError([RecipeProblem(path, None, None, "", message)])


def resolve_path(base_dir: Path, relpath: str) -> Path:
    """`relpath` inside `base_dir` (or `asset:...` inside synthlab's assets); never outside."""
    if relpath.startswith("asset:"):
        root, relpath = ASSETS_DIR.resolve(), relpath.removeprefix("asset:")
    else:
        root = base_dir.resolve()
    if Path(relpath).is_absolute():
        raise _problem(relpath, "paths in a text recipe are relative to the recipe's folder")
    path = (root / relpath).resolve()
    if not path.is_relative_to(root):
        raise _problem(relpath, f"{relpath!r} points outside the recipe's folder {root}")
    if not path.is_file():
        raise _problem(relpath, f"file not found: {path}")
    return path


def read_lines(base_dir: Path, relpath: str) -> tuple[str, ...]:
    """Non-empty lines, stripped; lines starting with '#' are comments."""
    text = resolve_path(base_dir, relpath).read_text(encoding="utf-8")
    lines = tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    if not lines:
        raise _problem(relpath, "the word list is empty")
    return lines


def read_csv_column(base_dir: Path, relpath: str, column: str) -> tuple[str, ...]:
    text = resolve_path(base_dir, relpath).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or column not in reader.fieldnames:
        raise _problem(relpath, f"no column {column!r}; columns: {reader.fieldnames}")
    values = tuple(row[column].strip() for row in reader if (row.get(column) or "").strip())
    if not values:
        raise _problem(relpath, f"column {column!r} is empty")
    return values


def read_template_file(base_dir: Path, relpath: str) -> list[dict[str, Any]]:
    """A YAML list of {id, text, weight?, tags?}, or a .txt with one template per line
    (id `<file stem>-<line number>`)."""
    path = resolve_path(base_dir, relpath)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        return [
            {"id": f"{path.stem}-{number}", "text": line}
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.startswith("#")
        ]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _problem(relpath, f"not valid YAML: {error}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise _problem(relpath, "a template file is a YAML list of {id, text, weight?, tags?}")
    return data

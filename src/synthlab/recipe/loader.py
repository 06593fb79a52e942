"""Load a recipe file, apply command-line overrides, validate everything, report precisely.

Validation happens in stages that each collect every problem they find: the common recipe
sections, then the generator's own params (typed by the generator's model), then the
cross-checks that need both (quota conditions the generator can produce, formats that fit
its modality, quotas that fit in `count`). Any problem stops the load before a sample is made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from synthlab.errors import RecipeError, RecipeProblem, UsageError, did_you_mean
from synthlab.exporters.base import available_exporters
from synthlab.exporters.conflicts import format_conflicts
from synthlab.generators.base import GeneratorSpec, available_generators
from synthlab.recipe.keys import accepted_keys
from synthlab.recipe.model import Recipe
from synthlab.recipe.yamlsource import Located, field_name, load_yaml_text, load_yaml_value
from synthlab.recipe.yamlsource import Path as DocPath

__all__ = ["Override", "load_recipe", "load_recipe_text", "parse_set"]


@dataclass(frozen=True)
class Override:
    """`--set path.to.field=value`: a path into the recipe and a YAML-parsed value."""

    path: DocPath
    value: Any
    spelling: str  # as the user typed it, for error messages


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_set(text: str) -> Override:
    """Parse `a.b[0].c=value`; the value is read as a YAML scalar or flow collection."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--set {text!r}: expected path.to.field=value, e.g. --set count=50")
    path: list[str | int] = []
    position = 0
    key = key.strip()
    while position < len(key):
        if key[position] == ".":
            position += 1
        match = _PART.match(key, position)
        if not match:
            raise UsageError(f"--set {text!r}: cannot read the field path {key!r}")
        path.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    try:  # bounded like a recipe: no alias bombs, deep nesting or unbuildable dates here either
        value = load_yaml_value(raw, "--set") if raw.strip() else ""
    except RecipeError as err:
        problem = err.problems[0].message.removeprefix("bad YAML: ")
        raise UsageError(f"--set {text!r}: the value is not valid YAML ({problem})") from None
    return Override(tuple(path), value, f"--set {text}")


def _apply(data: dict[str, Any], override: Override) -> None:
    node: Any = data
    for depth, part in enumerate(override.path[:-1]):
        where = field_name(override.path[: depth + 1])
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise UsageError(f"{override.spelling}: {where} is not in the recipe")
            node = node[part]
            continue
        if not isinstance(node, dict):
            raise UsageError(f"{override.spelling}: cannot set a field inside {where}")
        if part not in node or node[part] is None:
            node[part] = {}
        node = node[part]
    last = override.path[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise UsageError(
                f"{override.spelling}: {field_name(override.path)} is not in the recipe"
            )
        node[last] = override.value
    elif isinstance(node, dict):
        node[last] = override.value
    else:
        raise UsageError(f"{override.spelling}: {field_name(override.path[:-1])} is not a mapping")


class _Reporter:
    """Turns validation errors into located problems (file:line:col, or the --set flag)."""

    def __init__(self, located: Located, overrides: Sequence[Override]):
        self.located = located
        self.overrides = overrides
        self.problems: list[RecipeProblem] = []

    def add(self, path: DocPath, message: str, *, key: bool = False) -> None:
        for override in reversed(self.overrides):
            if path[: len(override.path)] == override.path or override.path[: len(path)] == path:
                self.problems.append(
                    RecipeProblem(override.spelling, None, None, field_name(path), message)
                )
                return
        line, column = self.located.position(path, key=key)
        self.problems.append(
            RecipeProblem(self.located.source, line, column, field_name(path), message)
        )

    def add_validation(
        self, error: ValidationError, prefix: DocPath, data: Any, model: type[BaseModel]
    ) -> None:
        for item in error.errors():
            path = prefix + _data_path(item["loc"], data)
            message = item["msg"]
            kind = item["type"]
            ctx = item.get("ctx") or {}
            if kind == "extra_forbidden":
                key = str(item["loc"][-1])
                accepted = accepted_keys(model, item["loc"][:-1]) or []
                self.add(
                    path,
                    f"unknown key {key!r}{did_you_mean(key, accepted)}; "
                    f"accepted keys: {', '.join(accepted)}",
                    key=True,
                )
                continue
            if kind.startswith("value_error") or kind == "assertion_error":
                message = message.removeprefix("Value error, ")
            elif kind == "bad_value":
                message = ctx.get("message", message)
            elif kind == "missing":
                message = "required field is missing"
            elif kind == "literal_error" and isinstance(item.get("input"), str):
                expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
                message += did_you_mean(item["input"], expected)
            if kind not in ("missing", "bad_value") and "got" not in message:
                message += f" (got {_short(item.get('input'))})"
            self.add(path, message)

    def raise_if_any(self) -> None:
        if self.problems:
            raise RecipeError(self.problems)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _data_path(loc: Sequence[str | int], data: Any) -> DocPath:
    """Keep the parts of a pydantic location that walk the data (drop union branch names)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not path_is_branch(part):
            path.append(part)  # a missing field: still name it
            node = None
    return tuple(path)


def path_is_branch(part: str) -> bool:
    return "[" in part or part in ("function-after", "function-before", "function-plain")


def _validate_generator(
    recipe_data: dict[str, Any], reporter: _Reporter
) -> tuple[GeneratorSpec | None, BaseModel | None]:
    section = recipe_data.get("generator")
    if not isinstance(section, dict) or not isinstance(section.get("kind"), str):
        return None, None
    kind = section["kind"]
    specs = available_generators()
    if kind not in specs:
        reporter.add(
            ("generator", "kind"),
            f"unknown generator {kind!r}{did_you_mean(kind, specs)}; available: {', '.join(specs)}",
        )
        return None, None
    spec = specs[kind]
    raw_params = section.get("params")
    try:
        params = spec.params_model.model_validate({} if raw_params is None else raw_params)
    except ValidationError as error:
        reporter.add_validation(error, ("generator", "params"), raw_params or {}, spec.params_model)
        return spec, None
    return spec, params


def _cross_check(
    recipe: Recipe, spec: GeneratorSpec, params: BaseModel | None, reporter: _Reporter
) -> None:
    # quota names can only be checked against params that validated
    conditions = list(spec.quota_conditions(params)) if params is not None else []
    for key in recipe.quotas if params is not None else ():
        if key not in conditions:
            accepted = (
                ", ".join(conditions) if conditions else "none (this recipe defines no conditions)"
            )
            reporter.add(
                ("quotas", key),
                f"unknown quota condition {key!r}{did_you_mean(key, conditions)}; "
                f"conditions this recipe can produce: {accepted}",
                key=True,
            )
    counts = recipe.quota_counts()
    total = sum(counts.values())
    if total > recipe.count:
        detail = ", ".join(f"{k}={v}" for k, v in counts.items())
        reporter.add(
            ("quotas",),
            f"quotas ask for {total} samples ({detail}) but count is {recipe.count}",
        )
    exporters = available_exporters()
    for i, name in enumerate(recipe.output.formats or ()):
        if name not in exporters:
            reporter.add(
                ("output", "formats", i),
                f"unknown format {name!r}{did_you_mean(name, exporters)}; "
                f"available: {', '.join(exporters)}",
            )
        elif spec.modality not in exporters[name].modalities:
            fitting = [n for n, e in exporters.items() if spec.modality in e.modalities]
            reporter.add(
                ("output", "formats", i),
                f"format {name!r} does not take {spec.modality} samples; "
                f"formats for {spec.kind!r}: {', '.join(fitting)}",
            )
    for position, message in format_conflicts(recipe.output.formats or (), exporters):
        reporter.add(("output", "formats", position), message)


def _check_files(
    spec: GeneratorSpec, params: BaseModel, base_dir: Path, reporter: _Reporter
) -> None:
    """The files the params name, read the way a run would (resolved and contained by
    synthlab.recipe.files), so a bad one stops `check` as it would stop `render`."""
    for where, message in spec.check_files(params, base_dir):
        reporter.add(("generator", "params", *where), message)


def load_recipe_text(
    text: str,
    source: str = "<recipe>",
    *,
    base_dir: Path | None = None,
    seed: int | None = None,
    count: int | None = None,
    sets: Sequence[str | Override] = (),
) -> Recipe:
    """Validate recipe text with overrides; raise RecipeError listing every problem."""
    located = load_yaml_text(text, source)
    if not isinstance(located.data, dict):
        raise RecipeError(
            [RecipeProblem(source, 1, 1, "", "a recipe is a mapping of keys (version, name, ...)")]
        )
    overrides = [parse_set(s) if isinstance(s, str) else s for s in sets]
    if seed is not None:
        overrides.append(Override(("seed",), seed, f"--seed {seed}"))
    if count is not None:
        overrides.append(Override(("count",), count, f"--count {count}"))
    data: dict[str, Any] = located.data
    for override in overrides:
        _apply(data, override)

    reporter = _Reporter(located, overrides)
    spec, params = _validate_generator(data, reporter)
    recipe: Recipe | None = None
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as error:
        reporter.add_validation(error, (), data, Recipe)
    if recipe is not None and spec is not None:
        if params is not None:
            recipe = recipe.model_copy(
                update={"generator": recipe.generator.model_copy(update={"params": params})}
            )
        _cross_check(recipe, spec, params, reporter)
    if spec is not None and params is not None:
        _check_files(spec, params, base_dir or Path.cwd(), reporter)
    reporter.raise_if_any()
    assert recipe is not None
    recipe._base_dir = base_dir or Path.cwd()
    return recipe


def load_recipe(
    path: str | Path,
    *,
    seed: int | None = None,
    count: int | None = None,
    sets: Sequence[str | Override] = (),
) -> Recipe:
    """Load and validate a recipe file (see `load_recipe_text` for the overrides)."""
    file = Path(path)
    if not file.is_file():
        hint = " (it is a directory)" if file.is_dir() else ""
        raise UsageError(f"recipe file not found: {file}{hint}")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(f"{file}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    return load_recipe_text(
        text, str(path), base_dir=file.resolve().parent, seed=seed, count=count, sets=sets
    )


def recipe_sources(recipe: Recipe) -> Mapping[str, Any]:
    return {"base_dir": str(recipe.base_dir)}

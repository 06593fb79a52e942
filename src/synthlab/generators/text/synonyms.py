"""Synonym sets: named lists of interchangeable wordings, referenced from templates.

A recipe declares them inline (`synonyms: {greeting: [hi, hello, good morning]}`) or in
YAML files (`synonym_files: [asset:text/synonyms/support.yaml]`, a mapping of name to
list), and a template picks one with `[[@greeting]]` (or `[[?@greeting]]`: nothing, or
one of them). A wording may itself hold alternatives, optional parts and other sets
(`"[[could|can|would]] you [[?please ]]"`), but no placeholder and no labelled group:
sets change the words around entities, never the entities, so spans stay exact.

A reference is expanded when the template is parsed, into the same group node that
`[[hi|hello|good morning]]` would give: the general builder and the compiled fast path
see one tree and draw the same uniforms (two per group), so both make the same samples.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from synthlab.generators.text.templates import (
    _NAME,
    Group,
    Sequence,
    TemplateError,
    parse_fragment,
)

__all__ = ["SynonymSets", "check_synonym_sets", "load_synonym_sets", "read_synonym_file"]

_EMPTY = (Sequence(()),)


class SynonymSets:
    """The recipe's sets by name, each parsed (once) into the options of a group.

    `open`: some sets live in files not read yet (a params model checked before the recipe's
    folder is known); an unknown name then stands for one empty wording, and the full check
    happens when the files are read (`synthlab check` and `render` both read them)."""

    def __init__(self, sets: Mapping[str, tuple[str, ...]], open: bool = False):
        self.sets = dict(sets)
        self.open = open
        self._parsed: dict[str, tuple[Sequence, ...]] = {}
        self._parsing: list[str] = []

    def group(self, name: str, optional: bool, template_id: str, text: str, position: int) -> Group:
        """The group node a reference `[[@name]]` at `position` of a template expands to."""
        return Group(self.options(name, template_id, text, position), optional, None, position)

    def options(
        self, name: str, template_id: str, text: str, position: int
    ) -> tuple[Sequence, ...]:
        found = self._parsed.get(name)
        if found is not None:
            return found
        wordings = self.sets.get(name)
        if wordings is None:
            if self.open:
                return _EMPTY
            from synthlab.errors import did_you_mean

            known = ", ".join(sorted(self.sets)) or "none declared"
            raise TemplateError(
                template_id,
                text,
                position,
                f"unknown synonym set {name!r}{did_you_mean(name, self.sets)}; sets: {known} "
                "(declare it under synonyms: or in a synonym_files file)",
            )
        if name in self._parsing:
            cycle = " -> ".join([*self._parsing[self._parsing.index(name) :], name])
            raise TemplateError(
                template_id, text, position, f"synonym sets refer in a circle: {cycle}"
            )
        self._parsing.append(name)
        try:
            parsed = tuple(
                parse_fragment(f"synonyms {name}[{number}]", wording, self)
                for number, wording in enumerate(wordings)
            )
        finally:
            self._parsing.pop()
        self._parsed[name] = parsed
        return parsed


def check_synonym_sets(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    """`raw` as sets of wordings, or ValueError naming `where` and the set at fault."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where} must be a mapping of set name to a list of wordings")
    sets: dict[str, tuple[str, ...]] = {}
    for name, wordings in raw.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"{where}: set name {name!r} must be letters, digits and '_'")
        if (
            not isinstance(wordings, (list, tuple))
            or not wordings
            or not all(isinstance(w, str) for w in wordings)
        ):
            raise ValueError(f"{where}: set {name!r} must be a non-empty list of strings")
        sets[name] = tuple(wordings)
    trial = SynonymSets(sets, open=True)  # each wording parses (unknown names: in files)
    for name in sets:
        try:
            trial.options(name, f"synonyms {name}", "", 0)
        except TemplateError as error:
            raise ValueError(f"{where}: {error}") from None
    return sets


def read_synonym_file(base_dir: Path, relpath: str) -> dict[str, tuple[str, ...]]:
    """A YAML mapping of set name to wordings (recipe-relative or `asset:`); RecipeFileError
    naming the file when it cannot be read or is not such a mapping."""
    from synthlab.errors import RecipeError
    from synthlab.recipe.files import RecipeFileError, read_recipe_text
    from synthlab.recipe.yamlsource import load_yaml_value

    text = read_recipe_text(base_dir, relpath, what="synonym file")
    try:
        data = load_yaml_value(text, f"synonym file {relpath}")
    except RecipeError as error:
        problems = "; ".join(problem.show() for problem in error.problems)
        raise RecipeFileError(f"synonym file {relpath!r} is not valid YAML: {problems}") from None
    try:
        return check_synonym_sets(data, f"synonym file {relpath!r}")
    except ValueError as error:
        raise RecipeFileError(str(error)) from None


def load_synonym_sets(params: Any, base_dir: Path) -> SynonymSets:
    """Every set of the recipe: its files' (in order) and its inline ones; a name declared
    twice is refused (RecipeFileError) rather than one silently winning."""
    from synthlab.recipe.files import RecipeFileError

    sets: dict[str, tuple[str, ...]] = {}
    origin: dict[str, str] = {}
    sources = [(relpath, read_synonym_file(base_dir, relpath)) for relpath in params.synonym_files]
    sources.append(("synonyms:", dict(params.synonyms)))
    for where, found in sources:
        for name, wordings in found.items():
            if name in sets:
                raise RecipeFileError(
                    f"synonym set {name!r} is declared in {origin[name]} and in {where}"
                )
            sets[name] = wordings
            origin[name] = where
    return SynonymSets(sets)

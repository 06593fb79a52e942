"""A compiled template's walk written as a Python function, once per template.

`TemplateRunner.run` interprets a template's steps for every sample: a loop over the steps,
a branch per kind, a method call per uniform, and afterwards a look-up of the shape by the
options taken and a loop over the slots for token boundaries. For a template whose values
all come from tables (pooled Faker values, word lists, the people pool) everything but the
uniforms is known in advance: which uniform each draw reads, the shape at the end of each
way through the groups, and which boundaries must be checked. `walk_function` writes that
out as straight-line code with one branch per group option, the same uniforms read in the
same order (so the same samples; the compiled-template property test runs through it).

Safety, as for the JSONL lines (`synthlab.exporters.text.shape_lines`): the source holds
only names, integers and Python syntax; tables, shapes and other objects are passed in by
name, so nothing from a recipe is ever written into code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synthlab.generators.text.steps import GROUP, LITERAL, PERSON, SLOT, TABLE, Steps
from synthlab.generators.text.stream import WIDTH

__all__ = ["MAX_WAYS", "Walk", "walk_function"]

# (row of uniforms, locale) -> (shape, fills, whether a token may cross a piece boundary)
Walk = Callable[[list[float], str], tuple[Any, tuple[Any, ...], bool]]
# Each way through a template's groups is written out in full: templates with more ways
# than this keep the interpreted walk (the code would grow with the number of ways).
MAX_WAYS = 64
_FIRST = 2  # a sample's first two uniforms chose its template and locale


class _Writer:
    """Lines of code, and the objects they read by name."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, object] = {}
        self._ids: dict[int, str] = {}

    def name(self, value: object) -> str:
        found = self._ids.get(id(value))
        if found is None:
            found = self._ids[id(value)] = f"n{len(self.names)}"
            self.names[found] = value
        return found

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def count_ways(steps: Steps) -> int | None:
    """How many ways lead through `steps` (None: a step a written walk cannot take)."""
    ways = 1
    for kind, a, b in steps:
        if kind is GROUP:
            options = 0
            for option in a:
                found = count_ways(option)
                if found is None:
                    return None
                options += found
            ways *= options + (1 if b else 0)
        elif kind is SLOT:
            return None  # a live draw reads a number of uniforms known only when it runs
    return ways


def walk_function(
    prepared: Any, optional_probability: float, entries: Any, entry: Any
) -> Walk | None:
    """The walk of `prepared` (a `PreparedTemplate`) as a function, or None when its steps
    hold a live draw, it has more than `MAX_WAYS` ways, or it reads more uniforms than a
    sample's row holds (`WIDTH`). `entries(table, locale)` and
    `entry(table, locale, position)` are the runner's (a table's list for a locale; an
    entry's fill, made on first draw)."""
    ways = count_ways(prepared.steps)
    if ways is None or ways > MAX_WAYS:
        return None
    writer = _Writer()
    writer.line(0, "def walk(row, locale):")
    tables: dict[int, str] = {}  # id(table) -> the local name of its list for the locale
    _collect_tables(prepared.steps, tables, writer)
    state = _Way(prepared, optional_probability, writer, tables)
    if not state.write(list(prepared.steps), _FIRST, [], [], None, 1):
        return None
    namespace: dict[str, object] = {
        "__builtins__": {},
        "int": int,
        "IndexError": IndexError,
        "entries": entries,
        "entry": entry,
        **writer.names,
    }
    exec("\n".join(writer.lines), namespace)  # names and syntax only: see the module's note
    return namespace["walk"]  # type: ignore[return-value]


def _collect_tables(steps: Steps, tables: dict[int, str], writer: _Writer) -> None:
    """At the top of the walk: each table's list for the sample's locale, once."""
    for kind, a, _ in steps:
        if kind is GROUP:
            for option in a:
                _collect_tables(option, tables, writer)
        elif (kind is TABLE or kind is PERSON) and id(a) not in tables:
            local = tables[id(a)] = f"t{len(tables)}"
            table = writer.name(a)
            writer.line(1, f"{local} = {table}.of_locale.get(locale) or entries({table}, locale)")


class _Way:
    """Writes the code of every way through a template, one branch per group option."""

    def __init__(
        self,
        prepared: Any,
        optional_probability: float,
        writer: _Writer,
        tables: dict[int, str],
    ):
        self.prepared = prepared
        self.optional_probability = optional_probability
        self.writer = writer
        self.tables = tables

    def write(
        self,
        steps: list[Any],
        position: int,
        fills: list[tuple[str, bool]],
        path: list[int],
        person: str | None,
        depth: int,
    ) -> bool:
        """Code for `steps` (this way's steps still to take) from uniform `position` on,
        with `fills` (local name, may be None) and `path` so far, the sample's person
        position `person` once drawn. False when a way reads past the row."""
        writer = self.writer
        for number, (kind, a, b) in enumerate(steps):
            if kind is LITERAL:
                continue
            if kind is GROUP:
                return self._group(a, b, steps[number + 1 :], position, fills, path, person, depth)
            # a table or the people pool: one entry
            table, local = writer.name(a), self.tables[id(a)]
            if kind is PERSON and person is not None:
                at = person  # one person per sample: the first of its fields drawn picks them
            else:
                if position >= WIDTH:
                    return False
                at = f"p{position}"
                writer.line(depth, f"{at} = int(row[{position}] * {a.size})")
                position += 1
                if kind is PERSON:
                    person = at
            fill = f"f{len(fills)}"
            writer.line(depth, f"{fill} = {local}[{at}] or entry({table}, locale, {at})")
            fills.append((fill, b is None))  # an unlabelled value may come out empty: None
        self._end(fills, tuple(path), depth)
        return True

    def _group(
        self,
        options: Any,
        optional: bool,
        rest: list[Any],
        position: int,
        fills: list[tuple[str, bool]],
        path: list[int],
        person: str | None,
        depth: int,
    ) -> bool:
        """Both uniforms of a group are read whatever it does (as in the interpreted walk)."""
        if position + 1 >= WIDTH:
            return False
        writer = self.writer
        inner = depth
        if optional:
            probability = writer.name(self.optional_probability)
            writer.line(depth, f"if not row[{position}] < {probability}:")
            if not self.write(rest, position + 2, list(fills), [*path, -1], person, depth + 1):
                return False
            writer.line(depth, "else:")
            inner = depth + 1
        choice = f"c{position}"
        writer.line(inner, f"{choice} = int(row[{position + 1}] * {len(options)})")
        for number, option in enumerate(options):
            writer.line(inner, f"{'if' if number == 0 else 'elif'} {choice} == {number}:")
            taken = [*option, *rest]
            if not self.write(taken, position + 2, list(fills), [*path, number], person, inner + 1):
                return False
        writer.line(inner, "else:")  # u * n rounded up to n: the interpreted walk fails too
        writer.line(inner + 1, f"raise IndexError({choice})")
        return True

    def _end(self, fills: list[tuple[str, bool]], path: tuple[int, ...], depth: int) -> None:
        """Return the way's shape, its fills, and whether a token may cross a boundary."""
        shape = self.prepared.shapes.get(path) or self.prepared.shape(path)
        names = [name for name, _ in fills]
        crossing: list[str] = []
        if shape.crossing:
            crossing = ["True"]
        else:
            for number, ((before, into), (fill, may_be_empty)) in enumerate(
                zip(shape.edges, fills, strict=True)
            ):
                if may_be_empty:
                    crossing.append(f"{fill} is None")
                if before < 0:  # right after another slot's fill
                    crossing.append(f"{fill}.crosses_after[{names[number - 1]}.tail]")
                elif before:  # a literal's tail class (0, whitespace, never joins)
                    crossing.append(f"{fill}.crosses_after[{before}]")
                if into is not None and any(into):
                    crossing.append(f"{self.writer.name(into)}[{fill}.tail]")
        fills_tuple = f"({', '.join(names)},)" if names else "()"
        self.writer.line(
            depth,
            f"return {self.writer.name(shape)}, {fills_tuple}, {' or '.join(crossing) or 'False'}",
        )

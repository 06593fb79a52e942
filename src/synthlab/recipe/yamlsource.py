"""Safe YAML loading that remembers where every value came from (line and column).

PyYAML's SafeLoader builds plain values only: a `!!python/object` tag is refused instead of
run. We compose the node tree ourselves so that each path in the document maps to the
position of its value, which is what lets validation errors point at `recipe.yaml:12:7`.

Recipes are data from anywhere, so loading is bounded before anything is built: nesting
deeper than `MAX_DEPTH` (written, or reached through aliases and merges), an alias that
contains itself, and aliases or merges that would expand to more than `MAX_ALIAS_VALUES`
values (a "billion laughs" document) are refused with the anchor's line, in time linear
in the size of the text.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml

from synthlab.errors import RecipeError, RecipeProblem

__all__ = [
    "MAX_ALIAS_VALUES",
    "MAX_DEPTH",
    "Located",
    "Path",
    "field_name",
    "load_yaml_text",
    "load_yaml_value",
]

Path = tuple[str | int, ...]

# Real recipes nest a dozen levels at most (a distribution inside a list inside params); 64
# leaves room and keeps every recursive step after loading (validation, JSON) far from
# Python's recursion limit.
MAX_DEPTH = 64
# Values that aliases and merges may add beyond those written out. Reusing a distribution or a
# list of objects a few times stays far below; building 10,000 values takes ~0.1 s, while a
# 0.7 KB document with six levels of nine aliases each would add 531,441 (and 9 levels 387 M).
MAX_ALIAS_VALUES = 10_000


@dataclass
class Located:
    """A loaded document and where each of its values and keys sits in the source."""

    data: Any
    source: str
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of the longest prefix of `path` that exists in the document."""
        table = self.key_positions if key else self.positions
        for cut in range(len(path), -1, -1):
            if path[:cut] in table:
                return table[path[:cut]]
            if key and path[:cut] in self.positions:
                return self.positions[path[:cut]]
        return (None, None)


def field_name(path: Path) -> str:
    """('generator', 'params', 'channels', 0, 'rate') -> 'generator.params.channels[0].rate'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _tag_message(tag: str) -> str:
    return (
        f"YAML tag not allowed ({tag}): recipes are data, so only plain YAML values "
        "(mappings, lists, strings, numbers, booleans, null) are accepted"
    )


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Refused(Exception):
    """A bound was hit while composing or measuring; becomes a RecipeError with this place."""

    def __init__(self, mark: yaml.Mark, message: str, path: Path = ()):
        super().__init__(message)
        self.line, self.column = mark.line + 1, mark.column + 1
        self.message = message
        self.path = path


class _Loader(yaml.SafeLoader):
    """SafeLoader that stops composing past MAX_DEPTH (PyYAML's composer recurses once per
    level, so a deep enough document would end in RecursionError) and remembers anchor names."""

    def __init__(self, text: str):
        self.depth = 0
        self.anchor_names: dict[int, str] = {}
        super().__init__(text)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    event.start_mark, f"nested more than {MAX_DEPTH} levels deep (the limit)"
                )
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if event.anchor is not None:
            self.anchor_names[id(node)] = event.anchor
        return node


class _Measure:
    """One pass over the composed node graph, each node once: refuses cycles, depth reached
    through aliases, and alias expansion beyond the budget; resolves `<<` merges (safely,
    since cycles are refused first) and records how many of each mapping's pairs were merged
    in, so that explicit keys may override merged ones without counting as duplicates."""

    def __init__(self, loader: _Loader):
        self.loader = loader
        self.size: dict[int, int] = {}  # values the node expands to, itself included
        self.height: dict[int, int] = {}  # levels the node expands to, itself included
        self.merged: dict[int, int] = {}  # leading pairs of a mapping that came from merges
        self.written = 0  # distinct nodes
        self.open: set[int] = set()
        self.first_path: dict[int, Path] = {}  # where the node is written (its anchor)
        self.shared: dict[int, yaml.Node] = {}  # nodes reached again through an alias

    def visit(self, node: yaml.Node, path: Path, depth: int) -> int:
        key = id(node)
        if key in self.open:
            raise _Refused(
                node.start_mark,
                f"alias {self._anchor(node)} is used inside its own value (a recursive alias)",
                path,
            )
        if key in self.size:
            self.shared[key] = node
            self._within_depth(node, path, depth + self.height[key] - 1)
            return self.size[key]
        self._within_depth(node, path, depth)
        self.open.add(key)
        self.first_path[key] = path
        self.written += 1
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                total += self.visit(item, (*path, i), depth + 1)
        elif isinstance(node, yaml.MappingNode):
            total += self._mapping(node, path, depth)
        self.open.discard(key)
        self.size[key] = total
        self.height[key] = 1 + max((self.height[id(child)] for child in _children(node)), default=0)
        if total - self.written > MAX_ALIAS_VALUES:
            self._too_many(total)
        return total

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> int:
        own = 0
        incoming = 0
        for key_node, value_node in node.value:
            child = (*path, str(getattr(key_node, "value", "?")))
            if key_node.tag == _MERGE_TAG:
                # merged pairs land at this level, so the merged mappings stay at this depth
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else []
                for source in [value_node, *sources]:
                    if isinstance(source, (yaml.MappingNode, yaml.SequenceNode)):
                        self.visit(source, child, depth + 1)
                    if isinstance(source, yaml.MappingNode):
                        incoming += len(source.value)
            else:
                own += 1
        if incoming > MAX_ALIAS_VALUES:
            raise _Refused(
                node.start_mark,
                f"merges (<<) would bring {incoming:,} keys into one mapping "
                f"(at most {MAX_ALIAS_VALUES:,} values may come from aliases and merges)",
                path,
            )
        self.loader.flatten_mapping(node)
        self.merged[id(node)] = len(node.value) - own
        total = 0
        for key_node, value_node in node.value:
            child = (*path, str(getattr(key_node, "value", "?")))
            total += self.visit(key_node, child, depth + 1)
            total += self.visit(value_node, child, depth + 1)
        return total

    def _within_depth(self, node: yaml.Node, path: Path, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _Refused(
                node.start_mark,
                f"nested more than {MAX_DEPTH} levels deep through aliases (the limit)",
                path,
            )

    def _anchor(self, node: yaml.Node) -> str:
        name = self.loader.anchor_names.get(id(node))
        return f"&{name}" if name else "here"

    def _too_many(self, total: int) -> None:
        # blame the shared node that adds the most values: the top of the bomb
        node = max(self.shared.values(), key=lambda shared: self.size[id(shared)])
        raise _Refused(
            node.start_mark,
            f"aliases of {self._anchor(node)} expand the recipe to at least {total:,} values "
            f"(at most {MAX_ALIAS_VALUES:,} may come from aliases and merges): write the "
            "values out, or reuse fewer",
            self.first_path[id(node)],
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [value for _, value in node.value]
    return []


class _Walker:
    def __init__(self, loader: _Loader, located: Located, merged: dict[int, int]):
        self.loader = loader
        self.located = located
        self.merged = merged
        self.problems: list[RecipeProblem] = []

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.located.positions[path] = _mark(node)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            line, col = _mark(node)
            raise _yaml_problem(
                self.located.source, line, col, field_name(path), _tag_message(node.tag)
            )
        if isinstance(node, yaml.MappingNode):
            merged = self.merged.get(id(node), 0)
            result: dict[Any, Any] = {}
            explicit: set[Any] = set()
            for index, (key_node, value_node) in enumerate(node.value):
                key = self.build_key(key_node, path)
                if index >= merged:  # a merged key may be overridden; a written one may not
                    if key in explicit:
                        line, col = _mark(key_node)
                        self.problems.append(
                            RecipeProblem(
                                self.located.source,
                                line,
                                col,
                                field_name((*path, str(key))),
                                f"duplicate key {key!r} (each key may appear once)",
                            )
                        )
                    explicit.add(key)
                child = (*path, key if isinstance(key, (str, int)) else str(key))
                self.located.key_positions[child] = _mark(key_node)
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: yaml.Node, path: Path) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as error:
            # PyYAML turns `2024-13-01` into a date and 5,000 digits into an int, and lets the
            # ValueError of either escape
            line, col = _mark(node)
            raise _yaml_problem(
                self.located.source,
                line,
                col,
                field_name(path),
                f"cannot read {_short(node.value)} ({error})",
            ) from None

    def build_key(self, node: yaml.Node, path: Path) -> Hashable:
        if not isinstance(node, yaml.ScalarNode):
            line, col = _mark(node)
            raise _yaml_problem(
                self.located.source, line, col, field_name(path), "keys must be plain"
            )
        key = self.scalar(node, path)
        return key if isinstance(key, (str, int)) else str(key)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _yaml_problem(source: str, line: int, col: int, where: str, message: str) -> RecipeError:
    return RecipeError([RecipeProblem(source, line, col, where, message)])


def _reader_problem(error: yaml.reader.ReaderError, text: str, source: str) -> RecipeError:
    """A character YAML does not accept (NUL, other control characters), at its line."""
    before = text[: error.position]
    line = before.count("\n") + 1
    column = error.position - (before.rfind("\n") + 1) + 1
    character = error.character
    code = f"U+{character:04X}" if isinstance(character, int) else repr(character)
    name = " (NUL)" if character == 0 else ""
    return _yaml_problem(
        source,
        line,
        column,
        "",
        f"character {code}{name} is not allowed in a recipe: recipes are YAML text, "
        "without control characters",
    )


def load_yaml_value(text: str, source: str) -> Any:
    """One YAML value given on a command line (`--set x=VALUE`), within the same bounds as a
    recipe; text without a value (blank, a comment) is null."""
    return _load(text, source, empty_ok=True).data


def load_yaml_text(text: str, source: str) -> Located:
    """Parse one YAML document safely; raise RecipeError pointing at the first YAML problem."""
    return _load(text, source, empty_ok=False)


def _load(text: str, source: str, *, empty_ok: bool) -> Located:
    located = Located(data=None, source=source)
    try:
        loader = _Loader(text)  # checks every character first: a NUL byte fails here
    except yaml.reader.ReaderError as error:
        raise _reader_problem(error, text, source) from None
    try:
        node = loader.get_single_node()
        if node is None and empty_ok:
            return located
        if node is None:
            raise _yaml_problem(source, 1, 1, "", "the recipe is empty")
        measure = _Measure(loader)
        measure.visit(node, (), 1)
        walker = _Walker(loader, located, measure.merged)
        located.data = walker.build(node, ())
    except _Refused as refused:
        raise _yaml_problem(
            source, refused.line, refused.column, field_name(refused.path), refused.message
        ) from None
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark
        problem = getattr(err, "problem", "") or ""
        if "tag" in problem:
            message = _tag_message(problem.split("tag", 1)[-1].strip(" '"))
        else:  # e.g. `<<: 5`: merges take a mapping or a list of mappings
            message = f"bad YAML: {problem}"
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise RecipeError([RecipeProblem(source, line, col, "", message)]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err)
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise RecipeError([RecipeProblem(source, line, col, "", f"bad YAML: {problem}")]) from None
    finally:
        loader.dispose()
    if walker.problems:
        raise RecipeError(walker.problems)
    return located

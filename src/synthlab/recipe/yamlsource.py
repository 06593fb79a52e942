"""Safe YAML loading that remembers where every value came from (line and column).

PyYAML's SafeLoader builds plain values only: a `!!python/object` tag is refused instead of
run. We compose the node tree ourselves so that each path in the document maps to the
position of its value, which is what lets validation errors point at `recipe.yaml:12:7`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml

from synthlab.errors import RecipeError, RecipeProblem

__all__ = ["Located", "Path", "field_name", "load_yaml_text"]

Path = tuple[str | int, ...]


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


def _tag_message(tag: str) -> str:
    return (
        f"YAML tag not allowed ({tag}): recipes are data, so only plain YAML values "
        "(mappings, lists, strings, numbers, booleans, null) are accepted"
    )


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, located: Located):
        self.loader = loader
        self.located = located
        self.problems: list[RecipeProblem] = []

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.located.positions[path] = _mark(node)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            line, col = _mark(node)
            raise _yaml_problem(
                self.located.source, line, col, field_name(path), _tag_message(node.tag)
            )
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merges
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build_key(key_node, path)
                if key in result:
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
                child = (*path, key if isinstance(key, (str, int)) else str(key))
                self.located.key_positions[child] = _mark(key_node)
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def build_key(self, node: yaml.Node, path: Path) -> Hashable:
        if not isinstance(node, yaml.ScalarNode):
            line, col = _mark(node)
            raise _yaml_problem(
                self.located.source, line, col, field_name(path), "keys must be plain"
            )
        key = self.loader.construct_object(node)
        return key if isinstance(key, (str, int)) else str(key)


def _yaml_problem(source: str, line: int, col: int, where: str, message: str) -> RecipeError:
    return RecipeError([RecipeProblem(source, line, col, where, message)])


def load_yaml_text(text: str, source: str) -> Located:
    """Parse one YAML document safely; raise RecipeError pointing at the first YAML problem."""
    located = Located(data=None, source=source)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _yaml_problem(source, 1, 1, "", "the recipe is empty")
        walker = _Walker(loader, located)
        located.data = walker.build(node, ())
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark
        problem = getattr(err, "problem", "") or ""
        tag = problem.split("tag", 1)[-1].strip(" '") if "tag" in problem else problem
        message = _tag_message(tag)
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

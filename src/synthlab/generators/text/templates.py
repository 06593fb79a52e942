"""Templates as data: a tiny grammar parsed into a tree, never evaluated as code.

Syntax (everything else is literal text)::

    {{name}}              insert value `name`, unlabelled
    {{name:LABEL}}        insert value `name` as an entity labelled LABEL
    [[a|b|c]]             one of the alternatives (each may hold placeholders and groups)
    [[?a|b]]              optional: nothing, or one of the alternatives
    [[#LABEL: a|b]]       a labelled group: its whole output is an entity LABEL that
                          contains the entities inside it (nested; needs `nested_entities`)
    [[@name]]             one wording of the synonym set `name` ([[?@name]]: or nothing);
                          expanded into a group when parsed (see `synonyms`)
    \\{ \\} \\[ \\] \\| \\\\      a literal special character

Each node knows which labels it may produce (`may`) so that quota constraints (a label that
must or must not appear) can steer the choices without trial and error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

__all__ = [
    "Group",
    "Literal",
    "Node",
    "Sequence",
    "Slot",
    "TemplateError",
    "can_make",
    "parse_fragment",
    "parse_template",
]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LABEL = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_ESCAPABLE = "{}[]|\\"
# `[[@name]]`, `[[?@name]]`: a synonym set (anything else after `@` stays literal text)
_REFERENCE = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)\]\]")


class TemplateError(ValueError):
    """A malformed template: names the template, the position and the problem."""

    def __init__(self, template_id: str, text: str, position: int, problem: str):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        excerpt = text[max(0, position - 15) : position + 15].replace("\n", "\\n")
        super().__init__(
            f"template {template_id!r}, line {line} column {column}: {problem} (near {excerpt!r})"
        )
        self.template_id = template_id
        self.position = position
        self.problem = problem


@dataclass(frozen=True)
class Literal:
    text: str
    may: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Slot:
    name: str
    label: str | None
    position: int
    may: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Sequence:
    parts: tuple[Node, ...]
    may: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Group:
    options: tuple[Sequence, ...]
    optional: bool = False
    label: str | None = None  # a labelled (nesting) group
    position: int = 0
    may: frozenset[str] = frozenset()


Node = Literal | Slot | Sequence | Group


@dataclass
class _Parser:
    template_id: str
    text: str
    pos: int = 0
    slots: list[Slot] = field(default_factory=list)
    synonyms: Any = None  # a `synonyms.SynonymSets` for [[@name]] references
    wording: bool = False  # a synonym's wording: no placeholders, no labelled groups

    def fail(self, problem: str, position: int | None = None) -> TemplateError:
        return TemplateError(
            self.template_id, self.text, self.pos if position is None else position, problem
        )

    def parse(self) -> Sequence:
        sequence, stop = self.sequence(in_group=False)
        assert stop is None
        return sequence

    def sequence(self, in_group: bool) -> tuple[Sequence, str | None]:
        """Parse until the end, or inside a group until `|` or `]]` (returned as `stop`)."""
        parts: list[Node] = []
        buffer: list[str] = []
        text = self.text

        def flush() -> None:
            if buffer:
                parts.append(Literal("".join(buffer)))
                buffer.clear()

        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] in _ESCAPABLE:
                buffer.append(text[self.pos + 1])
                self.pos += 2
            elif text.startswith("{{", self.pos):
                flush()
                parts.append(self.slot())
            elif text.startswith("[[", self.pos):
                flush()
                parts.append(self.group())
            elif in_group and char == "|":
                self.pos += 1
                flush()
                return _sequence(parts), "|"
            elif in_group and text.startswith("]]", self.pos):
                self.pos += 2
                flush()
                return _sequence(parts), "]]"
            elif text.startswith("}}", self.pos):
                raise self.fail("'}}' without an opening '{{' (write \\}\\} for literal braces)")
            else:
                buffer.append(char)
                self.pos += 1
        flush()
        if in_group:
            raise self.fail("group '[[' is never closed with ']]'")
        return _sequence(parts), None

    def slot(self) -> Slot:
        start = self.pos
        if self.wording:
            raise self.fail(
                "a synonym's wording holds no placeholders (entities stay in templates)"
            )
        end = self.text.find("}}", start + 2)
        if end < 0:
            raise self.fail("placeholder '{{' is never closed with '}}'")
        inner = self.text[start + 2 : end]
        name, _, label = (part.strip() for part in inner.partition(":"))
        if not _NAME.fullmatch(name):
            raise self.fail(
                f"placeholder name {name!r} must be letters, digits and '_' "
                "(templates hold value names, not expressions)",
                start,
            )
        if ":" in inner and not _LABEL.fullmatch(label):
            raise self.fail(f"entity label {label!r} must be letters, digits, '_', '.', '-'", start)
        self.pos = end + 2
        slot = Slot(name, label or None, start, frozenset({label}) if label else frozenset())
        self.slots.append(slot)
        return slot

    def group(self) -> Group:
        start = self.pos
        self.pos += 2
        optional = False
        label = None
        if self.text.startswith("?", self.pos):
            optional = True
            self.pos += 1
        reference = _REFERENCE.match(self.text, self.pos)
        if reference:
            return self.synonym_group(start, optional, reference)
        if not optional and self.text.startswith("#", self.pos):
            if self.wording:
                raise self.fail("a synonym's wording holds no labelled groups", start)
            colon = self.text.find(":", self.pos)
            label = self.text[self.pos + 1 : colon].strip() if colon >= 0 else ""
            if colon < 0 or not _LABEL.fullmatch(label):
                raise self.fail("a labelled group is written [[#LABEL: text]]", start)
            self.pos = colon + 1
        options: list[Sequence] = []
        while True:
            option, stop = self.sequence(in_group=True)
            options.append(option)
            if stop == "]]":
                break
        if len(options) == 1 and not optional and label is None:
            raise self.fail("a group needs alternatives a|b, '?' (optional) or '#LABEL:'", start)
        may = frozenset().union(*(o.may for o in options))
        if label:
            may |= {label}
        return Group(tuple(options), optional, label, start, may)

    def synonym_group(self, start: int, optional: bool, reference: re.Match[str]) -> Group:
        """`[[@name]]` (or `[[?@name]]`): a group of the set's wordings."""
        name = reference.group(1)
        if self.synonyms is None:
            raise self.fail(
                f"unknown synonym set {name!r}: this recipe declares no synonyms", start
            )
        self.pos = reference.end()
        group: Group = self.synonyms.group(name, optional, self.template_id, self.text, start)
        return group


def _sequence(parts: list[Node]) -> Sequence:
    return Sequence(tuple(parts), frozenset().union(*(p.may for p in parts)))


def parse_template(
    template_id: str, text: str, synonyms: Any = None
) -> tuple[Sequence, tuple[Slot, ...]]:
    """The template's tree and its placeholders in order of appearance; `synonyms` (a
    `synonyms.SynonymSets`) expands [[@name]] references."""
    parser = _Parser(template_id, text, synonyms=synonyms)
    tree = parser.parse()
    return tree, tuple(parser.slots)


def parse_fragment(fragment_id: str, text: str, synonyms: Any) -> Sequence:
    """One wording of a synonym set: literal text, groups and references to other sets."""
    return _Parser(fragment_id, text, synonyms=synonyms, wording=True).parse()


def has_nesting(node: Node) -> bool:
    """True when a labelled group holds another entity (nested entities)."""
    if isinstance(node, Sequence):
        return any(has_nesting(p) for p in node.parts)
    if isinstance(node, Group):
        if node.label and any(o.may for o in node.options):
            return True
        return any(has_nesting(o) for o in node.options)
    return False


def can_make(node: Node, need: frozenset[str], avoid: frozenset[str]) -> bool:
    """Whether some choices make `node` produce every label in `need` and none in `avoid`."""
    if not need and not (avoid & node.may):
        return True
    if isinstance(node, Literal):
        return not need
    if isinstance(node, Slot):
        return node.label not in avoid and need <= node.may
    if isinstance(node, Group):
        if node.label in avoid:
            return node.optional and not need
        inner_need = need - {node.label} if node.label else need
        if node.optional and not need:
            return True
        return any(can_make(o, inner_need, avoid) for o in node.options)
    return _can_make_parts(node.parts, need, avoid)


def _can_make_parts(parts: tuple[Node, ...], need: frozenset[str], avoid: frozenset[str]) -> bool:
    if not parts:
        return not need
    first, rest = parts[0], parts[1:]
    for share in subsets(need & first.may):
        if can_make(first, share, avoid) and _can_make_parts(rest, need - share, avoid):
            return True
    return False


def subsets(labels: frozenset[str]) -> list[frozenset[str]]:
    ordered = sorted(labels)
    return [frozenset(c) for k in range(len(ordered) + 1) for c in combinations(ordered, k)]

"""Templates compiled for the common case: a sample written as a list of cached pieces.

Most samples need none of the general builder's machinery: no quota to steer towards, no
noise, no labelled (nesting) group, no value repeated per sample, the built-in tokenizer.
For them a template is compiled once into steps (a literal piece, a slot, a group of
compiled options), and a sample is made by walking the steps: the walk draws a `Fill` per
slot (a value's pieces, made the first time the value is drawn: pooled values come back
thousands of times) and notes the options it takes, which name the sample's `TextShape`
(the literal pieces and slots of that way through the template, made once). Literals are
tokenized when the template is compiled. The text and the spans are then joins of what the
shape and the fills already know, and so are the tokens and tags, made only when read
(`PiecedTextSample`); the JSONL exporter spells a line from them directly.

The walk reads the sample's uniforms in exactly the order the general builder does (the
same value draws, two uniforms per group) and splits values at the same places, so a
sample comes out identical either way (a property test compares the two); only the time
differs. Anything the steps cannot express makes `compile_template` return None, and
those templates keep the general builder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synthlab.generators.text.pieces import Piece, PieceTokens, crossable, crossing_row
from synthlab.generators.text.steps import GROUP, LITERAL, PERSON, SLOT, TABLE, Steps
from synthlab.generators.text.stream import Draws
from synthlab.generators.text.templates import Group, Literal, Node, Sequence, Slot
from synthlab.generators.text.values import Entry, ValueBank
from synthlab.generators.text.walks import Walk, walk_function
from synthlab.samples.text import TextFill, TextShape, TextSlot

__all__ = [
    "CompiledSample",
    "Fill",
    "PreparedTemplate",
    "Shape",
    "Steps",
    "TemplateRunner",
    "compile_template",
]

# the shape, its fills (None for a value that came out empty), and whether a token may
# cross a piece boundary (the caller then tokenizes the whole text, as the general path does)
CompiledSample = tuple["Shape", tuple["Fill | None", ...], bool]
# The character after a boundary's first one, where a walk cannot know it (it belongs to
# the next fill): a letter, the case in which most boundaries could be crossed, so that
# `crossable` stays conservative (a false alarm costs time, never a result).
_UNKNOWN = "a"
_TAIL_CLASSES = range(6)  # the classes `_tail_class` gives (see `pieces`)
_AFTER_FILL = -1  # a slot right after another slot: its boundary depends on both fills


class Fill(TextFill):
    """A `TextFill` that knows whether a token may cross into it from what comes before
    (`crosses_after[tail class before it]`), and the class of its last character."""

    __slots__ = ("crosses_after", "tail")

    def __init__(self, pieces: list[Piece], core: int):
        super().__init__(pieces, core)
        first = pieces[0]
        after = first.second or (pieces[1].text[0] if len(pieces) > 1 else _UNKNOWN)
        self.crosses_after = crossing_row(first.head, after)
        self.tail = pieces[-1].tail


class Shape(TextShape):
    """A `TextShape` with the boundaries a token may cross worked out: `crossing` when two
    of its literals may join, and per slot (the tail class before it, or `_AFTER_FILL`; for
    each tail class of its fill, whether a token may cross into the literal after it, or
    None when no literal follows)."""

    __slots__ = ("conditions", "crossing", "edges")

    def __init__(self, parts: list[Piece | TextSlot]):
        super().__init__(parts)
        self.conditions: frozenset[str] | None = None  # set by the generator, once
        self.crossing = False
        edges: list[tuple[int, tuple[bool, ...] | None]] = []
        before: Piece | TextSlot | None = None
        for number, part in enumerate(parts):
            if type(part) is TextSlot:
                tail = _AFTER_FILL if type(before) is TextSlot else before.tail if before else 0  # type: ignore[union-attr]
                follows = parts[number + 1] if number + 1 < len(parts) else None
                into: tuple[bool, ...] | None = None
                if follows is not None and type(follows) is not TextSlot:
                    after = self._after_head(number + 1)
                    into = tuple([crossable(t, follows.head, after) for t in _TAIL_CLASSES])  # type: ignore[union-attr]
                edges.append((tail, into))
            elif (
                before is not None
                and type(before) is not TextSlot
                and crossable(before.tail, part.head, self._after_head(number))  # type: ignore[union-attr]
            ):
                self.crossing = True
            before = part
        self.edges = tuple(edges)

    def _after_head(self, number: int) -> str:
        """The character after the first one of literal part `number`."""
        literal: Piece = self.parts[number]  # type: ignore[assignment]
        if literal.second:
            return literal.second
        if number + 1 == len(self.parts):
            return ""  # the end of the text
        follows = self.parts[number + 1]
        return _UNKNOWN if type(follows) is TextSlot else follows.text[0]  # type: ignore[union-attr]


class PreparedTemplate:
    """A template's steps, made ready for a runner (`TemplateRunner.prepare`), and the
    shapes of the ways through it that samples took (by the options taken)."""

    __slots__ = ("shapes", "steps", "walk")
    LIMIT = 4096  # templates with many groups have many ways through them

    def __init__(self, steps: Steps):
        self.steps = steps
        self.shapes: dict[tuple[int, ...], Shape] = {}
        # the walk written as a function (`walks`), for the templates it can take
        self.walk: Walk | None = None

    def shape(self, path: tuple[int, ...]) -> Shape:
        """The shape of the way through the steps that took options `path` (-1: an optional
        group left out)."""
        parts: list[Piece | TextSlot] = []
        choices = iter(path)

        def expand(steps: Steps) -> None:
            for kind, a, b in steps:
                if kind is LITERAL:
                    parts.append(a)
                elif kind is GROUP:
                    choice = next(choices)
                    if choice >= 0:
                        expand(a[choice])
                else:
                    parts.append(TextSlot(a if kind is SLOT else a.name, b))

        expand(self.steps)
        if len(self.shapes) >= self.LIMIT:
            self.shapes.clear()
        shape = self.shapes[path] = Shape(parts)
        return shape


def compile_template(
    tree: Sequence, pieces: PieceTokens, same_per_sample: frozenset[str]
) -> Steps | None:
    """The template's steps, or None when it needs the general builder (a labelled group,
    or a value drawn once per sample)."""
    steps: list[tuple[int, Any, Any]] = []
    if not _compile_into(tree, pieces, same_per_sample, steps):
        return None
    return tuple(steps)


def _compile_into(
    node: Node, pieces: PieceTokens, same: frozenset[str], steps: list[tuple[int, Any, Any]]
) -> bool:
    kind = type(node)
    if kind is Sequence:  # unconstrained, the builder expands a sequence's parts in order
        return all(_compile_into(part, pieces, same, steps) for part in node.parts)  # type: ignore[union-attr]
    if kind is Literal:
        if node.text:  # type: ignore[union-attr]
            steps.append((LITERAL, pieces.piece(node.text), None))  # type: ignore[union-attr]
        return True
    if kind is Slot:
        if node.name in same:  # type: ignore[union-attr]
            return False
        steps.append((SLOT, node.name, node.label))  # type: ignore[union-attr]
        return True
    group: Group = node  # type: ignore[assignment]
    if group.label is not None:
        return False
    options = []
    for option in group.options:
        compiled = compile_template(option, pieces, same)
        if compiled is None:
            return False
        options.append(compiled)
    steps.append((GROUP, tuple(options), group.optional))
    return True


# Tables longer than this keep the general slot (their pieces would be kept for the run).
_TABLE_LIMIT = 100_000


class _Entries:
    """The `Fill` of each entry of a value's table (a Faker pool, a word list, the people
    pool), per locale, made when an entry is first drawn: a drawn entry then costs a list
    index instead of a call and a look-up by the value's text."""

    __slots__ = ("entry", "labelled", "name", "of_locale", "size")

    def __init__(self, name: str, size: int, entry: Entry, labelled: bool):
        self.name = name
        self.size = size
        self.entry = entry  # (locale, position) -> the value
        self.labelled = labelled  # the value is an entity (whitespace at its edges split off)
        self.of_locale: dict[str, list[Any]] = {}


class TemplateRunner:
    """Per worker: runs compiled templates. Keeps each drawn value's fill (bounded, like
    `PieceTokens`: values that rarely repeat would otherwise grow it with the run)."""

    LIMIT = 50_000

    def __init__(
        self,
        pieces: PieceTokens,
        draws: dict[str, Callable[..., str]],
        optional_probability: float,
    ):
        self.pieces = pieces
        self.draws = draws
        self.optional_probability = optional_probability
        self._tables: dict[tuple[int, str, bool], _Entries] = {}
        self._whole: dict[str, Fill] = {}  # an unlabelled value: one piece
        self._split: dict[str, Fill] = {}  # a labelled value: whitespace, core, whitespace

    def _whole_fill(self, value: str) -> Fill:
        if len(self._whole) >= self.LIMIT:
            self._whole.clear()
        fill = self._whole[value] = Fill([self.pieces.piece(value)], 0)
        return fill

    def _split_fill(self, value: str, name: str) -> Fill:
        """Whitespace around a value is context, never inside a span (as in the builder)."""
        if len(self._split) >= self.LIMIT:
            self._split.clear()
        core = value.strip()
        if not core:
            raise RuntimeError(f"value {name!r} came out empty; it cannot be an entity")
        lead = len(value) - len(value.lstrip())
        trail = value[lead + len(core) :]
        pieces = [self.pieces.piece(core)]
        if lead:
            pieces.insert(0, self.pieces.piece(value[:lead]))
        if trail:
            pieces.append(self.pieces.piece(trail))
        fill = self._split[value] = Fill(pieces, 1 if lead else 0)
        return fill

    def prepare(self, steps: Steps, bank: ValueBank) -> PreparedTemplate:
        """`steps` with each slot whose value is one entry of a table (`ValueBank.table`,
        `ValueBank.person_table`) made a table step: the same uniform read, the same entry,
        the same pieces, less work; and the walk written as a function where it can be."""
        prepared = PreparedTemplate(self._prepared(steps, bank))
        prepared.walk = walk_function(
            prepared, self.optional_probability, self._entries, self._entry
        )
        return prepared

    def _prepared(self, steps: Steps, bank: ValueBank) -> Steps:
        prepared: list[tuple[int, Any, Any]] = []
        for kind, a, b in steps:
            if kind is GROUP:
                prepared.append((kind, tuple([self._prepared(option, bank) for option in a]), b))
                continue
            if kind is SLOT:
                found = bank.person_table(a)
                if found is not None:
                    kind = PERSON
                else:
                    found = bank.table(a)
                    kind = TABLE if found is not None else SLOT
                if found is not None and found[0] <= _TABLE_LIMIT:
                    key = (kind, a, b is not None)
                    entries = self._tables.get(key)
                    if entries is None:
                        entries = self._tables[key] = _Entries(a, *found, b is not None)
                    a = entries
                else:
                    kind = SLOT
            prepared.append((kind, a, b))
        return tuple(prepared)

    def _entries(self, table: _Entries, locale: str) -> list[Any]:
        entries = table.of_locale[locale] = [None] * table.size
        return entries

    def _entry(self, table: _Entries, locale: str, position: int) -> Fill | None:
        value = table.entry(locale, position)
        entry: Fill | None
        if table.labelled:
            entry = self._split.get(value) or self._split_fill(value, table.name)
        else:
            entry = (self._whole.get(value) or self._whole_fill(value)) if value else None
        table.of_locale[locale][position] = entry
        return entry

    def run(self, template: PreparedTemplate, rng: Draws, locale: str) -> CompiledSample:
        fills: list[Fill | None] = []
        path: list[int] = []
        self._walk(template.steps, rng, locale, {}, fills, path)
        key = tuple(path)
        shape = template.shapes.get(key) or template.shape(key)
        # can a token cross from one piece into the next (see `pieces`)?
        crossing = shape.crossing
        if not crossing:
            tail = 0  # _SPACE: the text's start is like whitespace
            for (before, into), fill in zip(shape.edges, fills):  # noqa: B905 (as many)
                if (
                    fill is None  # an empty value: the literals around it meet
                    or fill.crosses_after[tail if before < 0 else before]
                    or (into is not None and into[fill.tail])
                ):
                    crossing = True
                    break
                tail = fill.tail
        return shape, tuple(fills), crossing

    def _walk(
        self,
        steps: Steps,
        rng: Draws,
        locale: str,
        identities: dict[str, Any],
        fills: list[Fill | None],
        path: list[int],
    ) -> None:
        """Append the fill of each slot of `steps` to `fills`, and each group's option taken
        to `path` (-1: an optional group left out)."""
        for kind, a, b in steps:
            if kind is LITERAL:
                continue
            if kind is TABLE or kind is PERSON:
                entries = a.of_locale.get(locale) or self._entries(a, locale)
                if kind is TABLE:
                    position = int(rng.random() * len(entries))
                else:  # one person per sample: the first of its fields drawn picks them
                    person = identities.get(locale)
                    if person is None:
                        person = identities[locale] = int(rng.random() * len(entries))
                    position = person
                fills.append(entries[position] or self._entry(a, locale, position))
            elif kind is SLOT:
                value = self.draws[a](rng, locale, identities)
                if b is not None:
                    fills.append(self._split.get(value) or self._split_fill(value, a))
                elif value:
                    fills.append(self._whole.get(value) or self._whole_fill(value))
                else:
                    fills.append(None)
            else:
                u_include = rng.random()
                u_choice = rng.random()
                if b and not u_include < self.optional_probability:
                    path.append(-1)
                    continue
                choice = int(u_choice * len(a))
                path.append(choice)
                self._walk(a[choice], rng, locale, identities, fills, path)

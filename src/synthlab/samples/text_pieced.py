"""Text samples written as cached pieces: the text generator's fast representation.

A `PiecedTextSample` is a `TextSample` (see `samples.text`, the contract) that keeps how it
was written instead of its text: its `TextShape` (a template's literal pieces and the slots
between them, shared by every sample that took the same way through the template) and one
`TextFill` per slot (a value's pieces, shared by every sample that drew the value). Each
piece was tokenized once, so the text, spans, tokens and tags are joins of what the pieces
already know, made only when something reads them. The pieces also carry their JSON
spelling, so the JSONL exporter writes a line without making the text at all
(`exporters.text.shape_lines`).

Nothing here changes a sample: a pieced sample equals, hashes and pickles as the plain
`TextSample` with the same fields (tests compare every field and the JSONL bytes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from itertools import accumulate, chain
from typing import Any, Protocol

from synthlab.samples.text import EntitySpan, TextSample, Token

__all__ = [
    "EntityMark",
    "PiecedTextSample",
    "TextFill",
    "TextPiece",
    "TextShape",
    "TextSlot",
    "comma_items",
    "pieced_text_and_spans",
    "shape_pieces",
    "shape_text_and_spans",
]


class TextPiece(Protocol):
    """A stretch of text tokenized once and shared by every sample written with it (a
    template's literal, a pooled value)."""

    text: str
    length: int
    tokens: tuple[tuple[int, int, str], ...]  # (start, end, text), offsets inside the piece
    outside: tuple[str, ...]  # its tags when it is not an entity: "O" per token
    # as JSON (`json.dumps`' spelling with `ensure_ascii=False`): the text escaped as inside
    # a string, the token texts and the "O" tags as list items ("" when it has no tokens)
    json_text: str
    json_tokens: str
    json_outside: str

    def tags(self, label: str) -> tuple[str, ...]:
        """Its tags as one whole entity `label`."""
        ...

    def json_tags(self, label: str) -> str:
        """`tags(label)` as JSON list items."""
        ...


# An entity of a pieced sample: (the number of the piece that is the entity, label, slot)
EntityMark = tuple[int, str, str]
# `Token(...)` without the named tuple's Python-level `__new__` (a sample has a dozen)
_new_token = tuple.__new__


class TextSlot:
    """Where a value goes in a `TextShape`: the value's name and its entity label (None for
    a value that is context, not an entity)."""

    __slots__ = ("label", "name")

    def __init__(self, name: str, label: str | None):
        self.name = name
        self.label = label


class TextShape:
    """What the pieced samples of one way through a template share: its literal pieces and
    the slots between them, in order. Compared by identity: a generator makes each shape
    once and reuses it, so formats can spell a shape once and reuse that too."""

    __slots__ = ("gaps", "labels", "parts", "slots", "text_format")

    def __init__(self, parts: Sequence[TextPiece | TextSlot]):
        self.parts = tuple(parts)
        self.slots = tuple([part for part in self.parts if type(part) is TextSlot])
        self.labels = tuple([slot.label for slot in self.slots if slot.label is not None])
        # the text with a `%s` per slot, and per slot the literal characters before it
        # (since the previous slot)
        literal = []
        gaps = []
        gap = 0
        for part in self.parts:
            if type(part) is TextSlot:
                literal.append("%s")
                gaps.append(gap)
                gap = 0
            else:
                literal.append(part.text.replace("%", "%%"))  # type: ignore[union-attr]
                gap += part.length  # type: ignore[union-attr]
        self.text_format = "".join(literal)
        self.gaps = tuple(gaps)


class TextFill:
    """A value as written into a sample: its pieces (whitespace before it, the value
    stripped, whitespace after it; or the whole value as one piece when it is not an
    entity) and their JSON spelled as one stretch. Made once per distinct value, then
    shared by every sample that draws it."""

    __slots__ = (
        "comma_outside",
        "comma_tags_of",
        "comma_tokens",
        "core",
        "core_json_text",
        "core_length",
        "core_text",
        "json_text",
        "lead",
        "length",
        "pieces",
        "text",
    )

    def __init__(self, pieces: Sequence[TextPiece], core: int):
        """`core`: the number of the piece that is the entity (the value without the
        whitespace at its edges) when the value is one."""
        self.pieces = pieces = tuple(pieces)
        self.core = core
        value = pieces[core]
        self.core_length = value.length
        self.core_text = value.text
        self.core_json_text = value.json_text
        if len(pieces) == 1:  # the usual value: no whitespace at its edges
            self.lead = 0
            self.length = value.length
            self.text = value.text
            self.json_text = value.json_text
            # JSON list items each with a comma before it, so that a sentence's list is the
            # concatenation of its stretches' less the first character
            self.comma_tokens = "," + value.json_tokens if value.json_tokens else ""
            self.comma_outside = "," + value.json_outside if value.json_outside else ""
        else:
            self.lead = sum([piece.length for piece in pieces[:core]])
            self.length = sum([piece.length for piece in pieces])
            self.text = "".join([piece.text for piece in pieces])
            self.json_text = "".join([piece.json_text for piece in pieces])
            self.comma_tokens = comma_items([piece.json_tokens for piece in pieces])
            self.comma_outside = comma_items([piece.json_outside for piece in pieces])
        self.comma_tags_of: dict[str, str] = {}  # label -> `comma_tags(label)`, once made

    def comma_tags(self, label: str) -> str:
        """The tags of the fill with its core as one whole entity `label`, spelled like
        `comma_outside`."""
        found = self.comma_tags_of.get(label)
        if found is None:
            pieces = self.pieces
            if len(pieces) == 1:  # the usual value (made once per distinct value)
                found = pieces[0].json_tags(label)
                found = "," + found if found else ""
            else:
                items = [piece.json_outside for piece in pieces]
                items[self.core] = pieces[self.core].json_tags(label)
                found = comma_items(items)
            self.comma_tags_of[label] = found
        return found


def comma_items(items: Sequence[str]) -> str:
    """JSON list items (each piece's, "" for none) each with a comma before it."""
    return "".join(["," + item for item in items if item])


def shape_pieces(
    shape: TextShape, fills: Sequence[TextFill | None]
) -> tuple[tuple[TextPiece, ...], tuple[EntityMark, ...]]:
    """The pieces that `shape` filled with `fills` spells (a None fill: a value that came out
    empty), and the marks of its entities."""
    pieces: list[TextPiece] = []
    marks: list[EntityMark] = []
    next_fill = iter(fills).__next__
    for part in shape.parts:
        if type(part) is not TextSlot:
            pieces.append(part)  # type: ignore[arg-type]
            continue
        fill = next_fill()
        if fill is None:
            continue
        if part.label is not None:
            marks.append((len(pieces) + fill.core, part.label, part.name))
        pieces += fill.pieces
    return tuple(pieces), tuple(marks)


def pieced_text_and_spans(
    pieces: Sequence[TextPiece], marks: Sequence[EntityMark]
) -> tuple[str, tuple[EntitySpan, ...]]:
    """The text that `pieces` spell, and the spans of the pieces that `marks` name."""
    spans = []
    if marks:
        starts = [0, *accumulate([piece.length for piece in pieces])]
        for number, label, slot in marks:
            spans.append(
                EntitySpan(starts[number], starts[number + 1], label, pieces[number].text, slot)
            )
    return "".join([piece.text for piece in pieces]), tuple(spans)


def shape_text_and_spans(
    shape: TextShape, fills: Sequence[TextFill]
) -> tuple[str, tuple[EntitySpan, ...]]:
    """`pieced_text_and_spans` of `shape_pieces(shape, fills)`, from the shape's text format
    and the fills' own text (fewer steps than piece by piece; every fill is there)."""
    spans = []
    offset = 0
    for gap, slot, fill in zip(shape.gaps, shape.slots, fills):  # noqa: B905 (one per slot)
        offset += gap
        if slot.label is not None:
            start = offset + fill.lead
            end = start + fill.core_length
            spans.append(EntitySpan(start, end, slot.label, fill.core_text, slot.name))
        offset += fill.length
    return shape.text_format % tuple([fill.text for fill in fills]), tuple(spans)


class _MadeOnRead:
    """A field computed by `make(sample)` the first time it is read, then kept in the
    sample's `__dict__` (which wins from then on: this is a non-data descriptor). Like
    `functools.cached_property` without its lock, which costs more than making a field."""

    def __init__(self, make: Any):
        self.make = make
        self.name = make.__name__

    def __get__(self, sample: Any, owner: type | None = None) -> Any:
        if sample is None:
            return self
        value = sample.__dict__[self.name] = self.make(sample)
        return value


class PiecedTextSample(TextSample):
    """A `TextSample` written as pieces whose tokens are already known: its text, spans,
    tokens and tags are made only when something reads them. A run that writes JSONL only
    never needs them, as its exporter spells lines from the pieces directly (see
    `synthlab.exporters.text.jsonl`). It cannot be told apart from the plain `TextSample`
    with the same fields: it equals, hashes and pickles as one.

    It is its `shape` (the template's literal pieces and slots) filled with `fills`, one per
    slot. `pieces` spell the whole text, and `marks` name the pieces that are entities, one
    per span, in order (each entity one whole piece). Valid only when no token crosses from
    one piece into the next (the generator checks that before it makes one).
    """

    shape: TextShape
    fills: tuple[TextFill, ...]

    @classmethod
    def from_pieces(
        cls,
        *,
        index: int,
        conditions: frozenset[str],
        metadata: dict[str, Any],
        classes: tuple[str, ...],
        template_id: str,
        locale: str,
        split: str,
        seed: int,
        shape: TextShape,
        fills: tuple[TextFill, ...],
    ) -> PiecedTextSample:
        """The sample `shape` filled with `fills` spells. Every field but the four made on
        read (text, spans, tokens, tags), which the dataclass's `__init__` would set to
        their defaults; it stays the constructor of `dataclasses.replace`, whose result
        then holds all fields like a plain sample. Frozen: the fields go straight into the
        new instance's `__dict__` (a test checks that they are all there)."""
        sample = cls.__new__(cls)
        sample.__dict__.update(
            index=index,
            conditions=conditions,
            metadata=metadata,
            classes=classes,
            template_id=template_id,
            locale=locale,
            split=split,
            seed=seed,
            shape=shape,
            fills=fills,
        )
        return sample

    @_MadeOnRead
    def pieces(self) -> tuple[TextPiece, ...]:
        pieces, self.__dict__["marks"] = shape_pieces(self.shape, self.fills)
        return pieces

    @_MadeOnRead
    def marks(self) -> tuple[EntityMark, ...]:
        self.__dict__["pieces"], marks = shape_pieces(self.shape, self.fills)
        return marks

    @_MadeOnRead
    def text(self) -> str:
        text, self.__dict__["spans"] = shape_text_and_spans(self.shape, self.fills)
        return text

    @_MadeOnRead
    def spans(self) -> tuple[EntitySpan, ...]:
        self.__dict__["text"], spans = shape_text_and_spans(self.shape, self.fills)
        return spans

    @_MadeOnRead
    def tokens(self) -> tuple[Token, ...]:
        found = []
        offset = 0
        for piece in self.pieces:
            found += [_new_token(Token, (offset + s, offset + e, t)) for s, e, t in piece.tokens]
            offset += piece.length
        return tuple(found)

    @_MadeOnRead
    def tags(self) -> tuple[str, ...]:
        per_piece = [piece.outside for piece in self.pieces]
        for number, label, _ in self.marks:
            per_piece[number] = self.pieces[number].tags(label)
        return tuple(chain.from_iterable(per_piece))

    def _fields(self) -> tuple[Any, ...]:
        return tuple([getattr(self, f.name) for f in fields(self)])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TextSample):
            return NotImplemented
        return self._fields() == tuple([getattr(other, f.name) for f in fields(other)])

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple[Any, ...]:
        return (TextSample, self._fields())

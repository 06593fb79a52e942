"""Text samples (templated sentences, tickets, log lines) and their exact labels.

Conventions: offsets are Python code-point offsets into `text`, end exclusive, so
`text[span.start:span.end] == span.text` always. Tokens carry the same kind of offsets;
`tags` are the BIO tags of `tokens`, one per token. Exporters convert offsets where a format
counts differently (Label Studio counts UTF-16 code units).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from itertools import accumulate, chain
from typing import Any, ClassVar, NamedTuple, Protocol

from synthlab.samples.base import Sample

__all__ = [
    "EntityMark",
    "EntitySpan",
    "PiecedTextSample",
    "TextPiece",
    "TextSample",
    "Token",
    "pieced_text_and_spans",
]


@dataclass(frozen=True)
class EntitySpan:
    start: int
    end: int
    label: str
    text: str
    slot: str = ""  # the template placeholder that produced it (provenance)

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "text": self.text}


class Token(NamedTuple):
    """A token's code-point offsets and text. A named tuple, not a dataclass: a sample has
    a dozen or more and building frozen dataclasses cost about a third of a sample's time."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TextSample(Sample):
    text: str = ""
    spans: tuple[EntitySpan, ...] = ()
    classes: tuple[str, ...] = ()  # document-level labels (intent, sentiment...), sorted
    tokens: tuple[Token, ...] = ()
    tags: tuple[str, ...] = ()  # BIO tag per token ("O", "B-PERSON", "I-PERSON")
    template_id: str = ""
    locale: str = ""
    split: str = "train"
    seed: int = 0  # the recipe seed; with `index` it identifies the sample's stream

    modality: ClassVar[str] = "text"

    def slice_of(self, span: EntitySpan) -> str:
        return self.text[span.start : span.end]


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
_new = object.__new__
_new_tuple = tuple.__new__


def pieced_text_and_spans(
    pieces: Sequence[TextPiece], marks: Sequence[EntityMark]
) -> tuple[str, tuple[EntitySpan, ...]]:
    """The text that `pieces` spell, and the spans of the pieces that `marks` name."""
    spans = []
    if marks:
        starts = [0, *accumulate([piece.length for piece in pieces])]
        for number, label, slot in marks:
            # `EntitySpan(...)` without the frozen dataclass's per-field `__setattr__`
            span = _new(EntitySpan)
            span.__dict__.update(
                start=starts[number],
                end=starts[number + 1],
                label=label,
                text=pieces[number].text,
                slot=slot,
            )
            spans.append(span)
    return "".join([piece.text for piece in pieces]), tuple(spans)


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

    `marks` name the pieces that are entities, one per span, in order (each entity one
    whole piece). Valid only when no token crosses from one piece into the next (the
    generator checks that before it makes one).
    """

    pieces: tuple[TextPiece, ...]
    marks: tuple[EntityMark, ...]

    @_MadeOnRead
    def text(self) -> str:
        text, self.__dict__["spans"] = pieced_text_and_spans(self.pieces, self.marks)
        return text

    @_MadeOnRead
    def spans(self) -> tuple[EntitySpan, ...]:
        self.__dict__["text"], spans = pieced_text_and_spans(self.pieces, self.marks)
        return spans

    @_MadeOnRead
    def tokens(self) -> tuple[Token, ...]:
        found = []
        offset = 0
        for piece in self.pieces:
            # `Token(...)` without the named tuple's Python-level `__new__`
            found += [_new_tuple(Token, (offset + s, offset + e, t)) for s, e, t in piece.tokens]
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

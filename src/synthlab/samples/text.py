"""Text samples (templated sentences, tickets, log lines) and their exact labels.

Conventions: offsets are Python code-point offsets into `text`, end exclusive, so
`text[span.start:span.end] == span.text` always. Tokens carry the same kind of offsets;
`tags` are the BIO tags of `tokens`, one per token. Exporters convert offsets where a format
counts differently (Label Studio counts code points too, so its offsets are these).

This module is the contract every text generator and exporter holds to. The text
generator's fast path hands out `PiecedTextSample`s (`samples.text_pieced`): the same
samples written as cached pieces, which equal, hash and pickle as a `TextSample`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from synthlab.samples.base import Sample

__all__ = ["EntitySpan", "TextSample", "Token"]


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

"""A user's labelled sentence (text plus flat entity spans) and the checks every one passes.

Labelled sentences come from files a user wrote or exported (JSONL with spans, CoNLL,
Label Studio; see `synthlab.samples.labelled_formats`). Before one is used as a template,
its spans must be exactly what they claim: inside the text, not overlapping, not cutting a
character apart (a combining mark, a joiner, an emoji modifier), equal to a `text` the file
quotes for them. Anything else is a `LabelledTextError` naming the file and the line.

Offsets are Python code points, end exclusive, as everywhere in synthlab
(`synthlab.samples.text`). This module is plain data and pure functions, so the generator,
the fidelity readers and the tests can share it without importing one another.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import pairwise

__all__ = [
    "LabelledSentence",
    "LabelledTextError",
    "RawSpan",
    "check_spans",
    "splits_a_character",
]

RawSpan = tuple[int, int, str]  # start, end (code points, exclusive), label

# Characters that belong to the character before them: a span edge just before one cuts a
# letter from its accent or an emoji from its modifier.
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}  # zero-width joiner, variation selectors 15 and 16


class LabelledTextError(ValueError):
    """A labelled sentence that cannot be used: where (file, 1-based line) and what."""

    def __init__(self, path: str, line: int, problem: str):
        super().__init__(f"{path}:{line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    spans: tuple[RawSpan, ...]  # sorted by start, no two overlapping
    classes: tuple[str, ...] = ()  # document classes the file gives it, sorted
    path: str = ""  # where it was read: the file as the recipe names it
    line: int = 0  # 1-based line where the sentence starts

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _attaches(char: str) -> bool:
    """A character that is part of the character (grapheme) before it."""
    if char in _JOINERS or "\U0001f3fb" <= char <= "\U0001f3ff":  # emoji skin tones
        return True
    return unicodedata.category(char) in ("Mn", "Mc", "Me")  # combining marks


def splits_a_character(text: str, offset: int) -> bool:
    """Whether a span edge at `offset` separates a character from a mark or modifier that
    belongs to it (`e` + U+0301, a waving hand + a skin tone), or the two halves of a
    zero-width-joined emoji."""
    if not 0 < offset < len(text):
        return False
    return _attaches(text[offset]) or text[offset - 1] == "\u200d"


def check_spans(
    text: str,
    spans: list[tuple[int, int, str, str | None]],
    path: str,
    line: int,
) -> tuple[RawSpan, ...]:
    """The spans (start, end, label, quoted text or None) checked against `text` and sorted:
    inside it, the quoted text equal to the slice, no character cut apart, no overlap.
    Whitespace at a span's edges is moved out of it (context, as synthlab's own spans have
    it); a span of only whitespace is an error."""
    checked: list[RawSpan] = []
    for start, end, label, quoted in spans:
        where = f"span [{start}:{end}] {label}"
        if not 0 <= start < end <= len(text):
            raise LabelledTextError(
                path, line, f"{where} lies outside the text of {len(text)} characters "
                "(offsets are code points, end exclusive)",
            )  # fmt: skip
        piece = text[start:end]
        if quoted is not None and piece != quoted:
            raise LabelledTextError(
                path, line, f"{where} says {quoted!r} but the text there is {piece!r} "
                "(offsets are code points, end exclusive)",
            )  # fmt: skip
        if not piece.strip():
            raise LabelledTextError(path, line, f"{where} holds only whitespace ({piece!r})")
        start += len(piece) - len(piece.lstrip())
        end -= len(piece) - len(piece.rstrip())
        for edge in (start, end):
            if splits_a_character(text, edge):
                raise LabelledTextError(
                    path, line, f"{where} {piece!r}: its edge at {edge} cuts "
                    f"{text[edge - 1 : edge + 1]!r} apart (a combining mark, joiner or "
                    "modifier belongs to the character before it)",
                )  # fmt: skip
        checked.append((start, end, label))
    checked.sort()
    for before, after in pairwise(checked):
        if after[0] < before[1]:
            raise LabelledTextError(
                path, line, f"spans [{before[0]}:{before[1]}] {before[2]} and "
                f"[{after[0]}:{after[1]}] {after[2]} overlap; labelled sentences take flat "
                "entities (one label per character)",
            )  # fmt: skip
    return tuple(checked)

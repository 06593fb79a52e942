"""The built-in tokenizer's offsets for a text made of pieces, from each piece's cached tokens.

A sentence is written as pieces (template context, values), and most pieces repeat: the
context of a template always, pooled values often. Tokenizing a piece once and shifting its
tokens gives exactly the tokens of the whole text, provided no token of the whole text
would run across a boundary between two pieces. `_may_join` decides that from the
characters at the boundary, erring on the side of "may join": then the caller tokenizes
the whole text instead, so the result is always what `builtin_tokens(text)` gives.

Why the characters at the boundary suffice: inside a token of `_TOKEN` two neighbouring
characters are (word, word), (word, connector), (connector, letter/digit), (any, extender)
or (zero-width joiner, any); a match that cannot step over the boundary is the same match
with or without what follows, and the scan restarts at each piece's first non-space
character either way (every non-space character starts a token).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from synthlab.generators.text.tokenize import _MARKS, _TOKEN, Offsets

__all__ = ["PieceTokens"]

_ZWJ = "\u200d"
_WORDISH = re.compile(rf"[\w{_MARKS}]")
_ALNUM = re.compile(r"[^\W_]")
_CONNECTOR = re.compile(r"[.,:'’@/+\-]")
_EXTENDER = re.compile(rf"[\u200d\ufe0e\ufe0f\U0001F3FB-\U0001F3FF{_MARKS}]")
_SPACE = re.compile(r"\s")

# Character classes as bits, cached per character.
SPACE, WORDISH, ALNUM, CONNECTOR, EXTENDER = 1, 2, 4, 8, 16
_CLASSES: dict[str, int] = {}


def _classes(char: str) -> int:
    bits = _CLASSES.get(char)
    if bits is None:
        bits = (
            (SPACE if _SPACE.match(char) else 0)
            | (WORDISH if _WORDISH.match(char) else 0)
            | (ALNUM if _ALNUM.match(char) else 0)
            | (CONNECTOR if _CONNECTOR.match(char) else 0)
            | (EXTENDER if _EXTENDER.match(char) else 0)
        )
        _CLASSES[char] = bits
    return bits


def _may_join(before: str, after: str, then: str) -> bool:
    """Whether a token could run from the end of `before` into `after` (both non-empty);
    `then` is the character that follows the first of `after` ("" at the end of the text)."""
    x = _classes(before[-1])
    y = _classes(after[0])
    if x & SPACE or y & SPACE:
        return False
    if y & EXTENDER or before[-1] == _ZWJ:
        return True
    if x & WORDISH:
        if y & WORDISH:
            return True
        if y & CONNECTOR:  # joins only when a letter or digit follows the connector
            return bool(then) and bool(_classes(then) & ALNUM)
    return bool(x & CONNECTOR and y & ALNUM)


class PieceTokens:
    """Per worker: a bounded cache of piece -> token offsets within the piece."""

    def __init__(self, limit: int = 100_000):
        self.limit = limit
        self._cache: dict[str, Offsets] = {}

    def _of(self, piece: str) -> Offsets:
        found = self._cache.get(piece)
        if found is None:
            if len(self._cache) >= self.limit:  # live values never repeat: start over
                self._cache.clear()
            found = self._cache[piece] = [m.span() for m in _TOKEN.finditer(piece)]
        return found

    def offsets(self, pieces: Sequence[str]) -> Offsets | None:
        """`builtin_tokens("".join(pieces))`, or None when a boundary may join tokens."""
        pieces = [piece for piece in pieces if piece]
        out: Offsets = []
        position = 0
        previous = ""
        last = len(pieces) - 1
        for i, piece in enumerate(pieces):
            if previous:
                then = piece[1] if len(piece) > 1 else pieces[i + 1][0] if i < last else ""
                if _may_join(previous, piece, then):
                    return None
            if position:
                out.extend([(start + position, end + position) for start, end in self._of(piece)])
            else:
                out.extend(self._of(piece))
            position += len(piece)
            previous = piece
        return out

"""Tokens and tags of a sentence assembled from the cached tokens of its pieces.

A sentence is written as pieces (template literals, values, the whitespace around values),
and the same pieces come back again and again: literals in every sample of their template,
pooled values thousands of times. Each distinct piece is tokenized once; a sentence's tokens
are its pieces' tokens, shifted by the piece's offset.

That equals tokenizing the whole text (and splitting at span edges, see `tokenize`) exactly
when no token of the whole text crosses a piece boundary. Whether one can is decided from
the characters at the boundary (`crossable`): whitespace on either side never is, a word
followed by a letter is. When any boundary is crossable the caller tokenizes the whole text
instead, so the result never differs, only the time taken (a property test checks it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import accumulate, chain
from json.encoder import encode_basestring as _quote  # json.dumps' own, ensure_ascii=False
from operator import sub

from synthlab.generators.text.tokenize import _MARKS, _TOKEN_SPLIT
from synthlab.samples.text import Token

__all__ = ["TAIL_CLASSES", "Piece", "PieceTokens", "crossable", "crossing_row"]

# Character classes at a boundary. A token can only continue past a piece's last character
# into the next piece's first one as: word character + word character (or mark), inner
# punctuation + letter (`a.b`), word + inner punctuation + letter, or anything + a mark,
# variation selector, skin tone or zero-width joiner (all absorbed into the token before).
_SPACE, _WORDISH, _INNER, _JOINER, _ABSORBED, _OTHER = range(6)  # _SPACE is 0: falsy
TAIL_CLASSES = range(6)  # every class `_tail_class` gives
_INNER_PUNCT = ".,:'’@/+-"
_ABSORBED_CHARS = re.compile(rf"[\u200d\ufe0e\ufe0f\U0001F3FB-\U0001F3FF{_MARKS}]")
_WORD_CHAR = re.compile(rf"[\w{_MARKS}]")
_LETTER = re.compile(r"[^\W_]")


# A piece's edge characters repeat across pieces (letters, digits, a few marks): their
# classes are kept rather than matched by a pattern for every new piece.
@lru_cache(maxsize=4096)
def _head_class(char: str) -> int:
    """The class of a piece's first character, as the token before it sees it."""
    if char.isspace():
        return _SPACE
    if char == "\u200d" or _ABSORBED_CHARS.match(char):
        return _ABSORBED
    if _WORD_CHAR.match(char):
        return _WORDISH
    return _INNER if char in _INNER_PUNCT else _OTHER


@lru_cache(maxsize=4096)
def _tail_class(char: str) -> int:
    """The class of a piece's last character, as a token that could go on sees it (a mark
    ends words; a variation selector or skin tone ends an emoji, which nothing extends)."""
    if char.isspace():
        return _SPACE
    if char == "\u200d":
        return _JOINER
    if _WORD_CHAR.match(char):
        return _WORDISH
    return _INNER if char in _INNER_PUNCT else _OTHER


def crossable(tail: int, head: int, after_head: str) -> bool:
    """Can one token of the joined text span the boundary? `tail` is the class of the last
    character before it, `head` of the first after it, `after_head` the character after
    that ("" at the end of the text). Conservative: True may be a false alarm, False is sure.
    """
    if tail == _SPACE or head == _SPACE:
        return False
    if head == _ABSORBED or tail == _JOINER:
        return True
    if tail == _WORDISH:
        if head == _WORDISH:
            return True
        return head == _INNER and bool(after_head) and bool(_LETTER.match(after_head))
    return tail == _INNER and head == _WORDISH


def crossing_row(head: int, after_head: str) -> tuple[bool, ...]:
    """`crossable(tail, head, after_head)` for each tail class, 0 to 5 (kept: few distinct)."""
    letter = head == _INNER and bool(after_head) and bool(_LETTER.match(after_head))
    return _crossing_rows(head, letter)


@cache
def _crossing_rows(head: int, after_is_letter: bool) -> tuple[bool, ...]:
    after = "a" if after_is_letter else ""
    return tuple([crossable(tail, head, after) for tail in TAIL_CLASSES])


class Piece:
    """One distinct piece of text, tokenized once: its tokens (offsets inside the piece),
    the classes of its edge characters, and its tags per entity label."""

    __slots__ = (
        "head",
        "json_outside",
        "json_text",
        "json_tokens",
        "length",
        "outside",
        "scheme",
        "second",
        "tail",
        "text",
        "tokens",
    )

    def __init__(self, text: str, scheme: str):
        self.scheme = scheme
        # the split's odd parts are the tokens (its pattern is one group); offsets from the
        # running ends of the parts: C-level passes rather than a Python loop per part
        parts = _TOKEN_SPLIT.split(text)
        words = parts[1::2]
        ends = list(accumulate(map(len, parts)))[1::2]
        self.tokens: tuple[tuple[int, int, str], ...] = tuple(
            zip(map(sub, ends, map(len, words)), ends, words, strict=True)
        )
        self.text = text
        self.length = len(text)
        self.head = _head_class(text[0])
        self.tail = _tail_class(text[-1])
        self.second = text[1] if len(text) > 1 else ""  # the character after `head`
        # The piece spelled for JSON: its text escaped as inside a JSON string, its token
        # texts and its "O" tags as JSON list items. JSON escapes character by character,
        # so a sentence's spelling is the join of its pieces' (as the JSONL exporter
        # writes every sentence).
        self.json_text = _quote(text)[1:-1]
        self.json_tokens = ",".join(map(_quote, words))
        # the tags of a piece that is not an entity, "O" per token, and their JSON
        self.outside, self.json_outside = _outside_tags(len(words))

    def json_tags(self, label: str) -> str:
        """`tags(label)` as JSON list items."""
        return _entity_tags(self.scheme, label, len(self.tokens))[1]

    def tags(self, label: str) -> tuple[str, ...]:
        """The tags of the piece as one whole entity `label`."""
        return _entity_tags(self.scheme, label, len(self.tokens))[0]


# Tags depend only on a piece's number of tokens (and the label and scheme), so they are
# made once per count and shared: a value's piece is made tens of thousands of times per
# run (once per distinct value), and its tags and their JSON were a fifth of that.
@cache
def _outside_tags(tokens: int) -> tuple[tuple[str, ...], str]:
    """The tags of `tokens` tokens outside any entity, and their JSON list items."""
    return ("O",) * tokens, ",".join(['"O"'] * tokens)


@lru_cache(maxsize=4096)
def _entity_tags(scheme: str, label: str, tokens: int) -> tuple[tuple[str, ...], str]:
    """The tags of `tokens` tokens that are one whole entity `label`, and their JSON."""
    if scheme == "BILOU" and tokens == 1:
        tags: tuple[str, ...] = (f"U-{label}",)
    elif scheme == "BILOU":
        tags = (f"B-{label}", *[f"I-{label}"] * (tokens - 2), f"L-{label}")
    else:
        tags = (f"B-{label}", *[f"I-{label}"] * (tokens - 1))
    return tags, ",".join(map(_quote, tags))


class PieceTokens:
    """Per worker: the tokens of each distinct piece, kept for reuse (bounded)."""

    # Values that rarely repeat (numbers, patterns) would make the cache grow with the run;
    # it starts over when full, which costs time only, never changes a result.
    LIMIT = 50_000

    def __init__(self, scheme: str):
        self.scheme = scheme
        self._pieces: dict[str, Piece] = {}

    def piece(self, text: str) -> Piece:
        """The piece for `text` (not empty), tokenized on first use."""
        piece = self._pieces.get(text)
        if piece is None:
            if len(self._pieces) >= self.LIMIT:
                self._pieces.clear()
            piece = self._pieces[text] = Piece(text, self.scheme)
        return piece

    def tokens(
        self, parts: Sequence[str], labels: dict[int, str] | None
    ) -> tuple[tuple[Token, ...], tuple[str, ...] | None] | None:
        """(tokens, tags) of the text `"".join(parts)`, or None when a token might cross a
        piece boundary. `labels`: part number -> entity label of the parts that are whole
        entities; tags are None when `labels` is None (the caller tags, e.g. nested spans).
        """
        get = self._pieces.get
        return self.assemble([get(text) or self.piece(text) for text in parts], labels)

    def assemble(
        self, used: Sequence[Piece], labels: dict[int, str] | None
    ) -> tuple[tuple[Token, ...], tuple[str, ...] | None] | None:
        """`tokens` for pieces already looked up."""
        placed: list[tuple[tuple[tuple[int, int, str], ...], int]] = []
        offset = 0
        tail = _SPACE
        last = len(used) - 1
        for number, piece in enumerate(used):
            if tail and piece.head:  # neither side is whitespace (_SPACE is 0)
                after = piece.second
                if not after and number < last:  # a one-character piece
                    after = used[number + 1].text[0]
                if crossable(tail, piece.head, after):
                    return None
            placed.append((piece.tokens, offset))
            offset += piece.length
            tail = piece.tail
        # one comprehension for all pieces; tuple.__new__ directly, as namedtuple's own
        # __new__ is a Python function
        tokens = tuple(
            [_new_token(Token, (at + s, at + e, t)) for found, at in placed for s, e, t in found]
        )
        if labels is None:
            return tokens, None
        tags = [piece.outside for piece in used]
        for number, label in labels.items():
            tags[number] = used[number].tags(label)
        return tokens, tuple(chain.from_iterable(tags))


_new_token = tuple.__new__  # `Token(...)` without the named tuple's Python-level `__new__`

"""Tokens and BIO/BILOU tags for a text whose spans are already known.

The built-in tokenizer is one regular expression (words with inner punctuation such as
`a.b@x.de` or `12,50` kept whole, combining marks kept on their letter, emoji sequences
with skin tones and zero-width joiners kept whole, every other non-space character alone).
spaCy's tokenizer (a blank multi-language pipeline, no model needed) can be used instead.
Either way a token that straddles a span boundary is split there, so every span starts and
ends on token boundaries by construction; `misaligned_spans` checks it anyway.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, repeat

from synthlab.samples.text import EntitySpan, Token

__all__ = ["builtin_tokens", "separate_spans", "separated_fully", "spacy_tokenizer", "tokenize"]

_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a"
_WORD = rf"[^\W_][\w{_MARKS}]*(?:[.,:'’@/+\-][^\W_][\w{_MARKS}]*)*"
_OTHER = rf"\S(?:\u200d\S|[\ufe0e\ufe0f\U0001F3FB-\U0001F3FF{_MARKS}])*"
_TOKEN = re.compile(f"{_WORD}|{_OTHER}")
# The same pattern as one group: `split` returns [gap, token, gap, token, ..., gap] in one
# call (gaps are whitespace: every non-space character starts a token).
_TOKEN_SPLIT = re.compile(f"({_WORD}|{_OTHER})")

Offsets = list[tuple[int, int]]


def builtin_tokens(text: str) -> Offsets:
    return [match.span() for match in _TOKEN.finditer(text)]


def spacy_tokenizer(language: str = "xx") -> Callable[[str], Offsets]:
    """spaCy's rule-based tokenizer for `language` (`xx`: all languages), as
    `spacy.blank(language)` tokenizes; whitespace tokens dropped."""
    import spacy

    nlp = spacy.blank(language)

    def tokens(text: str) -> Offsets:
        return [(t.idx, t.idx + len(t.text)) for t in nlp.make_doc(text) if not t.is_space]

    return tokens


def _split_at(offsets: Offsets, cuts: Sequence[int], text: str) -> Offsets:
    out: Offsets = []
    for start, end in offsets:
        first = bisect_right(cuts, start)
        last = bisect_left(cuts, end)
        if first >= last:
            out.append((start, end))
            continue
        edges = [start, *cuts[first:last], end]
        for left, right in itertools.pairwise(edges):
            piece = text[left:right]
            stripped = piece.strip()
            if stripped:  # a cut never leaves whitespace inside a token
                offset = left + (len(piece) - len(piece.lstrip()))
                out.append((offset, offset + len(stripped)))
    return out


def _builtin_tokenize(text: str, cuts: set[int]) -> tuple[Token, ...] | None:
    """The built-in tokenizer's tokens, or None when a span edge falls inside a token. About
    twice as fast as matching token by token: the offsets are running sums of lengths."""
    parts = _TOKEN_SPLIT.split(text)
    edges = list(accumulate(map(len, parts)))  # the end of each gap and of each token
    if cuts and not cuts.issubset(edges):
        return None
    return tuple(map(_new_token, repeat(Token), edges[0::2], edges[1::2], parts[1::2]))


_new_token = Token.__new__


def tokenize(
    text: str, spans: Iterable[EntitySpan], split: Callable[[str], Offsets] = builtin_tokens
) -> tuple[Token, ...]:
    cuts = {edge for span in spans for edge in (span.start, span.end)}
    if split is builtin_tokens:
        tokens = _builtin_tokenize(text, cuts)
        if tokens is not None:
            return tokens
    offsets = split(text)
    if cuts:
        # Usually every span edge already is a token edge: then nothing needs splitting.
        edges = {start for start, _ in offsets}
        edges.update(end for _, end in offsets)
        if not cuts <= edges:
            offsets = _split_at(offsets, sorted(cuts), text)
    make = Token._make
    return tuple([make((start, end, text[start:end])) for start, end in offsets])


def separate_spans(
    text: str, spans: Sequence[EntitySpan], split: Callable[[str], Offsets]
) -> tuple[str, tuple[EntitySpan, ...]]:
    """The text with a space inserted at every span edge that falls inside one of `split`'s
    tokens (spaCy keeps `card=4111...` as one token: a model trained on spaCy's tokens could
    never predict that entity), and the spans moved to match. Deterministic: the same text
    and spans give the same result. Returns the input unchanged when every edge is a token
    edge, which is the usual case."""
    offsets = split(text)
    edges = {start for start, _ in offsets}
    edges.update(end for _, end in offsets)
    cuts = sorted({edge for span in spans for edge in (span.start, span.end)} - edges)
    cuts = [cut for cut in cuts if 0 < cut < len(text)]
    if not cuts:
        return text, tuple(spans)
    pieces = [text[left:right] for left, right in itertools.pairwise([0, *cuts, len(text)])]
    separated = " ".join(pieces)

    def moved(offset: int, is_start: bool) -> int:
        # a start at a cut moves past the new space; an end at a cut stays before it
        return offset + bisect_right(cuts, offset) - (0 if is_start or offset not in cuts else 1)

    return separated, tuple(
        EntitySpan(moved(s.start, True), moved(s.end, False), s.label, s.text, s.slot)
        for s in spans
    )


SEPARATION_ROUNDS = 4


def separated_fully(
    text: str, spans: Sequence[EntitySpan], split: Callable[[str], Offsets]
) -> tuple[str, tuple[EntitySpan, ...]] | None:
    """`separate_spans` again until every span edge is one of `split`'s token edges: a
    space can make a new token that swallows the next edge (spaCy reads `a a.` as `a`,
    `a.`: a single letter and its period are an abbreviation), which one more space cuts.
    None when the text still changes after `SEPARATION_ROUNDS` rounds (the tokenizer will
    not cut there). Deterministic, and the input unchanged in the usual case."""
    current, moved = text, tuple(spans)
    for _ in range(SEPARATION_ROUNDS):
        separated, moved_again = separate_spans(current, moved, split)
        if separated is current:
            return current, moved
        current, moved = separated, moved_again
    return None

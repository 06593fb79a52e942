"""The piecewise tokenizer gives exactly the built-in tokenizer's offsets of the whole text
(or declines), over pieces with emoji, ZWJ sequences, skin tones, marks, CJK and CRLF."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from synthlab.generators.text.piece_tokens import PieceTokens
from synthlab.generators.text.tokenize import builtin_tokens

CHARS = [
    "a", "Z", "é", "e\u0301", "\u0301", "ß", "東", "タ", "ع", "\u0e31", "😀", "🏽", "\u200d",
    "\ufe0f", "👍", "1", "7", " ", "\t", "\r\n", ",", ".", ":", "'", "’", "@", "/", "+", "-",
    "_", "(", ")", ";", "!", "\u00a0", "\u200b",
]  # fmt: skip

piece = st.lists(st.sampled_from(CHARS), min_size=1, max_size=6).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.lists(piece, min_size=1, max_size=6))
def test_pieces_give_the_whole_texts_tokens_or_decline(pieces: list[str]) -> None:
    cache = PieceTokens()
    for _ in range(2):  # the second time from the cache
        found = cache.offsets(pieces)
        if found is not None:
            assert found == builtin_tokens("".join(pieces)), pieces


def test_ordinary_sentences_take_the_fast_way() -> None:
    pieces = ["Please refund ", "Jane Doe", " (", "jane.doe@x.de", ") to ", "DE12 3456", "."]
    assert PieceTokens().offsets(pieces) == builtin_tokens("".join(pieces))


def test_pieces_that_join_into_one_token_decline() -> None:
    cache = PieceTokens()
    assert cache.offsets(["foo", "bar"]) is None  # one word across the boundary
    assert cache.offsets(["a.", "b"]) is None  # a word with inner punctuation
    assert cache.offsets(["x", ".com"]) is None
    assert cache.offsets(["👍", "🏽"]) is None  # a skin tone extends the emoji
    assert cache.offsets(["e", "\u0301"]) is None  # a combining mark stays on its letter

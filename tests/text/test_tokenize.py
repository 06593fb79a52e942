"""The built-in tokenizer's fast path (one `split`, offsets as running sums) gives exactly the
tokens of the general path (token-by-token matches, split at span edges)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from synthlab.generators.text.tokenize import builtin_tokens, tokenize
from synthlab.samples.text import EntitySpan

CHARS = [
    "a", "Z", "é", "e\u0301", "\u0301", "ß", "東", "タ", "ع", "\u0e31", "😀", "🏽", "\u200d",
    "\ufe0f", "👍", "1", "7", " ", "  ", "\t", "\r\n", ",", ".", ":", "'", "@", "/", "-", "_",
    "(", ")", "!", "\u00a0", "\u200b",
]  # fmt: skip


def general(text: str) -> list[tuple[int, int]]:
    return builtin_tokens(text)  # another callable: tokenize takes the general path


@st.composite
def texts_with_spans(draw: st.DrawFn) -> tuple[str, list[EntitySpan]]:
    text = "".join(draw(st.lists(st.sampled_from(CHARS), min_size=0, max_size=14)))
    spans = []
    for _ in range(draw(st.integers(0, 3)) if text else 0):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(EntitySpan(start, end, "X", text[start:end]))
    return text, spans


@settings(max_examples=500, deadline=None)
@given(texts_with_spans())
def test_fast_path_equals_general_path(case: tuple[str, list[EntitySpan]]) -> None:
    text, spans = case
    assert tokenize(text, spans) == tokenize(text, spans, general)


def test_sentence_tokens() -> None:
    text = "Hi, I am Jane Doe; mail jane.doe@x.de 👍🏽."
    spans = [EntitySpan(9, 17, "PERSON", "Jane Doe")]
    tokens = tokenize(text, spans)
    assert [t.text for t in tokens] == [
        "Hi", ",", "I", "am", "Jane", "Doe", ";", "mail", "jane.doe@x.de", "👍🏽", ".",
    ]  # fmt: skip
    assert all(text[t.start : t.end] == t.text for t in tokens)

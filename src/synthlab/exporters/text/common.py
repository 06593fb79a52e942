"""Shared by the text exporters: fast canonical JSON for plain rows, the label inventory of
a recipe (from its declared label set), whitespace-preserving token layouts and UTF-16
offsets."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from synthlab.exporters.base import DatasetSink
from synthlab.samples import Sample
from synthlab.samples.text import TextSample
from synthlab.samples.text_tags import outermost

__all__ = [
    "dumps",
    "label_inventory",
    "outermost",
    "split_streams",
    "text_sample",
    "utf16_offsets",
    "words_and_spaces",
]


# One encoder for every row: `json.dumps` with options builds a new one per call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dumps(row: Any) -> str:
    """`canonical_json` for rows that already hold only str/int/float/list/dict (faster)."""
    return _ENCODER.encode(row)


def text_sample(sample: Sample) -> TextSample:
    if not isinstance(sample, TextSample):
        raise TypeError(f"text formats take text samples, got {type(sample).__name__}")
    return sample


def split_streams(dataset: DatasetSink, prefix: str, suffix: str) -> Iterator[tuple[str, str]]:
    """(split, stream) for the streams named `{prefix}{split}{suffix}`, sorted by split."""
    for stream in dataset.streams():
        if stream.startswith(prefix) and stream.endswith(suffix):
            yield stream[len(prefix) : len(stream) - len(suffix)], stream


def label_inventory(dataset: DatasetSink) -> tuple[tuple[str, ...], tuple[str, ...], str, bool]:
    """(entity labels, document classes, tag scheme, nested) of the recipe being exported,
    as its generator declared them (`dataset.layout.labels`)."""
    labels = dataset.layout.labels
    return labels.entities, labels.classes, labels.tag_scheme, labels.nested_entities


def utf16_offsets(text: str) -> list[int]:
    """UTF-16 offset of every code-point offset 0..len(text) (JavaScript string indices, as
    Label Studio counts): characters outside the Basic Multilingual Plane take two units."""
    offsets = [0] * (len(text) + 1)
    units = 0
    for i, char in enumerate(text):
        offsets[i] = units
        units += 2 if ord(char) > 0xFFFF else 1
    offsets[len(text)] = units
    return offsets


def words_and_spaces(
    text: str, tokens: Sequence[tuple[int, int]]
) -> tuple[list[str], list[bool], list[int]]:
    """spaCy's (words, spaces) that rebuild `text` exactly, and the word index of each token.

    A single space after a token is its trailing space; any other whitespace (double
    spaces, tabs, CRLF, leading whitespace) becomes whitespace words, as spaCy does itself.
    """
    words: list[str] = []
    spaces: list[bool] = []
    index_of_token: list[int] = []

    def gap(piece: str) -> None:
        if not piece:
            return
        if words and not spaces[-1] and piece[0] == " ":
            spaces[-1] = True
            piece = piece[1:]
        if piece:
            trailing = piece.endswith(" ") and len(piece) > 1
            words.append(piece[:-1] if trailing else piece)
            spaces.append(trailing)

    position = 0
    for start, end in tokens:
        gap(text[position:start])
        index_of_token.append(len(words))
        words.append(text[start:end])
        spaces.append(False)
        position = end
    gap(text[position:])
    return words, spaces, index_of_token

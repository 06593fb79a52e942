"""The tag side of the text label contract: which spans a flat tag sequence can carry, BIO and
BILOU tags from tokens and spans, and spans read back from tags. Pure functions of labels,
shared by the generator (which makes tags), the exporters (which write them) and the reader
(which checks them), so none of those needs another's internals."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from synthlab.samples.text import EntitySpan, Token

__all__ = ["bio_tags", "misaligned_spans", "outermost", "spans_from_tags"]


def outermost(spans: Sequence[EntitySpan]) -> list[EntitySpan]:
    """Spans not inside another span (what flat formats such as BIO can carry)."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    kept: list[EntitySpan] = []
    for span in ordered:
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def bio_tags(
    tokens: Sequence[Token], spans: Sequence[EntitySpan], scheme: str = "BIO"
) -> tuple[str, ...]:
    tags = ["O"] * len(tokens)
    starts = [t.start for t in tokens]
    for span in outermost(spans):
        first = bisect_left(starts, span.start)
        last = first
        while last < len(tokens) and tokens[last].end <= span.end:
            last += 1
        inside = range(first, last)
        if not inside:
            continue
        if scheme == "BILOU" and len(inside) == 1:
            tags[first] = f"U-{span.label}"
            continue
        tags[first] = f"B-{span.label}"
        for i in inside[1:]:
            tags[i] = f"I-{span.label}"
        if scheme == "BILOU":
            tags[last - 1] = f"L-{span.label}"
    return tuple(tags)


def misaligned_spans(tokens: Sequence[Token], spans: Sequence[EntitySpan]) -> list[EntitySpan]:
    starts = {t.start for t in tokens}
    ends = {t.end for t in tokens}
    return [s for s in spans if s.start not in starts or s.end not in ends]


def spans_from_tags(tokens: Sequence[Any], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first token, last token + 1, label) for each entity in BIO or BILOU tags."""
    found: list[tuple[int, int, str]] = []
    open_at: int | None = None
    label = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        continues = prefix in ("I", "L") and open_at is not None and name == label
        if not continues and open_at is not None:
            found.append((open_at, i, label))
            open_at = None
        if prefix in ("B", "U") or (prefix in ("I", "L") and open_at is None):
            open_at, label = i, name
        if prefix in ("L", "U") and open_at is not None:
            found.append((open_at, i + 1, label))
            open_at = None
    return found

"""Diversity of a rendered text corpus: distinct-n, distinct frames, template coverage.

A model trained on templated text learns the templates' frames unless they vary, so every
render of a text recipe measures how much they do:

- **distinct-1 / distinct-2** (Li et al. 2016, "A Diversity-Promoting Objective Function
  for Neural Conversation Models"): unique n-grams / all n-grams, over the
  whitespace-separated words of the first `SAMPLED` samples by index (as common distinct-n
  scripts count; a regular expression cost twice the time). A fixed-size sample keeps
  memory and time bounded and makes the figures comparable between renders of different
  sizes (distinct-n falls as a corpus grows).
- **frames**: distinct texts (as word sequences) with every entity replaced by its label,
  over the same samples: the contexts a model sees around entities; and **context
  distinct-1/2**, the same ratios over the frames. Entity values (names, e-mails, numbers)
  are mostly unique, so they dominate the plain distinct-n; the context figures measure the
  wording alone.
- **template coverage**: templates used / templates in the recipe, over every sample.

The engine keeps one `DiversitySummary` per shard (`add` for every sample made), stores
its `part()` in the shard's record, and merges the parts at the end (`merge`): sets of
n-gram hashes are united and counts summed, so the figures never depend on the worker
count or the shard size. Hashes are 64-bit (BLAKE2b for a word, a multiply-add mix for a
pair, a fold for a frame): a collision among the at most a few hundred thousand n-grams
sampled has a chance below 1 in 10^8, and could only lower a count by one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

__all__ = ["SAMPLED", "DiversitySummary", "frame_of", "ngram_figures", "words"]

SAMPLED = 2_000  # samples with index below this are measured for distinct-n and frames
_MASK = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15  # odd: the pair hash a*_MIX + b is a bijection in b for each a
_CACHE_LIMIT = 200_000


def words(text: str) -> list[str]:
    """The units distinct-n counts: whitespace-separated words."""
    return text.split()


def frame_of(text: str, spans: Iterable[Any]) -> str:
    """`text` with each outermost entity span replaced by `<LABEL>`."""
    out: list[str] = []
    at = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < at:  # inside an entity already masked (nested)
            continue
        out.append(text[at : span.start])
        out.append(f"<{span.label}>")
        at = span.end
    out.append(text[at:])
    return "".join(out)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def ngram_figures(texts: Iterable[str]) -> dict[str, float | int]:
    """distinct-1 and distinct-2 computed directly (exact sets of n-grams): what the
    summary's hashed counts estimate, for tests and for one-off measurements."""
    unigrams: set[str] = set()
    bigrams: set[tuple[str, str]] = set()
    total1 = total2 = 0
    for text in texts:
        found = words(text)
        unigrams.update(found)
        bigrams.update(pairwise(found))
        total1 += len(found)
        total2 += max(0, len(found) - 1)
    return {
        "distinct_1": _ratio(len(unigrams), total1),
        "distinct_2": _ratio(len(bigrams), total2),
        "unigrams": total1,
        "bigrams": total2,
    }


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


class _NgramCounts:
    """Hashed unigram and bigram sets with their totals, mergeable."""

    def __init__(self) -> None:
        self.unigrams: set[int] = set()
        self.bigrams: set[int] = set()
        self.total1 = 0
        self.total2 = 0

    def add(self, hashes: list[int]) -> None:
        self.unigrams.update(hashes)
        self.bigrams.update([(a * _MIX + b) & _MASK for a, b in pairwise(hashes)])
        self.total1 += len(hashes)
        self.total2 += max(0, len(hashes) - 1)

    def part(self) -> dict[str, Any]:
        return {
            "unigrams": sorted(self.unigrams),
            "bigrams": sorted(self.bigrams),
            "total1": self.total1,
            "total2": self.total2,
        }

    def merge(self, part: dict[str, Any]) -> None:
        self.unigrams.update(part["unigrams"])
        self.bigrams.update(part["bigrams"])
        self.total1 += part["total1"]
        self.total2 += part["total2"]

    def distinct_1(self) -> float:
        return _ratio(len(self.unigrams), self.total1)

    def distinct_2(self) -> float:
        return _ratio(len(self.bigrams), self.total2)


class DiversitySummary:
    """One shard's share of the diversity figures (see the module's docstring)."""

    def __init__(self, templates_available: int, sampled: int = SAMPLED):
        self.templates_available = templates_available
        self.sampled_below = sampled
        self.templates: Counter[str] = Counter()
        self.sampled = 0
        self.text = _NgramCounts()
        self.context = _NgramCounts()  # over the frames: entities masked
        self.frames: set[int] = set()
        self._word_hash: dict[str, int] = {}

    @classmethod
    def for_generator(cls, generator: Any) -> DiversitySummary:
        return cls(len(generator.catalog.templates))

    def add(self, sample: Any) -> None:
        self.templates[sample.template_id] += 1
        if sample.index >= self.sampled_below:
            return
        self.sampled += 1
        text = sample.text
        self.text.add(self._hashes(text))
        frame = self._hashes(frame_of(text, sample.spans))
        self.context.add(frame)
        # the frame's identity from its words' hashes (a fold), not a hash of its text
        identity = len(frame)
        for value in frame:
            identity = (identity * _MIX + value) & _MASK
        self.frames.add(identity)

    def _hashes(self, text: str) -> list[int]:
        known = self._word_hash
        if len(known) > _CACHE_LIMIT:
            known.clear()
        hashes = []
        for word in words(text):
            value = known.get(word)
            if value is None:
                value = known[word] = _hash(word)
            hashes.append(value)
        return hashes

    def part(self) -> dict[str, Any]:
        """What the shard record keeps: JSON, sets as sorted lists."""
        return {
            "templates_available": self.templates_available,
            "sampled_below": self.sampled_below,
            "templates": dict(sorted(self.templates.items())),
            "sampled": self.sampled,
            "text": self.text.part(),
            "context": self.context.part(),
            "frames": sorted(self.frames),
        }

    @staticmethod
    def merge(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """The run's figures from its shards' parts (in any order: the same result)."""
        templates: Counter[str] = Counter()
        text = _NgramCounts()
        context = _NgramCounts()
        frames: set[int] = set()
        sampled = 0
        for part in parts:
            templates.update(part["templates"])
            text.merge(part["text"])
            context.merge(part["context"])
            frames.update(part["frames"])
            sampled += part["sampled"]
        available = parts[0]["templates_available"] if parts else 0
        return {
            "measure": "diversity",
            "sampled": sampled,
            "sampled_below_index": parts[0]["sampled_below"] if parts else SAMPLED,
            "distinct_1": text.distinct_1(),
            "distinct_2": text.distinct_2(),
            "context_distinct_1": context.distinct_1(),
            "context_distinct_2": context.distinct_2(),
            "frames": len(frames),
            "frames_per_sample": _ratio(len(frames), sampled),
            "templates_used": len(templates),
            "templates_available": available,
            "template_coverage": _ratio(len(templates), available),
        }

    @staticmethod
    def line(merged: dict[str, Any]) -> str:
        """The one line a render prints about it."""
        return (
            f"diversity (first {merged['sampled']:,} samples): "
            f"distinct-1 {merged['distinct_1']:.3f}, distinct-2 {merged['distinct_2']:.3f} "
            f"(context, entities masked: {merged['context_distinct_1']:.3f}, "
            f"{merged['context_distinct_2']:.3f}), {merged['frames']:,} distinct frames; "
            f"templates used {merged['templates_used']}/{merged['templates_available']}"
        )

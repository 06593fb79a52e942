"""Reading text samples back from `text/<split>.jsonl` and checking their label invariants:
every span equals its slice, sits on token boundaries, and the tags agree with the spans."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from synthlab.errors import RuntimeFailure
from synthlab.readers import DatasetView
from synthlab.samples import Sample
from synthlab.samples.text import EntitySpan, TextSample, Token
from synthlab.samples.text_document import DocumentTextSample, TextLine, line_problems
from synthlab.samples.text_tags import bio_tags, misaligned_spans

__all__ = ["READER", "TextReader", "check_text_sample", "sample_from_row"]


def _token_offsets(text: str, tokens: list[str]) -> tuple[Token, ...]:
    """Tokens are exact substrings in order: find each after the previous one."""
    found = []
    position = 0
    for token in tokens:
        start = text.find(token, position)
        if start < 0:
            raise ValueError(f"token {token!r} is not in the text after offset {position}")
        found.append(Token(start, start + len(token), token))
        position = start + len(token)
    return tuple(found)


def sample_from_row(row: dict[str, Any], conditions: frozenset[str] = frozenset()) -> TextSample:
    if "lines" in row:  # a document of several lines (a session): its line labels too
        return DocumentTextSample(
            **_text_fields(row, conditions),
            lines=tuple(TextLine.from_json(line) for line in row["lines"]),
            document=row["document"],
        )
    return TextSample(**_text_fields(row, conditions))


def _text_fields(row: dict[str, Any], conditions: frozenset[str]) -> dict[str, Any]:
    text = row["text"]
    return dict(
        index=row["index"],
        conditions=conditions,
        metadata={"template": row["template"], "locale": row["locale"], "split": row["split"]},
        text=text,
        spans=tuple(EntitySpan(s["start"], s["end"], s["label"], s["text"]) for s in row["spans"]),
        classes=tuple(row["classes"]),
        tokens=_token_offsets(text, row["tokens"]),
        tags=tuple(row["tags"]),
        template_id=row["template"],
        locale=row["locale"],
        split=row["split"],
        seed=row["seed"],
    )


def check_text_sample(sample: TextSample, scheme: str | None = None) -> list[str]:
    problems = []
    text = sample.text
    for span in sample.spans:
        where = f"span {span.label} [{span.start}:{span.end}]"
        if not 0 <= span.start < span.end <= len(text):
            problems.append(f"{where} lies outside the text of length {len(text)}")
        elif text[span.start : span.end] != span.text:
            problems.append(
                f"{where} says {span.text!r} but the text there is {text[span.start : span.end]!r}"
            )
        elif span.text != span.text.strip():
            problems.append(f"{where} {span.text!r} starts or ends with whitespace")
    for token in sample.tokens:
        if text[token.start : token.end] != token.text:
            problems.append(f"token [{token.start}:{token.end}] {token.text!r} is not its slice")
    problems += [
        f"span {s.label} [{s.start}:{s.end}] {s.text!r} does not sit on token boundaries"
        for s in misaligned_spans(sample.tokens, sample.spans)
    ]
    if isinstance(sample, DocumentTextSample):
        problems += line_problems(sample)
    if len(sample.tags) != len(sample.tokens):
        problems.append(f"{len(sample.tags)} tags for {len(sample.tokens)} tokens")
    else:
        if scheme is None:
            scheme = "BILOU" if any(t[:2] in ("L-", "U-") for t in sample.tags) else "BIO"
        expected = bio_tags(sample.tokens, sample.spans, scheme)
        if expected != sample.tags:
            problems.append(f"tags {list(sample.tags)} disagree with the spans ({list(expected)})")
    return problems


class TextReader:
    """Loads samples from the dataset's text-jsonl files (an offset index per dataset)."""

    def __init__(self) -> None:
        self._offsets: dict[Path, dict[int, tuple[Path, int]]] = {}

    def _index(self, dataset: DatasetView) -> dict[int, tuple[Path, int]]:
        root = dataset.path.resolve()
        if root not in self._offsets:
            found: dict[int, tuple[Path, int]] = {}
            files = sorted((root / "text").glob("*.jsonl"))
            if not files:
                raise RuntimeFailure(
                    f"{root} has no text/*.jsonl; render with the 'text-jsonl' format to read it"
                )
            for path in files:
                with open(path, "rb") as handle:
                    offset = 0
                    for line in handle:
                        head = json.loads(line)["index"]
                        found[head] = (path, offset)
                        offset += len(line)
            self._offsets[root] = found
        return self._offsets[root]

    def load_sample(self, dataset: DatasetView, record: dict[str, Any]) -> Sample:
        index = record["index"]
        place = self._index(dataset).get(index)
        if place is None:
            raise RuntimeFailure(f"sample {index} is not in {dataset.path}/text/*.jsonl")
        path, offset = place
        with open(path, "rb") as handle:
            handle.seek(offset)
            row = json.loads(handle.readline())
        return sample_from_row(row, frozenset(record.get("conditions", ())))

    def check_sample(self, sample: Sample) -> list[str]:
        if not isinstance(sample, TextSample):
            return [f"expected a text sample, got {type(sample).__name__}"]
        return check_text_sample(sample)


READER = TextReader()

"""Reading the two sides of a text comparison into plain items: text, spans, classes.

Accepted: a synthlab text dataset (its `text/<split>.jsonl`), or plain files and folders of
them: JSONL (a `text` field; spans under `spans`/`entities` as objects with start/end/label
or doccano's `label: [[start, end, "LABEL"], ...]`; a class under `label`/`class`/`intent`
or a list under `labels`/`classes`), CoNLL columns (token first, tag last, blank line between
sentences, BIO/IOB/BILOU tags) and Label Studio JSON tasks (code-point offsets, as Label
Studio counts; UTF-16 offsets, as synthlab wrote them before 0.1.0, are accepted where the
span's `text` shows them). Offsets are code points everywhere after loading.

Items pass through a seeded reservoir, so at most `max_items` are held whatever the input
size. A file that cannot be read says where: `file:line:col: what is wrong`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from synthlab.errors import UsageError
from synthlab.fidelity.compare_stats import Reservoir

__all__ = ["TextCorpus", "TextItem", "load_text"]

JSONL_SUFFIXES = (".jsonl", ".ndjson")
CONLL_SUFFIXES = (".conll", ".conllu", ".iob", ".bio", ".tsv")
LABEL_STUDIO_SUFFIXES = (".json",)
ACCEPTED = ", ".join(JSONL_SUFFIXES + CONLL_SUFFIXES + LABEL_STUDIO_SUFFIXES)


@dataclass(frozen=True)
class TextItem:
    text: str
    spans: tuple[tuple[int, int, str], ...] = ()  # code-point offsets, end exclusive
    classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextCorpus:
    items: tuple[TextItem, ...]
    source: str  # what was read, in words ("synthlab dataset", "3 JSONL files")
    seen: int  # items in the input before subsampling

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({label for item in self.items for _, _, label in item.spans}))

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(sorted({name for item in self.items for name in item.classes}))


def _fail(path: Path, line: int, column: int, message: str) -> UsageError:
    return UsageError(f"{path}:{line}:{column}: {message}")


def _column_of(line: str, key: str) -> int:
    found = line.find(f'"{key}"')
    return found + 1 if found >= 0 else 1


def _span(raw: Any, text: str, where: tuple[Path, int, int]) -> tuple[int, int, str]:
    if isinstance(raw, dict):
        start, end = raw.get("start"), raw.get("end")
        label = raw.get("label", raw.get("type", raw.get("labels")))
        if isinstance(label, list) and len(label) == 1:
            label = label[0]
    elif isinstance(raw, (list, tuple)) and len(raw) >= 3:
        start, end, label = raw[0], raw[1], raw[2]
    else:
        raise _fail(
            *where, f"a span must be {{start, end, label}} or [start, end, label], got {raw!r}"
        )
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)):
        raise _fail(*where, f"span {raw!r} needs integer start/end and a string label")
    if not 0 <= start < end <= len(text):
        raise _fail(
            *where, f"span [{start}:{end}] {label} lies outside the text of length {len(text)}"
        )
    return start, end, label


def _classes(row: dict[str, Any]) -> tuple[str, ...]:
    for key in ("classes", "labels", "cats"):
        value = row.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(sorted(set(value)))
        if isinstance(value, dict):  # spaCy-style {"name": 1.0}
            return tuple(sorted(k for k, v in value.items() if v))
    for key in ("label", "class", "intent", "category"):
        value = row.get(key)
        if isinstance(value, str):
            return (value,)
    return ()


def _jsonl(path: Path) -> Iterator[TextItem]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise _fail(path, number, error.colno, f"not JSON: {error.msg}") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                keys = ", ".join(sorted(row)) if isinstance(row, dict) else type(row).__name__
                raise _fail(
                    path, number, 1, f"each line needs a string 'text' field (found: {keys})"
                )
            text = row["text"]
            raw_spans: Any = row.get("spans", row.get("entities"))
            key = "spans" if "spans" in row else "entities"
            if raw_spans is None and isinstance(row.get("label"), list):
                raw_spans, key = row["label"], "label"  # doccano
            spans: tuple[tuple[int, int, str], ...] = ()
            if raw_spans is not None:
                if not isinstance(raw_spans, list):
                    raise _fail(path, number, _column_of(line, key), f"'{key}' must be a list")
                where = (path, number, _column_of(line, key))
                spans = tuple(_span(raw, text, where) for raw in raw_spans)
            yield TextItem(text, spans, () if key == "label" else _classes(row))


def _spans_from_tags(
    tokens: list[str], tags: list[str]
) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """Tokens joined by single spaces, and the spans their BIO/IOB/BILOU tags mark."""
    text = " ".join(tokens)
    spans: list[tuple[int, int, str]] = []
    open_span: list[Any] | None = None
    position = 0
    for token, tag in zip(tokens, tags, strict=True):
        start, end = position, position + len(token)
        position = end + 1
        prefix, _, label = tag.partition("-")
        if tag == "O" or not label:
            open_span = None
            continue
        continues = prefix in ("I", "L") and open_span is not None and open_span[2] == label
        if continues:
            assert open_span is not None
            open_span[1] = end
        else:
            open_span = [start, end, label]
            spans.append(open_span)  # type: ignore[arg-type]
        if prefix in ("L", "U"):
            open_span = None
    return text, tuple((s, e, lab) for s, e, lab in spans)


def _conll(path: Path) -> Iterator[TextItem]:
    tokens: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                if tokens:
                    yield TextItem(*_spans_from_tags(tokens, tags))
                    tokens, tags = [], []
                continue
            if line.startswith("-DOCSTART-") or line.startswith("#"):
                continue
            columns = line.split("\t") if "\t" in line else line.split()
            if len(columns) < 2:
                raise _fail(path, number, 1, "expected at least two columns: token ... tag")
            tag = columns[-1]
            if tag != "O" and (len(tag) < 3 or tag[1] != "-" or tag[0] not in "BIELUS"):
                raise _fail(
                    path, number, line.rfind(tag) + 1,
                    f"tag {tag!r} is not O or B-/I-/L-/U-/E-/S- followed by a label",
                )  # fmt: skip
            # E- and S- (IOBES) read as L- and U- (BILOU)
            tags.append({"E": "L", "S": "U"}.get(tag[0], tag[0]) + tag[1:] if tag != "O" else tag)
            tokens.append(columns[0])
    if tokens:
        yield TextItem(*_spans_from_tags(tokens, tags))


def _code_points(text: str) -> dict[int, int]:
    """UTF-16 unit offset -> code-point offset (for exports that counted UTF-16 units)."""
    mapping = {}
    units = 0
    for index, char in enumerate(text):
        mapping[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    mapping[units] = len(text)
    return mapping


def _label_studio(path: Path) -> Iterator[TextItem]:
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise _fail(path, error.lineno, error.colno, f"not JSON: {error.msg}") from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise _fail(path, 1, 1, "expected a list of Label Studio tasks")
    for number, task in enumerate(tasks, start=1):
        data = task.get("data") if isinstance(task, dict) else None
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise UsageError(f"{path}: task {number} has no data.text string")
        results: list[Any] = []
        for key in ("annotations", "predictions"):
            done = [a for a in task.get(key) or [] if not a.get("was_cancelled")]
            if done:
                results = done[0].get("result") or []
                break
        mapping = _code_points(text)
        spans = []
        classes: list[str] = []
        for result in results:
            value = result.get("value", {})
            if result.get("type") == "choices":
                classes += value.get("choices", [])
            elif "start" in value and "end" in value and value.get("labels"):
                start, end = value["start"], value["end"]
                quoted = value.get("text")
                # Label Studio counts code points; an export that counted UTF-16 units
                # (synthlab's own before 0.1.0) is recognised by the span's quoted text
                if quoted is not None and text[start:end] != quoted:
                    units_start, units_end = mapping.get(start), mapping.get(end)
                    known = units_start is not None and units_end is not None
                    if known and text[units_start:units_end] == quoted:
                        start, end = units_start, units_end
                if not (isinstance(start, int) and isinstance(end, int)) or not (
                    0 <= start < end <= len(text)
                ):
                    raise UsageError(
                        f"{path}: task {number}: span [{value['start']}:{value['end']}] "
                        f"does not fit its text of {len(text)} characters"
                    )
                spans.append((start, end, str(value["labels"][0])))
        yield TextItem(text, tuple(spans), tuple(sorted(set(classes))))


READERS = {
    **dict.fromkeys(JSONL_SUFFIXES, _jsonl),
    **dict.fromkeys(CONLL_SUFFIXES, _conll),
    **dict.fromkeys(LABEL_STUDIO_SUFFIXES, _label_studio),
}


def _files(path: Path) -> tuple[list[Path], str]:
    if path.is_file():
        if path.suffix.lower() not in READERS:
            raise UsageError(
                f"{path}: cannot read {path.suffix or 'this'} files as text; use {ACCEPTED}"
            )
        return [path], f"{path.name}"
    if not path.is_dir():
        raise UsageError(f"{path} does not exist")
    if (path / "manifest.json").is_file():
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        modality = manifest.get("generator", {}).get("modality")
        if modality != "text":
            raise UsageError(f"{path} is a synthlab {modality} dataset, not text")
        files = sorted((path / "text").glob("*.jsonl"))
        if not files:
            raise UsageError(f"{path} has no text/*.jsonl; render it with the 'text-jsonl' format")
        return files, "synthlab text dataset"
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS)
    if not files:
        raise UsageError(f"{path} holds no text files ({ACCEPTED})")
    return files, f"{len(files)} file(s) under {path.name}"


def load_text(path: Path, max_items: int, rng: np.random.Generator) -> TextCorpus:
    """A seeded uniform subsample (at most `max_items`) of the texts under `path`."""
    files, source = _files(Path(path))
    reservoir: Reservoir[TextItem] = Reservoir(max_items, rng)
    for file in files:
        reservoir.extend(READERS[file.suffix.lower()](file))
    items = tuple(reservoir.items)
    if not items:
        raise UsageError(f"{path} holds no texts")
    return TextCorpus(items=items, source=source, seen=reservoir.seen)

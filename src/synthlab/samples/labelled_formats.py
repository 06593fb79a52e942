"""Reading labelled sentences from the three formats users have them in, strictly.

- JSONL: one object per line, `{"text": ..., "spans": [{"start", "end", "label"}]}`; a span
  may quote its `text` (then it must equal the slice) and may be `[start, end, label]`;
  `entities` is read like `spans`. synthlab's own `text-jsonl` export has this shape (its
  `tokens`, `tags` and provenance are ignored; its `classes` are kept).
- CoNLL: a token and its tag per line (token first, tag last, tab- or space-separated; the
  columns between are ignored), a blank line between sentences, `-DOCSTART-` lines and
  `# comment` lines skipped. Tags are BIO (B-/I-/O); BILOU and IOBES prefixes are read too.
  The text is the tokens joined by single spaces, so offsets follow from the tokens.
- Label Studio: the JSON export (a list of tasks) with `data.text` and, from each task's
  first annotation that is not cancelled (else its first prediction; a task with neither
  is left out, its entities unknown), the results of type `labels` (`value.start`,
  `value.end`, `value.labels`, code points as Label Studio counts them) and of type
  `choices` (document classes). An export that counted UTF-16 units, as
  synthlab did before 0.1.0, is recognised where a region quotes its text.

Every problem is a `LabelledTextError` with the file and the line (for Label Studio, the
line where the task starts): malformed JSON, spans that do not match their text, bad tag
sequences. The parsers take the file's text (the caller reads it, contained in the recipe's
folder) and return every sentence in file order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from synthlab.samples.labelled_text import LabelledSentence, LabelledTextError, check_spans

__all__ = [
    "FORMATS",
    "format_of",
    "parse_conll_sentences",
    "parse_jsonl_sentences",
    "parse_label_studio_sentences",
    "parse_sentences",
]

SUFFIXES = {
    "jsonl": (".jsonl", ".ndjson"),
    "conll": (".conll", ".conllu", ".iob", ".bio", ".tsv"),
    "label-studio": (".json",),
}
_JSON_SPACE = " \t\n\r"


def format_of(path: str) -> str | None:
    """The format a file's suffix names, or None."""
    lower = path.lower()
    return next((name for name, ends in SUFFIXES.items() if lower.endswith(ends)), None)


# -- JSONL ----------------------------------------------------------------------------------
def _jsonl_span(raw: Any, path: str, line: int) -> tuple[int, int, str, str | None]:
    quoted = None
    if isinstance(raw, dict):
        start, end, quoted = raw.get("start"), raw.get("end"), raw.get("text")
        label = raw.get("label", raw.get("labels"))
        if isinstance(label, list) and len(label) == 1:
            label = label[0]
    elif isinstance(raw, list) and len(raw) == 3:
        start, end, label = raw
    else:
        raise LabelledTextError(
            path, line, f"a span is {{\"start\", \"end\", \"label\"}} or [start, end, label], "
            f"got {raw!r}",
        )  # fmt: skip
    if type(start) is not int or type(end) is not int or not isinstance(label, str) or not label:
        raise LabelledTextError(
            path, line, f"span {raw!r} needs integer start and end and one string label"
        )
    if quoted is not None and not isinstance(quoted, str):
        raise LabelledTextError(path, line, f"span {raw!r}: its 'text' must be a string")
    return start, end, label, quoted


def _classes(raw: Any, path: str, line: int) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(name, str) and name for name in raw):
        raise LabelledTextError(path, line, f"'classes' must be a list of names, got {raw!r}")
    return tuple(sorted(set(raw)))


def parse_jsonl_sentences(text: str, path: str) -> list[LabelledSentence]:
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise LabelledTextError(
                path, number, f"not JSON: {error.msg} (column {error.colno}); each line holds "
                'one object such as {"text": "...", "spans": [{"start": 0, "end": 4, '
                '"label": "PERSON"}]}',
            ) from None  # fmt: skip
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            keys = ", ".join(sorted(row)) if isinstance(row, dict) else type(row).__name__
            raise LabelledTextError(
                path, number, f"each line needs a string 'text' field (found: {keys})"
            )
        key = "spans" if "spans" in row else "entities"
        raw_spans = row.get(key, [])
        if not isinstance(raw_spans, list):
            raise LabelledTextError(path, number, f"'{key}' must be a list of spans")
        spans = [_jsonl_span(raw, path, number) for raw in raw_spans]
        found.append(
            LabelledSentence(
                row["text"],
                check_spans(row["text"], spans, path, number),
                _classes(row.get("classes"), path, number),
                path,
                number,
            )
        )
    return found


# -- CoNLL ----------------------------------------------------------------------------------
def _tag_parts(tag: str) -> tuple[str, str] | None:
    """(prefix as BIO/BILOU, label) of a well-formed tag, ("O", "") for O, None otherwise."""
    if tag == "O":
        return "O", ""
    prefix, dash, label = tag.partition("-")
    if not dash or not label or prefix not in ("B", "I", "L", "U", "E", "S"):
        return None
    return {"E": "L", "S": "U"}.get(prefix, prefix), label  # IOBES read as BILOU


def _conll_sentence(rows: list[tuple[int, str, str]], path: str) -> LabelledSentence:
    """Tokens joined by single spaces; the tags' entities checked as a sequence."""
    spans: list[tuple[int, int, str, str | None]] = []
    open_label: str | None = None  # the label of the entity the previous token is inside
    position = 0
    for number, token, tag in rows:
        start, end = position, position + len(token)
        position = end + 1
        prefix, label = _tag_parts(tag)  # type: ignore[misc]  # checked when read
        if prefix in ("I", "L"):
            if open_label != label:
                if number == rows[0][0]:
                    after = "it starts the sentence"
                elif open_label is None:
                    after = "the token before is outside any entity"
                else:
                    after = f"the token before is inside a {open_label} entity"
                raise LabelledTextError(
                    path, number, f"tag {tag!r} continues no {label} entity ({after}); "
                    f"an entity starts with B-{label}",
                )  # fmt: skip
            first = spans[-1]
            spans[-1] = (first[0], end, label, None)
        elif prefix in ("B", "U"):
            spans.append((start, end, label, None))
        open_label = label if prefix in ("B", "I") else None
    text = " ".join(token for _, token, _ in rows)
    return LabelledSentence(text, check_spans(text, spans, path, rows[0][0]), (), path, rows[0][0])


def parse_conll_sentences(text: str, path: str) -> list[LabelledSentence]:
    found = []
    rows: list[tuple[int, str, str]] = []  # (line, token, tag)
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            if rows:
                found.append(_conll_sentence(rows, path))
                rows = []
            continue
        if line.startswith("-DOCSTART-"):
            continue
        columns = line.split("\t") if "\t" in line else line.split()
        if line.startswith("#") and (len(columns) < 2 or _tag_parts(columns[-1]) is None):
            continue  # a comment (CoNLL-U's `# text = ...`); `# O` is the token '#'
        if len(columns) < 2 or not columns[0]:
            raise LabelledTextError(
                path, number, f"expected a token and its tag (token first, tag last), got {line!r}"
            )
        tag = columns[-1].strip()
        if _tag_parts(tag) is None:
            raise LabelledTextError(
                path, number, f"tag {tag!r} is not O or B-/I- (or L-/U-/E-/S-) and a label"
            )
        rows.append((number, columns[0], tag))
    if rows:
        found.append(_conll_sentence(rows, path))
    return found


# -- Label Studio ---------------------------------------------------------------------------
def _tasks_with_lines(text: str, path: str) -> list[tuple[int, Any]]:
    """The export's tasks and the line each starts on (the file parses as a whole first)."""
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as error:
        raise LabelledTextError(
            path, error.lineno, f"not JSON: {error.msg} (column {error.colno})"
        ) from None
    if isinstance(whole, dict):
        return [(1 + text.count("\n", 0, text.find("{")), whole)]
    if not isinstance(whole, list):
        raise LabelledTextError(path, 1, "a Label Studio export is a JSON list of tasks")
    decoder = json.JSONDecoder()
    tasks = []
    position = text.find("[") + 1
    for _ in whole:  # walk the list again, element by element, to learn where each starts
        while text[position] in _JSON_SPACE or text[position] == ",":
            position += 1
        task, after = decoder.raw_decode(text, position)
        tasks.append((1 + text.count("\n", 0, position), task))
        position = after
    return tasks


def _code_point_offset(text: str, units: int) -> int | None:
    """The code-point offset of a UTF-16 unit offset, or None inside a surrogate pair."""
    counted = 0
    for index, char in enumerate(text):
        if counted == units:
            return index
        counted += 2 if ord(char) > 0xFFFF else 1
    return len(text) if counted == units else None


def _region(value: dict[str, Any], text: str, path: str, line: int) -> tuple[int, int, str, Any]:
    start, end, labels = value.get("start"), value.get("end"), value.get("labels")
    if type(start) is not int or type(end) is not int:
        raise LabelledTextError(path, line, f"a labels region needs integer start/end: {value!r}")
    if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
        raise LabelledTextError(
            path, line, f"region [{start}:{end}] needs exactly one label, got {labels!r}"
        )
    quoted = value.get("text")
    if isinstance(quoted, str) and text[start:end] != quoted:
        # an export that counted UTF-16 units (synthlab's own before 0.1.0)
        first, last = _code_point_offset(text, start), _code_point_offset(text, end)
        if first is not None and last is not None and text[first:last] == quoted:
            start, end = first, last
    return start, end, labels[0], quoted if isinstance(quoted, str) else None


def _task_sentence(task: Any, path: str, line: int, number: int) -> LabelledSentence | None:
    """The task's sentence; None for a task nobody labelled (no annotation that is not
    cancelled, no prediction): its entities are unknown, not absent."""
    data = task.get("data") if isinstance(task, dict) else None
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str):
        raise LabelledTextError(path, line, f"task {number} has no data.text string")
    results: list[Any] | None = None
    for key in ("annotations", "predictions"):
        done = [
            a for a in task.get(key) or [] if isinstance(a, dict) and not a.get("was_cancelled")
        ]
        if done:
            results = done[0].get("result") or []  # an empty result: labelled, no entities
            break
    if results is None:
        return None
    spans = []
    classes: list[str] = []
    for result in results:
        value = result.get("value") if isinstance(result, dict) else None
        if not isinstance(value, dict):
            continue
        if result.get("type") == "labels":
            spans.append(_region(value, text, path, line))
        elif result.get("type") == "choices":
            classes += [c for c in value.get("choices") or [] if isinstance(c, str)]
    try:
        checked = check_spans(text, spans, path, line)
    except LabelledTextError as error:
        raise LabelledTextError(path, line, f"task {number}: {error.problem}") from None
    return LabelledSentence(text, checked, tuple(sorted(set(classes))), path, line)


def parse_label_studio_sentences(text: str, path: str) -> list[LabelledSentence]:
    """The sentences of the labelled tasks (tasks nobody labelled are left out)."""
    found = []
    for number, (line, task) in enumerate(_tasks_with_lines(text, path), start=1):
        sentence = _task_sentence(task, path, line, number)
        if sentence is not None:
            found.append(sentence)
    return found


FORMATS: dict[str, Callable[[str, str], list[LabelledSentence]]] = {
    "jsonl": parse_jsonl_sentences,
    "conll": parse_conll_sentences,
    "label-studio": parse_label_studio_sentences,
}


def parse_sentences(text: str, path: str, format: str = "auto") -> list[LabelledSentence]:
    """Every labelled sentence in a file's text; `format` auto: from the path's suffix."""
    name = format_of(path) if format == "auto" else format
    if name is None:
        known = ", ".join(s for ends in SUFFIXES.values() for s in ends)
        raise LabelledTextError(
            path, 1, f"cannot tell the format from the name; use {known} or give format: "
            f"{' | '.join(FORMATS)}",
        )  # fmt: skip
    return FORMATS[name](text, path)

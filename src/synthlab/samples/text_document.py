"""Text samples of several lines that belong together: a log session, a ticket thread, an
attack burst. The sample's text holds the lines joined by "\\n"; each `TextLine` says where
its line lies in that text, which template wrote it, the line's own classes and the line's
time. The document's own label is its kind (also its one class, so quotas, splits and the
document-level formats see it).

Conventions are those of `samples.text`: code-point offsets, end exclusive, so
`text[line.start:line.end]` is the line without its "\\n". Times are ISO 8601 with
microseconds ("2024-03-01T08:15:02.250000"), which sort as strings in time order; within a
document they never decrease.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from synthlab.samples.text import TextSample

__all__ = ["DocumentTextSample", "TextLine", "line_problems"]


@dataclass(frozen=True)
class TextLine:
    start: int
    end: int
    template: str  # the line template that wrote it (provenance)
    classes: tuple[str, ...]  # the line's own labels (its template's tags), sorted
    time: str  # ISO 8601, microseconds; "" when the recipe's documents have no clock

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "template": self.template,
            "classes": list(self.classes),
            "time": self.time,
        }

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> TextLine:
        return cls(row["start"], row["end"], row["template"], tuple(row["classes"]), row["time"])


@dataclass(frozen=True)
class DocumentTextSample(TextSample):
    lines: tuple[TextLine, ...] = ()
    document: str = ""  # the document's kind, e.g. "brute_force"

    def line_text(self, line: TextLine) -> str:
        return self.text[line.start : line.end]


def line_problems(sample: DocumentTextSample) -> list[str]:
    """The lines' invariants: they tile the text in order, one "\n" between neighbours and
    none inside a line; times never decrease; every span lies inside one line."""
    problems = []
    text = sample.text
    position = 0
    for number, line in enumerate(sample.lines):
        if line.start != position or line.end < line.start or line.end > len(text):
            problems.append(
                f"line {number} [{line.start}:{line.end}] does not follow at {position}"
            )
            return problems
        if "\n" in text[line.start : line.end]:
            problems.append(f"line {number} holds a line break")
        position = line.end + 1
    if sample.lines and sample.lines[-1].end != len(text):
        problems.append(f"the lines end at {sample.lines[-1].end}, the text at {len(text)}")
    times = [line.time for line in sample.lines]
    if times != sorted(times):
        problems.append(f"line times go backwards: {times}")
    ends = [line.end for line in sample.lines]
    for span in sample.spans if ends else ():
        at = bisect_left(ends, span.start)
        holder = sample.lines[at] if at < len(ends) else None
        if holder is None or not holder.start <= span.start < span.end <= holder.end:
            problems.append(f"span {span.label} [{span.start}:{span.end}] crosses a line break")
    return problems

"""`log-stream`: the whole corpus as ONE log in time order, with its labels beside it.

For recipes whose samples are documents of several lines with times (a text recipe with
`sessions:`, see `samples.text_document`). Sessions overlap in time, so their lines
interleave in the stream the way a server's log interleaves concurrent logins:

    log/stream.log        every line of every document, ordered by (time, sample index,
                          line number): ties broken by index, so the bytes never depend on
                          workers, shards or the order samples were made in
    log/lines.jsonl       one row per stream line (same order): its line number (1-based),
                          time, sample index, the line's spans (offsets inside the line),
                          its classes, the document's kind and split
    log/documents.jsonl   one row per document (a session, a burst): its kind, split, first
                          and last stream line, every line number it holds and its time
                          window [start, end]; in the order documents end in the stream

Memory stays bounded: lines are sorted in runs of `RUN` written to scratch files and merged
(`heapq.merge`); only documents still open at a point of the stream are held.
"""

from __future__ import annotations

import heapq
import json
import tempfile
from collections.abc import Iterator
from typing import IO, Any, ClassVar

from synthlab.errors import RuntimeFailure
from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.text.common import dumps, text_sample
from synthlab.samples import Sample
from synthlab.samples.text_document import DocumentTextSample

__all__ = ["LogStreamExporter"]

STREAM = "log/lines.records"
RUN = 200_000  # lines sorted in memory at a time


def _key(time: str, index: int, number: int) -> str:
    """Sorts as strings in (time, index, line number) order: ISO times of one width, the
    numbers zero-padded."""
    return f"{time}\t{index:020d}\t{number:09d}"


class LogStreamExporter(Exporter):
    name: ClassVar[str] = "log-stream"
    description: ClassVar[str] = (
        "log/stream.log: every document's lines in time order as one log, with per-line "
        "labels and each document's (burst's) line range and time window"
    )
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})
    writes: ClassVar[tuple[str, ...]] = ("log/*",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        document = text_sample(sample)
        if not isinstance(document, DocumentTextSample):
            raise RuntimeFailure(
                "the log-stream format writes documents with timed lines: give the text "
                "recipe `sessions:` (see docs/text.md), or drop log-stream from its formats"
            )
        if document.lines and not document.lines[0].time:
            raise RuntimeFailure(
                "the log-stream format orders lines by time: give the recipe's `sessions:` a "
                "clock (a `date` value) and each kind a gap"
            )
        count = len(document.lines)
        for number, line in enumerate(document.lines):
            spans = [
                {
                    "start": s.start - line.start,
                    "end": s.end - line.start,
                    "label": s.label,
                    "text": s.text,
                }
                for s in document.spans
                if line.start <= s.start and s.end <= line.end
            ]
            row = {
                "sample": document.index,
                "line_in_sample": number,
                "lines_in_sample": count,
                "time": line.time,
                "text": document.text[line.start : line.end],
                "spans": spans,
                "classes": list(line.classes),
                "document": document.document,
                "split": document.split,
            }
            sink.record(STREAM, f"{_key(line.time, document.index, number)}\t{dumps(row)}")

    def owns_stream(self, stream: str) -> bool:
        return stream == STREAM

    def finalize(self, dataset: DatasetSink) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            runs = _sorted_runs(dataset.iter_stream(STREAM), scratch)
            handles = [open(path, encoding="utf-8") for path in runs]  # noqa: SIM115
            try:
                ordered = heapq.merge(*(_lines_of(h) for h in handles))
                with (
                    dataset.open("log/stream.log") as log,
                    dataset.open("log/lines.jsonl") as lines,
                    dataset.open("log/documents.jsonl") as documents,
                ):
                    _write(ordered, log, lines, documents)
            finally:
                for handle in handles:
                    handle.close()


def _lines_of(handle: IO[str]) -> Iterator[str]:
    for line in handle:
        yield line.rstrip("\n")


def _sorted_runs(records: Iterator[str], folder: str) -> list[str]:
    paths: list[str] = []
    run: list[str] = []

    def spill() -> None:
        run.sort()
        path = f"{folder}/run-{len(paths):06d}"
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(f"{line}\n" for line in run)
        paths.append(path)
        run.clear()

    for record in records:
        run.append(record)
        if len(run) == RUN:
            spill()
    if run or not paths:
        spill()
    return paths


def _write(ordered: Iterator[str], log: IO[bytes], lines: IO[bytes], documents: IO[bytes]) -> None:
    open_documents: dict[int, dict[str, Any]] = {}
    for number, record in enumerate(ordered, start=1):
        row = json.loads(record.split("\t", 3)[3])
        log.write(row["text"].encode("utf-8") + b"\n")
        index = row["sample"]
        lines.write(
            dumps(
                {
                    "line": number,
                    "time": row["time"],
                    "sample": index,
                    "line_in_sample": row["line_in_sample"],
                    "spans": row["spans"],
                    "classes": row["classes"],
                    "document": row["document"],
                    "split": row["split"],
                }
            ).encode("utf-8")
            + b"\n"
        )
        found = open_documents.get(index)
        if found is None:
            found = open_documents[index] = {
                "sample": index,
                "document": row["document"],
                "split": row["split"],
                "first_line": number,
                "start": row["time"],
                "lines": [],
            }
        found["lines"].append(number)
        if len(found["lines"]) == row["lines_in_sample"]:
            del open_documents[index]
            found["last_line"] = number
            found["end"] = row["time"]
            documents.write(dumps(found).encode("utf-8") + b"\n")
    if open_documents:  # every line of a document is in the stream: a bug if not
        raise RuntimeFailure(f"documents {sorted(open_documents)[:5]} lost lines in the stream")

"""`text-jsonl`: one JSON object per sample in `text/<split>.jsonl`.

Each line holds the text, the spans (start/end in code points, label, text), the document
classes, tokens with their BIO/BILOU tags, and the provenance (index, template id, locale,
recipe seed; the sample's stream is `SeedSequence(seed, spawn_key=(index,))`).
"""

from __future__ import annotations

from json.encoder import encode_basestring as _quote  # what json.dumps(ensure_ascii=False) uses
from typing import ClassVar

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.text.common import dumps, split_streams, text_sample
from synthlab.exporters.text.shape_lines import LineFunction, line_function
from synthlab.samples import Sample
from synthlab.samples.text import TextSample
from synthlab.samples.text_document import DocumentTextSample
from synthlab.samples.text_pieced import PiecedTextSample

__all__ = ["PieceSpelling", "TextJsonlExporter", "jsonl_line", "jsonl_row"]

FOLDER = "text/"


def jsonl_row(sample: TextSample) -> dict[str, object]:
    return {
        "index": sample.index,
        "text": sample.text,
        "spans": [
            {"start": s.start, "end": s.end, "label": s.label, "text": s.text} for s in sample.spans
        ],
        "classes": list(sample.classes),
        "tokens": [t.text for t in sample.tokens],
        "tags": list(sample.tags),
        "template": sample.template_id,
        "locale": sample.locale,
        "split": sample.split,
        "seed": sample.seed,
    }


def document_line(sample: DocumentTextSample) -> str:
    """A document's row: `jsonl_row` plus its kind and its lines (where each lies in the
    text, its template, classes and time)."""
    row = jsonl_row(sample)
    row["document"] = sample.document
    row["lines"] = [line.to_json() for line in sample.lines]
    return dumps(row)


def jsonl_line(sample: TextSample) -> str:
    """`dumps(jsonl_row(sample))`, spelled out: the keys in sorted order and each string
    escaped by the json module's own function, so the bytes are the same, at half the cost
    of building the dicts and sorting their keys for every sample."""
    spans = ",".join(
        [
            f'{{"end":{s.end},"label":{_quote(s.label)},"start":{s.start},"text":{_quote(s.text)}}}'
            for s in sample.spans
        ]
    )
    return (
        f'{{"classes":[{",".join(map(_quote, sample.classes))}],"index":{int(sample.index)},'
        f'"locale":{_quote(sample.locale)},"seed":{int(sample.seed)},"spans":[{spans}],'
        f'"split":{_quote(sample.split)},"tags":[{",".join(map(_quote, sample.tags))}],'
        f'"template":{_quote(sample.template_id)},"text":{_quote(sample.text)},'
        f'"tokens":[{",".join([_quote(t.text) for t in sample.tokens])}]}}'
    )


class PieceSpelling:
    """Per worker: `jsonl_line` of a `PiecedTextSample`, by a function written once per shape
    (`shape_lines.line_function`) from the shape's constant stretches and the fills' own JSON
    spelling (`TextFill.json_text` and co., made once per distinct value): the same bytes as
    `jsonl_line` (a property test compares the two) in a fraction of the time, as a shape
    comes back in every sample of its template's path and pooled values thousands of
    times."""

    LIMIT = 4096

    def __init__(self) -> None:
        # (shape, locale, seed, split, template, classes) -> the line function
        self.shapes: dict[tuple[object, ...], LineFunction] = {}

    def _function(self, key: tuple[object, ...], sample: PiecedTextSample) -> LineFunction:
        if len(self.shapes) >= self.LIMIT:
            self.shapes.clear()
        found = self.shapes[key] = line_function(sample)
        return found

    def line(self, sample: PiecedTextSample) -> str:
        key = (
            sample.shape,
            sample.locale,
            sample.seed,
            sample.split,
            sample.template_id,
            sample.classes,
        )
        line = self.shapes.get(key) or self._function(key, sample)
        return line(int(sample.index), sample.fills)


class TextJsonlExporter(Exporter):
    name: ClassVar[str] = "text-jsonl"
    description: ClassVar[str] = "text/<split>.jsonl: text, spans, classes, tokens, BIO tags"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})
    writes: ClassVar[tuple[str, ...]] = ("text/*.jsonl",)

    def __init__(self) -> None:
        self.spelling = PieceSpelling()

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        text = text_sample(sample)
        if type(text) is PiecedTextSample:
            # a sample written as pieces is spelled from them (same bytes, half the time)
            line = self.spelling.line(text)
        elif isinstance(text, DocumentTextSample):  # several lines: their labels too
            line = document_line(text)
        else:
            line = jsonl_line(text)
        sink.record(f"{FOLDER}{text.split}.jsonl", line)

    def owns_stream(self, stream: str) -> bool:
        return stream.startswith(FOLDER) and stream.endswith(".jsonl")

    def finalize(self, dataset: DatasetSink) -> None:
        for _, stream in split_streams(dataset, FOLDER, ".jsonl"):
            with dataset.open(stream) as handle:
                # the lines are already the file's lines: copied in blocks, not one by one
                # (the driver's finalize is serial, after the workers)
                for block in dataset.stream_bytes(stream):
                    handle.write(block)

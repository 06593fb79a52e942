"""`text-jsonl`: one JSON object per sample in `text/<split>.jsonl`.

Each line holds the text, the spans (start/end in code points, label, text), the document
classes, tokens with their BIO/BILOU tags, and the provenance (index, template id, locale,
recipe seed; the sample's stream is `SeedSequence(seed, spawn_key=(index,))`).
"""

from __future__ import annotations

from json.encoder import encode_basestring as _quote  # what json.dumps(ensure_ascii=False) uses
from typing import ClassVar

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.text.common import split_streams, text_sample
from synthlab.samples import Sample
from synthlab.samples.text import PiecedTextSample, TextSample, TextSlot, comma_items

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


class _ShapeSpelling:
    """The line of a shape's samples less what the fills and the index put in: constant
    stretches, and formats with a `%s` per fill (literal text escaped for `%`)."""

    __slots__ = (
        "after_index",
        "after_spans",
        "after_tags",
        "after_text",
        "head",
        "slots",
        "tags",
        "text",
        "tokens",
    )

    def __init__(self, sample: PiecedTextSample):
        self.head = f'{{"classes":[{",".join(map(_quote, sample.classes))}],"index":'
        self.after_index = f',"locale":{_quote(sample.locale)},"seed":{int(sample.seed)},"spans":['
        # per slot: (characters of literal text since the previous slot, label, the span's
        # JSON between its end and its start)
        slots: list[tuple[int, str | None, str]] = []
        text, tokens, tags = [], [], []
        gap = 0
        for part in sample.shape.parts:
            if type(part) is TextSlot:
                middle = "" if part.label is None else f',"label":{_quote(part.label)},"start":'
                slots.append((gap, part.label, middle))
                gap = 0
                text.append("%s")
                tokens.append("%s")
                tags.append("%s")
                continue
            gap += part.length  # type: ignore[union-attr]
            text.append(part.json_text.replace("%", "%%"))  # type: ignore[union-attr]
            tokens.append(comma_items([part.json_tokens]).replace("%", "%%"))  # type: ignore[union-attr]
            tags.append(comma_items([part.json_outside]))  # type: ignore[union-attr]
        self.slots = tuple(slots)
        # list items each with a comma before it: a line cuts the first one off
        self.tags = "".join(tags)
        self.text = "".join(text)
        self.tokens = "".join(tokens)
        self.after_spans = f'],"split":{_quote(sample.split)},"tags":['
        self.after_tags = f'],"template":{_quote(sample.template_id)},"text":"'
        self.after_text = '","tokens":['


class PieceSpelling:
    """Per worker: `jsonl_line` of a `PiecedTextSample`, from its shape spelled once
    (`_ShapeSpelling`) and its fills' own JSON spelling (`TextFill.json_text` and co., made
    once per distinct value). JSON string escaping works character by character, so the
    escaped text is the join of the escaped stretches, and the token and tag lists are
    joins of the stretches' items: the same bytes as `jsonl_line` (a property test compares
    the two) in a fraction of the time, as a shape comes back in every sample of its
    template's path and pooled values thousands of times."""

    LIMIT = 4096

    def __init__(self) -> None:
        # (shape, locale, seed, split, template, classes) -> its spelling
        self.shapes: dict[tuple[object, ...], _ShapeSpelling] = {}

    def _spelling(self, key: tuple[object, ...], sample: PiecedTextSample) -> _ShapeSpelling:
        if len(self.shapes) >= self.LIMIT:
            self.shapes.clear()
        found = self.shapes[key] = _ShapeSpelling(sample)
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
        spelled = self.shapes.get(key) or self._spelling(key, sample)
        fills = sample.fills
        spans = []
        tags = []
        offset = 0
        for (gap, label, middle), fill in zip(spelled.slots, fills):  # noqa: B905 (one per slot)
            offset += gap
            if label is None:
                tags.append(fill.comma_outside)
            else:
                tags.append(fill.comma_tags_of.get(label) or fill.comma_tags(label))
                start = offset + fill.lead
                end = start + fill.core_length
                spans.append(f'{{"end":{end}{middle}{start},"text":"{fill.core_json_text}"}}')
            offset += fill.length
        texts = tuple([fill.json_text for fill in fills])
        tokens = tuple([fill.comma_tokens for fill in fills])
        # the list items each start with a comma: the first one is cut off
        return (
            f"{spelled.head}{int(sample.index)}{spelled.after_index}{','.join(spans)}"
            f"{spelled.after_spans}{(spelled.tags % tuple(tags))[1:]}"
            f"{spelled.after_tags}{spelled.text % texts}"
            f"{spelled.after_text}{(spelled.tokens % tokens)[1:]}]}}"
        )


class TextJsonlExporter(Exporter):
    name: ClassVar[str] = "text-jsonl"
    description: ClassVar[str] = "text/<split>.jsonl: text, spans, classes, tokens, BIO tags"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})

    def __init__(self) -> None:
        self.spelling = PieceSpelling()

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        text = text_sample(sample)
        # a sample written as pieces is spelled from them (same bytes, half the time)
        line = self.spelling.line(text) if type(text) is PiecedTextSample else jsonl_line(text)
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

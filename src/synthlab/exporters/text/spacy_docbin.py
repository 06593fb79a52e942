"""`spacy`: spaCy DocBin files `spacy/<split>/NNNN.spacy`, ready for `spacy train`.

Workers only record each sample's text, token offsets, spans and classes; the DocBins are
built at the end, `DOCS_PER_FILE` documents each, so the files are the same whatever the
shard size or worker count (DocBin sorts its string table, so its bytes are stable).
Every Doc's text equals the sample's text exactly (extra whitespace becomes whitespace
tokens, as spaCy does itself); `doc.ents` holds the outermost entities and, with nested
entities allowed, `doc.spans["sc"]` holds all of them; `doc.cats` holds every document
class of the recipe (1.0 for the sample's classes, 0.0 otherwise).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.text.common import (
    dumps,
    label_inventory,
    outermost,
    split_streams,
    text_sample,
    words_and_spaces,
)
from synthlab.samples import Sample

__all__ = ["DOCS_PER_FILE", "SpacyDocBinExporter"]

STREAMS = "spacy/"
SUFFIX = ".records"
DOCS_PER_FILE = 5000
SPAN_KEY = "sc"


class SpacyDocBinExporter(Exporter):
    name: ClassVar[str] = "spacy"
    description: ClassVar[str] = "spacy/<split>/NNNN.spacy: DocBin shards with ents, spans, cats"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})
    extra: ClassVar[str | None] = "text"
    requires: ClassVar[tuple[str, ...]] = ("spacy",)
    writes: ClassVar[tuple[str, ...]] = ("spacy/*.spacy",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        text = text_sample(sample)
        row = {
            "text": text.text,
            "tokens": [[t.start, t.end] for t in text.tokens],
            "spans": [[s.start, s.end, s.label] for s in text.spans],
            "classes": list(text.classes),
        }
        sink.record(f"{STREAMS}{text.split}{SUFFIX}", dumps(row))

    def owns_stream(self, stream: str) -> bool:
        return stream.startswith(STREAMS)

    def finalize(self, dataset: DatasetSink) -> None:
        import spacy
        from spacy.tokens import DocBin

        _, classes, _, nested = label_inventory(dataset)
        vocab = spacy.blank("xx").vocab
        for split, stream in split_streams(dataset, STREAMS, SUFFIX):
            number = 0
            docs = DocBin(store_user_data=False)
            for line in dataset.iter_stream(stream):
                docs.add(_doc(vocab, json.loads(line), classes, nested))
                if len(docs) == DOCS_PER_FILE:
                    dataset.file(f"spacy/{split}/{number:04d}.spacy", docs.to_bytes())
                    number, docs = number + 1, DocBin(store_user_data=False)
            if len(docs) or number == 0:
                dataset.file(f"spacy/{split}/{number:04d}.spacy", docs.to_bytes())


def _doc(vocab: Any, row: dict[str, Any], classes: tuple[str, ...], nested: bool) -> Any:
    from spacy.tokens import Doc

    from synthlab.samples.text import EntitySpan

    text = row["text"]
    words, spaces, _ = words_and_spaces(text, row["tokens"])
    doc = Doc(vocab, words=words, spaces=spaces)
    spans = [EntitySpan(s, e, label, text[s:e]) for s, e, label in row["spans"]]
    doc.ents = [_char_span(doc, s) for s in outermost(spans)]
    if nested:
        doc.spans[SPAN_KEY] = [_char_span(doc, s) for s in spans]
    doc.cats = {name: float(name in row["classes"]) for name in classes}
    return doc


def _char_span(doc: Any, span: Any) -> Any:
    found = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
    if found is None:
        raise ValueError(f"span {span.label} [{span.start}:{span.end}] is not on token bounds")
    return found

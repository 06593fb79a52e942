"""`conll`: CoNLL-2003 style files `conll/<split>.conll`.

Four space-separated columns per token (`token _ _ TAG`, the POS and chunk columns left
empty as `_`), a blank line after each sample, and the customary `-DOCSTART-` line at the
top. Tokens never hold whitespace. Flat BIO only: with nested entities the outermost
entities are written (the JSONL, spaCy and Label Studio exports keep all of them).
"""

from __future__ import annotations

from typing import ClassVar

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.text.common import split_streams, text_sample
from synthlab.samples import Sample

__all__ = ["ConllExporter", "parse_conll"]

FOLDER = "conll/"
DOCSTART = "-DOCSTART- -X- -X- O"


class ConllExporter(Exporter):
    name: ClassVar[str] = "conll"
    description: ClassVar[str] = "conll/<split>.conll: CoNLL-2003 style token/tag columns"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})
    writes: ClassVar[tuple[str, ...]] = ("conll/*.conll",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        text = text_sample(sample)
        stream = f"{FOLDER}{text.split}.conll"
        tags = text.tags
        if any(tag[:1] in ("L", "U") for tag in tags):  # CoNLL-2003 is BIO
            tags = tuple("B" + t[1:] if t[0] == "U" else "I" + t[1:] if t[0] == "L" else t
                         for t in tags)  # fmt: skip
        sink.record(stream, "\n".join(f"{t.text} _ _ {tag}" for t, tag in zip(text.tokens, tags,
                                                                              strict=True))
                    .replace("\n", "\x1f"))  # fmt: skip

    def owns_stream(self, stream: str) -> bool:
        return stream.startswith(FOLDER)

    def finalize(self, dataset: DatasetSink) -> None:
        for _, stream in split_streams(dataset, FOLDER, ".conll"):
            with dataset.open(stream) as handle:
                handle.write(f"{DOCSTART}\n\n".encode())
                for line in dataset.iter_stream(stream):
                    handle.write(line.replace("\x1f", "\n").encode("utf-8") + b"\n\n")


def parse_conll(text: str) -> list[tuple[list[str], list[str]]]:
    """(tokens, tags) per sample of a CoNLL file written by this exporter."""
    samples: list[tuple[list[str], list[str]]] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in text.split("\n"):
        if not line:
            if tokens:
                samples.append((tokens, tags))
                tokens, tags = [], []
            continue
        if line.startswith("-DOCSTART-"):
            continue
        columns = line.split(" ")
        tokens.append(columns[0])
        tags.append(columns[-1])
    if tokens:
        samples.append((tokens, tags))
    return samples

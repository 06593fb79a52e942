"""`hf`: a Hugging Face `datasets` layout, `hf/data/<split>.parquet` plus `hf/README.md`.

`datasets.load_dataset("parquet", data_files=...)` or `datasets.load_dataset("<out>/hf")`
reads it offline. The features travel in the Parquet schema metadata (the `huggingface`
key `datasets` itself writes), so `ner_tags` loads as a sequence of `ClassLabel` named
O, B-X, I-X... in a fixed order, and `classes` as a sequence of `ClassLabel` of the
document classes. Written with pyarrow only (no `datasets` import), row groups of fixed size
and no timestamps, so the bytes are the same run after run.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from typing import Any, ClassVar

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.text.common import dumps, split_streams, text_sample
from synthlab.samples import Sample

__all__ = ["HuggingFaceExporter", "hf_features"]

STREAMS = "hf/"
SUFFIX = ".records"
ROWS_PER_GROUP = 10_000


def _value(dtype: str) -> dict[str, Any]:
    return {"dtype": dtype, "_type": "Value"}


def hf_features(tag_names: tuple[str, ...], classes: tuple[str, ...]) -> dict[str, Any]:
    """The `datasets.Features` of the layout, in its serialized (to_dict) form."""
    return {
        "id": _value("int64"),
        "text": _value("string"),
        "tokens": {"feature": _value("string"), "_type": "Sequence"},
        # each token's [start, end) in `text`, code points (a learner's alignment back)
        "offsets": {"feature": {"feature": _value("int64"), "_type": "Sequence"},
                    "_type": "Sequence"},
        "ner_tags": {"feature": {"names": list(tag_names), "_type": "ClassLabel"},
                     "_type": "Sequence"},
        "spans": [{"start": _value("int64"), "end": _value("int64"),
                   "label": _value("string"), "text": _value("string")}],
        "classes": {"feature": {"names": list(classes), "_type": "ClassLabel"},
                    "_type": "Sequence"},
        "template": _value("string"),
        "locale": _value("string"),
    }  # fmt: skip


def _schema(tag_names: tuple[str, ...], classes: tuple[str, ...]) -> Any:
    import pyarrow as pa

    span = pa.struct(
        [("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()), ("text", pa.string())]
    )
    fields = [
        ("id", pa.int64()),
        ("text", pa.string()),
        ("tokens", pa.list_(pa.string())),
        ("offsets", pa.list_(pa.list_(pa.int64()))),
        ("ner_tags", pa.list_(pa.int64())),
        ("spans", pa.list_(span)),
        ("classes", pa.list_(pa.int64())),
        ("template", pa.string()),
        ("locale", pa.string()),
    ]
    info = {"info": {"features": hf_features(tag_names, classes)}}
    return pa.schema(fields, metadata={"huggingface": json.dumps(info, sort_keys=True)})


def _card(splits: list[str]) -> str:
    lines = ["---", "configs:", "- config_name: default", "  data_files:"]
    for split in splits:
        lines += [f"  - split: {split}", f"    path: data/{split}.parquet"]
    lines += ["---", "", "Synthetic labeled text made by synthlab (tokens, their offsets,",
              "ner_tags, spans, classes).",
              "Load with `datasets.load_dataset(\"<this folder>\")`.", ""]  # fmt: skip
    return "\n".join(lines)


class HuggingFaceExporter(Exporter):
    name: ClassVar[str] = "hf"
    description: ClassVar[str] = "hf/: datasets-loadable Parquet with ner_tags as ClassLabel"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})
    requires: ClassVar[tuple[str, ...]] = ("pyarrow",)
    writes: ClassVar[tuple[str, ...]] = ("hf/*",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        text = text_sample(sample)
        row = {
            "id": text.index,
            "text": text.text,
            "tokens": [t.text for t in text.tokens],
            "offsets": [[t.start, t.end] for t in text.tokens],
            "tags": list(text.tags),
            "spans": [
                {"start": s.start, "end": s.end, "label": s.label, "text": s.text}
                for s in text.spans
            ],
            "classes": list(text.classes),
            "template": text.template_id,
            "locale": text.locale,
        }
        sink.record(f"{STREAMS}{text.split}{SUFFIX}", dumps(row))

    def owns_stream(self, stream: str) -> bool:
        return stream.startswith(STREAMS)

    def finalize(self, dataset: DatasetSink) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        labels = dataset.layout.labels
        names, classes = labels.tags(), labels.classes
        tag_ids = {name: i for i, name in enumerate(names)}
        class_ids = {name: i for i, name in enumerate(classes)}
        schema = _schema(names, classes)
        splits = []
        for split, stream in split_streams(dataset, STREAMS, SUFFIX):
            splits.append(split)
            with tempfile.TemporaryFile() as scratch:
                writer = pq.ParquetWriter(scratch, schema, compression="zstd")
                batch: list[dict[str, Any]] = []
                for line in dataset.iter_stream(stream):
                    row = json.loads(line)
                    row["ner_tags"] = [tag_ids[tag] for tag in row.pop("tags")]
                    row["classes"] = [class_ids[name] for name in row["classes"]]
                    batch.append(row)
                    if len(batch) == ROWS_PER_GROUP:
                        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                        batch = []
                if batch:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                writer.close()
                scratch.seek(0)
                with dataset.open(f"hf/data/{split}.parquet") as handle:
                    shutil.copyfileobj(scratch, handle)
        dataset.file("hf/README.md", _card(splits).encode())

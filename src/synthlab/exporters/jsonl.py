"""JSON Lines for flat records: `records.jsonl`, plus `payload/<index>.bin` when present."""

from __future__ import annotations

from typing import Any, ClassVar

from synthlab.exporters.base import Exporter, Layout, SampleSink
from synthlab.jsonio import canonical_json
from synthlab.readers import DatasetView
from synthlab.samples import RecordSample, Sample

__all__ = ["EXPORTERS", "READER", "JsonlExporter", "RecordReader"]


class JsonlExporter(Exporter):
    name: ClassVar[str] = "jsonl"
    description: ClassVar[str] = "one JSON object per sample in records.jsonl"
    modalities: ClassVar[frozenset[str]] = frozenset({"record"})
    writes: ClassVar[tuple[str, ...]] = ("records.jsonl", "payload/*.bin")

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, RecordSample)
        row = {"index": sample.index, "conditions": sorted(sample.conditions), **sample.values}
        sink.record("records.jsonl", canonical_json(row))
        if sample.payload:
            sink.file(layout.sample_path("payload", sample.index, ".bin"), sample.payload)

    def owns_stream(self, stream: str) -> bool:
        return stream == "records.jsonl"


EXPORTERS = (JsonlExporter(),)


class RecordReader:
    """Record samples read back from `samples.jsonl`, where each one's drawn values are kept
    (so a dataset can be read whatever formats it was written in). Records carry no labels
    with invariants to check."""

    def load_sample(self, dataset: DatasetView, record: dict[str, Any]) -> Sample:
        metadata = record.get("metadata", {})
        return RecordSample(
            index=record["index"],
            conditions=frozenset(record["conditions"]),
            metadata=metadata,
            values=metadata.get("values", {}),
        )

    def check_sample(self, sample: Sample) -> list[str]:
        return []


READER = RecordReader()

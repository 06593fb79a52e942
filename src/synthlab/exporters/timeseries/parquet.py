"""Parquet (the default): `parquet/series/<n>.parquet` per series with values and per-point
labels, and `parquet/events.parquet`, the dataset's event table.

Deterministic bytes: fixed column order and schema, zstd at a fixed level, no pandas
metadata, one writer library version (recorded in the manifest via pyarrow's version).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.timeseries.columns import event_rows, label_codes, point_columns
from synthlab.jsonio import canonical_json
from synthlab.samples import Sample
from synthlab.samples.timeseries import ACTIVITIES, TimeseriesSample

__all__ = ["EVENT_SCHEMA", "ParquetExporter", "series_table"]

WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "use_dictionary": ["label", "anomaly", "event_id", "activity"],
    "write_statistics": True,
    "version": "2.6",
}
_EVENT_BATCH = 8192  # event rows per row group: memory stays bounded however many events

EVENT_SCHEMA = pa.schema(
    [
        ("series", pa.int64()),
        ("event_id", pa.int32()),
        ("kind", pa.string()),
        ("name", pa.string()),
        ("channels", pa.list_(pa.string())),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("start_time", pa.timestamp("ns", tz="UTC")),
        ("end_time", pa.timestamp("ns", tz="UTC")),
        ("phase", pa.string()),
        ("params", pa.string()),
    ]
)


def _array(name: str, values: np.ndarray) -> pa.Array:
    if name == "timestamp":
        # a view, not a conversion: converting int64 to timestamps element-wise is ~100x slower
        return pa.array(values).view(pa.timestamp("ns", tz="UTC"))
    if name == "activity":
        return pa.DictionaryArray.from_arrays(
            pa.array(values, type=pa.int16()), pa.array(ACTIVITIES, type=pa.string())
        )
    return pa.array(values)


def series_table(sample: TimeseriesSample) -> pa.Table:
    columns = point_columns(sample)
    about = {
        "series": sample.index,
        "rate_hz": sample.rate_hz,
        "length": sample.length,
        "units": dict(zip(sample.channels, sample.units, strict=True)),
        "codes": label_codes(),
    }
    schema_meta = {b"synthlab": canonical_json(about).encode()}
    arrays = [_array(name, values) for name, values in columns.items()]
    table = pa.Table.from_arrays(arrays, names=list(columns))
    return table.replace_schema_metadata(schema_meta)


def _event_batches(lines: Iterator[str]) -> Iterator[pa.RecordBatch]:
    rows: list[dict[str, Any]] = []
    for line in lines:
        rows.append(json.loads(line))
        if len(rows) == _EVENT_BATCH:
            yield pa.RecordBatch.from_pylist(rows, schema=EVENT_SCHEMA)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=EVENT_SCHEMA)


class _Forward(io.RawIOBase):
    """A plain writable file object over the dataset's handle (pyarrow wants `closed`)."""

    def __init__(self, handle: Any):
        super().__init__()
        self.handle = handle
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.handle.write(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position


class ParquetExporter(Exporter):
    name: ClassVar[str] = "parquet"
    description: ClassVar[str] = "time series: Parquet per series plus an event table"
    modalities: ClassVar[frozenset[str]] = frozenset({"timeseries"})
    folder: ClassVar[str] = "parquet"

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, TimeseriesSample)
        buffer = io.BytesIO()
        table = series_table(sample)
        # noisy floats barely compress: store them plain, compress the label columns
        codecs = {name: "zstd" for name in table.column_names}
        codecs.update({name: "none" for name in sample.channels})
        pq.write_table(table, buffer, **{**WRITE_OPTIONS, "compression": codecs})
        sink.file(
            layout.sample_path(f"{self.folder}/series", sample.index, ".parquet"), buffer.getvalue()
        )
        for row in event_rows(sample):
            sink.record(f"{self.name}/events", canonical_json(row))

    def finalize(self, dataset: DatasetSink) -> None:
        with dataset.open(f"{self.folder}/events.parquet") as handle:
            writer = pq.ParquetWriter(
                pa.PythonFile(_Forward(handle), mode="w"), EVENT_SCHEMA, **WRITE_OPTIONS
            )
            wrote = False
            for batch in _event_batches(dataset.iter_stream(f"{self.name}/events")):
                writer.write_batch(batch)
                wrote = True
            if not wrote:
                writer.write_table(EVENT_SCHEMA.empty_table())
            writer.close()
        dataset.file(f"{self.folder}/labels.json", (canonical_json(label_codes()) + "\n").encode())

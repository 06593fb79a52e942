"""Parquet (the default): `parquet/series/<n>.parquet` per series with values and per-point
labels, and `parquet/events.parquet`, the dataset's event table.

Deterministic bytes: fixed column order, schema and writer settings, no pandas metadata,
one writer library version (recorded in the manifest via pyarrow's version).

Series files are written for speed (the writer was the largest per-series cost), every
choice measured with benchmarks/timeseries_throughput.py:
- channel and target columns: PLAIN, uncompressed, no dictionary. Noisy floats barely
  compress (zstd saved a few percent at ~10 ms per series) and a dictionary would hash
  100,000 distinct values only to be abandoned.
- `timestamp` and `index`: DELTA_BINARY_PACKED. A regular grid packs to a few KB with no
  codec at all (zstd took ~0.8 MB per column down to about the same size, slower).
- `anomaly`, `label`, `event_id`: PLAIN + snappy (long constant runs squeeze to ~1/40;
  dictionary encoding made them smaller still but hashing 100,000 values per column cost
  more: writes took 5.5 ms instead of 6.3 ms CPU per series). `activity` is an Arrow
  dictionary column and stays dictionary-encoded.
- one row group per series; statistics only on `timestamp` and `index` (what readers
  filter on); no page index.
- every column `required`: without nulls, no definition levels are encoded (4.9 -> 2.9 ms
  for a 3-channel series of 100,000 points).
- columns reach Arrow as zero-copy views of the sample's arrays (`from_buffers`), never
  through `pa.array`, whose first call imports pandas (seconds per worker).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.timeseries.columns import (
    event_names,
    event_rows,
    label_codes,
    point_columns,
)
from synthlab.jsonio import canonical_json
from synthlab.samples import Sample
from synthlab.samples.labels import LabelSet
from synthlab.samples.timeseries import ACTIVITIES, TimeseriesSample

__all__ = ["EVENT_SCHEMA", "ParquetExporter", "series_table"]

WRITE_OPTIONS: dict[str, Any] = {  # the event table (small, once per dataset)
    "compression": "zstd",
    "use_dictionary": ["kind", "name", "phase"],
    "write_statistics": True,
    "version": "2.6",
}
_LABEL_COLUMNS = ("anomaly", "label", "event_id", "event")
_DICTIONARY_COLUMNS = ("event", "activity")
_GRID_COLUMNS = ("timestamp", "index")
_TIMESTAMP = pa.timestamp("ns", tz="UTC")
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


def _numeric(values: np.ndarray, kind: pa.DataType | None = None) -> pa.Array:
    """A zero-copy Arrow view of a 1-D numeric array (copied only if strided). NaN stays NaN
    (not null), as `pa.array(..., from_pandas=False)` would keep it."""
    data = np.ascontiguousarray(values)
    kind = kind or pa.from_numpy_dtype(data.dtype)
    return pa.Array.from_buffers(kind, data.shape[0], [None, pa.py_buffer(data)])


def _strings(words: tuple[str, ...]) -> pa.Array:
    encoded = [w.encode("utf-8") for w in words]
    offsets = np.zeros(len(encoded) + 1, np.int32)
    offsets[1:] = np.cumsum([len(w) for w in encoded])
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    )


_ACTIVITY_NAMES = _strings(ACTIVITIES)


@functools.lru_cache(maxsize=16)
def _activity_names(names: tuple[str, ...]) -> pa.Array:
    """The `activity` column's dictionary: the fixed table, or a recipe's longer one (its own
    activities follow the built-ins)."""
    return _ACTIVITY_NAMES if names in ((), ACTIVITIES) else _strings(names)


def _array(
    name: str, values: np.ndarray, events: pa.Array, activities: pa.Array = _ACTIVITY_NAMES
) -> pa.Array:
    if name == "timestamp":
        return _numeric(values.astype(np.int64, copy=False), _TIMESTAMP)
    if name in _DICTIONARY_COLUMNS:
        codes = _numeric(values.astype(np.int16, copy=False))
        return pa.DictionaryArray.from_arrays(codes, events if name == "event" else activities)
    return _numeric(values)


@functools.lru_cache(maxsize=64)
def series_write_options(columns: tuple[str, ...]) -> dict[str, Any]:
    """Writer settings for a series file with these columns (built once per layout)."""
    return {
        "compression": {c: "snappy" if c in _LABEL_COLUMNS else "none" for c in columns},
        "use_dictionary": [c for c in columns if c in _DICTIONARY_COLUMNS],
        "column_encoding": {c: "DELTA_BINARY_PACKED" for c in _GRID_COLUMNS if c in columns},
        "write_statistics": [c for c in _GRID_COLUMNS if c in columns],
        "write_page_index": False,
        "version": "2.6",
    }


def series_table(sample: TimeseriesSample, labels: LabelSet | None = None) -> pa.Table:
    """The series as an Arrow table; `labels` (the dataset's label set) numbers the `event`
    column's names the same way in every series."""
    names = event_names(sample, labels or LabelSet())
    columns = point_columns(sample, names)
    about = {
        "series": sample.index,
        "rate_hz": sample.rate_hz,
        "length": sample.length,
        "units": dict(zip(sample.channels, sample.units, strict=True)),
        "codes": label_codes(names, sample.activities or ACTIVITIES),
    }
    schema_meta = {b"synthlab": canonical_json(about).encode()}
    events = _strings(names)
    activities = _activity_names(sample.activities)
    arrays = [_array(name, values, events, activities) for name, values in columns.items()]
    # Every column is `required` (no nulls: a dropout is NaN, not null). Parquet then stores
    # no definition levels, which were ~40% of the writer's time (~2 ms of a series).
    fields = [
        pa.field(name, a.type, nullable=False) for name, a in zip(columns, arrays, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=schema_meta))


# The event stream's lines are parsed by Arrow's JSON reader, not `from_pylist`, whose
# conversion of Python objects imports pandas (~0.4 s of every render). Times arrive as
# integer nanoseconds and become timestamps by a zero-copy view.
_EVENT_JSON_SCHEMA = pa.schema(
    [field.with_type(pa.int64()) if field.type == _TIMESTAMP else field for field in EVENT_SCHEMA]
)


def _event_batches(lines: Iterator[str]) -> Iterator[pa.RecordBatch]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == _EVENT_BATCH:
            yield _parse_events(chunk)
            chunk = []
    if chunk:
        yield _parse_events(chunk)


def _parse_events(lines: list[str]) -> pa.RecordBatch:
    table = pa_json.read_json(
        io.BytesIO("\n".join(lines).encode("utf-8")),
        read_options=pa_json.ReadOptions(use_threads=False),
        parse_options=pa_json.ParseOptions(
            explicit_schema=_EVENT_JSON_SCHEMA, unexpected_field_behavior="error"
        ),
    )
    arrays = []
    for field in EVENT_SCHEMA:
        array = table.column(field.name).combine_chunks()
        arrays.append(array.view(field.type) if field.type == _TIMESTAMP else array)
    return pa.RecordBatch.from_arrays(arrays, schema=EVENT_SCHEMA)


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
    writes: ClassVar[tuple[str, ...]] = ("parquet/*",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, TimeseriesSample)
        table = series_table(sample, layout.labels)
        buffer = pa.BufferOutputStream()
        pq.write_table(
            table,
            buffer,
            row_group_size=max(1, table.num_rows),  # one row group per series
            **series_write_options(tuple(table.column_names)),
        )
        sink.file(
            layout.sample_path(f"{self.folder}/series", sample.index, ".parquet"),
            buffer.getvalue().to_pybytes(),
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
        codes = label_codes(
            ("", *dataset.layout.labels.event_names), dataset.layout.labels.activities or ACTIVITIES
        )
        dataset.file(f"{self.folder}/labels.json", (canonical_json(codes) + "\n").encode())

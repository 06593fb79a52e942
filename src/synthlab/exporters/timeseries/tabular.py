"""CSV and NPZ: the same per-series columns and event table as Parquet, in `csv/` and `npz/`.

NPZ is written through a fixed-date zip (numpy's `savez` stamps entries with the current
time), so equal samples give equal bytes.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import ClassVar

import numpy as np
import pyarrow.csv as pa_csv

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.timeseries.columns import (
    EVENT_COLUMNS,
    event_names,
    event_rows,
    iso_time,
    label_codes,
    point_columns,
)
from synthlab.exporters.timeseries.parquet import series_table
from synthlab.jsonio import canonical_json
from synthlab.samples import Sample
from synthlab.samples.timeseries import ACTIVITIES, TimeseriesSample

__all__ = ["CsvExporter", "NpzExporter", "deterministic_npz", "read_npz"]

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date zip can hold; never the wall clock
_CSV_OPTIONS = pa_csv.WriteOptions(quoting_style="needed")


def _event_csv_line(row: dict[str, object]) -> str:
    out = io.StringIO()
    values = dict(row)
    values["channels"] = ";".join(row["channels"])  # type: ignore[arg-type]
    values["phase"] = row["phase"] or ""
    values["start_time"] = iso_time(int(row["start_time"]))  # type: ignore[call-overload]
    values["end_time"] = iso_time(int(row["end_time"]))  # type: ignore[call-overload]
    csv.writer(out, lineterminator="").writerow([values[c] for c in EVENT_COLUMNS])
    return out.getvalue()


class _EventTableExporter(Exporter):
    """Shared: per-sample event rows go to a stream, finalize writes `<folder>/events.csv`."""

    folder: ClassVar[str]

    def _record_events(self, sample: TimeseriesSample, sink: SampleSink) -> None:
        for row in event_rows(sample):
            sink.record(f"{self.name}/events", _event_csv_line(row))

    def finalize(self, dataset: DatasetSink) -> None:
        with dataset.open(f"{self.folder}/events.csv") as handle:
            handle.write((",".join(EVENT_COLUMNS) + "\n").encode())
            for line in dataset.iter_stream(f"{self.name}/events"):
                handle.write(line.encode("utf-8") + b"\n")
        codes = label_codes(
            ("", *dataset.layout.labels.event_names), dataset.layout.labels.activities or ACTIVITIES
        )
        dataset.file(f"{self.folder}/labels.json", (canonical_json(codes) + "\n").encode())


class CsvExporter(_EventTableExporter):
    name: ClassVar[str] = "csv"
    description: ClassVar[str] = "time series: CSV per series plus events.csv"
    modalities: ClassVar[frozenset[str]] = frozenset({"timeseries"})
    folder: ClassVar[str] = "csv"
    writes: ClassVar[tuple[str, ...]] = ("csv/*",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, TimeseriesSample)
        buffer = io.BytesIO()
        table = series_table(sample, layout.labels)
        pa_csv.write_csv(table, buffer, write_options=_CSV_OPTIONS)
        sink.file(
            layout.sample_path(f"{self.folder}/series", sample.index, ".csv"), buffer.getvalue()
        )
        self._record_events(sample, sink)


def deterministic_npz(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz (readable by `numpy.load`) whose bytes depend only on the arrays."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            entry.external_attr = 0o644 << 16
            payload = io.BytesIO()
            np.lib.format.write_array(payload, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(entry, payload.getvalue())
    return buffer.getvalue()


def read_npz(data: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
        return {name: loaded[name] for name in loaded.files}


class NpzExporter(_EventTableExporter):
    name: ClassVar[str] = "npz"
    description: ClassVar[str] = "time series: NumPy .npz per series plus events.csv"
    modalities: ClassVar[frozenset[str]] = frozenset({"timeseries"})
    folder: ClassVar[str] = "npz"
    writes: ClassVar[tuple[str, ...]] = ("npz/*",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, TimeseriesSample)
        names = event_names(sample, layout.labels)
        columns = point_columns(sample, names)
        arrays = {
            "timestamp_ns": columns.pop("timestamp"),
            "index": columns.pop("index"),
            "values": sample.values,
            "channels": np.array(sample.channels, dtype=str),
            "units": np.array(sample.units, dtype=str),
        }
        for channel in sample.channels:
            columns.pop(channel)
        arrays.update(columns)
        arrays["event_names"] = np.array(names, dtype=str)  # the `event` column's codes
        about = {"series": sample.index, "rate_hz": sample.rate_hz, "length": sample.length}
        arrays["about"] = np.array(json.dumps(about, sort_keys=True))
        sink.file(
            layout.sample_path(f"{self.folder}/series", sample.index, ".npz"),
            deterministic_npz(arrays),
        )
        self._record_events(sample, sink)

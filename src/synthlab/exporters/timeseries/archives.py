"""Layouts of public anomaly benchmarks, so existing evaluation code runs on our fixtures.

* `nab`: Numenta Anomaly Benchmark style. `nab/data/<n>.csv` (timestamp plus the channels)
  and `nab/labels/combined_windows.json`: {"<n>.csv": [[first, last], ...]}, window edges
  as "YYYY-MM-DD HH:MM:SS.ffffff" of the first and last sampled point inside each event.
* `ucr`: UCR Anomaly Archive (2021) style, for series with exactly one event: one value
  per line in `ucr/<n>_UCR_Anomaly_<channel>_<train end>_<begin>_<end>.txt`, where rows
  before <train end> hold no anomaly and <begin>..<end> is the event, 1-based inclusive.
  Series with no event or several are listed in `ucr/skipped.txt` with the reason.
"""

from __future__ import annotations

import io
import json
from typing import ClassVar

import numpy as np

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.timeseries.columns import iso_time, series_name
from synthlab.samples import Sample
from synthlab.samples.timeseries import TimeseriesSample

__all__ = ["NabExporter", "UcrExporter"]


def _nab_time(ns: int) -> str:
    return iso_time(ns).replace("T", " ").rstrip("Z")


def _rows_in(sample: TimeseriesSample, start: int, end: int) -> tuple[int, int]:
    """The rows [first, stop) whose grid index lies in [start, end)."""
    first = int(np.searchsorted(sample.grid_index, start, side="left"))
    stop = int(np.searchsorted(sample.grid_index, end, side="left"))
    return first, stop


class NabExporter(Exporter):
    name: ClassVar[str] = "nab"
    description: ClassVar[str] = "time series: NAB data CSVs plus combined_windows.json"
    modalities: ClassVar[frozenset[str]] = frozenset({"timeseries"})
    writes: ClassVar[tuple[str, ...]] = ("nab/*",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, TimeseriesSample)
        name = f"{series_name(sample.index, layout.width)}.csv"
        text = io.StringIO()
        text.write(",".join(("timestamp", *sample.channels)) + "\n")
        stamps = [_nab_time(int(ns)) for ns in sample.time_ns]
        values = sample.values.astype(np.float64)
        for stamp, row in zip(stamps, values.tolist(), strict=True):
            text.write(stamp + "," + ",".join("" if v != v else repr(v) for v in row) + "\n")
        sink.file(f"nab/data/{name}", text.getvalue().encode())
        windows = []
        for start, end in sample.event_windows():
            first, stop = _rows_in(sample, start, end)
            if stop > first:
                windows.append([stamps[first], stamps[stop - 1]])
        sink.record("nab/windows", json.dumps([name, windows]))

    def finalize(self, dataset: DatasetSink) -> None:
        with dataset.open("nab/labels/combined_windows.json") as handle:
            handle.write(b"{")
            separator = b"\n"
            for line in dataset.iter_stream("nab/windows"):
                name, windows = json.loads(line)
                entry = json.dumps(name) + ": " + json.dumps(windows)
                handle.write(separator + b"  " + entry.encode())
                separator = b",\n"
            handle.write(b"\n}\n")


class UcrExporter(Exporter):
    name: ClassVar[str] = "ucr"
    description: ClassVar[str] = "time series: UCR anomaly archive layout (one event per file)"
    modalities: ClassVar[frozenset[str]] = frozenset({"timeseries"})
    writes: ClassVar[tuple[str, ...]] = ("ucr/*",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, TimeseriesSample)
        number = series_name(sample.index, layout.width)
        windows = sample.event_windows()
        if len(windows) != 1:
            sink.record(
                "ucr/skipped", f"{number}\t{len(windows)} events (UCR files hold exactly one)"
            )
            return
        event = next(e for e in sample.events)
        first, stop = _rows_in(sample, *windows[0])
        if stop <= first or first == 0:
            sink.record("ucr/skipped", f"{number}\tthe event has no sampled point after row 0")
            return
        channel = event.channels[0]
        column = sample.values[:, sample.channels.index(channel)].astype(np.float64)
        body = "\n".join("NaN" if v != v else repr(v) for v in column.tolist()) + "\n"
        safe = "".join(ch if ch.isalnum() else "-" for ch in channel)
        name = f"ucr/{number}_UCR_Anomaly_{safe}_{first}_{first + 1}_{stop}.txt"
        sink.file(name, body.encode())

    def finalize(self, dataset: DatasetSink) -> None:
        with dataset.open("ucr/skipped.txt") as handle:
            for line in dataset.iter_stream("ucr/skipped"):
                handle.write(line.encode("utf-8") + b"\n")

"""The fast paths agree with their plain definitions: the NumPy ARMA filter with scipy's
lfilter, the angle-addition sine with np.sin, and series files have the documented layout."""

from __future__ import annotations

import io
import multiprocessing
import sys
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from scipy.signal import lfilter

from synthlab.exporters.base import Layout
from synthlab.exporters.timeseries.parquet import ParquetExporter
from synthlab.generators.timeseries.components import regular_sine
from synthlab.generators.timeseries.filters import arma_filter
from synthlab.generators.timeseries.memory import keep_freed_memory


@pytest.mark.parametrize(
    ("ar", "ma"),
    [
        ([0.9], []),
        ([-0.95], [0.1]),
        ([0.5, -0.3], [0.4]),
        ([0.2, 0.1, -0.4], [0.3, 0.2]),
        ([], [0.5, -0.2]),
        ([1.0], []),  # a random walk
        ([1.0005], []),  # mildly explosive: still the same numbers
    ],
)
@pytest.mark.parametrize("n", [1, 2, 31, 32, 33, 1000, 20_011])
def test_arma_filter_equals_lfilter(ar: list[float], ma: list[float], n: int) -> None:
    shocks = np.random.default_rng(n).normal(size=n)
    expected = lfilter([1.0, *ma], [1.0, *(-a for a in ar)], shocks)
    got = arma_filter(shocks, ar, ma)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9 * np.abs(expected).max())


def test_arma_filter_leaves_its_input_alone() -> None:
    shocks = np.random.default_rng(0).normal(size=500)
    before = shocks.copy()
    arma_filter(shocks, [0.7], [0.3])
    assert np.array_equal(shocks, before)


@pytest.mark.parametrize(
    ("n", "period", "rate", "phase"), [(5, 3.0, 10.0, 0.0), (100_003, 60.0, 100.0, 0.3)]
)
def test_regular_sine_equals_np_sin(n: int, period: float, rate: float, phase: float) -> None:
    t = np.arange(n) / rate
    direct = np.sin(2 * np.pi * (t / period + phase))
    fast = regular_sine(n, 2 * np.pi / (period * rate), 2 * np.pi * phase)
    assert fast.shape == (n,)
    np.testing.assert_allclose(fast, direct, rtol=0, atol=1e-12)


class _Sink:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def file(self, relpath: str, data: bytes) -> None:
        self.files[relpath] = data

    def record(self, stream: str, line: str) -> None:
        pass


def test_series_file_layout(make: Any, sensor: dict[str, Any]) -> None:
    sample = make(sensor, seed=3)
    sink = _Sink()
    ParquetExporter().write_sample(sample, sink, Layout(1))
    (data,) = sink.files.values()
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    assert meta.num_row_groups == 1
    group = meta.row_group(0)
    columns = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    for name in sample.channels:
        assert "RLE_DICTIONARY" not in columns[name].encodings
        assert columns[name].compression == "UNCOMPRESSED"
        assert not columns[name].is_stats_set
    assert "DELTA_BINARY_PACKED" in columns["timestamp"].encodings
    assert columns["label"].compression == "SNAPPY"
    assert columns["label"].total_compressed_size < columns["label"].total_uncompressed_size / 10
    assert columns["index"].statistics.min == 0
    table = pq.read_table(io.BytesIO(data))
    assert np.array_equal(table.column("index").to_numpy(), sample.grid_index)
    for number, name in enumerate(sample.channels):
        column = table.column(name).to_numpy()
        assert np.array_equal(column, sample.values[:, number], equal_nan=True)


def test_activity_column_stays_a_dictionary(make: Any) -> None:
    axes = ["ax", "ay", "az"]
    raw = {
        "rate_hz": 50,
        "length": 3000,
        "channels": [{"name": a} for a in axes],
        "activity": {"axes": axes},
    }
    sample = make(raw)
    sink = _Sink()
    ParquetExporter().write_sample(sample, sink, Layout(1))
    (data,) = sink.files.values()
    group = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0)
    columns = range(group.num_columns)
    encodings = {group.column(i).path_in_schema: group.column(i).encodings for i in columns}
    assert "RLE_DICTIONARY" in encodings["activity"]
    names = pq.read_table(io.BytesIO(data)).column("activity").to_pylist()
    assert names == [sample.activities[code] for code in sample.activity]


def _worker_sets_thresholds(queue: Any) -> None:
    queue.put(keep_freed_memory())


@pytest.mark.skipif(sys.platform != "linux", reason="glibc's mallopt")
def test_malloc_thresholds_only_in_worker_processes() -> None:
    assert keep_freed_memory() is False  # never in the user's own interpreter
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_worker_sets_thresholds, args=(queue,))
    worker.start()
    assert queue.get(timeout=30) is True
    worker.join()

"""The per-point `event` column: every series file names, at each point, the event the
point belongs to, with one code table for the whole dataset (the label set's event names),
and it agrees with the event table point for point."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import synthlab
from synthlab.exporters.timeseries.tabular import read_npz
from synthlab.readers import DatasetView, get_reader
from synthlab.recipe import load_recipe_text

RECIPE = """\
version: 1
name: pump-events
seed: {seed}
count: 6
generator:
  kind: timeseries
  params:
    rate_hz: 2000
    length: 2000
    channels:
      - {{name: drive_end, unit: g, components: [{{type: gaussian, std: 0.05}}]}}
      - {{name: fan_end, unit: g, components: [{{type: gaussian, std: 0.05}}]}}
    events:
      - {{kind: bearing_outer, name: outer, duration: 0.3, magnitude: 2,
          fault: {{resonance_hz: 600, shaft_hz: 25}}}}
      - {{kind: imbalance, probability: 0.5, duration: 0.2, fault: {{shaft_hz: 25}}}}
      - {{kind: spike, name: knock, probability: 0.5, count: 2, duration: 0.01}}
    sampling: {{missing: 0.02}}
quotas: {{outer: 3}}
output:
  formats: [parquet, csv, npz]
"""


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("faults") / "pump"
    synthlab.render(load_recipe_text(RECIPE.format(seed=7), "pump.yaml"), out, workers=1)
    return out


def events_by_series(out: Path) -> dict[int, list[dict[str, object]]]:
    table = pq.read_table(out / "parquet" / "events.parquet").to_pylist()
    grouped: dict[int, list[dict[str, object]]] = {}
    for row in table:
        grouped.setdefault(int(row["series"]), []).append(row)
    return grouped


def expected_names(index: np.ndarray, rows: list[dict[str, object]]) -> list[str]:
    """The event name of each grid index, from the event table alone."""
    names = [""] * (int(index.max()) + 1)
    for row in rows:
        for position in range(int(row["start"]), int(row["end"])):
            if position < len(names):
                names[position] = str(row["name"])
    return [names[i] for i in index]


def test_parquet_event_column_equals_the_event_table(dataset: Path) -> None:
    manifest = json.loads((dataset / "manifest.json").read_text())
    table_codes = ("", *manifest["label_set"]["event_names"])
    assert table_codes == ("", "outer", "imbalance", "knock")
    grouped = events_by_series(dataset)
    seen: set[str] = set()
    for index in range(6):
        table = pq.read_table(dataset / "parquet" / "series" / f"{index:06d}.parquet")
        column = table.column("event").combine_chunks()
        assert tuple(column.dictionary.to_pylist()) == table_codes  # same codes in every file
        names = column.to_pylist()
        grid = table.column("index").to_numpy()
        assert names == expected_names(grid, grouped.get(index, []))
        event_id = table.column("event_id").to_numpy()
        assert all((n == "") == (e == -1) for n, e in zip(names, event_id, strict=True))
        seen |= set(names)
        about = json.loads(table.schema.metadata[b"synthlab"])
        assert about["codes"]["event"] == {str(i): n for i, n in enumerate(table_codes)}
    assert {"outer", ""} <= seen
    codes = json.loads((dataset / "parquet" / "labels.json").read_text())
    assert codes["event"] == {str(i): n for i, n in enumerate(table_codes)}


def test_csv_and_npz_carry_the_same_column(dataset: Path) -> None:
    for index in range(6):
        name = f"{index:06d}"
        parquet = pq.read_table(dataset / "parquet" / "series" / f"{name}.parquet")
        wanted = parquet.column("event").to_pylist()
        with (dataset / "csv" / "series" / f"{name}.csv").open() as handle:
            rows = list(csv.DictReader(handle))
        assert [row["event"] for row in rows] == wanted
        arrays = read_npz((dataset / "npz" / "series" / f"{name}.npz").read_bytes())
        names = [str(n) for n in arrays["event_names"]]
        assert [names[c] for c in arrays["event"]] == wanted


def test_series_read_back_without_the_column_as_a_target(dataset: Path) -> None:
    view = DatasetView.open(dataset)
    reader = get_reader("timeseries")
    for index in range(6):
        sample = view.load_sample(index)
        assert sample.channels == ("drive_end", "fan_end")
        assert dict(sample.targets) == {}
        assert reader.check_sample(sample) == []


def digest(out: Path) -> str:
    files = sorted(p for p in (out / "parquet").rglob("*") if p.is_file())
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def test_same_seed_same_bytes_different_seed_differs(dataset: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    synthlab.render(load_recipe_text(RECIPE.format(seed=7), "pump.yaml"), again, workers=1)
    synthlab.render(load_recipe_text(RECIPE.format(seed=8), "pump.yaml"), other, workers=1)
    assert digest(again) == digest(dataset)
    assert digest(other) != digest(dataset)

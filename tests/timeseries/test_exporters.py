"""Rendering through the engine: every format, byte-identical whatever the workers and
shards, read back into the same sample, and the benchmark layouts (NAB, UCR)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import synthlab
from synthlab.readers import DatasetView
from synthlab.recipe import load_recipe

RECIPE = """\
version: 1
name: ts-formats
seed: {seed}
count: 9
generator:
  kind: timeseries
  params:
    rate_hz: 5
    length: 300
    channels:
      - name: temp
        unit: C
        components: [{{type: constant, value: 20}}, {{type: arma, ar: [0.8]}}]
      - name: vib
        unit: g
        components: [{{type: seasonal, period: 4}}, {{type: gaussian, std: 0.1}}]
    events:
      - {{kind: spike, duration: 0.4, probability: 0.5}}
      - {{kind: level_shift, name: shift, duration: 6, channels: [temp]}}
    sampling: {{jitter: 0.2, missing: 0.05}}
    targets: [3]
quotas: {{shift: 4}}
output:
  formats: [parquet, csv, npz, nab, ucr]
"""


def _render(tmp: Path, name: str, seed: int = 3, **options: int) -> Path:
    recipe_path = tmp / f"{name}.yaml"
    recipe_path.write_text(RECIPE.format(seed=seed))
    out = tmp / name
    synthlab.render(load_recipe(recipe_path), out, **options)
    return out


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".synthlab" not in p.parts and p.name != "manifest.json"
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("ts"), "one", workers=1, shard_size=2)


def test_output_bytes_do_not_depend_on_workers_or_shards(rendered: Path, tmp_path: Path) -> None:
    other = _render(tmp_path, "two", workers=2, shard_size=5)
    assert _digests(rendered) == _digests(other)
    changed = _render(tmp_path, "three", seed=4, workers=1)
    assert (
        _digests(rendered)["parquet/series/000000.parquet"]
        != _digests(changed)["parquet/series/000000.parquet"]
    )


def test_read_back_equals_the_generated_sample(rendered: Path) -> None:
    view = DatasetView.open(rendered)
    reader = synthlab.readers.get_reader("timeseries")
    for made in synthlab.generate(load_recipe(rendered.parent / "one.yaml")):
        loaded = view.load_sample(made.index)
        assert reader.check_sample(loaded) == []
        assert np.array_equal(loaded.values, made.values, equal_nan=True)
        assert np.array_equal(loaded.time_ns, made.time_ns)
        assert np.array_equal(loaded.label, made.label)
        assert loaded.events == made.events
        assert set(loaded.targets) == {"temp_ahead_3", "vib_ahead_3"}


def test_event_tables_agree_across_formats(rendered: Path) -> None:
    table = pq.read_table(rendered / "parquet/events.parquet").to_pylist()
    csv_lines = (rendered / "csv/events.csv").read_text().splitlines()
    assert (
        len(csv_lines)
        == len(table) + 1
        == len((rendered / "npz/events.csv").read_text().splitlines())
    )
    shifts = {row["series"] for row in table if row["name"] == "shift"}
    assert len(shifts) == 4  # the quota, exactly
    for row in table:
        assert 0 <= row["start"] < row["end"] <= 300
        assert json.loads(row["params"])["magnitude"] == 3.0


def test_npz_is_readable_by_numpy(rendered: Path) -> None:
    with np.load(rendered / "npz/series/000000.npz") as arrays:
        assert arrays["values"].shape[1] == 2
        assert list(arrays["channels"]) == ["temp", "vib"]


def test_nab_windows_and_ucr_files(rendered: Path) -> None:
    windows = json.loads((rendered / "nab/labels/combined_windows.json").read_text())
    assert sorted(windows) == [f"{i:06d}.csv" for i in range(9)]
    view = DatasetView.open(rendered)
    for name, spans in windows.items():
        sample = view.load_sample(int(name[:6]))
        assert len(spans) == len(sample.event_windows())
    for path in (rendered / "ucr").glob("*_UCR_Anomaly_*.txt"):
        number, *_, train, begin, end = path.stem.split("_")
        sample = view.load_sample(int(number))
        assert len(sample.event_windows()) == 1
        rows = np.flatnonzero(sample.anomaly)
        assert (int(begin), int(end)) == (rows[0] + 1, rows[-1] + 1)  # 1-based, inclusive
        assert int(train) == rows[0]
        assert len(path.read_text().splitlines()) == sample.rows


def test_series_columns_are_required_and_nan_is_not_null(rendered: Path) -> None:
    table = pq.read_table(rendered / "parquet/series/000000.parquet")
    assert [f.name for f in table.schema if f.nullable] == []
    assert all(table.column(name).null_count == 0 for name in table.column_names)
    ahead = table.column("temp_ahead_3").to_numpy()
    grid = table.column("index").to_numpy()
    length = json.loads(table.schema.metadata[b"synthlab"])["length"]
    past_end = grid >= length - 3  # no value 3 steps ahead there: NaN, as generated
    assert past_end.any() and np.isnan(ahead[past_end]).all()
    assert not np.isnan(ahead[~past_end]).any()
    frame = table.to_pandas()  # what most users read it with
    assert len(frame) == table.num_rows and frame["temp_ahead_3"].isna().sum() >= 3

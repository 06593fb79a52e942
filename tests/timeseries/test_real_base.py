"""Events injected into real series (issue 23), on data statsmodels ships: the yearly sunspot
numbers (1700-2008) and the US quarterly macro data (1959-2009), written by the test as CSV
and Parquet. Values outside event windows are the input's bytes; labels equal the windows;
the input's own labels are carried and never overlapped; bytes do not depend on workers or
shard size; bad inputs are refused at `check` with the file and row."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import synthlab
from synthlab.cli import main
from synthlab.errors import RecipeError
from synthlab.readers import DatasetView, get_reader
from synthlab.samples.timeseries import TimeseriesSample, kind_code

pd = pytest.importorskip("pandas")
datasets = pytest.importorskip("statsmodels.datasets")

YEAR_HZ = 1.0 / (365.2425 * 86_400)  # decimal years: one point a mean Gregorian year
YEAR_S = 365.2425 * 86_400


def _sunspots(labelled: bool = True) -> Any:
    frame = datasets.sunspots.load_pandas().data.copy()
    if labelled:  # the test's own labels on the real values: three stretches, two codes
        frame["anomaly"] = 0
        frame.loc[40:44, "anomaly"] = 1
        frame.loc[150:152, "anomaly"] = 2
        frame.loc[153:155, "anomaly"] = 1
    return frame


def _recipe(
    folder: Path, base: str, events: str, *, seed: int = 4, count: int = 12, rate: float = YEAR_HZ
) -> Path:
    path = folder / "recipe.yaml"
    path.write_text(
        f"version: 1\nname: real\nseed: {seed}\ncount: {count}\n"
        "generator:\n  kind: timeseries\n  params:\n"
        f"    rate_hz: {rate!r}\n"
        f"    base: {base}\n"
        f"    events:\n{events}"
        "output:\n  formats: [parquet]\n"
    )
    return path


SUN_BASE = (
    "{files: sunspots.csv, time: YEAR, time_unit: year, channels: [SUNACTIVITY], "
    "label: anomaly, window: 80}"
)
EVENTS = (
    f"      - {{kind: spike, duration: {3 * YEAR_S}}}\n"
    f"      - {{kind: level_shift, duration: {{uniform: [{4 * YEAR_S}, {9 * YEAR_S}]}}, "
    "probability: 0.7}\n"
)


@pytest.fixture
def sun_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sun"
    folder.mkdir()
    _sunspots().to_csv(folder / "sunspots.csv", index=False)
    return folder


def _csv_values(path: Path, column: str) -> np.ndarray:
    """The column as Python parses its text (correctly rounded), independent of pandas."""
    with open(path, newline="") as handle:
        return np.array([float(row[column]) for row in csv.DictReader(handle)], np.float64)


def _samples(out: Path) -> list[tuple[dict[str, Any], TimeseriesSample]]:
    view = DatasetView.open(out)
    reader = get_reader("timeseries")
    found = []
    for record in view.records():
        sample = reader.load_sample(view, record)
        assert isinstance(sample, TimeseriesSample)
        assert reader.check_sample(sample) == []
        found.append((record, sample))
    return found


def _injected_mask(sample: TimeseriesSample) -> np.ndarray:
    mask = np.zeros(sample.length, bool)
    for event in sample.events:
        if event.kind != "existing":
            mask[event.start : event.end] = True
    return mask


def test_values_outside_windows_are_the_inputs_bytes(sun_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    synthlab.render(_recipe(sun_folder, SUN_BASE, EVENTS), out, workers=1)
    real = _csv_values(sun_folder / "sunspots.csv", "SUNACTIVITY")
    years = _csv_values(sun_folder / "sunspots.csv", "YEAR")
    changed = 0
    for record, sample in _samples(out):
        first = record["metadata"]["base"]["row"]
        assert record["metadata"]["base"]["series"] == "sunspots.csv"
        window = real[first : first + 80]
        got = sample.values[:, 0]
        assert got.dtype == np.float64
        inside = _injected_mask(sample)
        assert inside.any()  # every sample carries its spike
        assert got[~inside].tobytes() == window[~inside].tobytes()
        changed += int(np.any(got[inside] != window[inside]))
        # timestamps are the input's years, on the calendar (1700.0 is 1700-01-01)
        stamps = sample.time_ns.astype("datetime64[ns]").astype("datetime64[Y]").astype(int)
        assert list(stamps + 1970) == list(years[first : first + 80].astype(int))
    assert changed == 12  # and inside the windows the events did change the series


def test_labels_equal_the_windows_and_existing_labels_are_merged(
    sun_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    synthlab.render(_recipe(sun_folder, SUN_BASE, EVENTS), out, workers=1)
    labels = _sunspots()["anomaly"].to_numpy()
    carried = 0
    for record, sample in _samples(out):
        first = record["metadata"]["base"]["row"]
        given = labels[first : first + 80]
        expected_label = np.zeros(80, np.int16)
        for event in sample.events:
            expected_label[event.start : event.end] = kind_code(event.kind)
            if event.kind == "existing":
                # a run of one input code, exactly the input's run (clipped to the window)
                assert set(given[event.start : event.end]) == {event.params["value"]}
            else:
                assert not given[event.start : event.end].any()  # never over a labelled stretch
        np.testing.assert_array_equal(sample.label, expected_label)
        np.testing.assert_array_equal(sample.anomaly, (expected_label > 0).astype(np.uint8))
        # every labelled input point is labelled in the output, as `existing`
        existing = sample.label == kind_code("existing")
        np.testing.assert_array_equal(existing, given > 0)
        carried += int(existing.any())
    assert carried >= 3  # the windows do cover the labelled stretches in some samples


def test_forecast_targets_on_a_real_base_are_the_series_ahead(
    sun_folder: Path, tmp_path: Path
) -> None:
    recipe = _recipe(sun_folder, SUN_BASE, EVENTS, count=4)
    recipe.write_text(recipe.read_text().replace("    base:", "    targets: [2]\n    base:"))
    out = tmp_path / "out"
    synthlab.render(recipe, out, workers=1)
    for _record, sample in _samples(out):
        assert set(sample.targets) == {"SUNACTIVITY_ahead_2"}
        ahead = sample.targets["SUNACTIVITY_ahead_2"]
        # the injected series two rows on (events included), NaN where the window ends
        assert ahead[:-2].tobytes() == sample.values[2:, 0].tobytes()
        assert np.isnan(ahead[-2:]).all()


def test_allow_overlap_lets_events_cover_labelled_stretches(tmp_path: Path) -> None:
    """With most of the input labelled, injected events must land on labels; where they do,
    the point's label is the injected kind and the labelled run keeps the rest."""
    folder = tmp_path / "busy"
    folder.mkdir()
    frame = _sunspots(labelled=False)
    frame["anomaly"] = (np.arange(len(frame)) // 7) % 2  # every other week of years
    frame.to_csv(folder / "sunspots.csv", index=False)
    base = SUN_BASE.replace("window: 80", "window: 30, allow_overlap: true")
    out = tmp_path / "out"
    synthlab.render(_recipe(folder, base, EVENTS, count=6), out, workers=1)
    overlapped = 0
    for record, sample in _samples(out):
        first = record["metadata"]["base"]["row"]
        given = frame["anomaly"].to_numpy()[first : first + 30]
        inside = _injected_mask(sample)
        overlapped += int(given[inside].any())
        existing = sample.label == kind_code("existing")
        np.testing.assert_array_equal(existing, (given > 0) & ~inside)
    assert overlapped > 0
    # without allow_overlap, the same input refuses nothing but never overlaps
    out2 = tmp_path / "out2"
    strict = SUN_BASE.replace("window: 80", "window: 30")
    synthlab.render(_recipe(folder, strict, EVENTS, count=6), out2, workers=1)
    for record, sample in _samples(out2):
        first = record["metadata"]["base"]["row"]
        given = frame["anomaly"].to_numpy()[first : first + 30]
        assert not given[_injected_mask(sample)].any()


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".synthlab" not in p.relative_to(root).parts
    }


def _macro_parquet(folder: Path) -> None:
    """US macro data, quarterly: time in decimal years (1959.0, 1959.25, ...), 3 channels,
    written as Parquet by the test; two series files so that samples pick among them."""
    data = datasets.macrodata.load_pandas().data
    frame = pd.DataFrame(
        {
            "t": data["year"] + (data["quarter"] - 1) / 4,
            "realgdp": data["realgdp"],
            "realinv": data["realinv"],
            "unemp": data["unemp"],
        }
    )
    (folder / "macro").mkdir(parents=True)
    frame.iloc[:120].to_parquet(folder / "macro/a.parquet", index=False)
    frame.iloc[120:].to_parquet(folder / "macro/b.parquet", index=False)


MACRO_BASE = (
    "{files: 'macro/*.parquet', time: t, time_unit: year, "
    "channels: [realgdp, realinv, unemp], window: {int: [40, 60]}}"
)


def _macro_recipe(folder: Path, seed: int = 4) -> Path:
    events = (
        f"      - {{kind: drift, duration: {2 * YEAR_S}, channels: [realinv]}}\n"
        f"      - {{kind: dropout, duration: {YEAR_S}, probability: 0.5}}\n"
    )
    return _recipe(folder, MACRO_BASE, events, seed=seed, count=10, rate=4 * YEAR_HZ)


def test_parquet_glob_multichannel_and_determinism(tmp_path: Path) -> None:
    folder = tmp_path / "macro-recipe"
    _macro_parquet(folder)
    recipe = _macro_recipe(folder)
    one = tmp_path / "one"
    synthlab.render(recipe, one, workers=1, shard_size=3)
    two = tmp_path / "two"
    synthlab.render(recipe, two, workers=2, shard_size=4)
    assert _tree(one) == _tree(two)
    other = tmp_path / "other"
    synthlab.render(_macro_recipe(folder, seed=5), other, workers=1)
    assert (
        _tree(other)["parquet/series/000000.parquet"] != _tree(one)["parquet/series/000000.parquet"]
    )
    inputs = json.loads((one / "manifest.json").read_text())["inputs"]
    assert [entry["path"] for entry in inputs] == ["macro/a.parquet", "macro/b.parquet"]
    tables = {
        name: pd.read_parquet(folder / name) for name in ("macro/a.parquet", "macro/b.parquet")
    }
    picked = set()
    for record, sample in _samples(one):
        where = record["metadata"]["base"]
        picked.add(where["series"])
        real = tables[where["series"]][["realgdp", "realinv", "unemp"]].to_numpy()
        window = real[where["row"] : where["row"] + sample.length]
        assert 40 <= sample.length <= 60
        inside = _injected_mask(sample)
        assert sample.values[~inside].tobytes() == window[~inside].tobytes()
        for event in sample.events:  # a drift touches only its channel
            if event.kind == "drift":
                rows = slice(event.start, event.end)
                assert sample.values[rows, 0].tobytes() == window[rows, 0].tobytes()
                assert np.any(sample.values[rows, 1] != window[rows, 1])
    assert picked == {"macro/a.parquet", "macro/b.parquet"}


def test_verify_detects_a_changed_input_series(sun_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    synthlab.render(_recipe(sun_folder, SUN_BASE, EVENTS, count=4), out, workers=1)
    assert CliRunner().invoke(main, ["verify", str(out)]).exit_code == 0
    frame = _sunspots()
    frame.loc[10, "SUNACTIVITY"] += 0.1  # one value of 309
    frame.to_csv(sun_folder / "sunspots.csv", index=False)
    result = CliRunner().invoke(main, ["verify", str(out)])
    assert result.exit_code == 1
    assert "input changed: sunspots.csv" in result.output


def test_a_bundled_data_set_is_read_at_run_time_and_recorded(tmp_path: Path) -> None:
    base = (
        "{bundled: statsmodels.sunspots, time: YEAR, time_unit: year, "
        "channels: [SUNACTIVITY], window: 50}"
    )
    out = tmp_path / "out"
    synthlab.render(_recipe(tmp_path, base, EVENTS, count=3), out, workers=1)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"] == []  # nothing from the recipe's folder
    found = manifest["generator"]["provenance"]["base"]
    from importlib.metadata import version

    assert found["bundled"] == "statsmodels.sunspots"
    assert found["version"] == version("statsmodels")
    assert len(found["sha256"]) == 64
    real = datasets.sunspots.load_pandas().data["SUNACTIVITY"].to_numpy()
    for record, sample in _samples(out):
        first = record["metadata"]["base"]["row"]
        inside = _injected_mask(sample)
        assert sample.values[~inside, 0].tobytes() == real[first : first + 50][~inside].tobytes()


# -- bad inputs: refused by `check`, naming the file and the row -----------------------------


def _problem(folder: Path, base: str, events: str = EVENTS, rate: float = YEAR_HZ) -> str:
    with pytest.raises(RecipeError) as caught:
        synthlab.load_recipe(_recipe(folder, base, events, rate=rate))
    return str(caught.value)


def test_real_data_with_nan_runs_is_refused_with_its_rows(tmp_path: Path) -> None:
    """Mauna Loa CO2 (weekly) as statsmodels ships it has gaps: named as a row range."""
    base = "{bundled: statsmodels.co2, time: time, channels: [co2], window: 50}"
    week = "      - {kind: spike, duration: 604800}\n"
    text = _problem(tmp_path, base, events=week, rate=1 / 604800)
    assert "statsmodels.co2: channel 'co2' is empty (NaN) or infinite on row 7 (59 such" in text
    co2 = datasets.co2.load_pandas().data["co2"].to_numpy()
    assert np.isnan(co2[6]) and not np.isnan(co2[:6]).any() and np.isnan(co2).sum() == 59


def _swap(frame: Any, a: int, b: int) -> Any:
    order = np.arange(len(frame))
    order[[a, b]] = order[[b, a]]
    return frame.iloc[order]


@pytest.mark.parametrize(
    ("edit", "expected", "named"),
    [
        (lambda f: f.drop(columns="YEAR"), "no column 'YEAR' (the time column)", None),
        (
            lambda f: _swap(f, 30, 31),
            "time column 'YEAR' is not increasing at row 32 (line 33) (1730 after 1731)",
            (33, lambda step, value: step <= 0),
        ),
        (
            lambda f: f.assign(SUNACTIVITY=f.SUNACTIVITY.where(~f.index.isin([7, 8, 9]))),
            "channel 'SUNACTIVITY' is empty (NaN) or infinite on row 8 (line 9) to row 10 "
            "(line 11) (3 such value(s)",
            (9, lambda step, value: value == ""),
        ),
        (
            lambda f: f.drop(index=[100]),
            "the sampling interval changes at row 101 (line 102): it comes 2 year after the row "
            "before, where the series is sampled every 1 year (mixed sampling rates)",
            (102, lambda step, value: step != 1.0),
        ),
    ],
)
def test_bad_series_are_refused_with_file_and_row(
    tmp_path: Path, edit: Any, expected: str, named: tuple[int, Any] | None
) -> None:
    edit(_sunspots()).to_csv(tmp_path / "sunspots.csv", index=False)
    text = _problem(tmp_path, SUN_BASE)
    assert f"generator.params.base.files: sunspots.csv: {expected}" in text, text
    if named is not None:  # the line named is the first one that is wrong
        line, wrong = named
        rows = [row.split(",") for row in (tmp_path / "sunspots.csv").read_text().splitlines()]
        found = [
            wrong(float(b[0]) - float(a[0]), b[1]) for a, b in itertools.pairwise(rows[1:])
        ]  # found[k]: about line k + 3
        assert found.index(True) + 3 == line


def test_other_bad_inputs_are_refused(tmp_path: Path) -> None:
    _sunspots().to_csv(tmp_path / "sunspots.csv", index=False)
    globbed = SUN_BASE.replace("sunspots.csv", "'data/*.csv'")
    assert "base.files folder 'data' not found" in _problem(tmp_path, globbed)
    (tmp_path / "data").mkdir()
    (tmp_path / "data/notes.txt").write_text("no series here")
    assert "'data/*.csv' matched no CSV or Parquet file" in _problem(tmp_path, globbed)
    text = _problem(tmp_path, SUN_BASE.replace("window: 80", "window: 400"))
    assert "sunspots.csv has 309 rows, fewer than a window of 400 points" in text
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    text = _problem(tmp_path, SUN_BASE.replace("sunspots.csv", "broken.parquet"))
    assert "broken.parquet: cannot be read as Parquet" in text
    text = _problem(tmp_path, SUN_BASE.replace("time_unit: year", "time_unit: d"))
    assert "generator.params.rate_hz: sunspots.csv is sampled every 86400 s" in text
    assert f"set rate_hz: {1 / 86400!r}" in text
    text = _problem(
        tmp_path,
        SUN_BASE.replace("files: sunspots.csv", "bundled: statsmodels.sunspot"),
    )
    assert "statsmodels has no data set 'sunspot'" in text and "sunspots" in text


def test_a_real_base_passes_the_conformance_checks(tmp_path: Path) -> None:
    """Alone vs in a run, shard sizes, worker counts, seeds, quotas, label invariants."""
    from synthlab.testing import check_generator

    _sunspots().to_csv(tmp_path / "sunspots.csv", index=False)
    params = {
        "rate_hz": YEAR_HZ,
        "base": {
            "files": "sunspots.csv",
            "time": "YEAR",
            "time_unit": "year",
            "channels": ["SUNACTIVITY"],
            "label": "anomaly",
            "window": 40,
        },
        "events": [
            {"kind": "spike", "duration": 2 * YEAR_S, "probability": 0.5},
            {"kind": "flatline", "duration": 3 * YEAR_S, "probability": 0.3},
        ],
    }
    report = check_generator(
        "timeseries", params, quotas={"flatline": 2}, count=8, workdir=tmp_path
    )
    assert report.ok, report.problems

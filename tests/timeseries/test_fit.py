"""`synthlab fit`: recipes estimated from real series.

Known parameters are recovered from a series this test makes (AR, a cycle, a trend, two
channels with correlated shocks); real series that statsmodels bundles (Mauna Loa CO2,
sunspots, US macro data, El Nino) are fitted, and the recipes load, render and repeat
byte for byte. Bad input fails with the file and the row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from scipy.signal import lfilter

import synthlab
from synthlab.cli import main
from synthlab.fitting.series import fit_series
from synthlab.fitting.series_input import read_real_series
from synthlab.recipe import load_recipe


def run(*args: object) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def write_csv(path: Path, columns: dict[str, Any]) -> Path:
    pa_csv.write_csv(pa.table(columns), path)
    return path


def stamps(n: int, step_s: float, start: str = "2024-01-01T00:00:00") -> np.ndarray:
    return np.datetime64(start, "ns") + (np.arange(n) * step_s * 1e9).astype("timedelta64[ns]")


# --- a series with known parameters -------------------------------------------------------

N = 6000
PERIOD = 37.3  # points; does not divide N, so the period must be refined between bins
AR = (0.6, -0.25)
SHOCK_SD = (0.5, 2.0)
CORRELATION = 0.6


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(7)
    shocks = rng.multivariate_normal(
        [0, 0],
        [
            [SHOCK_SD[0] ** 2, CORRELATION * SHOCK_SD[0] * SHOCK_SD[1]],
            [CORRELATION * SHOCK_SD[0] * SHOCK_SD[1], SHOCK_SD[1] ** 2],
        ],
        size=N + 500,
    )
    noise = lfilter([1.0], [1.0, -AR[0], -AR[1]], shocks, axis=0)[500:]
    t = np.arange(N)  # 1 Hz: seconds = points
    a = 10.0 + 0.002 * t + 3.0 * np.sin(2 * np.pi * (t / PERIOD + 0.3)) + noise[:, 0]
    b = -5.0 + noise[:, 1]
    path = tmp_path_factory.mktemp("known") / "known.csv"
    return write_csv(path, {"timestamp": stamps(N, 1.0), "a": a, "b": b})


def test_recovers_known_parameters(known: Path) -> None:
    fit = fit_series(read_real_series(known))
    assert fit.data.rate_hz == pytest.approx(1.0)
    a, b = fit.channels
    assert a.level == pytest.approx(10.0 + 0.002 * (N - 1) / 2, abs=0.3)
    assert a.trend[0] == pytest.approx(0.002, rel=0.05)
    (cycle,) = [c for c in a.cycles if c.order == 1]
    assert cycle.period == pytest.approx(PERIOD, rel=0.002)
    assert cycle.amplitude == pytest.approx(3.0, rel=0.05)
    assert cycle.phase == pytest.approx(0.3, abs=0.02)
    assert b.cycles == () and b.trend == ()  # b has neither
    for channel, sd in zip((a, b), SHOCK_SD, strict=True):
        assert len(channel.ar) >= 2
        assert channel.ar[:2] == pytest.approx(AR, abs=0.06)
        assert channel.innovation_std == pytest.approx(sd, rel=0.05)
    assert fit.correlation[0, 1] == pytest.approx(CORRELATION, abs=0.05)


def test_the_fitted_recipe_reproduces_them(known: Path, tmp_path: Path) -> None:
    """Fit, render, fit the rendering: the same numbers come back (the recipe says what the
    fit found, and the mixing gives the shocks their correlation)."""
    recipe = tmp_path / "known.yaml"
    result = run("fit", known, "-o", recipe, "--count", 1)
    assert result.exit_code == 0, result.output
    text = recipe.read_text()
    assert "mixing:" in text and "# AR(" in text
    synthlab.render(recipe, tmp_path / "out", workers=1)
    (rendered,) = sorted((tmp_path / "out" / "parquet").glob("series/*.parquet"))
    again = fit_series(read_real_series(rendered, channels=("a", "b")))
    a, b = again.channels
    assert [c.period for c in a.cycles if c.order == 1] == pytest.approx([PERIOD], rel=0.002)
    assert a.cycles[0].amplitude == pytest.approx(3.0, rel=0.08)
    assert a.innovation_std == pytest.approx(SHOCK_SD[0], rel=0.08)
    assert b.innovation_std == pytest.approx(SHOCK_SD[1], rel=0.08)
    assert again.correlation[0, 1] == pytest.approx(CORRELATION, abs=0.06)


# --- real bundled series -------------------------------------------------------------------


@pytest.fixture(scope="module")
def co2_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from statsmodels.datasets import co2

    data = co2.load_pandas().data["co2"]  # 59 of 2,284 weeks are missing (NaN)
    path = tmp_path_factory.mktemp("co2") / "co2.csv"
    return write_csv(
        path, {"date": data.index.to_numpy().astype("datetime64[ns]"), "co2": data.to_numpy()}
    )


def test_co2_missing_weeks_are_refused_then_filled_on_request(co2_csv: Path, tmp_path: Path):
    refused = run("fit", co2_csv, "-o", tmp_path / "r.yaml")
    assert refused.exit_code == 2
    assert "co2.csv: row 7 (line 8): channel 'co2' is missing" in refused.output
    assert "--fill-missing" in refused.output
    assert not (tmp_path / "r.yaml").exists()


def test_co2_fit_renders_and_repeats(co2_csv: Path, tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"
    for path, seed in ((first, 0), (second, 0), (other, 1)):
        result = run("fit", co2_csv, "-o", path, "--fill-missing", "--count", 2, "--seed", seed)
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()  # the seed line
    recipe = load_recipe(first)
    params = recipe.generator.params
    assert params.rate_hz == pytest.approx(1 / (7 * 86_400))
    assert params.start == "1958-03-29T00:00:00+00:00"
    kinds = [c.type for c in params.channels[0].components]
    assert kinds[:2] == ["constant", "trend"] and "arma" in kinds
    periods = [
        c.period.sample(np.random.default_rng())
        for c in params.channels[0].components
        if c.type == "seasonal"
    ]
    assert periods[0] == 31_557_600.0  # the yearly cycle, found and snapped to one year
    assert "59 missing values were interpolated" in first.read_text()
    check = run("check", first)
    assert check.exit_code == 0, check.output
    outs = []
    for path, name in ((first, "a"), (second, "b"), (other, "c")):
        synthlab.render(path, tmp_path / name, workers=1)
        parts = sorted((tmp_path / name / "parquet").glob("series/*.parquet"))
        outs.append(b"".join(p.read_bytes() for p in parts))
    assert outs[0] == outs[1]
    assert outs[0] != outs[2]
    values = pq.read_table(sorted((tmp_path / "a" / "parquet").glob("series/*.parquet"))[0])
    co2 = values.column("co2").to_numpy()
    assert co2.size == 2284
    assert co2.min() > 300 and co2.max() < 390  # real: 313 to 373 ppm


def test_sunspots_parquet_with_a_year_column(tmp_path: Path) -> None:
    from statsmodels.datasets import sunspots

    data = sunspots.load_pandas().data  # yearly, 1700-2008
    path = tmp_path / "sunspots.parquet"
    table = pa.table({"YEAR": data.YEAR.to_numpy(), "spots": data.SUNACTIVITY.to_numpy()})
    pq.write_table(table, path)
    recipe = tmp_path / "sun.yaml"
    result = run("fit", path, "-o", recipe, "--time-column", "YEAR")
    assert result.exit_code == 0, result.output
    assert "'YEAR' holds plain numbers (step 1), read as seconds" in recipe.read_text()
    fit = fit_series(read_real_series(path))
    (spots,) = fit.channels
    strongest = max((c for c in spots.cycles if c.order == 1), key=lambda c: c.amplitude)
    assert 9.5 < strongest.period < 12.0  # the solar cycle, about 11 years (points)
    assert len(spots.ar) >= 2
    synthlab.render(recipe, tmp_path / "out", workers=1)
    # --rate-hz: a point a year; 309 years are more than a series' nanosecond clock holds
    too_long = run("fit", path, "-o", tmp_path / "y.yaml", "--rate-hz", 1 / 31_557_600)
    assert too_long.exit_code == 2 and "at most 292" in too_long.output
    assert not (tmp_path / "y.yaml").exists()
    # 260 years fit, but not from the default start (2024): the recipe starts early enough
    late = tmp_path / "late.yaml"
    assert run("fit", path, "-o", late, "--rate-hz", 308 / (260 * 31_557_600)).exit_code == 0
    assert 'start: "2001-01-01T00:00:00+00:00"' in late.read_text()
    synthlab.render(late, tmp_path / "late", workers=1)
    (part,) = sorted((tmp_path / "late" / "parquet").glob("series/*.parquet"))
    stamps_ = pq.read_table(part).column("timestamp").to_pylist()
    assert stamps_[0].year == 2001 and stamps_[-1].year == 2261
    half = run("fit", path, "-o", tmp_path / "h.yaml", "--rate-hz", 2)  # two points a second
    assert half.exit_code == 0, half.output
    period = fit_series(read_real_series(path, rate_hz=2)).channels[0].cycles[0].period
    assert period == pytest.approx(strongest.period / 2)  # seconds at the given rate


def test_macro_channels_keep_their_correlation(tmp_path: Path) -> None:
    import pandas as pd
    from statsmodels.datasets import macrodata

    data = macrodata.load_pandas().data
    quarters = pd.PeriodIndex.from_fields(
        year=data.year.astype(int), quarter=data.quarter.astype(int), freq="Q"
    ).to_timestamp()
    path = write_csv(
        tmp_path / "macro.csv",
        {
            "date": quarters.to_numpy().astype("datetime64[ns]"),
            "realgdp": data.realgdp.to_numpy(),
            "realinv": data.realinv.to_numpy(),
            "infl": data.infl.to_numpy(),
        },
    )
    recipe = tmp_path / "macro.yaml"
    result = run("fit", path, "-o", recipe, "--channels", "realgdp,realinv")
    assert result.exit_code == 0, result.output
    raw = yaml.safe_load(recipe.read_text())["generator"]["params"]
    assert [c["name"] for c in raw["channels"]] == ["realgdp", "realinv"]
    assert raw["mixing"][0] == [1.0, 0.0]  # the first channel is its own
    fit = fit_series(read_real_series(path, channels=("realgdp", "realinv")))
    assert fit.correlation[0, 1] > 0.5  # investment moves with output, quarter to quarter
    synthlab.render(recipe, tmp_path / "out", workers=1)
    verified = run("verify", tmp_path / "out")
    assert verified.exit_code == 0, verified.output


def test_a_folder_of_files_makes_one_series_each(tmp_path: Path) -> None:
    from statsmodels.datasets import elnino

    months = elnino.load_pandas().data.iloc[:, 1:].to_numpy()
    folder = tmp_path / "nino"
    folder.mkdir()
    for part, years in enumerate((slice(0, 30), slice(30, 61))):
        values = months[years].reshape(-1)
        start = f"{1950 + years.start}-01-01"
        dates = np.array(
            [np.datetime64(start, "M") + k for k in range(values.size)], dtype="datetime64[ns]"
        )
        write_csv(folder / f"part{part}.csv", {"date": dates, "sst": values})
    recipe = tmp_path / "nino.yaml"
    assert run("fit", folder, "-o", recipe).exit_code == 0
    loaded = load_recipe(recipe)
    assert loaded.count == 2
    assert loaded.generator.params.length.bounds() == (360, 372)
    assert "one year" in recipe.read_text()


# --- bad input -----------------------------------------------------------------------------


def _good(n: int = 50) -> dict[str, Any]:
    return {"timestamp": stamps(n, 60.0), "x": np.sin(np.arange(n) / 3.0)}


@pytest.mark.parametrize(
    ("change", "args", "message"),
    [
        (lambda c: c.pop("timestamp"), (), "no time column found"),
        (
            lambda c: c.__setitem__("timestamp", c["timestamp"][[0, 1, 2, 4, 3, *range(5, 50)]]),
            (),
            "bad.csv: row 5 (line 6): the time column 'timestamp' goes back in time",
        ),
        (
            lambda c: c.__setitem__("timestamp", c["timestamp"][[0, 1, 1, *range(3, 50)]]),
            (),
            "row 3 (line 4): the time column 'timestamp' repeats the time before it",
        ),
        (
            lambda c: c["x"].__setitem__(slice(10, 13), np.nan),
            (),
            "bad.csv: rows 11-13 (3 in a row): channel 'x' is missing",
        ),
        (
            lambda c: c.__setitem__("x", np.full(50, np.nan)),
            ("--fill-missing", "--channels", "x"),
            "channel 'x' has no values at all",
        ),
        (
            lambda c: c.__setitem__("name", ["a"] * 50),
            ("--channels", "x,name"),
            "bad.csv: channel 'name' is not numeric ('a' at row 1 (line 2))",
        ),
        (
            lambda c: c.__setitem__("x2", c["x"]),
            ("--channels", "y"),
            "--channels names 'y', which is not a column",
        ),
        (
            lambda c: c.__setitem__(
                "timestamp",
                np.r_[
                    c["timestamp"][:20],
                    c["timestamp"][21:],
                    c["timestamp"][-1:] + np.timedelta64(60, "s"),
                ],
            ),
            (),
            "bad.csv: row 21 (line 22): a step of",
        ),
        (
            lambda c: [c.__setitem__(k, v[:10]) for k, v in list(c.items())],
            (),
            "10 points; fitting needs at least 24",
        ),
    ],
    ids=[
        "no-time",
        "out-of-order",
        "repeated-time",
        "nan-run",
        "all-nan",
        "not-numeric",
        "unknown-channel",
        "gap",
        "too-short",
    ],
)
def test_bad_input_names_the_file_and_row(tmp_path: Path, change, args, message) -> None:
    columns = _good()
    change(columns)
    path = write_csv(tmp_path / "bad.csv", columns)
    result = run("fit", path, "-o", tmp_path / "r.yaml", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "r.yaml").exists()


def test_mixed_rates_and_an_existing_recipe_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    write_csv(folder / "a.csv", _good())
    write_csv(folder / "b.csv", {"timestamp": stamps(50, 30.0), "x": np.arange(50.0) % 7})
    result = run("fit", folder, "-o", tmp_path / "r.yaml")
    assert result.exit_code == 2
    assert "mixed sampling rates" in result.output and "b.csv" in result.output
    existing = tmp_path / "exists.yaml"
    existing.write_text("keep me")
    result = run("fit", folder / "a.csv", "-o", existing)
    assert result.exit_code == 2 and "--force" in result.output
    assert existing.read_text() == "keep me"
    assert run("fit", folder / "a.csv", "-o", existing, "--force").exit_code == 0


def test_a_constant_channel_gets_no_noise(tmp_path: Path) -> None:
    """Rounding left by the least-squares fit of a constant is not modelled as AR noise."""
    n = 200
    path = write_csv(
        tmp_path / "flat.csv",
        {"timestamp": stamps(n, 60.0), "flat": np.full(n, 5.0), "x": np.sin(np.arange(n) / 3.0)},
    )
    recipe = tmp_path / "flat.yaml"
    assert run("fit", path, "-o", recipe).exit_code == 0
    flat = load_recipe(recipe).generator.params.channels[0]
    assert [c.type for c in flat.components] == ["constant"]
    synthlab.render(recipe, tmp_path / "out", workers=1)
    (part,) = sorted((tmp_path / "out" / "parquet").glob("series/*.parquet"))
    assert set(pq.read_table(part).column("flat").to_pylist()) == {5.0}


def test_a_cycle_whose_phase_differs_between_files_is_drawn_at_random(tmp_path: Path) -> None:
    """Two recordings whose 20-point cycle is half a period apart: the recipe keeps the
    amplitude, draws the phase, and leaves the correlated shocks unmixed (each mixed row
    would draw its own phase) and says why."""
    rng = np.random.default_rng(3)
    folder = tmp_path / "runs"
    folder.mkdir()
    n = 400
    for number, phase in enumerate((0.0, 0.5)):
        shocks = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=n)
        cycle = 4.0 * np.sin(2 * np.pi * (np.arange(n) / 20 + phase))
        write_csv(
            folder / f"run{number}.csv",
            {
                "timestamp": stamps(n, 1.0, start=f"2024-01-0{number + 1}T00:00:00"),
                "a": cycle + shocks[:, 0],
                "b": shocks[:, 1],
            },
        )
    recipe = tmp_path / "runs.yaml"
    assert run("fit", folder, "-o", recipe).exit_code == 0
    text = recipe.read_text()
    raw = yaml.safe_load(text)["generator"]["params"]
    (cycle,) = [c for c in raw["channels"][0]["components"] if c["type"] == "seasonal"]
    assert cycle["phase"] == {"uniform": [0.0, 1.0]}
    assert cycle["amplitude"] == pytest.approx(4.0, rel=0.05)
    assert "mixing" not in raw
    assert "a cycle with a random phase cannot go through `mixing`" in text

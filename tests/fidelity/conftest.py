"""Real series that statsmodels bundles (no downloads), written as the plain files a user
would bring, and helpers that push a synthetic copy away from them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from synthlab.fidelity import FidelityOptions

# small windows: the bundled series are a few hundred to a few thousand points long
FAST = FidelityOptions(window=64, stride=16, folds=3, figures=False, seed=3)


def co2_values() -> tuple[np.ndarray, np.ndarray]:
    """Weekly Mauna Loa CO2 1958-2001 (statsmodels), gaps filled: (ns timestamps, ppm)."""
    from statsmodels.datasets import co2

    data = co2.load_pandas().data["co2"].interpolate().bfill()
    stamps = data.index.to_numpy().astype("datetime64[ns]").astype(np.int64)
    return stamps, data.to_numpy(np.float64)


def co2_seasonal() -> tuple[np.ndarray, np.ndarray]:
    """The same series less its 52-week moving average: the yearly cycle and the weather,
    stationary enough that windows from any decade look alike."""
    stamps, ppm = co2_values()
    trend = np.convolve(ppm, np.ones(52) / 52, mode="valid")
    start = 26
    return stamps[start : start + trend.size], ppm[start : start + trend.size] - trend


def macro_table() -> dict[str, np.ndarray]:
    """US quarterly macro data 1959-2009 (statsmodels): 12 channels, growth rates."""
    from statsmodels.datasets import macrodata

    frame = macrodata.load_pandas().data
    columns = ["realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi", "m1"]
    table = {"t": np.arange(len(frame) - 1, dtype=np.float64)}
    for name in columns:  # log growth: stationary enough to cut into windows
        table[name] = np.diff(np.log(frame[name].to_numpy(np.float64))) * 100
    for name in ("tbilrate", "unemp", "infl"):
        table[name] = frame[name].to_numpy(np.float64)[1:]
    return table


def write_csv(folder: Path, name: str, columns: dict[str, np.ndarray]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for key, values in columns.items():
        if key == "timestamp":
            arrays[key] = pa.array(values.astype("datetime64[ns]"))
        else:
            arrays[key] = pa.array(values)
    pa_csv.write_csv(pa.table(arrays), folder / name)
    return folder


def co2_folder(folder: Path, values: np.ndarray | None = None) -> Path:
    stamps, ppm = co2_values()
    chosen = ppm if values is None else values
    return write_csv(folder, "co2.csv", {"timestamp": stamps[: chosen.size], "co2": chosen})


def scaled(values: np.ndarray, factor: float) -> np.ndarray:
    """Spread about the mean multiplied by `factor`."""
    return (values - values.mean()) * factor + values.mean()


def stretched(values: np.ndarray, factor: float) -> np.ndarray:
    """Every frequency multiplied by `factor` (the series read `factor` times faster)."""
    positions = np.arange(0, values.size - 1, factor)
    return np.interp(positions, np.arange(values.size), values)


def noisy(values: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    return values + np.random.default_rng(seed).normal(0.0, sigma, values.size)


@pytest.fixture(scope="session")
def co2_real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return co2_folder(tmp_path_factory.mktemp("co2-real"))


ACTIVITY_RECIPE = """
version: 1
name: fidelity-activity
seed: {seed}
count: 4
generator:
  kind: timeseries
  params:
    rate_hz: 20
    duration: 150
    channels:
      - {{name: acc_x, unit: g, components: [{{type: gaussian, std: 0.02}}]}}
      - {{name: acc_y, unit: g, components: [{{type: gaussian, std: 0.02}}]}}
      - {{name: acc_z, unit: g, components: [{{type: gaussian, std: 0.02}}]}}
    activity:
      axes: [acc_x, acc_y, acc_z]
      states: [standing, walking, lying]
      durations:
        standing: {{uniform: [15, 30]}}
        walking: {{uniform: [15, 30]}}
        lying: {{uniform: [15, 30]}}
      cadence: {{walking: {cadence}}}
output:
  formats: [parquet]
"""


def render_activity(folder: Path, seed: int, cadence: float = 1.8) -> Path:
    """A tiny synthlab activity dataset (4 series of 150 s at 20 Hz)."""
    import synthlab

    folder.mkdir(parents=True, exist_ok=True)
    recipe = folder / "recipe.yaml"
    recipe.write_text(ACTIVITY_RECIPE.format(seed=seed, cadence=cadence), encoding="utf-8")
    out = folder / "out"
    synthlab.render(recipe, out, workers=1)
    return out


@pytest.fixture(scope="session")
def activity_real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_activity(tmp_path_factory.mktemp("activity-real"), seed=11)


@pytest.fixture(scope="session")
def h():  # type: ignore[no-untyped-def]
    """This module's helpers (tests import nothing by path under --import-mode=importlib)."""
    import sys

    return sys.modules[__name__]

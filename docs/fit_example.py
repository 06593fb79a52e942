"""The numbers of docs/timeseries.md, "Fitting a recipe to real data".

Four real series that statsmodels bundles are written to CSV files (the data a user would
bring): the weekly Mauna Loa CO2 record, the monthly El Nino sea surface temperatures,
three quarterly US macroeconomic series and the yearly sunspot numbers. For each, three
recipes are rendered and compared with the real file by `synthlab fidelity` (the library
call it makes):

- default: what a first recipe looks like, the channels named like the real columns, the
  same rate and length, Gaussian noise of sd 1 (the "before" of docs/fidelity.md);
- moments: the same with each channel's real mean and sd (a constant and white noise), a
  fairer baseline: it already gets the levels and spreads right;
- fitted: the recipe `synthlab fit` writes.

    .venv/bin/python docs/fit_example.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

import synthlab
from synthlab.cli import main as cli
from synthlab.fidelity import FidelityOptions, compare

COUNT = 4  # synthetic series per recipe
SEED = 0


def _write(folder: Path, name: str, dates: np.ndarray, columns: dict[str, np.ndarray]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table({"date": pa.array(dates.astype("datetime64[ns]")), **columns})
    path = folder / f"{name}.csv"
    pa_csv.write_csv(table, path)
    return path


def real_series(folder: Path) -> dict[str, tuple[Path, FidelityOptions]]:
    import pandas as pd
    from statsmodels.datasets import co2, elnino, macrodata, sunspots

    spots = sunspots.load_pandas().data  # yearly, 1700-2008

    weekly = co2.load_pandas().data["co2"].interpolate()  # 59 missing weeks
    nino = elnino.load_pandas().data
    months = nino.iloc[:, 1:].to_numpy().reshape(-1)  # one row per year, JAN..DEC
    macro = macrodata.load_pandas().data
    quarters = pd.PeriodIndex.from_fields(
        year=macro.year.astype(int), quarter=macro.quarter.astype(int), freq="Q"
    ).to_timestamp()
    return {
        "co2": (
            _write(folder, "co2", weekly.index.to_numpy(), {"co2": weekly.to_numpy()}),
            FidelityOptions(window=104, stride=13, seed=SEED, figures=False),
        ),
        "elnino": (
            _write(
                folder,
                "elnino",
                pd.date_range("1950-01-01", periods=months.size, freq="MS").to_numpy(),
                {"temperature": months},
            ),
            FidelityOptions(window=48, stride=6, max_lag=24, seed=SEED, figures=False),
        ),
        "macro": (
            _write(
                folder,
                "macro",
                quarters.to_numpy(),
                {c: macro[c].to_numpy() for c in ("realgdp", "realcons", "realinv")},
            ),
            FidelityOptions(window=40, stride=4, max_lag=16, seed=SEED, figures=False),
        ),
        "sunspots": (
            _write_years(folder, "sunspots", spots.YEAR.to_numpy(), spots.SUNACTIVITY.to_numpy()),
            FidelityOptions(window=44, stride=4, max_lag=16, seed=SEED, figures=False),
        ),
    }


def _write_years(folder: Path, name: str, years: np.ndarray, values: np.ndarray) -> Path:
    """A time column of plain numbers (years), as statsmodels has it: read as seconds."""
    path = folder / f"{name}.csv"
    pa_csv.write_csv(pa.table({"YEAR": years, "SUNACTIVITY": values}), path)
    return path


def baseline(fitted: Path, real: Path, out: Path, *, moments: bool) -> Path:
    """The fitted recipe's header (rate, length, start, names) with plain noise channels."""
    import yaml

    from synthlab.fitting.series_input import read_real_series

    recipe = yaml.safe_load(fitted.read_text())
    data = read_real_series(real)
    values = np.concatenate([s.values for s in data.series])
    params = recipe["generator"]["params"]
    params.pop("mixing", None)
    channels = []
    for number, name in enumerate(data.channels):
        if moments:
            parts = [
                {"type": "constant", "value": float(values[:, number].mean())},
                {"type": "gaussian", "std": float(values[:, number].std())},
            ]
        else:
            parts = [{"type": "gaussian", "std": 1.0}]
        channels.append({"name": name, "components": parts})
    params["channels"] = channels
    params.pop("dtype", None)
    recipe["name"] = recipe["name"] + ("-moments" if moments else "-default")
    out.write_text(yaml.safe_dump(recipe, sort_keys=False))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="keep data, recipes and datasets here")
    parser.add_argument(
        "--seeds", type=int, default=0, help="also render the fitted recipe at seeds 1..N"
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="fit-example-"))
    for name, (real, options) in real_series(folder / "real").items():
        fitted = folder / f"{name}-fitted.yaml"
        cli(
            ["fit", str(real), "-o", str(fitted), "--count", str(COUNT), "--force"],
            standalone_mode=False,
        )
        recipes = {
            "default": baseline(fitted, real, folder / f"{name}-default.yaml", moments=False),
            "moments": baseline(fitted, real, folder / f"{name}-moments.yaml", moments=True),
            "fitted": fitted,
        }
        print(f"\n{name}: {real.name}, window {options.window}, stride {options.step}")
        for label, recipe in recipes.items():
            out = folder / f"{name}-{label}"
            if not (out / "manifest.json").is_file():
                synthlab.render(recipe, out, workers=1)
            report = compare(real.parent / real.name, out, options)
            test = report.two_sample
            far = [m.name for m in report.far]
            metrics = {m.name: m.value for m in report.comparison.metrics}
            shown = ", ".join(
                f"{k.split('.', 1)[1]} {v:.3g}"
                for k, v in metrics.items()
                if k.endswith(("log_psd", "autocorrelation", "wasserstein"))
                or k == "channels.correlation"
            )
            print(
                f"  {label:8s} AUC {test.auc:.3f} ({test.low:.3f}-{test.high:.3f}) {test.verdict}; "
                f"{len(far)}/{len(metrics)} far off; {test.per_side} windows/side; {shown}"
            )
        aucs = []
        for seed in range(1, args.seeds + 1):
            out = folder / f"{name}-fitted-seed{seed}"
            if not (out / "manifest.json").is_file():
                synthlab.render(synthlab.load_recipe(fitted, seed=seed), out, workers=1)
            aucs.append(f"{compare(real, out, options).two_sample.auc:.3f}")
        if aucs:
            print(f"  fitted at seeds 1..{args.seeds}: AUC {', '.join(aucs)}")


if __name__ == "__main__":
    main()

"""Reading the real series a recipe is fitted to, strictly.

The files, the time column and the channel columns are found the way `synthlab fidelity`
finds them (`synthlab.fidelity.series_io`: a file, a folder or a glob of Parquet/CSV, a
timestamp column or one named `time`, `date`, `year`...). Fidelity quietly sorts rows and
interpolates gaps, which is right for a comparison; a fit is not: a row out of order, a
missing value or a gap in the clock would be fitted as if it were signal. So here each of
those is an error that names the file and the row (rows count from 1, the header not
included), unless the user asks for gaps to be filled (`fill_missing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from synthlab.errors import UsageError, did_you_mean

# The fidelity readers' file, table and column conventions, reused so that `fit` and
# `fidelity` read the same REAL argument the same way.
from synthlab.fidelity.options import FidelityOptions
from synthlab.fidelity.series_io import plain_files, read_table, table_layout, time_values

__all__ = ["MIN_POINTS", "RealData", "RealSeries", "read_real_series"]

MIN_POINTS = 24  # fewer points per series leave nothing to estimate an AR model and a cycle from
STEP_TOLERANCE = 0.1  # a step may differ this much from the median (calendar months: 28-31 days)


@dataclass(frozen=True)
class RealSeries:
    """One file: seconds since the first file's first point, and the values."""

    name: str
    seconds: np.ndarray  # per point, from the common origin (so phases agree across files)
    values: np.ndarray  # points x channels, float64
    filled: int  # values interpolated because they were missing (fill_missing)


@dataclass(frozen=True)
class RealData:
    channels: tuple[str, ...]
    series: tuple[RealSeries, ...]
    rate_hz: float
    rate_source: str  # how the rate was found, for the recipe's comment
    start: str | None  # ISO 8601 of the first point, when the time column is a clock
    time_column: str

    @property
    def points(self) -> int:
        return sum(s.values.shape[0] for s in self.series)


def _row_word(path: Path, row: int) -> str:
    """'row 12 (line 13)' for CSV (a header line comes first), 'row 12' otherwise."""
    if path.name.lower().endswith((".csv", ".csv.gz")):
        return f"row {row} (line {row + 1})"
    return f"row {row}"


def _channel_columns(
    path: Path, table: Any, wanted: tuple[str, ...] | None, time: str
) -> tuple[str, ...] | None:
    import pyarrow.types as pt

    names = list(table.column_names)
    if not wanted:
        return None  # the fidelity layout's numeric columns
    for name in wanted:
        if name not in names:
            raise UsageError(
                f"{path}: --channels names {name!r}, which is not a column"
                f"{did_you_mean(name, names)}; columns are {', '.join(names)}"
            )
        if name == time:
            raise UsageError(f"{path}: {name!r} is the time column; it cannot be a channel too")
        kind = table.schema.field(name).type
        if pt.is_null(kind) or table.column(name).null_count == table.num_rows:
            raise UsageError(f"{path}: channel {name!r} has no values at all (every row is empty)")
        if not (pt.is_floating(kind) or pt.is_integer(kind)):
            cells = table.column(name).to_pylist()
            row = _first_non_number(cells)
            shown = f"{cells[row - 1]!r} at {_row_word(path, row)}" if row else f"type {kind}"
            raise UsageError(
                f"{path}: channel {name!r} is not numeric ({shown}); a channel must hold "
                "numbers only"
            )
    return tuple(wanted)


def _first_non_number(cells: list[Any]) -> int:
    for row, cell in enumerate(cells, start=1):
        if cell is None:
            continue
        try:
            float(cell)
        except (TypeError, ValueError):
            return row
    return 0


def _check_time(path: Path, table: Any, column: str, time: np.ndarray) -> None:
    nulls = table.column(column).null_count
    bad = np.flatnonzero(~np.isfinite(time)) if not nulls else None
    if nulls or (bad is not None and bad.size):
        mask = np.asarray(table.column(column).is_null().to_numpy(zero_copy_only=False))
        row = int(np.flatnonzero(mask)[0]) + 1 if nulls else int(bad[0]) + 1  # type: ignore[index]
        raise UsageError(
            f"{path}: {_row_word(path, row)}: the time column {column!r} is empty; every row "
            "needs a time"
        )
    steps = np.diff(time)
    back = np.flatnonzero(steps <= 0)
    if back.size:
        row = int(back[0]) + 2
        what = "repeats the time before it" if steps[back[0]] == 0 else "goes back in time"
        raise UsageError(
            f"{path}: {_row_word(path, row)}: the time column {column!r} {what}; the rows must "
            "be in increasing time order (sort them, and drop duplicate rows)"
        )


def _check_steps(path: Path, time: np.ndarray, unit: str) -> float:
    """The mean step, after refusing gaps and irregular sampling (a fit assumes even steps)."""
    steps = np.diff(time)
    typical = float(np.median(steps))
    odd = np.flatnonzero(np.abs(steps - typical) > STEP_TOLERANCE * typical)
    if odd.size:
        row = int(odd[0]) + 2
        raise UsageError(
            f"{path}: {_row_word(path, row)}: a step of {steps[odd[0]]:g} {unit} where the "
            f"median step is {typical:g} {unit} (a gap or uneven sampling; {odd.size} such "
            "steps); synthlab fit needs evenly spaced points: resample the series, or split "
            "it at the gap into separate files"
        )
    return float((time[-1] - time[0]) / (time.size - 1))


def _missing(path: Path, values: np.ndarray, channels: tuple[str, ...], fill: bool) -> int:
    bad = ~np.isfinite(values)
    if not bad.any():
        return 0
    column = int(np.flatnonzero(bad.any(axis=0))[0])
    rows = np.flatnonzero(bad[:, column])
    if bad[:, column].all() or not fill:
        first = int(rows[0])
        last = first
        while last + 1 < values.shape[0] and bad[last + 1, column]:
            last += 1
        span = (
            _row_word(path, first + 1)
            if last == first
            else f"rows {first + 1}-{last + 1} ({last - first + 1} in a row)"
        )
        advice = (
            f"channel {channels[column]!r} has no values at all"
            if bad[:, column].all()
            else "fill or drop them, or pass --fill-missing to interpolate them linearly"
        )
        raise UsageError(
            f"{path}: {span}: channel {channels[column]!r} is missing (empty or NaN); "
            f"{int(bad.sum())} missing values in all; {advice}"
        )
    positions = np.arange(values.shape[0])
    for c in np.flatnonzero(bad.any(axis=0)):
        good = ~bad[:, c]
        values[:, c] = np.interp(positions, positions[good], values[good, c])
    return int(bad.sum())


def _iso(ns: int) -> str:
    moment = datetime.fromtimestamp(ns // 10**9, tz=timezone.utc)
    return moment.isoformat()


def read_real_series(
    path: Path | str,
    *,
    time_column: str | None = None,
    channels: tuple[str, ...] | None = None,
    rate_hz: float | None = None,
    fill_missing: bool = False,
) -> RealData:
    """Every series under `path`, checked; `rate_hz` overrides the time column's rate."""
    files = plain_files(Path(path))
    loaded: list[tuple[Path, np.ndarray, np.ndarray, int]] = []
    chosen: tuple[str, ...] | None = None
    clock = False
    time_name = ""
    steps: list[tuple[Path, float]] = []
    for file in files:
        table = read_table(file)
        names = list(table.column_names)
        if time_column is not None and time_column not in names:
            raise UsageError(
                f"{file}: --time-column {time_column!r} is not a column"
                f"{did_you_mean(time_column, names)}; columns are {', '.join(names)}"
            )
        wanted = _channel_columns(file, table, channels, time_column or "")
        layout = table_layout(file, table, FidelityOptions(time_column=time_column))
        if wanted is None:
            wanted = chosen or layout.channels
        missing = [c for c in wanted if c not in names]
        if missing:
            raise UsageError(
                f"{file}: has no column {missing[0]!r}, which {files[0].name} has; every file "
                "needs the same channel columns (or name them with --channels)"
            )
        _channel_columns(file, table, wanted, layout.time)
        chosen, clock, time_name = wanted, layout.clock, layout.time
        time = (
            time_values(table, layout.time, layout.clock)
            if not table.column(layout.time).null_count
            else np.full(table.num_rows, np.nan)
        )
        _check_time(file, table, layout.time, time)
        if time.size < MIN_POINTS:
            raise UsageError(
                f"{file}: {time.size} points; fitting needs at least {MIN_POINTS} per series "
                "(an AR model and a cycle cannot be estimated from fewer)"
            )
        unit = "ns" if clock else f"({layout.time} units)"
        steps.append((file, _check_steps(file, time, unit)))
        values = np.column_stack(
            [np.asarray(table.column(c).to_numpy(zero_copy_only=False), np.float64) for c in wanted]
        )
        filled = _missing(file, values, wanted, fill_missing)
        loaded.append((file, time, values, filled))
    assert chosen is not None
    first_file, first_step = steps[0]
    for file, step in steps[1:]:
        if abs(step - first_step) > 0.01 * first_step:
            raise UsageError(
                f"mixed sampling rates: {file} steps {step:g} but {first_file} steps "
                f"{first_step:g} (time units of {time_name!r}); fit files of one rate at a time"
            )
    mean_step = float(np.mean([s for _, s in steps]))
    if rate_hz is not None:
        rate, source = rate_hz, f"--rate-hz {rate_hz:g}"
        scale = 1.0 / (mean_step * rate_hz)  # time units -> seconds at the given rate
    elif clock:
        rate = 1e9 / mean_step
        source = f"mean step of {time_name!r}, {mean_step / 1e9:g} s"
        scale = 1e-9
    else:
        rate = 1.0 / mean_step
        source = (
            f"{time_name!r} holds plain numbers (step {mean_step:g}), read as seconds; give "
            "--rate-hz for the real rate"
        )
        scale = 1.0
    origin = min(float(t[0]) for _, t, _, _ in loaded)
    series = tuple(
        RealSeries(file.name, (time - origin) * scale, values, filled)
        for file, time, values, filled in loaded
    )
    start = _iso(int(origin)) if clock else None
    return RealData(chosen, series, float(rate), source, start, time_name)

"""Reading and checking a real base: the user's CSV or Parquet series (or a package's bundled
data set), each turned into one evenly sampled `RealSeries` or refused with the file, the row
and what to do.

Checked: the columns exist, the time column holds numbers or timestamps and strictly
increases, the sampling interval never changes (within `rate_tolerance`) and matches the
recipe's `rate_hz`, channels are numbers without NaN or infinite runs, labels are integers.
The recipe loader runs the same checks (`base_problems`), so `synthlab check` refuses the
same inputs as `render`, at the recipe's `base` line.

CSV floats are parsed correctly rounded (pandas 3's default; `float_precision="round_trip"`
before it, whose default fast parser can be one unit in the last place off): every value is
the float64 nearest its text, so a value written back out is the input's value exactly.
"""

from __future__ import annotations

import fnmatch
import glob
import importlib
import importlib.util
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import numpy as np

from synthlab.errors import did_you_mean
from synthlab.generators.timeseries.real_params import TIME_UNITS, RealBase
from synthlab.recipe.files import RecipeFileError, check_relative_path, resolve_recipe_file

if TYPE_CHECKING:
    import pandas as pd

    from synthlab.generators.timeseries.params import TimeseriesParams

__all__ = [
    "CSV_SUFFIXES",
    "PARQUET_SUFFIXES",
    "RateMismatch",
    "RealSeries",
    "SeriesSource",
    "base_files",
    "base_problems",
    "base_sources",
    "series_from_frame",
]

CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")
_RATE_MATCH = 1e-6  # how far (a fraction) the data's rate may be from the recipe's rate_hz
_NS_LIMIT = 2**63 - 1


class RateMismatch(RecipeFileError):
    """The data's sampling rate is not the recipe's `rate_hz` (located at that field)."""


@dataclass(frozen=True)
class RealSeries:
    """One evenly sampled input series: timestamps (int64 ns UTC), values channel-major
    (channels x points, float64, each channel contiguous) and the input's labels."""

    source: str  # recipe-relative path, or the bundled data set's name
    time_ns: np.ndarray
    rows: np.ndarray
    label: np.ndarray | None  # int64 per point (0: normal), or None without a label column

    @property
    def length(self) -> int:
        return int(self.time_ns.shape[0])


@dataclass(frozen=True)
class SeriesSource:
    """A series not read yet: its name and how to read it (checked) when a sample needs it."""

    name: str
    load: Callable[[], RealSeries]
    csv: bool = False


def _rows(csv: bool) -> Callable[[int], str]:
    """How an error names data row `i` (0-based): 1-based, and its line in a CSV file (the
    header is line 1)."""
    if csv:
        return lambda i: f"row {i + 1} (line {i + 2})"
    return lambda i: f"row {i + 1}"


# --- which files --------------------------------------------------------------------------


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Glob matching part by part (`**` spans any number of folders); names starting with a
    dot match only a pattern part that starts with one, as the shell has it."""
    if not pattern:
        return not path
    if not path:
        return all(part == "**" for part in pattern)
    head, name = pattern[0], path[0]
    hidden = name.startswith(".") and not head.startswith(".")
    if head == "**":
        return _matches(pattern[1:], path) or (not hidden and _matches(pattern, path[1:]))
    return not hidden and fnmatch.fnmatchcase(name, head) and _matches(pattern[1:], path[1:])


def _glob(base_dir: Path, pattern: str) -> list[str]:
    """Recipe-relative paths of the files `pattern` matches, sorted. The folder before the
    first wildcard is resolved and contained first, and the walk below it never follows a
    link into another folder: nothing outside the recipe's folder is listed."""
    parts = PurePosixPath(pattern).parts
    fixed = list(itertools.takewhile(lambda part: not glob.has_magic(part), parts))
    rest = parts[len(fixed) :]
    start = resolve_recipe_file(
        base_dir, "/".join(fixed) or ".", what="base.files folder", folder=True, allow_assets=False
    )
    recursive = "**" in rest
    found = []
    for folder, folders, files in os.walk(start):  # followlinks=False
        below = Path(folder).relative_to(start).parts
        if not recursive and len(below) >= len(rest) - 1:
            folders.clear()  # deep enough for the pattern
        for name in files:
            if _matches(rest, (*below, name)):
                found.append("/".join((*fixed, *below, name)))
    return sorted(found)


def base_files(base: RealBase, base_dir: Path) -> list[Path]:
    """The base's files in the recipe's folder, sorted by path; a glob must match at least
    one CSV or Parquet file. Each is contained like every recipe-named file."""
    assert base.files is not None
    pattern = base.files
    check_relative_path(pattern, what="base.files", allow_assets=False)
    suffixes = CSV_SUFFIXES + PARQUET_SUFFIXES
    if not glob.has_magic(pattern):
        path = resolve_recipe_file(base_dir, pattern, what="base file", allow_assets=False)
        if path.suffix.lower() not in suffixes:
            raise RecipeFileError(
                f"base file {pattern!r} is neither CSV (.csv) nor Parquet (.parquet, .pq)"
            )
        return [path]
    matched = [name for name in _glob(base_dir, pattern) if Path(name).suffix.lower() in suffixes]
    if not matched:
        raise RecipeFileError(
            f"base.files {pattern!r} matched no CSV or Parquet file in the recipe's folder "
            f"({os.path.realpath(base_dir)})"
        )
    return [
        resolve_recipe_file(base_dir, name, what="base file", allow_assets=False)
        for name in matched
    ]


def base_sources(params: TimeseriesParams, base_dir: Path) -> list[SeriesSource]:
    """Every series a sample may be drawn from, in a fixed order (files sorted by path)."""
    base = params.base
    assert base is not None
    if base.bundled is not None:
        return [SeriesSource(base.bundled, lambda: _bundled_series(params))]
    root = Path(os.path.realpath(base_dir))
    sources = []
    for path in base_files(base, base_dir):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        csv = path.suffix.lower() in CSV_SUFFIXES

        def load(path: Path = path, name: str = name, csv: bool = csv) -> RealSeries:
            return series_from_frame(_read_file(path, name, base, csv), params, name, csv)

        sources.append(SeriesSource(name, load, csv))
    return sources


# --- reading ------------------------------------------------------------------------------


def _wanted(base: RealBase) -> list[str]:
    return [base.time, *base.channels, *([base.label] if base.label else [])]


def _missing_columns(columns: list[str], base: RealBase, name: str) -> None:
    roles = [(base.time, "the time column")]
    roles += [(c, "a channel") for c in base.channels]
    if base.label is not None:
        roles.append((base.label, "the label column"))
    for column, role in roles:
        if column not in columns:
            shown = ", ".join(map(repr, columns[:20])) + (" ..." if len(columns) > 20 else "")
            raise RecipeFileError(
                f"{name}: no column {column!r} ({role}){did_you_mean(column, columns)}; "
                f"its columns are {shown}"
            )


def _exact_floats(pd: Any) -> dict[str, str]:
    """pandas 3 parses floats correctly rounded by default (and deprecates the option);
    before it, only `float_precision="round_trip"` does."""
    return {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def _read_file(path: Path, name: str, base: RealBase, csv: bool) -> pd.DataFrame:
    """Only the columns the recipe names (memory: those columns of one file)."""
    import pandas as pd

    try:
        if csv:
            header = list(pd.read_csv(path, nrows=0).columns)
            _missing_columns([str(c) for c in header], base, name)
            return pd.read_csv(path, usecols=_wanted(base), **_exact_floats(pd))
        import pyarrow.parquet as pq

        columns = list(pq.read_schema(path).names)
        _missing_columns(columns, base, name)
        return pd.read_parquet(path, columns=_wanted(base))
    except RecipeFileError:
        raise
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        kind = "CSV" if csv else "Parquet"
        raise RecipeFileError(f"{name}: cannot be read as {kind} ({error})") from None


def _bundled_frame(base: RealBase) -> pd.DataFrame:
    package, dataset = base.bundled_parts
    try:
        module = importlib.import_module(f"{package}.datasets.{dataset}")
    except ModuleNotFoundError:
        if importlib.util.find_spec(package) is None:
            raise RecipeFileError(
                f"bundled {base.bundled!r} needs {package}: pip install {package}"
            ) from None
        import pkgutil

        parent = importlib.import_module(f"{package}.datasets")
        names = sorted(
            m.name for m in pkgutil.iter_modules(parent.__path__) if not m.name.startswith("_")
        )
        raise RecipeFileError(
            f"bundled {base.bundled!r}: {package} has no data set {dataset!r}"
            f"{did_you_mean(dataset, names)}; it has {', '.join(names)}"
        ) from None
    frame = module.load_pandas().data
    import pandas as pd

    if isinstance(frame.index, pd.DatetimeIndex):  # co2, elec_equip: the time is the index
        frame = frame.reset_index(names=frame.index.name or "time")
    _missing_columns([str(c) for c in frame.columns], base, str(base.bundled))
    return frame[_wanted(base)]


def bundled_version(base: RealBase) -> str:
    package, _ = base.bundled_parts
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _bundled_series(params: TimeseriesParams) -> RealSeries:
    assert params.base is not None
    frame = _bundled_frame(params.base)
    return series_from_frame(frame, params, str(params.base.bundled), csv=False)


# --- checking -----------------------------------------------------------------------------


def _first_run(bad: np.ndarray, row: Callable[[int], str]) -> str:
    """The first run of True in `bad` (which holds one), as rows: "row 7", "rows 10 to 14"."""
    first = int(np.argmax(bad))
    rest = np.flatnonzero(~bad[first:])
    last = first + (int(rest[0]) if rest.size else bad.shape[0] - first) - 1
    return row(first) if first == last else f"{row(first)} to {row(last)}"


def _time_values(
    frame: pd.DataFrame, base: RealBase, name: str, row: Callable[[int], str]
) -> tuple[np.ndarray, bool]:
    """The time column as float64 numbers (in time_unit) or int64 nanoseconds (timestamps),
    and which of the two."""
    import pandas as pd

    column = frame[base.time]
    if pd.api.types.is_bool_dtype(column):
        raise RecipeFileError(f"{name}: time column {base.time!r} holds true/false, not times")
    if pd.api.types.is_numeric_dtype(column):
        numbers = column.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(numbers)
        if bad.any():
            raise RecipeFileError(
                f"{name}: time column {base.time!r} is empty or not finite on "
                f"{_first_run(bad, row)}; every row needs a time"
            )
        return numbers, True
    try:
        stamps = pd.to_datetime(column, utc=True, format="ISO8601")
    except (ValueError, TypeError) as error:
        raise RecipeFileError(
            f"{name}: time column {base.time!r} holds neither numbers nor ISO 8601 "
            f"timestamps ({error})"
        ) from None
    missing = stamps.isna().to_numpy()
    if missing.any():
        raise RecipeFileError(
            f"{name}: time column {base.time!r} is empty on {_first_run(missing, row)}; "
            "every row needs a time"
        )
    naive = stamps.dt.tz_localize(None)  # UTC wall time, without the zone numpy cannot hold
    return naive.to_numpy().astype("datetime64[ns]").astype(np.int64), False


def _check_spacing(
    times: np.ndarray, numeric: bool, params: TimeseriesParams, name: str, row: Callable[[int], str]
) -> None:
    base = params.base
    assert base is not None
    unit = base.time_unit if numeric else "ns"

    def moment(value: float) -> str:
        if numeric:
            return f"{float(value):g}"
        return str(np.datetime64(int(value), "ns"))

    def span(value: float) -> str:  # a spacing, in the column's unit (seconds for stamps)
        return f"{float(value):g} {unit}" if numeric else f"{float(value) / 1e9:g} s"

    steps = np.diff(times)
    back = np.flatnonzero(steps <= 0)
    if back.size:
        i = int(back[0]) + 1
        raise RecipeFileError(
            f"{name}: time column {base.time!r} is not increasing at {row(i)} "
            f"({moment(times[i])} after {moment(times[i - 1])}); sort the rows by time and "
            "drop repeated times"
        )
    if steps.size == 0:
        return
    typical = float(np.median(steps))
    off = np.flatnonzero(np.abs(steps - typical) > base.rate_tolerance * typical)
    if off.size:
        i = int(off[0]) + 1
        raise RecipeFileError(
            f"{name}: the sampling interval changes at {row(i)}: it comes {span(steps[i - 1])} "
            f"after the row before, where the series is sampled every {span(typical)} "
            "(mixed sampling rates); resample it, split the file where the rate changes, or "
            "raise base.rate_tolerance"
        )
    seconds = typical * (TIME_UNITS[unit] if numeric else 1e-9)
    rate = 1.0 / seconds
    if abs(rate - params.rate_hz) > _RATE_MATCH * rate:
        raise RateMismatch(
            f"{name} is sampled every {seconds:g} s ({rate!r} Hz) but rate_hz is "
            f"{params.rate_hz!r}; set rate_hz: {rate!r} (event durations are in seconds)"
        )


def _timestamps(times: np.ndarray, numeric: bool, base: RealBase, name: str) -> np.ndarray:
    """Nanoseconds since the Unix epoch (UTC). Decimal years map onto the calendar (1700.0
    is 1700-01-01, 1700.5 half way through that year)."""
    if not numeric:
        return times
    if base.time_unit == "year":
        years = np.floor(times)
        if years.min() < 1678 or years.max() > 2261:
            raise RecipeFileError(
                f"{name}: years {times.min():g}..{times.max():g} fall outside 1678..2261, "
                "the span timestamps in nanoseconds can hold"
            )
        whole = years.astype(np.int64) - 1970
        starts = whole.astype("datetime64[Y]").astype("datetime64[ns]").astype(np.int64)
        ends = (whole + 1).astype("datetime64[Y]").astype("datetime64[ns]").astype(np.int64)
        stamps: np.ndarray = starts + np.rint((times - years) * (ends - starts)).astype(np.int64)
        return stamps
    scaled = times * (TIME_UNITS[base.time_unit] * 1e9)
    if np.abs(scaled).max() >= _NS_LIMIT:
        raise RecipeFileError(
            f"{name}: time values up to {np.abs(times).max():g} {base.time_unit} do not fit "
            "as nanosecond timestamps since 1970; check base.time_unit"
        )
    return np.rint(scaled).astype(np.int64)


def _channel_rows(
    frame: pd.DataFrame, base: RealBase, name: str, row: Callable[[int], str]
) -> np.ndarray:
    import pandas as pd

    rows = np.empty((len(base.channels), len(frame)))
    for number, channel in enumerate(base.channels):
        column = frame[channel]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            raise RecipeFileError(
                f"{name}: channel {channel!r} is not numeric (type {column.dtype}); "
                "a channel holds numbers"
            )
        rows[number] = column.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(rows[number])
        if bad.any():
            raise RecipeFileError(
                f"{name}: channel {channel!r} is empty (NaN) or infinite on "
                f"{_first_run(bad, row)} ({int(bad.sum())} such value(s) in the column); "
                "fill or drop those rows, or split the series there"
            )
    return rows


def _labels(
    frame: pd.DataFrame, base: RealBase, name: str, row: Callable[[int], str]
) -> np.ndarray | None:
    import pandas as pd

    if base.label is None:
        return None
    column = frame[base.label]
    if pd.api.types.is_bool_dtype(column):
        flags: np.ndarray = column.to_numpy(dtype=np.int64)
        return flags
    numbers = column.to_numpy(dtype=np.float64) if pd.api.types.is_numeric_dtype(column) else None
    bad = None if numbers is None else ~np.isfinite(numbers) | (numbers != np.round(numbers))
    if numbers is None or bad is None or bad.any():
        where = f" on {row(int(np.argmax(bad)))}" if bad is not None and bad.any() else ""
        raise RecipeFileError(
            f"{name}: label column {base.label!r} must hold whole numbers (0: normal){where}"
        )
    whole: np.ndarray = numbers.astype(np.int64)
    return whole


def series_from_frame(
    frame: pd.DataFrame, params: TimeseriesParams, name: str, csv: bool
) -> RealSeries:
    """One input's columns checked and turned into a `RealSeries` (raises RecipeFileError)."""
    base = params.base
    assert base is not None
    row = _rows(csv)
    if len(frame) < 2:
        raise RecipeFileError(f"{name}: {len(frame)} row(s); a series needs at least 2")
    times, numeric = _time_values(frame, base, name, row)
    _check_spacing(times, numeric, params, name, row)
    rows = _channel_rows(frame, base, name, row)
    label = _labels(frame, base, name, row)
    return RealSeries(name, _timestamps(times, numeric, base, name), rows, label)


def _longest_event(params: TimeseriesParams) -> tuple[int, float]:
    longest = (-1, 0.0)
    for number, event in enumerate(params.events):
        points = event.duration.bounds()[1] * params.rate_hz
        if points > longest[1]:
            longest = (number, points)
    return longest


def base_problems(
    params: TimeseriesParams, base_dir: Path
) -> list[tuple[tuple[str | int, ...], str]]:
    """What is wrong with the base's inputs, each located in the recipe (for `check`)."""
    base = params.base
    assert base is not None
    where: tuple[str | int, ...] = ("base", "files" if base.files is not None else "bundled")
    try:
        sources = base_sources(params, base_dir)
    except RecipeFileError as error:
        return [(where, str(error))]
    problems: list[tuple[tuple[str | int, ...], str]] = []
    event, event_points = _longest_event(params)
    for source in sources:
        try:
            series = source.load()
        except RateMismatch as error:
            problems.append((("rate_hz",), str(error)))
            continue
        except RecipeFileError as error:
            problems.append((where, str(error)))
            continue
        if base.window is not None and base.window.bounds()[1] > series.length:
            problems.append(
                (
                    ("base", "window"),
                    f"{source.name} has {series.length} rows, fewer than a window of "
                    f"{base.window.bounds()[1]:g} points; shorten base.window or leave that "
                    "series out",
                )
            )
            continue
        room = min(base.shortest(), series.length)
        if event >= 0 and event_points > room:
            problems.append(
                (
                    ("events", event, "duration"),
                    f"an event of {event_points:g} points does not fit in {source.name}'s "
                    f"{'windows' if base.window is not None else 'series'} of {room:g} points",
                )
            )
    return problems


def frame_digest(series: RealSeries) -> str:
    """sha256 of a series as read (time, values, labels): records a bundled data set."""
    import hashlib

    digest = hashlib.sha256()
    for array in (series.time_ns, series.rows, series.label):
        if array is not None:
            digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def describe_bundled(params: TimeseriesParams) -> dict[str, Any]:
    """What the manifest's provenance says about a bundled base: its name, the version of
    the package that shipped it, and the digest of the series as read."""
    assert params.base is not None and params.base.bundled is not None
    package, _ = params.base.bundled_parts
    return {
        "bundled": params.base.bundled,
        "package": package,
        "version": bundled_version(params.base),
        "sha256": frame_digest(_bundled_series(params)),
    }

"""Reading time series for a fidelity comparison: a synthlab dataset or plain Parquet/CSV.

Both kinds of input become the same thing: a list of recordings (one series each) with
channel columns, an optional label per point (an activity, or an event kind) and, when the
time column says so, a sample rate. Recordings are opened lazily: their lengths are known
first, the windows to compare are chosen from the lengths, and only then is each recording
read and cut, one at a time, so memory follows the windows kept, not the size of the input.
"""

from __future__ import annotations

import dataclasses
import glob
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from synthlab.errors import UsageError, did_you_mean
from synthlab.fidelity.options import FidelityOptions

__all__ = [
    "ACTIVITY_ROLE",
    "KIND_ROLE",
    "Recording",
    "RecordingHandle",
    "SeriesSource",
    "TableLayout",
    "is_series_path",
    "open_series",
    "plain_files",
    "read_table",
    "table_layout",
    "time_values",
]

ACTIVITY_ROLE = "activity"  # labels that say what the body was doing (walking, sitting...)
KIND_ROLE = "kind"  # labels that say which event a point belongs to ("normal" outside events)
NORMAL = "normal"

SERIES_SUFFIXES = (".parquet", ".csv", ".csv.gz")
_TIME_NAMES = ("timestamp", "time", "datetime", "date", "ds", "t", "year", "seconds", "time_s")
_LABEL_NAMES = ("activity", "label", "kind", "event", "class", "state", "anomaly_kind")
# columns of synthlab's own layouts that are labels or bookkeeping, never channels
_NOT_CHANNELS = {"index", "anomaly", "event_id", "series", "id", "unique_id"}


@dataclass(frozen=True)
class Recording:
    """One series: values (points x channels, float64) and label codes per role."""

    name: str
    channels: tuple[str, ...]
    values: np.ndarray
    labels: dict[str, tuple[np.ndarray, tuple[str, ...]]]  # role -> (codes per point, names)


@dataclass(frozen=True)
class RecordingHandle:
    name: str
    length: int  # rows
    load: Callable[[], Recording]


@dataclass(frozen=True)
class SeriesSource:
    """One side of the comparison, before any data is read."""

    description: str
    channels: tuple[str, ...]
    roles: tuple[str, ...]  # label roles every recording carries
    rate_hz: float | None  # None when the time column is not a clock (e.g. plain numbers)
    handles: tuple[RecordingHandle, ...]
    recipe_params: dict[str, Any] | None = None  # the generator's params, for advice


def is_series_path(path: Path) -> bool:
    """True when `path` names plain series files (a file, a folder of them or a glob)."""
    try:
        return bool(plain_files(path))
    except UsageError:
        return False


def open_series(path: Path, options: FidelityOptions, side: str) -> SeriesSource:
    """`side` ("real" or "synthetic") only words the error messages."""
    if (path / "manifest.json").is_file():
        return _open_dataset(path, side)
    if side != "real":  # --time-column and --label-column name the real files' columns
        options = dataclasses.replace(options, time_column=None, label_column=None)
    return _open_plain(path, options, side)


# --- synthlab datasets -------------------------------------------------------------------


def _open_dataset(path: Path, side: str) -> SeriesSource:
    from synthlab.readers import DatasetView, get_reader
    from synthlab.samples.timeseries import ACTIVITIES, LABEL_KINDS

    view = DatasetView.open(path)
    if view.modality != "timeseries":
        raise UsageError(
            f"{side} data {path} is a {view.modality} dataset; a time-series comparison needs "
            "a timeseries dataset or Parquet/CSV series"
        )
    if not ((path / "parquet").is_dir() or (path / "npz").is_dir()):
        raise UsageError(
            f"{side} dataset {path} has neither parquet/ nor npz/ series; render it with "
            "output.formats including parquet to compare it"
        )
    reader = get_reader("timeseries")
    params = view.manifest.get("recipe", {}).get("generator", {}).get("params", {})
    channels = tuple(str(c["name"]) for c in params.get("channels", ())) or tuple(
        (params.get("base") or {}).get("channels", ())
    )
    roles = (ACTIVITY_ROLE, KIND_ROLE) if params.get("activity") else (KIND_ROLE,)
    kind_names = (NORMAL, *LABEL_KINDS)

    def loader(record: dict[str, Any]) -> Callable[[], Recording]:
        def load() -> Recording:
            sample: Any = reader.load_sample(view, record)
            labels = {KIND_ROLE: (np.asarray(sample.label, np.int32), kind_names)}
            if sample.activity is not None:
                labels[ACTIVITY_ROLE] = (np.asarray(sample.activity, np.int32), ACTIVITIES)
            values = _fill_gaps(np.asarray(sample.values, np.float64))  # dropouts are NaN
            return Recording(f"series {record['index']}", sample.channels, values, labels)

        return load

    handles = tuple(
        RecordingHandle(
            f"series {record['index']}",
            int(record.get("metadata", {}).get("rows", record.get("metadata", {}).get("length"))),
            loader(record),
        )
        for record in view.records()
    )
    return SeriesSource(
        description=f"synthlab dataset {path} ({len(handles)} series)",
        channels=channels,
        roles=roles,
        rate_hz=float(params.get("rate_hz", 0)) or None,
        handles=handles,
        recipe_params=params,
    )


# --- plain files -------------------------------------------------------------------------
# (public: `synthlab fit` reads its REAL argument with these too, so both read it alike)


def plain_files(path: Path) -> list[Path]:
    """The series files (Parquet, CSV) a file, folder or glob names, sorted."""
    text = str(path)
    if any(mark in text for mark in "*?["):
        found = [Path(p) for p in sorted(glob.glob(text, recursive=True))]
    elif path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file())
    elif path.is_file():
        found = [path]
    else:
        raise UsageError(f"{path} does not exist")
    files = [p for p in found if p.name.lower().endswith(SERIES_SUFFIXES)]
    if not files:
        raise UsageError(
            f"{path} holds no series files (looked for {', '.join(SERIES_SUFFIXES)}); "
            "give a synthlab dataset, a Parquet/CSV file, a folder of them or a glob"
        )
    return files


def read_table(path: Path) -> Any:
    """A Parquet or CSV file as a pyarrow Table (UsageError naming the file if unreadable)."""
    try:
        if path.name.lower().endswith(".parquet"):
            import pyarrow.parquet as pq

            return pq.read_table(path)
        import pyarrow.csv as pa_csv

        return pa_csv.read_csv(path)
    except Exception as error:  # pyarrow's own errors say what is wrong with the file
        raise UsageError(f"{path}: cannot be read as a table: {error}") from None


def _choose(names: list[str], wanted: str | None, preferred: tuple[str, ...]) -> str | None:
    if wanted is not None:
        return wanted if wanted in names else None
    lowered = {n.lower(): n for n in names}
    for candidate in preferred:
        if candidate in lowered:
            return lowered[candidate]
    return None


@dataclass(frozen=True)
class TableLayout:
    """Which of a table's columns is the time, the label and the channels."""

    time: str
    label: str | None
    channels: tuple[str, ...]
    clock: bool  # the time column holds timestamps (so a rate in Hz is known)


def table_layout(path: Path, table: Any, options: FidelityOptions) -> TableLayout:
    """The table's columns found as the options name them, or by their names and types."""
    import pyarrow.types as pt

    names = list(table.column_names)
    time = _choose(names, options.time_column, ())
    if time is None and options.time_column is None:
        stamped = [n for n in names if pt.is_timestamp(table.schema.field(n).type)]
        stamped += [n for n in names if pt.is_date(table.schema.field(n).type)]
        time = stamped[0] if stamped else _choose(names, None, _TIME_NAMES)
    if time is None:
        wanted = options.time_column
        hint = (
            f"--time-column {wanted!r} is not a column{did_you_mean(wanted, names)}"
            if wanted
            else "no time column found (looked for a timestamp column or one named "
            f"{', '.join(_TIME_NAMES)}); name it with --time-column"
        )
        raise UsageError(f"{path}: {hint}; columns are {', '.join(names)}")
    label = _choose(names, options.label_column, _LABEL_NAMES)
    if options.label_column is not None and label is None:
        raise UsageError(
            f"{path}: --label-column {options.label_column!r} is not a column"
            f"{did_you_mean(options.label_column, names)}; columns are {', '.join(names)}"
        )
    skip = {time, label} | _NOT_CHANNELS
    channels = tuple(
        n
        for n in names
        if n not in skip
        and (
            pt.is_floating(table.schema.field(n).type) or pt.is_integer(table.schema.field(n).type)
        )
    )
    if not channels:
        raise UsageError(f"{path}: no numeric channel columns besides the time column {time!r}")
    time_type = table.schema.field(time).type
    return TableLayout(time, label, channels, pt.is_timestamp(time_type) or pt.is_date(time_type))


def time_values(table: Any, column: str, clock: bool) -> np.ndarray:
    """The time column as float64 (nanoseconds since 1970 where `clock`)."""
    array = table.column(column)
    if clock:
        import pyarrow as pa

        return np.asarray(array.cast(pa.timestamp("ns")).cast(pa.int64()).to_numpy(), np.float64)
    return np.asarray(array.to_numpy(zero_copy_only=False), np.float64)


def _label_role(values: np.ndarray, column: str) -> str:
    from synthlab.samples.timeseries import ACTIVITIES

    present = {str(v) for v in np.unique(values)}
    if column.lower() == "activity" or (present and present <= set(ACTIVITIES)):
        return ACTIVITY_ROLE
    return KIND_ROLE


def _fill_gaps(values: np.ndarray) -> np.ndarray:
    """Missing points (NaN) linearly interpolated per channel, so spectra stay defined."""
    bad = ~np.isfinite(values)
    if not bad.any():
        return values
    filled = values.copy()
    positions = np.arange(values.shape[0])
    for column in np.flatnonzero(bad.any(axis=0)):
        good = ~bad[:, column]
        if good.any():
            filled[:, column] = np.interp(positions, positions[good], values[good, column])
        else:
            filled[:, column] = 0.0
    return filled


def _load_plain(path: Path, options: FidelityOptions) -> tuple[Recording, float | None]:
    table = read_table(path)
    layout = table_layout(path, table, options)
    time = time_values(table, layout.time, layout.clock)
    order = np.argsort(time, kind="stable")
    values = np.column_stack(
        [
            np.asarray(table.column(c).to_numpy(zero_copy_only=False), np.float64)
            for c in layout.channels
        ]
    )[order]
    labels: dict[str, tuple[np.ndarray, tuple[str, ...]]] = {}
    if layout.label is not None:
        raw = np.asarray(table.column(layout.label).to_pylist(), dtype=object)[order]
        text = np.array(["" if v is None else str(v) for v in raw], dtype=object)
        role = _label_role(text, layout.label)
        if role == KIND_ROLE:  # blanks and zeros mean "no event", as in synthlab's codes
            text[np.isin(text, ["", "0", "False", "false", NORMAL])] = NORMAL
        names, codes = np.unique(text.astype(str), return_inverse=True)
        labels[role] = (codes.astype(np.int32), tuple(str(n) for n in names))
    rate = None
    steps = np.diff(time[order])
    if layout.clock and steps.size and np.median(steps) > 0:
        rate = 1e9 / float(np.median(steps))
    return Recording(path.name, layout.channels, _fill_gaps(values), labels), rate


def _open_plain(path: Path, options: FidelityOptions, side: str) -> SeriesSource:
    files = plain_files(path)
    handles = []
    rates: list[float] = []
    channels: tuple[str, ...] | None = None
    roles: set[str] | None = None
    for file in files:
        # read once now for the length, channels and rate; again later to cut windows, so
        # only one file's table is held at a time
        recording, rate = _load_plain(file, options)
        if rate is not None:
            rates.append(rate)
        channels = (
            recording.channels
            if channels is None
            else tuple(c for c in channels if c in recording.channels)
        )
        roles = set(recording.labels) if roles is None else roles & set(recording.labels)
        length = recording.values.shape[0]
        del recording

        def load(file: Path = file) -> Recording:
            return _load_plain(file, options)[0]

        handles.append(RecordingHandle(file.name, length, load))
    rate_hz = float(np.median(rates)) if rates and len(rates) == len(files) else None
    what = f"{len(files)} file{'s' if len(files) != 1 else ''}"
    return SeriesSource(
        description=f"{side} series {path} ({what})",
        channels=channels or (),
        roles=tuple(sorted(roles or ())),
        rate_hz=rate_hz if rate_hz is None or math.isfinite(rate_hz) else None,
        handles=tuple(handles),
    )


def iter_recordings(source: SeriesSource, wanted: set[int]) -> Iterator[tuple[int, Recording]]:
    """The recordings at positions `wanted`, read one at a time, in order."""
    for number, handle in enumerate(source.handles):
        if number in wanted:
            yield number, handle.load()

"""Cutting both sides into windows of the same length, with a label condition per window.

Windows are the unit every series metric and the two-sample test work on. When a side has
more windows than `max_items`, a seeded subsample is kept (chosen from the recordings'
lengths before any data is read), so the same seed always compares the same windows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthlab.errors import UsageError
from synthlab.fidelity.options import FidelityOptions
from synthlab.fidelity.series_io import (
    ACTIVITY_ROLE,
    NORMAL,
    Recording,
    SeriesSource,
    iter_recordings,
)

__all__ = ["MIN_WINDOWS", "WindowSet", "cut_windows"]

MIN_WINDOWS = 10  # per side: fewer cannot feed a cross-validated two-sample test
_STRETCHES = 16  # about this many stretches per side, each held out whole in the CV
_MAJORITY = 0.8  # an activity window is labelled when one activity covers this share of it


@dataclass(frozen=True)
class WindowSet:
    values: np.ndarray  # (windows, channels, points) float32
    labels: dict[str, np.ndarray]  # role -> condition name per window ("" when mixed)
    origins: tuple[tuple[str, int], ...]  # (recording name, first point) per window
    groups: np.ndarray  # per window: the stretch of its recording (held out together)


def _window_label(codes: np.ndarray, names: tuple[str, ...], role: str) -> str:
    counts = np.bincount(codes, minlength=len(names))
    if role == ACTIVITY_ROLE:
        best = int(np.argmax(counts))
        return names[best] if counts[best] >= _MAJORITY * codes.size else ""
    # event kinds: a window touched by an event counts as that event's window
    if NORMAL in names:
        counts[names.index(NORMAL)] = 0
    best = int(np.argmax(counts))
    return names[best] if counts[best] > 0 else NORMAL


def _plan(
    source: SeriesSource, options: FidelityOptions, rng: np.random.Generator, side: str
) -> tuple[np.ndarray, np.ndarray]:
    """(recording number, first point) of every window kept."""
    window, step = options.window, options.step
    per_recording = np.array(
        [max(0, (h.length - window) // step + 1) for h in source.handles], dtype=np.int64
    )
    total = int(per_recording.sum())
    if total < MIN_WINDOWS:
        longest = max((h.length for h in source.handles), default=0)
        raise UsageError(
            f"{side} data gives {total} window{'s' if total != 1 else ''} of {window} points "
            f"(longest series: {longest} points); at least {MIN_WINDOWS} are needed: choose a "
            "shorter --window or a smaller --stride"
        )
    chosen = np.arange(total)
    if total > options.max_items:
        chosen = np.sort(rng.choice(total, size=options.max_items, replace=False))
    firsts = np.concatenate([[0], np.cumsum(per_recording)])
    owner = np.searchsorted(firsts, chosen, side="right") - 1
    starts = (chosen - firsts[owner]) * step
    return owner, starts


def cut_windows(
    source: SeriesSource,
    channels: tuple[str, ...],
    options: FidelityOptions,
    rng: np.random.Generator,
    side: str,
) -> WindowSet:
    owner, starts = _plan(source, options, rng, side)
    count, window = owner.size, options.window
    values = np.empty((count, len(channels), window), np.float32)
    labels = {role: np.full(count, "", dtype=object) for role in source.roles}
    origins: list[tuple[str, int]] = [("", 0)] * count
    for number, recording in iter_recordings(source, set(owner.tolist())):
        rows = np.flatnonzero(owner == number)
        _cut_one(recording, channels, rows, starts[rows], window, values, labels, origins)
    return WindowSet(values, labels, tuple(origins), _groups(source, owner, starts, window))


def _groups(source: SeriesSource, owner: np.ndarray, starts: np.ndarray, window: int) -> np.ndarray:
    """Windows grouped by stretch of recording: (recording, start // stretch).

    Windows from one stretch share its quirks (a segment's device tilt, a slow drift); a
    classifier that saw some of them would recognise the rest, and the two-sample AUC would
    measure memory, not realism. A stretch spans at least 2 windows and the side is cut into
    about 16 of them, so cross-validation holds out whole stretches."""
    total = sum(h.length for h in source.handles)
    stretch = max(2 * window, -(-total // _STRETCHES))
    keys = owner.astype(np.int64) * (2**32) + starts // stretch
    _, groups = np.unique(keys, return_inverse=True)
    return groups.reshape(-1).astype(np.int64)


def _cut_one(
    recording: Recording,
    channels: tuple[str, ...],
    rows: np.ndarray,
    starts: np.ndarray,
    window: int,
    values: np.ndarray,
    labels: dict[str, np.ndarray],
    origins: list[tuple[str, int]],
) -> None:
    columns = [recording.channels.index(c) for c in channels]
    data = recording.values[:, columns]
    # a view of every window start, then the chosen ones gathered in one step
    views = np.lib.stride_tricks.sliding_window_view(data, window, axis=0)  # (n-w+1, C, w)
    values[rows] = views[starts]
    for role, per_window in labels.items():
        codes, names = recording.labels[role]
        for row, start in zip(rows, starts, strict=True):
            per_window[row] = _window_label(codes[start : start + window], names, role)
    for row, start in zip(rows, starts, strict=True):
        origins[row] = (recording.name, int(start))

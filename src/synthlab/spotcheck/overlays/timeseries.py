"""Time-series samples: one panel per channel with its name, unit and a value axis; event
windows shaded in their kind's colour and named (with their phases) once; activity segments
as a coloured strip under the panels; a time axis in seconds. Drawn with Pillow.

Why not matplotlib: a figure costs ~0.1 s per sample (ticks, fonts, Agg), which made a
200-item report of long series take most of a minute; these panels take a few milliseconds.

What keeps the picture honest at report size:
- the line is decimated per pixel column to that column's first, min, max and last value,
  so a one-point spike still reaches its full height;
- an event window is at least `_MIN_EVENT_PX` wide, so a 3-point spike event in a long
  series is still visible and can be judged;
- missing points (NaN or rows absent from the grid) break the line instead of being bridged.

The picture is a pure function of the sample: equal samples give equal PNG bytes.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from synthlab.samples import Sample
from synthlab.samples.timeseries import EventLabel, TimeseriesSample
from synthlab.spotcheck.overlays import Overlay
from synthlab.spotcheck.overlays.drawing import (
    fit,
    format_tick,
    nice_ticks,
    readable,
    text_width,
    write,
)
from synthlab.spotcheck.overlays.palette import color_for
from synthlab.spotcheck.overlays.png import encode_png

__all__ = ["MAX_CHANNELS", "draw"]

MAX_CHANNELS = 8  # more panels are unreadable at report size
_WIDTH = 760
_LEFT = 124  # channel name and unit, then the value axis
_RIGHT = 12
_PANEL = 84  # plot height of one channel
_LABEL_ROW = 13  # one row of event names above a panel
_MAX_LABEL_ROWS = 4
_GAP = 6
_STRIP = 14  # activity strip
_AXIS = 30  # time tick labels and the axis title
_MIN_EVENT_PX = 3
_INK = (40, 40, 40)
_GRID = (232, 232, 232)
_FRAME = (150, 150, 150)
_SHADE_ALPHA = 72


def _envelope(columns: np.ndarray, values: np.ndarray, top: float, scale: float) -> list[float]:
    """Flat x, y pixel list of one unbroken run: each pixel column's first, min, max and
    last value (columns are non-decreasing)."""
    starts = np.flatnonzero(np.r_[True, np.diff(columns) != 0])
    ends = np.r_[starts[1:], columns.size] - 1
    ys = np.stack(
        [
            values[starts],
            np.minimum.reduceat(values, starts),
            np.maximum.reduceat(values, starts),
            values[ends],
        ],
        axis=1,
    )
    xs = np.repeat(columns[starts][:, None], 4, axis=1)
    pixels = np.stack([xs, top + (ys * scale)], axis=2)
    flat: list[float] = pixels.reshape(-1).tolist()
    return flat


def _runs(grid: np.ndarray, values: np.ndarray) -> list[np.ndarray]:
    """Row numbers of the unbroken stretches: finite values on consecutive grid positions."""
    rows = np.flatnonzero(np.isfinite(values))
    if rows.size == 0:
        return []
    breaks = np.flatnonzero((np.diff(rows) > 1) | (np.diff(grid[rows]) > 1)) + 1
    return np.split(rows, breaks)


class _Layout:
    """Where everything goes, worked out before drawing (label rows decide panel tops)."""

    def __init__(self, sample: TimeseriesSample, channels: list[str]) -> None:
        self.span = max(int(sample.length), int(sample.grid_index[-1]) + 1 if sample.rows else 1)
        self.plot_width = _WIDTH - _LEFT - _RIGHT
        self.rate = float(sample.rate_hz) or 1.0
        self.time_ticks, self.time_decimals = nice_ticks(0.0, self.span / self.rate, 6)
        self.labels = self._place_labels(sample, channels)
        rows = [max((row for _, _, row, _ in self.labels[c]), default=0) + 1 for c in channels]
        self.tops: list[int] = []
        y = 4
        for count in rows:
            y += count * _LABEL_ROW
            self.tops.append(y)
            y += _PANEL + _GAP
        self.strip_top = y if sample.segments else None
        self.height = y + (_STRIP + _GAP if sample.segments else 0) + _AXIS

    def x(self, grid_position: float) -> float:
        return _LEFT + grid_position / self.span * self.plot_width

    def _place_labels(
        self, sample: TimeseriesSample, channels: list[str]
    ) -> dict[str, list[tuple[float, str, int, EventLabel]]]:
        """Each event named once, over the first panel it shows in, in the first label row
        where it does not cover another name."""
        placed: dict[str, list[tuple[float, str, int, EventLabel]]] = {c: [] for c in channels}
        ends: dict[str, list[float]] = {c: [] for c in channels}
        named: set[int] = set()
        for event in sorted(sample.events, key=lambda e: (e.start, e.event_id)):
            if event.event_id in named:
                continue
            shown = [c for c in channels if not event.channels or c in event.channels]
            if not shown:
                continue
            named.add(event.event_id)
            phases = [e.phase for e in sample.events if e.event_id == event.event_id and e.phase]
            text = event.name + (f" ({' > '.join(phases)})" if phases else "")
            width = text_width(text, 11)
            x = min(self.x(event.start), _WIDTH - _RIGHT - width)
            rows = ends[shown[0]]
            row = next((r for r, end in enumerate(rows) if end + 6 <= x), len(rows))
            if row >= _MAX_LABEL_ROWS:  # crowded: reuse the row that frees up first
                row = int(np.argmin(rows))
            if row == len(rows):
                rows.append(x + width)
            else:
                rows[row] = max(rows[row], x + width)
            placed[shown[0]].append((x, text, row, event))
        return placed


def _draw_panel(
    image: Image.Image,
    layout: _Layout,
    sample: TimeseriesSample,
    column: int,
    channel: str,
    top: int,
) -> None:
    pen = ImageDraw.Draw(image, "RGBA")  # RGBA fills blend: overlapping windows both show
    values = np.asarray(
        sample.values[:, column] if sample.values.ndim == 2 else sample.values, dtype=np.float64
    )
    grid = np.asarray(sample.grid_index, dtype=np.int64)
    if grid.shape[0] != values.shape[0]:
        grid = np.arange(values.shape[0])
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    pad = (high - low) * 0.06 or max(abs(high) * 0.05, 0.5)
    low, high = low - pad, high + pad
    bottom = top + _PANEL - 1
    left, right = _LEFT, _WIDTH - _RIGHT

    ticks, decimals = nice_ticks(low, high, 4)
    for tick in ticks:
        y = bottom - (tick - low) / (high - low) * (_PANEL - 1)
        pen.line([(left, y), (right, y)], fill=_GRID)
        pen.line([(left - 4, y), (left, y)], fill=_FRAME)
        write(image, (left - 6, y), format_tick(tick, decimals), 10, _INK, "rm")
    for tick in layout.time_ticks:
        x = layout.x(tick * layout.rate)
        pen.line([(x, top), (x, bottom)], fill=_GRID)

    for event in sample.events:
        if event.channels and channel not in event.channels:
            continue
        rgb = color_for(event.kind)
        x0, x1 = layout.x(event.start), layout.x(event.end)
        if x1 - x0 < _MIN_EVENT_PX:
            middle = (x0 + x1) / 2
            x0, x1 = middle - _MIN_EVENT_PX / 2, middle + _MIN_EVENT_PX / 2
        pen.rectangle([(x0, top), (x1, bottom)], fill=(*rgb, _SHADE_ALPHA))
        if event.phase is not None:  # a dashed line where each phase begins
            for y in range(top, bottom, 6):
                pen.line([(x0, y), (x0, min(y + 3, bottom))], fill=(*rgb, 230))

    # value -> pixel: y = top + (high - value) * scale, written as top + value' * scale
    scale = (_PANEL - 1) / (high - low)
    for run in _runs(grid, values):
        columns = np.floor(layout.x(grid[run].astype(np.float64))).astype(np.int64)
        points = _envelope(columns, high - values[run], top, scale)
        if run.size == 1:  # an isolated point: a line of one point draws nothing
            pen.rectangle(
                [(points[0] - 1, points[1] - 1), (points[0] + 1, points[1] + 1)], fill=_INK
            )
        else:
            pen.line(points, fill=_INK, width=1)
    pen.rectangle([(left, top), (right, bottom)], outline=_FRAME)

    unit = sample.units[column] if column < len(sample.units) else ""
    middle = top + _PANEL / 2
    width = _LEFT - 50
    write(image, (4, middle - 7), fit(channel, width, 11), 11, _INK, "lm")
    if unit:
        write(image, (4, middle + 7), fit(f"[{unit}]", width, 10), 10, _INK, "lm")
    for x, text, row, event in layout.labels[channel]:
        y = top - (row + 1) * _LABEL_ROW + 1
        write(image, (x, y), text, 11, readable(color_for(event.kind)))


def _draw_strip(image: Image.Image, layout: _Layout, sample: TimeseriesSample) -> None:
    top = layout.strip_top
    assert top is not None
    pen = ImageDraw.Draw(image, "RGBA")
    write(image, (4, top + _STRIP / 2), "activity", 10, _INK, "lm")
    for segment in sample.segments:
        rgb = color_for(segment.activity)
        x0, x1 = layout.x(segment.start), layout.x(segment.end)
        pen.rectangle([(x0, top), (x1, top + _STRIP - 1)], fill=(*rgb, 110))
        if text_width(segment.activity, 10) + 4 <= x1 - x0:
            write(image, (x0 + 2, top + _STRIP / 2), segment.activity, 10, _INK, "lm")


def _draw_time_axis(image: Image.Image, layout: _Layout, top: int, hidden: int) -> None:
    pen = ImageDraw.Draw(image)
    for tick in layout.time_ticks:
        x = layout.x(tick * layout.rate)
        pen.line([(x, top), (x, top + 3)], fill=_FRAME)
        write(image, (x, top + 4), format_tick(tick, layout.time_decimals), 10, _INK, "mt")
    title = "seconds from start"
    if hidden:
        title += f"  ·  {hidden} more channel{'s' if hidden > 1 else ''} not drawn"
    write(image, (_LEFT + layout.plot_width / 2, top + 17), title, 10, _INK, "mt")


def draw(sample: Sample) -> Overlay:
    assert isinstance(sample, TimeseriesSample)
    channels = list(sample.channels[:MAX_CHANNELS]) or ["value"]
    layout = _Layout(sample, channels)
    image = Image.new("RGB", (_WIDTH, layout.height), "white")
    for column, (channel, top) in enumerate(zip(channels, layout.tops, strict=True)):
        _draw_panel(image, layout, sample, column, channel, top)
    axis_top = layout.tops[-1] + _PANEL + 1
    if layout.strip_top is not None:
        _draw_strip(image, layout, sample)
        axis_top = layout.strip_top + _STRIP + 1
    _draw_time_axis(image, layout, axis_top, len(sample.channels) - len(channels))
    return Overlay(png=encode_png(image))

"""Time-series samples: one panel per channel, event windows shaded and named, activity
segments as a coloured band along the bottom; matplotlib's Agg backend, PNG without
timestamps.

Building a matplotlib figure (axes, ticks, fonts) costs far more than drawing a line, so a
figure is built once per channel count and reused: each sample replaces the line data and
the shaded windows. The result does not depend on what was drawn before.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, NullLocator

from synthlab.samples import Sample
from synthlab.samples.timeseries import TimeseriesSample
from synthlab.spotcheck.overlays import Overlay
from synthlab.spotcheck.overlays.palette import hex_color

__all__ = ["MAX_CHANNELS", "draw"]

MAX_CHANNELS = 8  # more panels are unreadable at report size
_DPI = 72
_COLUMNS = 600  # horizontal pixels of a panel, roughly: more points than 2 per column are not seen


def _envelope(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel column's first, min, max and last points, in time order: the drawn line
    looks the same (spikes included) at a fraction of the points."""
    n = x.shape[0]
    if n <= 4 * _COLUMNS:
        return x, y
    step = -(-n // _COLUMNS)
    rows = -(-n // step)
    pad = rows * step - n
    ys = np.concatenate([y, np.full(pad, np.nan)]).reshape(rows, step)
    xs = np.concatenate([x, np.full(pad, x[-1])]).reshape(rows, step)
    finite = np.where(np.isnan(ys), np.inf, ys)
    low = np.argmin(finite, axis=1)
    high = np.argmax(np.where(np.isnan(ys), -np.inf, ys), axis=1)
    last = np.full(rows, step - 1)
    last[-1] = step - 1 - pad
    picks = np.sort(np.stack([np.zeros(rows, np.int64), low, high, last], axis=1), axis=1)
    take = np.arange(rows)[:, None]
    return xs[take, picks].ravel(), ys[take, picks].ravel()


@dataclass
class _Canvas:
    figure: Figure
    axes: list[Axes]
    lines: list[Line2D]
    added: list[Artist] = field(default_factory=list)


_canvases: dict[int, _Canvas] = {}


def _canvas(panels: int) -> _Canvas:
    if panels not in _canvases:
        height = 0.5 + 1.2 * panels
        figure = Figure(figsize=(7.5, height), dpi=_DPI)
        FigureCanvasAgg(figure)
        # fixed margins: tight_layout measures every tick label and costs most of the drawing
        figure.subplots_adjust(left=0.13, right=0.98, top=1 - 0.3 / height, bottom=0.45 / height)
        # not sharex: shared axes share one tick locator, and only the bottom panel has ticks
        axes = list(figure.subplots(panels, 1, squeeze=False)[:, 0])
        lines = []
        for axis in axes:
            (line,) = axis.plot([0, 1], [0, 1], linewidth=0.8, color="#333333")
            lines.append(line)
            axis.tick_params(labelsize=7)
            # tick labels are most of the cost of a panel: the y range is written as two
            # numbers per sample instead, and only the bottom panel has a time axis
            axis.yaxis.set_major_locator(NullLocator())
            axis.xaxis.set_major_locator(NullLocator())
        axes[-1].xaxis.set_major_locator(MaxNLocator(6))
        axes[-1].set_xlabel("seconds from start", fontsize=8)
        _canvases[panels] = _Canvas(figure, axes, lines)
    return _canvases[panels]


def _label_events(canvas: _Canvas, sample: TimeseriesSample, channels: list[str]) -> None:
    rate = float(sample.rate_hz) or 1.0
    named: set[int] = set()
    for axis, channel in zip(canvas.axes, channels, strict=True):
        for event in sample.events:
            if event.channels and channel not in event.channels:
                continue
            color = hex_color(event.kind)
            span = axis.axvspan(event.start / rate, event.end / rate, color=color, alpha=0.3, lw=0)
            canvas.added.append(span)
            if event.phase is not None:  # a dotted line where each phase begins
                canvas.added.append(
                    axis.axvline(event.start / rate, color=color, lw=0.6, ls=":", alpha=0.9)
                )
            if event.event_id in named:  # named once, on the first panel it shows in
                continue
            named.add(event.event_id)
            phases = [e.phase for e in sample.events if e.event_id == event.event_id and e.phase]
            name = event.name + (f" ({' > '.join(phases)})" if phases else "")
            text = axis.text(
                event.start / rate,
                1.0,
                name,
                transform=axis.get_xaxis_transform(),
                fontsize=7,
                color=color,
                va="bottom",
                clip_on=False,
            )
            canvas.added.append(text)
    bottom = canvas.axes[-1]
    total = max(sample.length, 1)
    for segment in sample.segments:
        color = hex_color(segment.activity)
        band = bottom.axvspan(
            segment.start / rate, segment.end / rate, ymin=0, ymax=0.06, color=color, lw=0
        )
        canvas.added.append(band)
        if (segment.end - segment.start) / total < 0.08:
            continue  # too narrow to name; its colour still shows
        label = bottom.text(
            segment.start / rate,
            0.07,
            segment.activity,
            transform=bottom.get_xaxis_transform(),
            fontsize=6,
            color=color,
        )
        canvas.added.append(label)


def draw(sample: Sample) -> Overlay:
    assert isinstance(sample, TimeseriesSample)
    channels = list(sample.channels[:MAX_CHANNELS]) or ["value"]
    canvas = _canvas(len(channels))
    for artist in canvas.added:
        artist.remove()
    canvas.added.clear()
    rate = float(sample.rate_hz) or 1.0
    seconds = np.asarray(sample.grid_index, dtype=np.float64) / rate
    if seconds.shape[0] != sample.values.shape[0]:
        seconds = np.arange(sample.values.shape[0]) / rate
    for column, (axis, line, channel) in enumerate(
        zip(canvas.axes, canvas.lines, channels, strict=True)
    ):
        values = sample.values[:, column] if sample.values.ndim == 2 else sample.values
        xs, ys = _envelope(seconds, np.asarray(values, dtype=np.float64))
        line.set_data(xs, ys)
        finite = ys[np.isfinite(ys)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        pad = (high - low) * 0.06 or 0.5
        axis.set_ylim(low - pad, high + pad)
        axis.set_xlim(
            float(seconds[0]) if seconds.size else 0.0,
            float(seconds[-1]) if seconds.size > 1 else 1.0,
        )
        for y, text, align in ((1, f"{high:.3g}", "top"), (0, f"{low:.3g}", "bottom")):
            canvas.added.append(
                axis.text(
                    -0.005, y, text, transform=axis.transAxes, fontsize=7, ha="right", va=align
                )
            )
        unit = sample.units[column] if column < len(sample.units) else ""
        axis.set_ylabel(f"{channel}\n[{unit}]" if unit else channel, fontsize=8, labelpad=22)
    _label_events(canvas, sample, channels)
    buffer = io.BytesIO()
    # no Software/CreationDate metadata: equal samples give equal bytes
    canvas.figure.savefig(
        buffer, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 1}
    )
    return Overlay(png=buffer.getvalue())

"""The Pillow time-series overlay: what a reviewer must be able to see survives drawing."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from synthlab.samples.timeseries import EventLabel, Segment, TimeseriesSample
from synthlab.spotcheck.overlays import draw
from synthlab.spotcheck.overlays.drawing import format_tick, nice_ticks
from synthlab.spotcheck.overlays.palette import color_for
from synthlab.spotcheck.overlays.png import encode_png
from synthlab.spotcheck.overlays.timeseries import MAX_CHANNELS

INK = (40, 40, 40)


def series(
    values: np.ndarray,
    events: tuple[EventLabel, ...] = (),
    grid: np.ndarray | None = None,
    channels: tuple[str, ...] = ("a",),
    segments: tuple[Segment, ...] = (),
) -> TimeseriesSample:
    values = values.reshape(values.shape[0], -1)
    return TimeseriesSample(
        index=0,
        conditions=frozenset(),
        metadata={},
        channels=channels,
        units=tuple("u" for _ in channels),
        rate_hz=1.0,
        length=int(grid[-1]) + 1 if grid is not None else values.shape[0],
        grid_index=grid if grid is not None else np.arange(values.shape[0]),
        values=values,
        events=events,
        segments=segments,
    )


def picture(sample: TimeseriesSample) -> np.ndarray:
    png = draw(sample).png
    assert png is not None
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def ink_columns(pixels: np.ndarray, left: int = 125, right: int = 745) -> np.ndarray:
    """For each plot column, the rows holding line ink (the plot area of the first panel,
    below one row of event names)."""
    area = pixels[17 : 17 + 84, left:right]
    return (np.abs(area - INK).sum(axis=2) < 30).T


def test_one_point_spike_in_a_long_series_reaches_full_height() -> None:
    values = np.zeros(20_000)
    values[12_345] = 10.0  # one point out of 20,000: 32 points per pixel column
    pixels = picture(series(values))
    ink = ink_columns(pixels)
    heights = [np.ptp(np.flatnonzero(column)) if column.any() else 0 for column in ink]
    assert max(heights) > 60  # the spike spans (almost) the whole panel height
    assert sorted(heights)[-2] < 10  # and only there: the rest is a flat line


def test_event_window_is_shaded_in_its_kind_colour_and_stays_visible_when_tiny() -> None:
    values = np.sin(np.arange(5000) / 50)
    events = (
        EventLabel(0, "level_shift", "level_shift", ("a",), 1000, 2000),
        EventLabel(1, "spike", "spike", ("a",), 4000, 4001),  # 0.1 pixel wide
    )
    pixels = picture(series(values, events))
    for event in events:
        rgb = np.array(color_for(event.kind))
        x = 124 + round((event.start + 0.5) / 5000 * 624)
        strip = pixels[20:110, x - 1 : x + 2]
        shade = 255 + (rgb - 255) * 72 / 255  # the kind's colour blended over white
        tinted = np.abs(strip - shade).max(axis=2) <= 3
        assert tinted.sum() > 120, event.kind  # of 270 pixels; the line crosses some


def test_missing_points_break_the_line() -> None:
    values = np.linspace(0, 1, 1000)
    values[400:600] = np.nan
    ink = ink_columns(picture(series(values)))
    middle = ink[124 + 310 - 125 : 124 + 360 - 125]
    assert not middle.any()  # no line bridges the gap
    assert ink[50].any() and ink[550].any()


def test_rows_missing_from_the_grid_break_the_line() -> None:
    grid = np.r_[np.arange(0, 300), np.arange(700, 1000)]
    ink = ink_columns(picture(series(np.ones(600), grid=grid)))
    assert not ink[124 + 300 - 125 : 124 + 400 - 125].any()


def test_many_channels_and_labels_draw_deterministically() -> None:
    channels = tuple(f"channel_{k}" for k in range(MAX_CHANNELS + 2))
    rng = np.random.default_rng(3)
    values = rng.normal(size=(3000, len(channels)))
    spikes = [
        EventLabel(k, "spike", f"spike {k}", (channels[0],), 100 * k, 100 * k + 5) for k in range(9)
    ]
    fall = [
        EventLabel(20, "fall", "fall", (), 2000, 2050, phase="impact"),
        EventLabel(20, "fall", "fall", (), 2050, 2400, phase="lying"),
    ]
    events = (*spikes, *fall)
    sample = series(values, events, channels=channels, segments=(Segment("walking", 0, 3000),))
    first = draw(sample).png
    assert first is not None and first == draw(sample).png
    other = series(values + 1e-3, events, channels=channels)
    assert draw(other).png != first
    height = Image.open(io.BytesIO(first)).height
    assert height > MAX_CHANNELS * 84  # one panel per drawn channel, extra label rows on top


@pytest.mark.parametrize(
    ("low", "high", "expected", "printed"),
    [
        (0.8, 3.9, [1, 2, 3], ["1", "2", "3"]),
        (-1.0, 1.0, [-1, -0.5, 0, 0.5, 1], ["-1.0", "-0.5", "0", "0.5", "1.0"]),
        (0.0, 2000.0, [0, 500, 1000, 1500, 2000], ["0", "500", "1000", "1500", "2000"]),
        (0.1, 0.9, [0.2, 0.4, 0.6, 0.8], ["0.2", "0.4", "0.6", "0.8"]),
        (0.0, 1.0, [0, 0.25, 0.5, 0.75, 1], ["0", "0.25", "0.50", "0.75", "1.00"]),
    ],
)
def test_nice_ticks(low: float, high: float, expected: list[float], printed: list[str]) -> None:
    ticks, decimals = nice_ticks(low, high, 4)
    assert ticks == pytest.approx(expected)
    assert [format_tick(t, decimals) for t in ticks] == printed


def test_nice_ticks_of_a_flat_or_empty_range() -> None:
    assert nice_ticks(5.0, 5.0, 4)[0] == [5.0]
    assert nice_ticks(float("nan"), float("nan"), 4)[0] == []


def test_png_writer_round_trips_pixels() -> None:
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    png = encode_png(Image.fromarray(pixels, "RGB"))
    assert png == encode_png(Image.fromarray(pixels, "RGB"))
    back = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert np.array_equal(back, pixels)

"""The report's time-series plots: distributions, spectra, autocorrelation, example pairs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from synthlab.fidelity.base import Figure
from synthlab.fidelity.options import FidelityOptions
from synthlab.fidelity.plots import REAL_COLOUR, SYNTH_COLOUR, grid, overlaid_histogram, to_png

if TYPE_CHECKING:
    from synthlab.fidelity.series import _Side

__all__ = ["series_figures"]

_MAX_CHANNELS = 6  # panels per figure; the JSON has every channel
_HISTOGRAM_POINTS = 20_000


def _sample(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    flat = values.reshape(-1)
    if flat.size > _HISTOGRAM_POINTS:
        flat = flat[rng.choice(flat.size, _HISTOGRAM_POINTS, replace=False)]
    return flat.astype(np.float64)


def _distributions(real: _Side, synth: _Side, channels: list[str], rng) -> Figure:  # type: ignore[no-untyped-def]
    figure, axes = grid(len(channels))
    for number, (ax, name) in enumerate(zip(axes, channels, strict=True)):
        r = _sample(real.windows.values[:, number], rng)
        s = _sample(synth.windows.values[:, number], rng)
        overlaid_histogram(ax, r, s, name)
    return Figure("Value distributions", to_png(figure), "density of every point, per channel")


def _spectra(real: _Side, synth: _Side, channels: list[str]) -> Figure:
    figure, axes = grid(len(channels))
    frequencies = real.features.frequencies[1:]
    for number, (ax, name) in enumerate(zip(axes, channels, strict=True)):
        for side, colour, label in (
            (real, REAL_COLOUR, "real"),
            (synth, SYNTH_COLOUR, "synthetic"),
        ):
            mean = side.features.psd[:, number, 1:].astype(np.float64).mean(axis=0)
            ax.loglog(frequencies, np.maximum(mean, 1e-20), color=colour, label=label, lw=1.2)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("cycles per point", fontsize=7)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, loc="upper right")
    return Figure("Power spectra", to_png(figure), "mean Welch spectrum of the windows, log-log")


def _autocorrelation(real: _Side, synth: _Side, channels: list[str]) -> Figure:
    figure, axes = grid(len(channels))
    for number, (ax, name) in enumerate(zip(axes, channels, strict=True)):
        for side, colour, label in (
            (real, REAL_COLOUR, "real"),
            (synth, SYNTH_COLOUR, "synthetic"),
        ):
            mean = side.features.acf[:, number].astype(np.float64).mean(axis=0)
            ax.plot(np.arange(mean.size), mean, color=colour, label=label, lw=1.2)
        ax.axhline(0, color="#888", lw=0.6)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("lag (points)", fontsize=7)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, loc="upper right")
    return Figure("Autocorrelation", to_png(figure), "mean autocorrelation of the windows")


def _examples(real: _Side, synth: _Side, channels: list[str], count: int, rng) -> Figure:  # type: ignore[no-untyped-def]
    figure, axes = grid(2 * count, columns=2, size=(5.2, 2.2))
    picks = [
        (side, rng.choice(side.windows.values.shape[0], count, replace=False))
        for side in (real, synth)
        if side.windows.values.shape[0] >= count
    ]
    for row in range(count):
        for column, (side, chosen) in enumerate(picks):
            ax = axes[2 * row + column]
            window = int(chosen[row])
            for number, name in enumerate(channels):
                ax.plot(side.windows.values[window, number], lw=0.9, label=name)
            origin, start = side.windows.origins[window]
            ax.set_title(
                f"{'real' if column == 0 else 'synthetic'}: {origin} @ {start}", fontsize=8
            )
            ax.tick_params(labelsize=7)
            if row == 0 and column == 0:
                ax.legend(fontsize=6, ncol=min(3, len(channels)), loc="upper right")
    return Figure("Example windows", to_png(figure), "real (left) beside synthetic (right)")


def series_figures(
    real: _Side,
    synth: _Side,
    channels: tuple[str, ...],
    options: FidelityOptions,
    rng: np.random.Generator,
) -> list[Figure]:
    shown = list(channels[:_MAX_CHANNELS])
    figures = [
        _distributions(real, synth, shown, rng),
        _spectra(real, synth, shown),
        _autocorrelation(real, synth, shown),
    ]
    count = min(options.examples, real.windows.values.shape[0], synth.windows.values.shape[0])
    if count:
        figures.append(_examples(real, synth, shown, count, rng))
    return figures

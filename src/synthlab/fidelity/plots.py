"""Plot helpers shared by the modalities: matplotlib figures without pyplot, as PNG bytes.

`matplotlib.figure.Figure` with an Agg canvas keeps no global state (no pyplot figure
registry, no backend switch), and PNGs are written without the "Software" text chunk so
equal data gives equal bytes.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

__all__ = ["REAL_COLOUR", "SYNTH_COLOUR", "grid", "overlaid_histogram", "to_png"]

REAL_COLOUR = "#1f6fb4"
SYNTH_COLOUR = "#e3702d"
_DPI = 80


def grid(panels: int, *, columns: int = 3, size: tuple[float, float] = (3.6, 2.6)) -> Any:
    """A figure with `panels` axes in rows of `columns` (returns figure, flat list of axes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    columns = max(1, min(columns, panels))
    rows = -(-panels // columns)
    figure = Figure(figsize=(size[0] * columns, size[1] * rows))
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False).reshape(-1)
    # fixed margins: constrained layout cost seconds per figure on a busy machine
    figure.subplots_adjust(left=0.07, right=0.98, bottom=0.1, top=0.9, wspace=0.28, hspace=0.5)
    for extra in axes[panels:]:
        extra.set_visible(False)
    return figure, list(axes[:panels])


def to_png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def overlaid_histogram(axes: Any, real: np.ndarray, synth: np.ndarray, title: str) -> None:
    """Densities of both sides over shared bins (0.5-99.5% of both, so outliers do not
    squeeze the picture)."""
    both = np.concatenate([real, synth])
    low, high = np.quantile(both, [0.005, 0.995]) if both.size else (0.0, 1.0)
    if not high > low:
        low, high = low - 0.5, high + 0.5
    bins = np.linspace(low, high, 41)
    # counted by numpy and drawn as one step outline each: 40 bar patches per side cost
    # most of a figure's drawing time
    for values, colour, label in ((real, REAL_COLOUR, "real"), (synth, SYNTH_COLOUR, "synthetic")):
        density, _ = np.histogram(values, bins=bins, density=True)
        axes.stairs(density, bins, fill=True, alpha=0.5, color=colour, label=label)
    axes.set_title(title, fontsize=9)
    axes.tick_params(labelsize=7)
    axes.legend(fontsize=7, loc="upper right")

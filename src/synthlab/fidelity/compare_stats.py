"""Small helpers the text and image comparisons share: distribution distances with a
"far" rule that accounts for sample size, seeded subsampling, and plots encoded as PNG.

Kept apart from the modality modules so each of those reads as the list of things it
measures; nothing here knows about text or pixels.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

import numpy as np

from synthlab.fidelity.base import Figure, Metric

__all__ = [
    "Reservoir",
    "distribution_metric",
    "histogram_figure",
    "image_pairs_figure",
    "js_distance",
    "ks_far",
    "ks_statistic",
    "lines_figure",
]

T = TypeVar("T")

# A KS statistic counts as far when it is both large (0.2 = a fifth of the mass moved) and
# beyond the 1% critical value for the two sample sizes, so tiny samples do not cry wolf.
KS_LARGE = 0.2
KS_CRITICAL_C = 1.628  # c(alpha) for alpha = 0.01 in the two-sample KS critical value


def ks_statistic(real: np.ndarray, synth: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic (0 = same distribution, 1 = disjoint)."""
    real = np.sort(np.asarray(real, dtype=float))
    synth = np.sort(np.asarray(synth, dtype=float))
    if real.size == 0 or synth.size == 0:
        return 0.0
    grid = np.concatenate([real, synth])
    cdf_real = np.searchsorted(real, grid, side="right") / real.size
    cdf_synth = np.searchsorted(synth, grid, side="right") / synth.size
    return float(np.max(np.abs(cdf_real - cdf_synth)))


def ks_far(statistic: float, n_real: int, n_synth: int) -> bool:
    if n_real == 0 or n_synth == 0:
        return False
    critical = KS_CRITICAL_C * math.sqrt((n_real + n_synth) / (n_real * n_synth))
    return statistic >= max(KS_LARGE, critical)


def js_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance (base 2: 0 = identical, 1 = disjoint) of two count vectors."""
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    if p.sum() <= 0 or q.sum() <= 0:
        return 0.0 if p.sum() == q.sum() else 1.0
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        keep = a > 0
        return float(np.sum(a[keep] * np.log2(a[keep] / m[keep])))

    return float(math.sqrt(max(0.0, (kl(p) + kl(q)) / 2)))


def distribution_metric(
    name: str,
    real: Sequence[float] | np.ndarray,
    synth: Sequence[float] | np.ndarray,
    advice: Callable[[float, float], str | None] | None = None,
    condition: str | None = None,
) -> Metric:
    """KS distance of two samples of one quantity; real/synth are the medians.

    `advice(real_median, synth_median)` is asked only when the distance is far.
    """
    real_values = np.asarray(real, dtype=float)
    synth_values = np.asarray(synth, dtype=float)
    statistic = ks_statistic(real_values, synth_values)
    far = ks_far(statistic, real_values.size, synth_values.size)
    real_median = float(np.median(real_values)) if real_values.size else None
    synth_median = float(np.median(synth_values)) if synth_values.size else None
    sentence = None
    if far and advice is not None and real_median is not None and synth_median is not None:
        sentence = advice(real_median, synth_median)
    return Metric(
        name=name,
        value=round(statistic, 6),
        real=None if real_median is None else round(real_median, 6),
        synth=None if synth_median is None else round(synth_median, 6),
        condition=condition,
        far=far,
        advice=sentence,
    )


class Reservoir(Generic[T]):
    """A uniform seeded subsample of at most `size` items from a stream of unknown length
    (Algorithm R), so memory stays bounded by `size` whatever the input holds."""

    def __init__(self, size: int, rng: np.random.Generator) -> None:
        self.size = size
        self.rng = rng
        self.items: list[T] = []
        self.seen = 0

    def offer(self, item: T) -> None:
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append(item)
            return
        slot = int(self.rng.integers(0, self.seen))
        if slot < self.size:
            self.items[slot] = item

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.offer(item)


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    # no Software/date text chunks: the same numbers give the same bytes
    figure.savefig(buffer, format="png", dpi=80, metadata={"Software": None})  # type: ignore[attr-defined]
    return buffer.getvalue()


def _new_figure(width: float = 5.0, height: float = 3.0) -> object:
    # the object-oriented API, not pyplot: no global figure state, no GUI backend
    from matplotlib.figure import Figure as MplFigure

    return MplFigure(figsize=(width, height))


def histogram_figure(
    title: str, real: np.ndarray, synth: np.ndarray, xlabel: str, caption: str = ""
) -> Figure:
    figure = _new_figure()
    axes = figure.add_subplot()  # type: ignore[attr-defined]
    values = np.concatenate([np.asarray(real, float), np.asarray(synth, float)])
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    bins = np.linspace(low, high if high > low else low + 1, 31)
    axes.hist(real, bins=bins, alpha=0.5, density=True, label="real", color="#1f77b4")
    axes.hist(synth, bins=bins, alpha=0.5, density=True, label="synthetic", color="#ff7f0e")
    axes.set_xlabel(xlabel)
    axes.legend()
    axes.set_title(title)
    figure.tight_layout()  # type: ignore[attr-defined]
    return Figure(title=title, png=_png(figure), caption=caption)


def lines_figure(
    title: str,
    x: np.ndarray,
    curves: dict[str, np.ndarray],
    xlabel: str,
    ylabel: str,
    caption: str = "",
    log_x: bool = False,
) -> Figure:
    figure = _new_figure()
    axes = figure.add_subplot()  # type: ignore[attr-defined]
    for label, y in curves.items():
        axes.plot(x, y, label=label)
    if log_x:
        from matplotlib.ticker import NullFormatter

        axes.set_xscale("log")
        axes.xaxis.set_minor_formatter(NullFormatter())  # minor labels overlap on a short range
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.legend()
    axes.set_title(title)
    figure.tight_layout()  # type: ignore[attr-defined]
    return Figure(title=title, png=_png(figure), caption=caption)


def image_pairs_figure(title: str, pairs: list[tuple[np.ndarray, np.ndarray]]) -> Figure:
    """Real images in the left column, synthetic ones in the right."""
    rows = max(1, len(pairs))
    figure = _new_figure(5.0, 2.2 * rows)
    for row, (real, synth) in enumerate(pairs):
        for column, (image, label) in enumerate(((real, "real"), (synth, "synthetic"))):
            axes = figure.add_subplot(rows, 2, row * 2 + column + 1)  # type: ignore[attr-defined]
            axes.imshow(image)
            axes.set_axis_off()
            if row == 0:
                axes.set_title(label)
    figure.tight_layout()  # type: ignore[attr-defined]
    return Figure(title=title, png=_png(figure), caption="examples drawn with the seed")

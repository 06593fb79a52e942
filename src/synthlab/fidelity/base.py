"""The shared shapes of a fidelity comparison: what every modality hands to the report.

A modality module (`series.py`, `text.py`, `images.py`) reads both sides, computes its
metrics and one feature row per item (a window, a text, an image). The common part then runs
the classifier two-sample test on those rows, writes `fidelity.json` and the HTML report, and
applies the user's gates. Keeping this contract small lets each modality grow on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Figure", "Metric", "ModalityComparison", "TaskScore"]


@dataclass(frozen=True)
class Metric:
    """One number comparing real with synthetic, with what it means for the recipe."""

    name: str  # e.g. "acc_x.wasserstein", "length.ks", "luminance.histogram_distance"
    value: float  # the distance or statistic itself (0 = identical for distances)
    kind: str = "distance"  # "distance" (lower is closer) or "statistic" (informative only)
    real: float | None = None  # the summary on the real side, when one number says it
    synth: float | None = None  # the same summary on the synthetic side
    condition: str | None = None  # the label condition compared ("walking"), None = all data
    far: bool = False  # beyond the threshold the modality sets for this metric
    advice: str | None = None  # a plain sentence naming the likely recipe field, when known


@dataclass(frozen=True)
class Figure:
    """A plot for the report, already encoded (PNG bytes) so the report stays self-contained."""

    title: str
    png: bytes
    caption: str = ""


@dataclass(frozen=True)
class TaskScore:
    """Train on synthetic, test on real (TSTR) beside train on real, test on real (TRTR)."""

    task: str  # e.g. "activity classification (6 features per channel)", "NER (blank spaCy)"
    metric: str  # e.g. "macro F1", "accuracy"
    tstr: float
    trtr: float
    classes: tuple[str, ...] = ()
    per_class: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (tstr, trtr)


@dataclass
class ModalityComparison:
    """Everything one modality found; the common part adds the two-sample test and writes it."""

    modality: str  # "timeseries", "text", "image"
    metrics: list[Metric]
    feature_names: list[str]
    real_features: np.ndarray  # shape (n_real_items, n_features), finite floats
    synth_features: np.ndarray  # shape (n_synth_items, n_features)
    figures: list[Figure] = field(default_factory=list)
    tasks: list[TaskScore] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was compared (e.g. "512 windows of 256")
    # Items that must be held out together in the two-sample test's cross-validation (one
    # integer per row; e.g. windows cut from the same stretch of one recording, which share
    # that recording's quirks). None: every item stands alone.
    real_groups: np.ndarray | None = None
    synth_groups: np.ndarray | None = None

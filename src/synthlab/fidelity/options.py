"""The settings of one fidelity comparison, shared by every modality and the report.

One frozen object travels from the CLI (or the Python API) to the modality modules, so a
comparison is fully described by (real data, synthetic data, options): the same three give
the same `fidelity.json`, byte for byte. Fields are only ever added, never renamed, because
each modality module reads the ones it needs by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from synthlab.errors import UsageError

__all__ = ["FidelityOptions"]


@dataclass(frozen=True)
class FidelityOptions:
    """How to compare; every field has a default a first comparison can use as is."""

    seed: int = 0  # drives every subsample, CV split and model, so results repeat exactly
    max_items: int = 5000  # per side: windows, texts or images kept (a seeded subsample beyond)
    window: int = 256  # points per time-series window
    stride: int | None = None  # points between window starts; None = window (no overlap)
    max_lag: int = 32  # autocorrelation compared at lags 1..max_lag (at most window // 2)
    folds: int = 5  # cross-validation folds for the two-sample test and TSTR/TRTR
    time_column: str | None = None  # plain real files: the time column (None = detect)
    label_column: str | None = None  # plain real files: activity/kind column (None = detect)
    examples: int = 3  # example pairs (real beside synthetic) drawn into the report
    figures: bool = True  # False skips plotting (faster; used by benchmarks and gates only)

    def __post_init__(self) -> None:
        # Values come from the CLI or from Python callers; say what is wrong in their words.
        checks = [
            ("max_items", self.max_items, 2),
            ("window", self.window, 8),
            ("max_lag", self.max_lag, 1),
            ("folds", self.folds, 2),
            ("examples", self.examples, 0),
        ]
        for name, value, least in checks:
            if not isinstance(value, int) or value < least:
                raise UsageError(f"Cannot have {name}={value!r}: it must be an integer >= {least}")
        if self.stride is not None and (not isinstance(self.stride, int) or self.stride < 1):
            raise UsageError(f"Cannot have stride={self.stride!r}: it must be an integer >= 1")

    @property
    def lags(self) -> int:
        """Autocorrelation lags compared: max_lag, but at most half a window (beyond that
        too few pairs of points are left in a window for the estimate to mean much)."""
        return min(self.max_lag, self.window // 2)

    @property
    def step(self) -> int:
        """Points between window starts."""
        return self.window if self.stride is None else self.stride

"""One comparison from end to end: find the modality, let its module compare, test.

The modality comes from the SYNTH side (a synthlab dataset's manifest; plain series files
count as time series). Modality modules are imported only when needed, so a text
comparison never imports the series code and the other way round.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthlab.errors import UsageError
from synthlab.fidelity.base import Metric, ModalityComparison
from synthlab.fidelity.options import FidelityOptions
from synthlab.fidelity.twosample import TwoSampleResult, two_sample_test

__all__ = ["MODALITY_MODULES", "FidelityReport", "compare", "detect_modality"]

MODALITY_MODULES = {
    "timeseries": "synthlab.fidelity.series",
    "text": "synthlab.fidelity.text",
    "image": "synthlab.fidelity.images",
}


@dataclass(frozen=True)
class FidelityReport:
    real: str  # the paths as given
    synth: str
    options: FidelityOptions
    comparison: ModalityComparison
    two_sample: TwoSampleResult

    @property
    def far(self) -> list[Metric]:
        """Far-off metrics, those with advice first (the order the report shows them)."""
        far = [m for m in self.comparison.metrics if m.far]
        return [m for m in far if m.advice] + [m for m in far if not m.advice]


def detect_modality(synth: Path) -> str:
    if (synth / "manifest.json").is_file():
        from synthlab.readers import DatasetView

        return DatasetView.open(synth).modality
    from synthlab.fidelity.series_io import is_series_path

    if is_series_path(synth):
        return "timeseries"
    if not synth.exists() and not any(mark in str(synth) for mark in "*?["):
        raise UsageError(f"synthetic data {synth} does not exist")
    raise UsageError(
        f"synthetic data {synth} is not a synthlab dataset (no manifest.json) nor Parquet/CSV "
        "series; give the folder `synthlab render` wrote"
    )


def _check_real(real: Path) -> None:
    if not real.exists() and not any(mark in str(real) for mark in "*?["):
        raise UsageError(f"real data {real} does not exist")


def _needs_extra() -> None:
    if importlib.util.find_spec("sklearn") is None:
        raise UsageError('synthlab fidelity needs scikit-learn: pip install "synthlab[fidelity]"')


def compare(
    real: str | Path, synth: str | Path, options: FidelityOptions | None = None
) -> FidelityReport:
    """Compare REAL (the user's data) with SYNTH (a synthlab dataset) -> a report."""
    options = options or FidelityOptions()
    real_path, synth_path = Path(real), Path(synth)
    _check_real(real_path)
    modality = detect_modality(synth_path)
    target = MODALITY_MODULES.get(modality)
    if target is None:
        raise UsageError(
            f"no fidelity comparison for {modality} datasets; "
            f"supported: {', '.join(sorted(MODALITY_MODULES))}"
        )
    _needs_extra()
    try:
        module = importlib.import_module(target)
    except ModuleNotFoundError as error:
        if error.name != target:
            raise
        raise UsageError(
            f"no fidelity comparison for {modality} datasets in this version"
        ) from None
    rng = np.random.default_rng(np.random.SeedSequence(options.seed))
    comparison: ModalityComparison = module.compare(real_path, synth_path, options, rng)
    two_sample = two_sample_test(
        comparison.feature_names,
        comparison.real_features,
        comparison.synth_features,
        folds=options.folds,
        seed=options.seed,
        real_groups=comparison.real_groups,
        synth_groups=comparison.synth_groups,
    )
    if two_sample.high < 0.5:
        comparison.notes.append(
            f"the two-sample AUC is below chance ({two_sample.auc:.3f}): recordings differ more "
            "among themselves than the two sides differ (a model that has not seen a recording "
            "takes it for the other side); read it as indistinguishable, and expect it nearer "
            "0.5 with more recordings per side"
        )
    return FidelityReport(str(real), str(synth), options, comparison, two_sample)

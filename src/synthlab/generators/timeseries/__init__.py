"""Time series and sensor traces with exact event labels (spikes, shifts, drifts, falls...).

Importing this package is cheap: it holds the params model and the spec; numpy/scipy work
happens in `synthlab.generators.timeseries.generator`.
"""

from __future__ import annotations

from synthlab.generators.base import GeneratorSpec
from synthlab.generators.timeseries.labels import timeseries_label_set
from synthlab.generators.timeseries.params import TimeseriesParams

__all__ = ["SPEC", "TimeseriesParams"]

SPEC = GeneratorSpec(
    kind="timeseries",
    description="multichannel sensor series (trend, seasonality, ARMA, noise, beats, "
    "accelerometer activities) with injected events labelled exactly",
    modality="timeseries",
    params_model=TimeseriesParams,
    implementation="synthlab.generators.timeseries.generator:TimeseriesGenerator",
    default_formats=("parquet",),
    value_libraries=("numpy", "scipy"),
    quota_conditions=lambda params: params.conditions(),
    label_set=timeseries_label_set,
)

"""Exporters of the timeseries modality: Parquet (default), CSV, NPZ, NAB windows, UCR and
Label Studio."""

from __future__ import annotations

from synthlab.exporters.labelstudio.exporters import LabelStudioExporter
from synthlab.exporters.timeseries.archives import NabExporter, UcrExporter
from synthlab.exporters.timeseries.parquet import ParquetExporter
from synthlab.exporters.timeseries.tabular import CsvExporter, NpzExporter

__all__ = ["EXPORTERS"]

EXPORTERS = (
    ParquetExporter(),
    CsvExporter(),
    NpzExporter(),
    NabExporter(),
    UcrExporter(),
    LabelStudioExporter(),
)

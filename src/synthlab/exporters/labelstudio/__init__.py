"""Label Studio, for every modality: labeling configs (`config`), tasks with synthlab's labels
as predictions (`tasks`), brush-mask RLE (`brush`) and the `label-studio` format
(`exporters`). The dataset exporter and `synthlab spotcheck --label-studio` both use it."""

from __future__ import annotations

from synthlab.exporters.labelstudio.config import (
    image_config,
    record_config,
    text_config,
    timeseries_config,
)
from synthlab.exporters.labelstudio.exporters import LabelStudioExporter, LabelStudioTextExporter
from synthlab.exporters.labelstudio.tasks import (
    image_task,
    label_names,
    record_task,
    task_for,
    text_task,
    timeseries_task,
)

__all__ = [
    "LabelStudioExporter",
    "LabelStudioTextExporter",
    "image_config",
    "image_task",
    "label_names",
    "record_config",
    "record_task",
    "task_for",
    "text_config",
    "text_task",
    "timeseries_config",
    "timeseries_task",
]

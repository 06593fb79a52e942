"""The `label-studio` format: `label-studio/tasks.json` (every sample as a task with its
labels as a prediction) and `label-studio/config.xml` (the labeling config they fit), for
text, image and time-series datasets alike. `label-studio-text` is the same for text
datasets, under the name older recipes use.

Tasks are written in `write_sample` (in the workers) to a record stream, with a second
stream of the label names each sample uses; `finalize` joins the tasks into one JSON list
in index order and builds the config from the declared label set (and any name a sample
used beyond it: `names`), so the bytes do not depend on shards or workers.
Images are referenced as `/data/local-files/?d=images/<name>.png`, Label Studio's
local-files convention (serve the dataset folder as its document root).
"""

from __future__ import annotations

import json
from typing import ClassVar

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.labelstudio.names import SeenNames, config_for, sample_record
from synthlab.exporters.labelstudio.tasks import task_for
from synthlab.jsonio import canonical_json
from synthlab.samples import Sample

__all__ = ["LabelStudioExporter", "LabelStudioTextExporter"]

TASKS_STREAM = "label-studio/tasks.records"
NAMES_STREAM = "label-studio/names.records"
TASKS_FILE = "label-studio/tasks.json"
CONFIG_FILE = "label-studio/config.xml"


class LabelStudioExporter(Exporter):
    name: ClassVar[str] = "label-studio"
    description: ClassVar[str] = (
        "label-studio/tasks.json (labels as pre-annotations) and config.xml (text, image, series)"
    )
    modalities: ClassVar[frozenset[str]] = frozenset({"text", "image", "timeseries"})
    writes: ClassVar[tuple[str, ...]] = (TASKS_FILE, CONFIG_FILE)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        image = None
        if sample.modality == "image":
            image = "/data/local-files/?d=" + layout.sample_path("images", sample.index, ".png")
        sink.record(TASKS_STREAM, canonical_json(task_for(sample, image=image)))
        sink.record(NAMES_STREAM, canonical_json(sample_record(sample)))

    def owns_stream(self, stream: str) -> bool:
        return stream in (TASKS_STREAM, NAMES_STREAM)

    def finalize(self, dataset: DatasetSink) -> None:
        with dataset.open(TASKS_FILE) as handle:
            separator = b"[\n"
            for line in dataset.iter_stream(TASKS_STREAM):
                handle.write(separator + line.encode("utf-8"))
                separator = b",\n"
            handle.write(b"\n]\n" if separator == b",\n" else b"[]\n")
        seen = SeenNames()
        for line in dataset.iter_stream(NAMES_STREAM):
            seen.add_record(json.loads(line))
        config = config_for(seen.modality, dataset.layout.labels, seen)
        dataset.file(CONFIG_FILE, config.encode("utf-8"))


class LabelStudioTextExporter(LabelStudioExporter):
    """`label-studio` for text datasets, by the name the text format had first."""

    name: ClassVar[str] = "label-studio-text"
    description: ClassVar[str] = "label-studio/tasks.json with pre-annotations, and config.xml"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})

"""`label-studio-text`: `label-studio/tasks.json` (tasks with pre-annotations) and
`label-studio/config.xml` (the labeling interface the tasks fit).

Each task carries the text and metadata in `data`, and one prediction (pre-annotation)
with a `labels` result per entity and a `choices` result for the document classes.
Label Studio measures offsets in the browser's string units, UTF-16 code units, so an emoji
or any character outside the Basic Multilingual Plane counts 2: offsets are converted here
(`text[start:end]` in Python still equals the span; the UTF-16 ones are what LS shows).
Overlapping (nested) entities are kept: Label Studio can display them.
"""

from __future__ import annotations

from typing import ClassVar
from xml.sax.saxutils import quoteattr

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.text.common import dumps, label_inventory, text_sample, utf16_offsets
from synthlab.samples import Sample
from synthlab.samples.text import TextSample

__all__ = ["LabelStudioExporter", "task"]

STREAM = "label-studio/tasks.records"
MODEL_VERSION = "synthlab"


def task(sample: TextSample) -> dict[str, object]:
    units = utf16_offsets(sample.text)
    result: list[dict[str, object]] = [
        {
            "id": f"s{sample.index}-{n}",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {
                "start": units[span.start],
                "end": units[span.end],
                "text": span.text,
                "labels": [span.label],
            },
        }
        for n, span in enumerate(sample.spans)
    ]
    if sample.classes:
        result.append(
            {
                "id": f"s{sample.index}-classes",
                "from_name": "class",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": list(sample.classes)},
            }
        )
    return {
        "id": sample.index + 1,  # Label Studio task ids start at 1
        "data": {
            "text": sample.text,
            "index": sample.index,
            "template": sample.template_id,
            "locale": sample.locale,
            "split": sample.split,
        },
        "predictions": [{"model_version": MODEL_VERSION, "result": result}],
    }


def labeling_config(labels: tuple[str, ...], classes: tuple[str, ...]) -> str:
    lines = ["<View>", '  <Labels name="label" toName="text">']
    lines += [f"    <Label value={quoteattr(label)}/>" for label in labels]
    lines += ["  </Labels>", '  <Text name="text" value="$text"/>']
    if classes:
        lines.append('  <Choices name="class" toName="text" choice="multiple">')
        lines += [f"    <Choice value={quoteattr(name)}/>" for name in classes]
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


class LabelStudioExporter(Exporter):
    name: ClassVar[str] = "label-studio-text"
    description: ClassVar[str] = "label-studio/tasks.json with pre-annotations, and config.xml"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        sink.record(STREAM, dumps(task(text_sample(sample))))

    def owns_stream(self, stream: str) -> bool:
        return stream == STREAM

    def finalize(self, dataset: DatasetSink) -> None:
        labels, classes, _, _ = label_inventory(dataset)
        dataset.file("label-studio/config.xml", labeling_config(labels, classes).encode())
        with dataset.open("label-studio/tasks.json") as handle:
            separator = b"[\n"
            for line in dataset.iter_stream(STREAM):
                handle.write(separator + line.encode("utf-8"))
                separator = b",\n"
            handle.write(b"\n]\n" if separator == b",\n" else b"[]\n")

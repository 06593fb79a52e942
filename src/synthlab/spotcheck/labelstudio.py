"""Label Studio tasks with pre-annotations, for reviewing in Label Studio instead.

`export_tasks(OUT)` writes OUT/spotcheck/label-studio.json (a list of tasks: the sampled
items, or every sample with `everything=True`) and label-studio.xml (a labeling config that
matches the results). Pre-annotations are `predictions` with model_version "synthlab":
rectanglelabels in percent of the image size, brushlabels in Label Studio's own RLE,
keypointlabels, text labels with UTF-16 start/end (what Label Studio counts), choices for
document classes, and timeserieslabels in seconds. Every result id is unique in the file.
Planted (gold) copies are never exported.
"""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from synthlab.readers import DatasetView, get_reader
from synthlab.samples import RecordSample, Sample
from synthlab.spotcheck.lsrle import mask_to_rle

__all__ = ["export_tasks", "task_for"]

_Task = tuple[dict[str, Any], list[dict[str, Any]]]  # task data, pre-annotation results


class _Ids:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"r{self.count:06d}"


def _png_uri(pixels: np.ndarray) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels[..., :3]).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _image(sample: Sample, ids: _Ids, labels: dict[str, set[str]]) -> _Task:
    from synthlab.samples.image import ImageSample

    assert isinstance(sample, ImageSample)
    w, h = sample.width, sample.height
    size = {"original_width": w, "original_height": h, "image_rotation": 0, "to_name": "image"}
    results: list[dict[str, Any]] = []
    for obj in sample.objects:
        labels["box"].add(obj.category)
        if obj.bbox is not None:
            x, y, bw, bh = obj.bbox
            value = {
                "x": 100 * x / w,
                "y": 100 * y / h,
                "width": 100 * bw / w,
                "height": 100 * bh / h,
                "rotation": 0,
                "rectanglelabels": [obj.category],
            }
            results.append(
                {"id": ids(), "type": "rectanglelabels", "from_name": "box", "value": value, **size}
            )
        if sample.instance_mask is not None and (sample.instance_mask == obj.instance_id).any():
            rle = mask_to_rle(sample.instance_mask == obj.instance_id)
            value = {"format": "rle", "rle": rle, "brushlabels": [obj.category]}
            results.append(
                {"id": ids(), "type": "brushlabels", "from_name": "mask", "value": value, **size}
            )
        for point in obj.keypoints:
            if point.visibility == 0:
                continue
            labels["keypoint"].add(point.name)
            value = {
                "x": 100 * point.x / w,
                "y": 100 * point.y / h,
                "width": 0.5,
                "keypointlabels": [point.name],
            }
            results.append(
                {
                    "id": ids(),
                    "type": "keypointlabels",
                    "from_name": "keypoint",
                    "value": value,
                    **size,
                }
            )
    if sample.classes:
        labels["class"].update(sample.classes)
        results.append(
            {
                "id": ids(),
                "type": "choices",
                "from_name": "class",
                "to_name": "image",
                "value": {"choices": list(sample.classes)},
            }
        )
    return {"image": _png_uri(sample.image)}, results


def _utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def _text(sample: Sample, ids: _Ids, labels: dict[str, set[str]]) -> _Task:
    from synthlab.samples.text import TextSample

    assert isinstance(sample, TextSample)
    results: list[dict[str, Any]] = []
    for span in sample.spans:
        labels["span"].add(span.label)
        value = {
            "start": _utf16(sample.text, span.start),
            "end": _utf16(sample.text, span.end),
            "text": span.text,
            "labels": [span.label],
        }
        results.append(
            {"id": ids(), "type": "labels", "from_name": "span", "to_name": "text", "value": value}
        )
    if sample.classes:
        labels["class"].update(sample.classes)
        results.append(
            {
                "id": ids(),
                "type": "choices",
                "from_name": "class",
                "to_name": "text",
                "value": {"choices": list(sample.classes)},
            }
        )
    return {"text": sample.text}, results


def _timeseries(sample: Sample, ids: _Ids, labels: dict[str, set[str]]) -> _Task:
    from synthlab.samples.timeseries import TimeseriesSample

    assert isinstance(sample, TimeseriesSample)
    rate = float(sample.rate_hz) or 1.0
    data: dict[str, Any] = {"time": (np.asarray(sample.grid_index) / rate).tolist()}
    for column, channel in enumerate(sample.channels):
        data[channel] = sample.values[:, column].astype(float).tolist()
    results = []
    for event in sample.events:
        name = event.name if event.phase is None else f"{event.name}:{event.phase}"
        labels["event"].add(name)
        value = {
            "start": event.start / rate,
            "end": event.end / rate,
            "instant": False,
            "timeserieslabels": [name],
        }
        results.append(
            {
                "id": ids(),
                "type": "timeserieslabels",
                "from_name": "event",
                "to_name": "ts",
                "value": value,
            }
        )
    return {"ts": data, "channels": list(sample.channels)}, results


def _record(sample: Sample, ids: _Ids, labels: dict[str, set[str]]) -> _Task:
    assert isinstance(sample, RecordSample)
    return {"text": json.dumps(dict(sample.values), sort_keys=True, default=str)}, []


_TASKS = {"image": _image, "text": _text, "timeseries": _timeseries, "record": _record}


def task_for(sample: Sample, ids: _Ids, labels: dict[str, set[str]]) -> dict[str, Any]:
    data, results = _TASKS.get(sample.modality, _record)(sample, ids, labels)
    data = {**data, "synthlab_index": sample.index}
    return {"data": data, "predictions": [{"model_version": "synthlab", "result": results}]}


def _config(modality: str, labels: dict[str, set[str]], channels: list[str]) -> str:
    def block(tag: str, name: str, to: str, values: set[str]) -> str:
        inner = "".join(f'<Label value="{escape(v)}"/>' for v in sorted(values))
        return f'  <{tag} name="{name}" toName="{to}">{inner}</{tag}>\n'

    def choices(to: str) -> str:
        inner = "".join(f'<Choice value="{escape(v)}"/>' for v in sorted(labels["class"]))
        return f'  <Choices name="class" toName="{to}" choice="multiple">{inner}</Choices>\n'

    if modality == "image":
        body = '  <Image name="image" value="$image"/>\n'
        body += block("RectangleLabels", "box", "image", labels["box"])
        body += block("BrushLabels", "mask", "image", labels["box"])
        body += block("KeyPointLabels", "keypoint", "image", labels["keypoint"])
        body += choices("image")
    elif modality == "text":
        body = '  <Text name="text" value="$text"/>\n' + block(
            "Labels", "span", "text", labels["span"]
        )
        body += choices("text")
    elif modality == "timeseries":
        body = block("TimeSeriesLabels", "event", "ts", labels["event"])
        lines = "".join(f'<Channel column="{escape(c)}"/>' for c in channels)
        body += (
            '  <TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time">'
            f"{lines}</TimeSeries>\n"
        )
    else:
        body = '  <Text name="text" value="$text"/>\n'
    return f"<View>\n{body}</View>\n"


def export_tasks(out_dir: str | Path, *, everything: bool = False) -> Path:
    """Write the tasks and the labeling config into OUT/spotcheck/; returns the tasks path."""
    dataset = DatasetView.open(out_dir)
    reader = get_reader(dataset.modality)
    if everything:
        records: Iterator[dict[str, Any]] = dataset.records()
    else:
        from synthlab.spotcheck.workspace import Workspace

        workspace = Workspace.open(out_dir)
        wanted = {i["index"] for i in workspace.items if i["id"] not in workspace.gold}
        records = (r for r in dataset.records() if r["index"] in wanted)
    ids = _Ids()
    labels: dict[str, set[str]] = {k: set() for k in ("box", "keypoint", "class", "span", "event")}
    root = Path(out_dir) / "spotcheck"
    root.mkdir(exist_ok=True)
    path = root / "label-studio.json"
    temporary = path.with_name(path.name + ".tmp")
    channels: list[str] = []
    with open(temporary, "w", encoding="utf-8") as handle:  # streamed: memory stays flat
        handle.write("[")
        for k, record in enumerate(records):
            sample = reader.load_sample(dataset, record)
            channels = list(getattr(sample, "channels", channels))
            handle.write(("," if k else "") + "\n" + json.dumps(task_for(sample, ids, labels)))
        handle.write("\n]\n")
    os.replace(temporary, path)
    (root / "label-studio.xml").write_text(
        _config(dataset.modality, labels, channels), encoding="utf-8"
    )
    return path

"""Label Studio tasks: a sample's data and its exact labels as one prediction (pre-annotation).

A task is `{"data": {...}, "predictions": [{"model_version": "synthlab", "result": [...]}]}`;
Label Studio shows the prediction's regions on the data, ready to accept or correct. The
results name the controls of `config` (`from_name`) and the object they label (`to_name`).

How each label is written, and why:
* Text spans: `start`/`end` are code-point offsets, the same as synthlab's own. Label Studio
  counts code points too (its end-to-end test "Should calculate offsets by code points in
  text" expects 21, 25 for "test" in "🐱 Warning: This is a test text"), not UTF-16 units.
* Boxes: percent of the image size, unrounded, so `x * width / 100` gives back the pixels.
* Masks: one brush region per object, its visible pixels in Label Studio's RLE (`brush`).
* Keypoints: every keypoint of every object is kept. One in the image (v=2 visible, v=1
  occluded) is a `keypointlabels` region at its projected position plus a per-region
  `visibility` choice (visible / occluded) on the same region id. An occluded keypoint is
  drawn where it is, like a visible one: COCO's v=1 means "labeled, not visible", the
  generator knows the exact position, and a reviewer checks it there; the choice tells the
  two apart and can be changed without redrawing. A v=0 keypoint (outside the image, or
  behind the camera) cannot be a region: Label Studio refuses a keypoint outside 0-100 %.
  It is listed in the task's `data.keypoints_not_in_image` (object, name, pixel x and y).
  Masks and keypoints name their object's box as `parentID`, so the outliner nests them.
* Event windows and activity segments: seconds from the series' start on the task's own
  time column; a window `[start, end)` of grid indices becomes the closed interval from the
  time of `start` to the time of `end - 1`, so the region covers exactly the event's points
  (one point: instant). A phase of a phased event is its window labeled with the event's
  name, and a per-region `phase` choice on the same region id.
* Result ids are `s<index>-<n>`: unique in a file of tasks, the same whoever exports them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from synthlab.exporters.labelstudio import config as tags
from synthlab.exporters.labelstudio.brush import mask_to_rle
from synthlab.samples import RecordSample, Sample

__all__ = [
    "MODEL_VERSION",
    "image_task",
    "label_names",
    "record_task",
    "task_for",
    "text_task",
    "timeseries_task",
]

MODEL_VERSION = "synthlab"
KEYPOINT_WIDTH = 0.5  # drawn size of a keypoint, percent of the image width

Task = dict[str, Any]
Result = dict[str, Any]


class _Ids:
    """Region ids of one task: `s17-0`, `s17-1`, ..."""

    def __init__(self, index: int) -> None:
        self.prefix = f"s{index}-"
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"{self.prefix}{self.count - 1}"


def _task(data: dict[str, Any], results: list[Result]) -> Task:
    return {"data": data, "predictions": [{"model_version": MODEL_VERSION, "result": results}]}


def _classes(ids: _Ids, to: str, classes: tuple[str, ...]) -> list[Result]:
    if not classes:
        return []
    value = {"choices": list(classes)}
    return [
        {"id": ids(), "type": "choices", "from_name": tags.CLASS, "to_name": to, "value": value}
    ]


def text_task(sample: Sample) -> Task:
    """`data.text` with a `labels` region per span (code-point offsets) and the classes."""
    from synthlab.samples.text import TextSample

    if not isinstance(sample, TextSample):
        raise TypeError(f"text_task takes a text sample, got {type(sample).__name__}")
    ids = _Ids(sample.index)
    results: list[Result] = [
        {
            "id": ids(),
            "type": "labels",
            "from_name": tags.SPAN,
            "to_name": tags.TEXT,
            "value": {
                "start": span.start,
                "end": span.end,
                "text": span.text,
                "labels": [span.label],
            },
        }
        for span in sample.spans
    ]
    results += _classes(ids, tags.TEXT, sample.classes)
    data = {
        "text": sample.text,
        "index": sample.index,
        "template": sample.template_id,
        "locale": sample.locale,
        "split": sample.split,
    }
    return _task(data, results)


def image_task(sample: Sample, image: str, *, masks: bool = True) -> Task:
    """`data.image` = `image` (a URL or data URI) with boxes, masks (when `masks` and the
    sample has an instance mask), keypoints with their visibility, and the classes."""
    from synthlab.samples.image import ImageSample

    if not isinstance(sample, ImageSample):
        raise TypeError(f"image_task takes an image sample, got {type(sample).__name__}")
    ids = _Ids(sample.index)
    w, h = sample.width, sample.height
    size = {
        "to_name": tags.IMAGE,
        "original_width": w,
        "original_height": h,
        "image_rotation": 0,
    }
    results: list[Result] = []
    outside: list[dict[str, Any]] = []
    for obj in sample.objects:
        parent: dict[str, str] = {}
        if obj.bbox is not None:
            x, y, bw, bh = obj.bbox
            box = {
                "x": 100 * x / w,
                "y": 100 * y / h,
                "width": 100 * bw / w,
                "height": 100 * bh / h,
                "rotation": 0,
                "rectanglelabels": [obj.category],
            }
            region = ids()
            parent = {"parentID": region}
            results.append(
                {"id": region, "type": "rectanglelabels", "from_name": tags.BOX, "value": box}
                | size
            )
        if masks and sample.instance_mask is not None:
            pixels = sample.instance_mask == obj.instance_id
            if pixels.any():
                brush = {"format": "rle", "rle": mask_to_rle(pixels), "brushlabels": [obj.category]}
                results.append(
                    {"id": ids(), "type": "brushlabels", "from_name": tags.MASK, "value": brush}
                    | size
                    | parent
                )
        for point in obj.keypoints:
            if point.visibility == 0:
                outside.append(
                    {"instance": obj.instance_id, "name": point.name, "x": point.x, "y": point.y}
                )
                continue
            where = {"x": 100 * point.x / w, "y": 100 * point.y / h, "width": KEYPOINT_WIDTH}
            region = ids()
            results.append(
                {
                    "id": region,
                    "type": "keypointlabels",
                    "from_name": tags.KEYPOINT,
                    "value": where | {"keypointlabels": [point.name]},
                }
                | size
                | parent
            )
            seen = tags.KEYPOINT_VISIBILITY[point.visibility]
            results.append(  # the same region id: an attribute of that keypoint
                {
                    "id": region,
                    "type": "choices",
                    "from_name": tags.VISIBILITY,
                    "value": where | {"choices": [seen]},
                }
                | size
            )
    results += _classes(ids, tags.IMAGE, sample.classes)
    data: dict[str, Any] = {"image": image, "index": sample.index}
    if outside:
        data["keypoints_not_in_image"] = outside
    return _task(data, results)


def _finite_or_none(values: np.ndarray) -> list[float | None]:
    """A channel as JSON numbers; a missing value (NaN) becomes null, as JSON has no NaN."""
    return [v if math.isfinite(v) else None for v in values.astype(float).tolist()]


def timeseries_task(sample: Sample) -> Task:
    """`data.ts` = the series as JSON columns (time in seconds, one column per channel),
    with a `timeserieslabels` region per event (or per phase of a phased event)."""
    from synthlab.samples.timeseries import TimeseriesSample

    if not isinstance(sample, TimeseriesSample):
        raise TypeError(f"timeseries_task takes a time series, got {type(sample).__name__}")
    ids = _Ids(sample.index)
    rate = float(sample.rate_hz) or 1.0
    series: dict[str, list[Any]] = {
        tags.timeseries_time_column(sample.channels): (
            np.asarray(sample.grid_index, dtype=np.int64) / rate
        ).tolist()
    }
    for column, channel in enumerate(sample.channels):
        series[channel] = _finite_or_none(np.asarray(sample.values)[:, column])
    results: list[Result] = []
    for event in sample.events:
        region = ids()
        where = _window(event.start, event.end, rate)
        results.append(
            {
                "id": region,
                "type": "timeserieslabels",
                "from_name": tags.EVENT,
                "to_name": tags.SERIES,
                "value": where | {"timeserieslabels": [event.name]},
            }
        )
        if event.phase is not None:
            results.append(  # the same region id: an attribute of that window
                {
                    "id": region,
                    "type": "choices",
                    "from_name": tags.PHASE,
                    "to_name": tags.SERIES,
                    "value": where | {"choices": [event.phase]},
                }
            )
    for segment in sample.segments:
        results.append(
            {
                "id": ids(),
                "type": "timeserieslabels",
                "from_name": tags.ACTIVITY,
                "to_name": tags.SERIES,
                "value": _window(segment.start, segment.end, rate)
                | {"timeserieslabels": [segment.activity]},
            }
        )
    return _task({tags.SERIES: series, "index": sample.index}, results)


def _window(start: int, end: int, rate: float) -> dict[str, Any]:
    """Grid indices [start, end) as the closed interval of their first and last points' times."""
    first, last = start / rate, (end - 1) / rate
    return {"start": first, "end": last, "instant": first == last}


def record_task(sample: Sample) -> Task:
    """A record's values as JSON text, with nothing pre-labeled."""
    if not isinstance(sample, RecordSample):
        raise TypeError(f"record_task takes a record, got {type(sample).__name__}")
    text = json.dumps(dict(sample.values), sort_keys=True, ensure_ascii=False, default=str)
    return _task({"text": text, "index": sample.index}, [])


def task_for(sample: Sample, *, image: str | None = None, masks: bool = True) -> Task:
    """The task of any sample; an image sample needs `image`, the URL its task shows."""
    if sample.modality == "image":
        if image is None:
            raise ValueError("an image task needs the image's URL or data URI")
        return image_task(sample, image, masks=masks)
    makers: dict[str, Callable[[Sample], Task]] = {
        "text": text_task,
        "timeseries": timeseries_task,
        "record": record_task,
    }
    return makers.get(sample.modality, record_task)(sample)


def label_names(sample: Sample) -> dict[str, Any]:
    """The label names a sample's task uses, per config group, in first-seen order (a config
    must offer each of them: see `names`)."""
    names: dict[str, list[str]] = {}

    def add(group: str, name: str) -> None:
        names.setdefault(group, [])
        if name not in names[group]:
            names[group].append(name)

    if sample.modality == "text":
        for span in getattr(sample, "spans", ()):
            add("entities", span.label)
    elif sample.modality == "image":
        for obj in getattr(sample, "objects", ()):
            add("categories", obj.category)
            for point in obj.keypoints:
                add("keypoints", point.name)
    elif sample.modality == "timeseries":
        for event in getattr(sample, "events", ()):
            add("events", event.name)
            if event.phase is not None:
                add("phases", event.phase)
        for segment in getattr(sample, "segments", ()):
            add("activities", segment.activity)
        names["channels"] = list(getattr(sample, "channels", ()))
    for name in getattr(sample, "classes", ()):
        add("classes", name)
    return {"modality": sample.modality, **names}

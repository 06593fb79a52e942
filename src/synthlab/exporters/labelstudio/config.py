"""Label Studio labeling configs (the XML of a project's labeling interface), one per modality.

Built with `xml.etree`, so every label name is escaped however odd it is (`R&D "crate"`).
Label names come in as plain ordered sequences and keep their order in the interface.

A label group with no labels is left out instead of written empty: Label Studio refuses a
config with an empty `<Choices>` ("'Choice' is a required property", HTTP 400), and likewise
empty `<Labels>`-like groups. The control and object names below are the `from_name` and
`to_name` of the results that `tasks` writes; both modules import them from here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

__all__ = [
    "KEYPOINT_VISIBILITY",
    "image_config",
    "record_config",
    "text_config",
    "timeseries_config",
    "timeseries_time_column",
]

# object tags (what is labeled) and control tags (what labels it), by result field
TEXT = "text"
SPAN = "label"
IMAGE = "image"
BOX = "box"
MASK = "mask"
KEYPOINT = "keypoint"
VISIBILITY = "visibility"
CLASS = "class"
SERIES = "ts"
EVENT = "event"
PHASE = "phase"
ACTIVITY = "activity"

# COCO keypoint visibility -> the per-region choice that shows it in Label Studio (v=0
# points are outside the image and cannot be regions; `tasks` lists them in the task data)
KEYPOINT_VISIBILITY: dict[int, str] = {2: "visible", 1: "occluded"}


def _view() -> ET.Element:
    return ET.Element("View")


def _group(view: ET.Element, tag: str, name: str, to: str, values: Sequence[str]) -> None:
    """`<tag name=… toName=…>` with one `<Label value=…/>` per value; nothing if none."""
    if not values:
        return
    group = ET.SubElement(view, tag, {"name": name, "toName": to})
    for value in _distinct(values):
        ET.SubElement(group, "Label", {"value": value})


def _choices(view: ET.Element, name: str, to: str, values: Sequence[str], **extra: str) -> None:
    if not values:
        return  # an empty <Choices> is refused by Label Studio
    group = ET.SubElement(view, "Choices", {"name": name, "toName": to, **extra})
    for value in _distinct(values):
        ET.SubElement(group, "Choice", {"value": value})


def _distinct(values: Sequence[str]) -> list[str]:
    """Values in their order, each once (a repeated name would be two identical buttons)."""
    return list(dict.fromkeys(str(value) for value in values))


def _xml(view: ET.Element) -> str:
    ET.indent(view, space="  ")
    return ET.tostring(view, encoding="unicode") + "\n"


def text_config(entities: Sequence[str], classes: Sequence[str] = ()) -> str:
    """Spans labeled in `$text`, and the document's classes (several may apply)."""
    view = _view()
    _group(view, "Labels", SPAN, TEXT, entities)
    ET.SubElement(view, "Text", {"name": TEXT, "value": "$text"})
    _choices(view, CLASS, TEXT, classes, choice="multiple")
    return _xml(view)


def image_config(
    categories: Sequence[str],
    keypoints: Sequence[str] = (),
    classes: Sequence[str] = (),
    *,
    masks: bool = True,
) -> str:
    """Boxes and (with `masks`) brush masks of `categories`, keypoints named `keypoints`
    with a visibility per keypoint, and image-level `classes`."""
    view = _view()
    ET.SubElement(view, "Image", {"name": IMAGE, "value": "$image"})
    _group(view, "RectangleLabels", BOX, IMAGE, categories)
    if masks:
        _group(view, "BrushLabels", MASK, IMAGE, categories)
    _group(view, "KeyPointLabels", KEYPOINT, IMAGE, keypoints)
    if keypoints:
        # COCO's visibility flag as an attribute of each keypoint region, shown (and
        # editable) when a keypoint is selected; the keypoint keeps its name as its label
        _choices(
            view,
            VISIBILITY,
            IMAGE,
            list(KEYPOINT_VISIBILITY.values()),
            perRegion="true",
            whenTagName=KEYPOINT,
            choice="single",
        )
    _choices(view, CLASS, IMAGE, classes, choice="multiple")
    return _xml(view)


def timeseries_time_column(channels: Sequence[str]) -> str:
    """The name of the time column in a task's series: `time_s`, unless a channel has it."""
    name = "time_s"
    while name in channels:
        name = "_" + name
    return name


def timeseries_config(
    channels: Sequence[str],
    events: Sequence[str],
    activities: Sequence[str] = (),
    phases: Sequence[str] = (),
) -> str:
    """Event windows (and activity segments) labeled on a multichannel series given inline
    as JSON columns: one per channel, and a time column in seconds from the series' start.
    A phased event (a fall's pre_fall, impact, lying) is one region per phase, labeled with
    the event's name; its phase is a per-region choice."""
    view = _view()
    _group(view, "TimeSeriesLabels", EVENT, SERIES, events)
    _group(view, "TimeSeriesLabels", ACTIVITY, SERIES, activities)
    if events:
        _choices(view, PHASE, SERIES, phases, perRegion="true", whenTagName=EVENT)
    series = ET.SubElement(
        view,
        "TimeSeries",
        {
            "name": SERIES,
            "value": "$" + SERIES,
            "valueType": "json",
            "timeColumn": timeseries_time_column(channels),
        },
    )
    for channel in _distinct(channels):
        ET.SubElement(series, "Channel", {"column": channel, "legend": channel})
    return _xml(view)


def record_config() -> str:
    """A record shown as its JSON text, to be judged as a whole (no labels to place)."""
    view = _view()
    ET.SubElement(view, "Text", {"name": TEXT, "value": "$text"})
    return _xml(view)

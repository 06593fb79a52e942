"""Samples for the Label Studio tests: made by hand, small, and holding every awkward case
(emoji before entities, XML specials in names, all keypoint visibilities, a missing value)."""

from __future__ import annotations

import numpy as np
import pytest

from synthlab.samples.image import ImageSample, Keypoint, ObjectLabel
from synthlab.samples.text import EntitySpan, TextSample
from synthlab.samples.timeseries import EventLabel, Segment, TimeseriesSample

# Label Studio's own end-to-end test ("Should calculate offsets by code points in text")
EMOJI_TEXT = "🐱 Warning: This is a test text"
CRATE = 'R&D "crate"'  # every XML special a name can hold


def make_text_sample(index: int = 0) -> TextSample:
    text = EMOJI_TEXT + " for 👍🏽 Zoë <b>&</b>"
    spans = (
        EntitySpan(21, 25, "TEST", "test"),
        EntitySpan(38, 41, CRATE, "Zoë"),
    )
    assert all(text[s.start : s.end] == s.text for s in spans)
    return TextSample(index=index, text=text, spans=spans, classes=("info", "<odd>"))


def make_image_sample(index: int = 0) -> ImageSample:
    pixels = np.full((24, 32, 3), 60, np.uint8)
    instances = np.zeros((24, 32), np.uint16)
    instances[2:10, 3:15] = 1
    instances[12:22, 18:30] = 2
    instances[15, 20] = 0  # a hole: masks are not boxes
    keypoints = (
        Keypoint("tip", 5.5, 3.25, 2),
        Keypoint("heel", 14.0, 9.0, 1),  # occluded: labeled where it is
        Keypoint("tail", -4.0, 30.0, 0),  # outside the image
    )
    objects = (
        ObjectLabel(1, "forklift", (3.0, 2.0, 12.0, 8.0), keypoints=keypoints),
        ObjectLabel(2, CRATE, (18.0, 12.0, 12.0, 10.0)),
    )
    return ImageSample(
        index=index, image=pixels, objects=objects, instance_mask=instances, classes=("indoor",)
    )


def make_series_sample(index: int = 0) -> TimeseriesSample:
    rows = 60
    values = np.stack([np.sin(np.arange(rows) / 5), np.cos(np.arange(rows) / 7)], axis=1)
    values[30, 1] = np.nan  # a dropped value
    events = (
        EventLabel(1, "spike", "spike", ("ax",), 10, 13),
        EventLabel(2, "fall", "fall", ("ax", "ay"), 40, 41, phase="impact"),
    )
    return TimeseriesSample(
        index=index,
        channels=("ax", "ay"),
        units=("g", "g"),
        rate_hz=20.0,
        length=rows,
        grid_index=np.arange(rows),
        values=values,
        events=events,
        segments=(Segment("walking", 0, 30), Segment("sitting", 30, rows)),
    )


@pytest.fixture
def text_sample() -> TextSample:
    return make_text_sample()


@pytest.fixture
def image_sample() -> ImageSample:
    return make_image_sample()


@pytest.fixture
def series_sample() -> TimeseriesSample:
    return make_series_sample()

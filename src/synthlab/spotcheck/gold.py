"""Planted defects (gold checks): copies of dataset samples with one label made wrong on
purpose, mixed into the review so the reviewer's miss rate can be measured.

Each modality knows one or two plausible mistakes: a shifted box or a wrong class for
images, a span moved by a few characters or a wrong entity label for text, an event window
moved for time series, a swapped value for records. Planted copies exist only as overlays
and a key inside OUT/spotcheck/; they never count as dataset defects.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from synthlab.samples import RecordSample, Sample

__all__ = ["plant"]


def _other(current: str, choices: Sequence[str], rng: np.random.Generator) -> str:
    others = sorted(set(choices) - {current})
    if others:
        return others[int(rng.integers(len(others)))]
    return f"not-{current}"


def _image(sample: Sample, classes: Sequence[str], rng: np.random.Generator) -> tuple[Sample, str]:
    from synthlab.samples.image import ImageSample

    assert isinstance(sample, ImageSample)
    boxed = [k for k, o in enumerate(sample.objects) if o.bbox is not None]
    if not boxed:
        wrong = _other(sample.classes[0] if sample.classes else "", classes, rng)
        return dataclasses.replace(sample, classes=(wrong,)), f"image class set to {wrong!r}"
    k = boxed[int(rng.integers(len(boxed)))]
    obj = sample.objects[k]
    assert obj.bbox is not None
    if rng.random() < 0.5:
        x, y, w, h = obj.bbox
        dx = max(3.0, 0.3 * w) * (1 if rng.random() < 0.5 else -1)
        dy = max(3.0, 0.3 * h) * (1 if rng.random() < 0.5 else -1)
        x = float(np.clip(x + dx, 0, max(0.0, sample.width - w)))
        y = float(np.clip(y + dy, 0, max(0.0, sample.height - h)))
        changed = dataclasses.replace(obj, bbox=(x, y, w, h))
        what = f"box of object {obj.instance_id} shifted by ({dx:.0f}, {dy:.0f}) px"
    else:
        wrong = _other(obj.category, classes, rng)
        changed = dataclasses.replace(obj, category=wrong)
        what = f"object {obj.instance_id} relabelled {obj.category!r} -> {wrong!r}"
    objects = (*sample.objects[:k], changed, *sample.objects[k + 1 :])
    return dataclasses.replace(sample, objects=objects), what


def _text(sample: Sample, classes: Sequence[str], rng: np.random.Generator) -> tuple[Sample, str]:
    from synthlab.samples.text import TextSample

    assert isinstance(sample, TextSample)
    if not sample.spans:
        wrong = _other(sample.classes[0] if sample.classes else "", classes, rng)
        return dataclasses.replace(sample, classes=(wrong,)), f"class set to {wrong!r}"
    k = int(rng.integers(len(sample.spans)))
    span = sample.spans[k]
    if rng.random() < 0.6:
        shift = int(rng.integers(2, 5)) * (1 if rng.random() < 0.5 else -1)
        start = int(np.clip(span.start + shift, 0, len(sample.text)))
        end = int(np.clip(span.end + shift, start, len(sample.text)))
        changed = dataclasses.replace(span, start=start, end=end, text=sample.text[start:end])
        what = f"span {span.label} moved by {shift} characters"
    else:
        wrong = _other(span.label, [s.label for s in sample.spans] + list(classes), rng)
        changed = dataclasses.replace(span, label=wrong)
        what = f"span {span.text!r} relabelled {span.label} -> {wrong}"
    spans = (*sample.spans[:k], changed, *sample.spans[k + 1 :])
    return dataclasses.replace(sample, spans=spans), what


def _timeseries(
    sample: Sample, classes: Sequence[str], rng: np.random.Generator
) -> tuple[Sample, str]:
    from synthlab.samples.timeseries import EventLabel, TimeseriesSample

    assert isinstance(sample, TimeseriesSample)
    length = max(sample.length, int(sample.values.shape[0]), 1)
    if not sample.events:
        # no event to move: invent one where nothing happens
        width = max(2, length // 20)
        start = int(rng.integers(0, max(1, length - width)))
        kind = _other("", list(classes) or ["spike"], rng)
        event = EventLabel(9999, kind, kind, (), start, start + width)
        return dataclasses.replace(sample, events=(event,)), f"invented {kind} event at {start}"
    ids = sorted({e.event_id for e in sample.events})
    target = ids[int(rng.integers(len(ids)))]
    window = [e for e in sample.events if e.event_id == target]
    lo, hi = min(e.start for e in window), max(e.end for e in window)
    room_right, room_left = length - hi, lo
    distance = max(hi - lo, length // 10, 2)
    shift = min(distance, room_right) if room_right >= room_left else -min(distance, room_left)
    events = tuple(
        dataclasses.replace(e, start=e.start + shift, end=e.end + shift)
        if e.event_id == target
        else e
        for e in sample.events
    )
    return dataclasses.replace(sample, events=events), f"event {target} moved by {shift} points"


def _record(sample: Sample, classes: Sequence[str], rng: np.random.Generator) -> tuple[Sample, str]:
    assert isinstance(sample, RecordSample)
    values = dict(sample.values)
    text_keys = sorted(k for k, v in values.items() if isinstance(v, str))
    if text_keys:
        key = text_keys[int(rng.integers(len(text_keys)))]
        choices = [c.partition("=")[2] for c in classes if c.partition("=")[0] == key]
        values[key] = _other(str(values[key]), choices, rng)
        what = f"{key} changed to {values[key]!r}"
    else:
        values["planted"] = "wrong"
        what = "added a value that the sample does not have"
    return dataclasses.replace(sample, values=values), what


_PLANTERS = {"image": _image, "text": _text, "timeseries": _timeseries, "record": _record}


def plant(
    sample: Sample, strata: Sequence[str], rng: np.random.Generator
) -> tuple[Sample, str] | None:
    """A copy of `sample` with one label made wrong and what was changed; None if the
    modality has no planter. `strata` (all of the dataset's) offer plausible wrong classes."""
    planter = _PLANTERS.get(sample.modality)
    if planter is None:
        return None
    dimension = {"image": "class=", "text": "class=", "timeseries": "kind="}.get(sample.modality)
    if dimension is None:
        classes = list(strata)
    else:
        classes = [s.removeprefix(dimension) for s in strata if s.startswith(dimension)]
    return planter(sample, classes, rng)

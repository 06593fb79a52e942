"""Tasks: code-point offsets, percent boxes, brush RLE, every keypoint, event windows, bytes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from synthlab.exporters.labelstudio import image_task, task_for, text_task, timeseries_task
from synthlab.exporters.labelstudio.brush import encode_rle, mask_to_rle
from synthlab.samples.image import ImageSample
from synthlab.samples.text import EntitySpan, TextSample
from synthlab.samples.timeseries import TimeseriesSample


def _results(task: dict) -> list[dict]:
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "synthlab"
    return prediction["result"]


def _decode_ls_rle(data: list[int]) -> np.ndarray:
    """Label Studio's brush RLE read with an integer bit cursor: a decoder written apart
    from `brush.decode_rle`, from the format: 32-bit count, 5-bit word size - 1, four 4-bit
    run-field sizes - 1, then chunks (1 bit repeat flag, 2 bits size selector, the count -
    1, then one word repeated or that many literal words)."""
    number = int.from_bytes(bytes(data), "big")
    total = 8 * len(data)
    cursor = 0

    def read(width: int) -> int:
        nonlocal cursor
        cursor += width
        return (number >> (total - cursor)) & ((1 << width) - 1)

    count = read(32)
    word = read(5) + 1
    sizes = [read(4) + 1 for _ in range(4)]
    out: list[int] = []
    while len(out) < count:
        repeated = read(1)
        length = read(sizes[read(2)]) + 1
        out += [read(word)] * length if repeated else [read(word) for _ in range(length)]
    return np.array(out, dtype=np.uint8)


# -- text ------------------------------------------------------------------------------------


def test_text_offsets_are_code_points_as_label_studio_counts(text_sample: TextSample) -> None:
    results = _results(text_task(text_sample))
    spans = [r["value"] for r in results if r["type"] == "labels"]
    # Label Studio's own example: "test" in "🐱 Warning: This is a test text" is 21..25
    assert (spans[0]["start"], spans[0]["end"]) == (21, 25)
    for value, span in zip(spans, text_sample.spans, strict=True):
        assert text_sample.text[value["start"] : value["end"]] == value["text"] == span.text
        assert value["labels"] == [span.label]
    # in UTF-16 units (what synthlab wrote before) the name would start 2 later: 2 emoji
    # outside the Basic Multilingual Plane come before it
    name = spans[1]
    utf16 = len(text_sample.text[: name["start"]].encode("utf-16-le")) // 2
    assert utf16 == name["start"] + 3
    [classes] = [r for r in results if r["type"] == "choices"]
    assert classes["value"]["choices"] == ["info", "<odd>"]


def test_text_task_keeps_nested_spans_and_unique_ids() -> None:
    text = "Dr Ann Lee"
    sample = TextSample(
        index=4,
        text=text,
        spans=(EntitySpan(0, 10, "PERSON", text), EntitySpan(3, 6, "FIRST", "Ann")),
    )
    results = _results(text_task(sample))
    assert [r["value"]["text"] for r in results] == ["Dr Ann Lee", "Ann"]
    assert [r["id"] for r in results] == ["s4-0", "s4-1"]
    assert text_task(sample)["data"]["index"] == 4


# -- image -----------------------------------------------------------------------------------


def test_boxes_are_unrounded_percent_and_masks_decode_to_the_object(
    image_sample: ImageSample,
) -> None:
    results = _results(image_task(image_sample, "img.png"))
    boxes = [r for r in results if r["type"] == "rectanglelabels"]
    assert [b["value"]["rectanglelabels"] for b in boxes] == [["forklift"], ['R&D "crate"']]
    first = boxes[0]["value"]
    assert first["x"] * 32 / 100 == pytest.approx(3.0, abs=1e-12)
    assert first["height"] == 100 * 8.0 / 24
    assert boxes[0]["original_width"] == 32 and boxes[0]["original_height"] == 24
    masks = [r for r in results if r["type"] == "brushlabels"]
    assert [m["parentID"] for m in masks] == [b["id"] for b in boxes]
    for mask, obj in zip(masks, image_sample.objects, strict=True):
        assert mask["value"]["format"] == "rle"
        rgba = _decode_ls_rle(mask["value"]["rle"]).reshape(24, 32, 4)
        assert (rgba == rgba[..., :1]).all()  # each pixel's 4 channels alike
        assert np.array_equal(rgba[..., 3] == 255, image_sample.instance_mask == obj.instance_id)
        assert set(np.unique(rgba)) <= {0, 255}


def test_every_keypoint_is_kept_with_its_visibility(image_sample: ImageSample) -> None:
    task = image_task(image_sample, "img.png")
    results = _results(task)
    points = {r["id"]: r for r in results if r["type"] == "keypointlabels"}
    seen = {
        r["id"]: r for r in results if r["type"] == "choices" and r["from_name"] == "visibility"
    }
    assert set(points) == set(seen)  # the visibility sits on the keypoint's own region
    by_name = {p["value"]["keypointlabels"][0]: p for p in points.values()}
    assert set(by_name) == {"tip", "heel"}
    assert seen[by_name["tip"]["id"]]["value"]["choices"] == ["visible"]  # v=2
    assert seen[by_name["heel"]["id"]]["value"]["choices"] == ["occluded"]  # v=1, drawn
    heel = by_name["heel"]["value"]
    assert (heel["x"], heel["y"]) == (100 * 14.0 / 32, 100 * 9.0 / 24)
    for point in points.values():
        assert 0 <= point["value"]["x"] <= 100 and 0 <= point["value"]["y"] <= 100
        assert point["parentID"] == next(r["id"] for r in results if r["type"] == "rectanglelabels")
    # v=0 lies outside the image: Label Studio refuses it as a region; the task keeps it
    assert task["data"]["keypoints_not_in_image"] == [
        {"instance": 1, "name": "tail", "x": -4.0, "y": 30.0}
    ]
    total = sum(len(o.keypoints) for o in image_sample.objects)
    assert len(points) + len(task["data"]["keypoints_not_in_image"]) == total


def test_image_without_masks_writes_no_brush(image_sample: ImageSample) -> None:
    results = _results(image_task(image_sample, "img.png", masks=False))
    assert not [r for r in results if r["type"] == "brushlabels"]
    assert task_for(image_sample, image="a.png", masks=False) == image_task(
        image_sample, "a.png", masks=False
    )
    with pytest.raises(ValueError, match="image"):
        task_for(image_sample)


def test_brush_rle_round_trips_through_an_independent_decoder() -> None:
    rng = np.random.default_rng(3)
    mask = rng.random((37, 53)) > 0.6
    mask[0:20, 0:40] = True  # runs longer than 256 next to single pixels
    rgba = _decode_ls_rle(mask_to_rle(mask)).reshape(37, 53, 4)
    assert np.array_equal(rgba[..., 3] > 0, mask)
    # found from pixel runs, the same bytes as packing the whole RGBA array
    assert mask_to_rle(mask) == encode_rle(np.repeat(np.where(mask, 255, 0), 4))
    long_run = np.zeros(70_000 * 4, np.uint8)  # longer than the 16-bit run field
    long_run[-3:] = 7
    assert np.array_equal(_decode_ls_rle(encode_rle(long_run)), long_run)
    header = encode_rle(np.array([255, 255, 0], np.uint8))
    assert int.from_bytes(bytes(header[:4]), "big") == 3 and header[4] >> 3 == 7  # 8-bit words


# -- time series -----------------------------------------------------------------------------


def test_series_columns_and_event_windows(series_sample: TimeseriesSample) -> None:
    task = timeseries_task(series_sample)
    series = task["data"]["ts"]
    assert list(series) == ["time_s", "ax", "ay"]
    assert series["time_s"][:3] == [0.0, 0.05, 0.1]
    assert series["ay"][30] is None  # NaN has no JSON spelling
    assert series["ax"][5] == float(series_sample.values[5, 0])
    json.dumps(task, allow_nan=False)
    results = _results(task)
    spike, impact, phase, walking, sitting = results
    # [10, 13) covers the points at 0.5, 0.55 and 0.6 s
    assert spike["value"] == {
        "start": 0.5,
        "end": 0.6,
        "instant": False,
        "timeserieslabels": ["spike"],
    }
    assert (impact["value"]["start"], impact["value"]["end"]) == (2.0, 2.0)
    assert impact["value"]["instant"] and impact["value"]["timeserieslabels"] == ["fall"]
    # the phase is an attribute of the fall's region (same id), not a label of its own
    assert phase["id"] == impact["id"] and phase["from_name"] == "phase"
    assert phase["value"]["choices"] == ["impact"]
    assert walking["from_name"] == "activity" and walking["value"]["timeserieslabels"] == [
        "walking"
    ]
    assert (walking["value"]["end"], sitting["value"]["start"]) == (1.45, 1.5)
    for result in results:  # each window edge is a point of the time column
        assert result["value"]["start"] in series["time_s"]
        assert result["value"]["end"] in series["time_s"]
    assert len({r["id"] for r in results}) == len(results) - 1


# -- determinism -----------------------------------------------------------------------------


def test_tasks_are_the_same_bytes_for_the_same_sample(
    text_sample: TextSample, image_sample: ImageSample, series_sample: TimeseriesSample
) -> None:
    def spelled(sample: object) -> str:
        return json.dumps(task_for(sample, image="i.png"), sort_keys=True)  # type: ignore[arg-type]

    for sample in (text_sample, image_sample, series_sample):
        assert spelled(sample) == spelled(sample)
    shifted = TextSample(index=0, text=text_sample.text, spans=text_sample.spans[:1])
    assert spelled(shifted) != spelled(text_sample)

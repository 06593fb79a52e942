"""Overlays per modality, the static report (self-contained, escaped), planted copies."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from synthlab.recipe.model import SpotcheckSection
from synthlab.samples.image import ImageSample, Keypoint, ObjectLabel
from synthlab.samples.text import EntitySpan, TextSample
from synthlab.samples.timeseries import EventLabel, Segment, TimeseriesSample
from synthlab.spotcheck.gold import plant
from synthlab.spotcheck.overlays import draw
from synthlab.spotcheck.plans import resolve_plan
from synthlab.spotcheck.workspace import build


def image_sample() -> ImageSample:
    pixels = np.full((40, 60, 3), 90, np.uint8)
    instances = np.zeros((40, 60), np.uint16)
    instances[5:15, 10:30] = 1
    instances[25:35, 40:55] = 2
    objects = (
        ObjectLabel(1, "forklift", (10, 5, 20, 10), keypoints=(Keypoint("tip", 12, 7, 2),)),
        ObjectLabel(2, "pallet", (40, 25, 15, 10)),
    )
    return ImageSample(index=3, image=pixels, objects=objects, instance_mask=instances)


def text_sample() -> TextSample:
    text = "Ask <script>alert(1)</script> about Bob"
    spans = (
        EntitySpan(4, 29, "CODE", "<script>alert(1)</script>"),
        EntitySpan(36, 39, "PERSON", "Bob"),
    )
    return TextSample(index=1, text=text, spans=spans, classes=("question",))


def series_sample() -> TimeseriesSample:
    values = np.sin(np.arange(400) / 10)[:, None].repeat(2, axis=1)
    return TimeseriesSample(
        index=2,
        channels=("a", "b"),
        units=("g", "g"),
        rate_hz=20.0,
        length=400,
        grid_index=np.arange(400),
        values=values,
        events=(EventLabel(1, "spike", "spike", ("a",), 100, 110),),
        segments=(Segment("walking", 0, 200), Segment("sitting", 200, 400)),
    )


def test_image_overlay_draws_boxes_masks_and_is_deterministic() -> None:
    sample = image_sample()
    png = draw(sample).png
    assert png is not None and png == draw(sample).png
    picture = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert picture.shape[1] >= 320  # small images are enlarged
    scale = picture.shape[1] // 60
    # the mask tint changes object pixels; the background stays as it was
    assert tuple(picture[20 * scale, 5 * scale]) == (90, 90, 90)
    assert tuple(picture[10 * scale + 3, 20 * scale]) != (90, 90, 90)
    shifted = plant(sample, ["class=forklift", "class=pallet"], np.random.default_rng(1))
    assert shifted is not None and draw(shifted[0]).png != png


def test_text_overlay_escapes_and_highlights_spans() -> None:
    html = draw(text_sample()).html
    assert html is not None
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('<mark class="span"') == 2 and "PERSON" in html and "question" in html


def test_timeseries_overlay_is_a_deterministic_png() -> None:
    first = draw(series_sample()).png
    draw(image_sample())  # drawing something else in between changes nothing
    assert first is not None and first.startswith(b"\x89PNG") and first == draw(series_sample()).png
    moved = plant(series_sample(), ["kind=spike"], np.random.default_rng(0))
    assert moved is not None and "moved" in moved[1]
    assert moved[0].events[0].start != 100


def test_static_report_is_self_contained_and_escaped(fresh_dataset: Path) -> None:
    plan = resolve_plan(SpotcheckSection(), 300, n=25)
    workspace = build(fresh_dataset, plan, seed=0, planted=3)
    page = (workspace.root / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()  # the generated "<script>" label shows as text
    assert "cls=&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"(src|href)=\"(?!data:|#)", page)  # no external resources
    assert "Content-Security-Policy" in page
    # planted copies are in the review, not in the report
    assert len(workspace.gold) == 3
    for item_id in workspace.gold:
        assert f'id="{item_id}"' not in page
    real = [i for i in workspace.items if i["id"] not in workspace.gold]
    assert page.count('<section class="card"') == len(real) >= 25
    assert plan.meaning() in page.replace("&#x27;", "'")


def test_building_twice_gives_identical_files(fresh_dataset: Path, tmp_path: Path) -> None:
    plan = resolve_plan(SpotcheckSection(), 300, n=12)
    first = build(fresh_dataset, plan, seed=5, planted=2)
    files = {p.name: p.read_bytes() for p in first.root.rglob("*") if p.is_file()}
    build(fresh_dataset, resolve_plan(SpotcheckSection(), 300, n=12), seed=6, planted=2)
    second = build(fresh_dataset, plan, seed=5, planted=2)
    assert {p.name: p.read_bytes() for p in second.root.rglob("*") if p.is_file()} == files
    gold = json.loads((second.root / "gold.json").read_text())
    picked = {i["index"] for i in second.items if i["id"] not in gold}
    assert gold and not picked & {g["source"] for g in gold.values()}


def test_label_studio_image_task_uses_percent_boxes_and_unique_ids() -> None:
    from synthlab.exporters.labelstudio import task_for
    from synthlab.exporters.labelstudio.brush import mask_from_rle

    sample = image_sample()
    results = task_for(sample, image="data:,")["predictions"][0]["result"]
    results += task_for(text_sample())["predictions"][0]["result"]
    ids = [r["id"] for r in results if r["from_name"] != "visibility"]  # on a keypoint's id
    assert len(set(ids)) == len(ids)
    box = next(r for r in results if r["type"] == "rectanglelabels")
    assert box["value"]["x"] == pytest.approx(100 * 10 / 60)
    assert box["value"]["height"] == pytest.approx(100 * 10 / 40)
    brush = next(r for r in results if r["type"] == "brushlabels")
    decoded = mask_from_rle(brush["value"]["rle"], 40, 60)
    assert np.array_equal(decoded, sample.instance_mask == 1)
    span = next(r for r in results if r["type"] == "labels" and r["value"]["labels"] == ["PERSON"])
    assert (span["value"]["start"], span["value"]["end"]) == (36, 39)

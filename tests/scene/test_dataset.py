"""End to end: render a tiny recipe, read it back, check labels, COCO, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import synthlab
from synthlab.readers import DatasetView

pytestmark = pytest.mark.scene


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".synthlab" not in p.parts
    }


def test_one_and_two_workers_give_identical_bytes_and_exact_quota(tiny_recipe, tmp_path):
    recipe = tiny_recipe(3)
    one = synthlab.render(recipe, tmp_path / "one", workers=1, shard_size=6)
    two = synthlab.render(recipe, tmp_path / "two", workers=2, shard_size=2)
    a, b = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert a.keys() == b.keys()
    different = [name for name in a if a[name] != b[name] and name != "manifest.json"]
    assert different == []
    assert one.manifest["conditions"]["hidden_person"] == 2
    assert two.manifest["conditions"]["hidden_person"] == 2
    records = [json.loads(line) for line in (tmp_path / "one" / "samples.jsonl").open()]
    rare = [r for r in records if "hidden_person" in r["conditions"]]
    assert len(rare) == 2
    for record in rare:
        assert record["metadata"]["attempts"] >= 1
        assert any(0.2 <= v <= 0.8 for v in record["metadata"]["achieved"]["hidden_person"])

    # a different seed gives different images
    other = synthlab.render(tiny_recipe(4), tmp_path / "other", workers=1)
    assert other.made == 6
    c = _files(tmp_path / "other")
    assert c["images/000000.png"] != a["images/000000.png"]

    # read back: every label invariant holds, masks disjoint by construction
    view = DatasetView.open(tmp_path / "one")
    from synthlab.exporters.image.reader import READER

    for index in range(6):
        sample = view.load_sample(index)
        assert READER.check_sample(sample) == []
        assert sample.image.shape == (48, 64, 3)
        for label in sample.objects:
            assert np.count_nonzero(sample.instance_mask == label.instance_id) > 0
            assert label.bbox is not None

    # COCO: pycocotools loads it and the ground truth scores AP 1.0 against itself
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    gt = COCO(str(tmp_path / "one" / "coco.json"))
    assert gt.getCatIds() and min(gt.getCatIds()) == 1
    anns = gt.loadAnns(gt.getAnnIds())
    assert anns and all(a["area"] > 0 and a["iscrowd"] == 0 for a in anns)
    detections = [dict(a, score=1.0) for a in anns]
    dt = gt.loadRes(detections)
    for kind in ("bbox", "segm"):
        evaluator = COCOeval(gt, dt, kind)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
        assert evaluator.stats[0] == pytest.approx(1.0)

    # YOLO: one line per visible object, normalised coordinates
    names = (tmp_path / "one" / "data.yaml").read_text()
    assert '0: "crate"' in names  # names are quoted: `yes` or `1` stay strings
    for index in range(6):
        lines = (tmp_path / "one" / "labels" / f"{index:06d}.txt").read_text().splitlines()
        assert len(lines) == len(view.load_sample(index).objects)
        for line in lines:
            numbers = [float(v) for v in line.split()[1:]]
            assert all(0 <= v <= 1 for v in numbers)
    tasks = json.loads((tmp_path / "one" / "label-studio" / "tasks.json").read_text())
    assert len(tasks) == 6

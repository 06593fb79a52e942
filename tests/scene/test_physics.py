"""Physics placement (pybullet): settled objects rest on the floor or on each other, labels
come from the settled poses, runs are byte-identical, and a missing pybullet is named."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import synthlab
from synthlab.errors import UsageError
from synthlab.generators.base import GeneratorContext, SamplePlan
from synthlab.generators.scene import SPEC
from synthlab.generators.scene.layout import build_scene
from synthlab.generators.scene.params import SceneParams
from synthlab.seeding import sample_rng

pytestmark = pytest.mark.scene

pytest.importorskip("pybullet")

PARAMS = {
    "classes": {
        "crate": {"asset": "crate", "count": {"int": [3, 5]}, "scale": {"uniform": [0.5, 0.9]}},
        "block": {"primitive": "box", "stretch": [0.4, 0.3, 0.2], "count": {"int": [1, 3]},
                  "pose": "free"},
        "ball": {"primitive": "sphere", "count": {"int": [0, 2]}, "scale": 0.3},
        "person": {"asset": "human", "count": 1},
    },
    "distractors": {"count": 1},
    "surface": {"spread": 2.0},
    "physics": {"stack": 0.5, "lean": 0.4},
    "camera": {"resolution": [64, 48], "distance": 6, "azimuth": {"uniform": [0, 360]}},
}  # fmt: skip

RECIPE = """
version: 1
name: tiny-physics
seed: {seed}
count: 6
generator:
  kind: scene
  params:
    classes:
      crate: {{asset: crate, count: {{int: [2, 4]}}, scale: {{uniform: [0.5, 0.9]}}}}
      block: {{primitive: box, stretch: [0.4, 0.3, 0.2], count: {{int: [1, 2]}}, pose: free}}
      person: {{asset: human, count: {{int: [0, 1]}}}}
    surface: {{spread: 2.0}}
    physics: {{stack: 0.4, lean: 0.3}}
    camera: {{resolution: [64, 48], distance: {{uniform: [5, 7]}}, azimuth: {{uniform: [0, 360]}}}}
output:
  formats: [image, coco]
"""


def _generator(params: dict, tmp_path: Path):
    generator = SPEC.create()
    generator.setup(SceneParams.model_validate(params), GeneratorContext(tmp_path, 7, 10))
    return generator


def _settled_scenes(tmp_path: Path, seeds, params=PARAMS):
    from synthlab.generators.scene.physics import settle_scene

    generator = _generator(params, tmp_path)
    try:
        for seed in seeds:
            rng = np.random.default_rng(seed)
            layout = build_scene(generator.params, generator.shapes, rng, rng, [], {})
            settled = settle_scene(layout, generator.params.physics, generator.static_classes, rng)
            yield layout, settled
    finally:
        generator.close()


def test_settled_objects_rest_on_the_floor_and_people_stay(tmp_path):
    moved = 0
    for layout, settled in _settled_scenes(tmp_path, range(4)):
        summary = settled.drawn["physics"]
        assert summary["at_rest"], summary
        assert summary["fastest_m_s"] < 0.01
        for before, after in zip(layout.objects, settled.objects, strict=True):
            lowest = float(after.world_vertices()[:, 2].min())
            assert lowest > -0.005, (after.drawn, lowest)  # nothing sinks into the floor
            if "body" in before.drawn:  # people are not simulated
                assert np.array_equal(before.pose, after.pose)
                assert after.drawn["physics"] == {"start": "static"}
            else:
                rotation = after.pose[:3, :3]
                assert np.allclose(rotation @ rotation.T, np.eye(3), atol=1e-6)  # rigid
                moved += not np.allclose(before.pose, after.pose, atol=1e-3)
                assert after.drawn["physics"]["resting_on"], after.drawn  # something holds it
    assert moved > 10


def test_stacked_objects_rest_on_the_object_under_them(tmp_path):
    stacked, held = 0, 0
    for _, settled in _settled_scenes(tmp_path, range(6)):
        for placed in settled.objects:
            record = placed.drawn["physics"]
            if record["start"] != "stacked":
                continue
            stacked += 1
            if record["partner"] not in record["resting_on"]:
                continue  # slid off: physics decided, and it is recorded so
            held += 1
            base = settled.objects[record["partner"]].world_vertices()
            mine = placed.world_vertices()
            assert mine[:, 2].min() > 0.1  # off the floor, on the other object
            # its middle above the base's top (a corner may hang over the edge)
            assert mine[:, 2].mean() > base[:, 2].max()
            centre = mine[:, :2].mean(axis=0)
            low, high = base[:, :2].min(axis=0), base[:, :2].max(axis=0)
            assert np.all(centre > low) and np.all(centre < high)  # over its footprint
    assert stacked >= 5
    assert held >= stacked / 2


def test_leaning_objects_end_tilted_against_their_partner(tmp_path):
    leaning = 0
    for _, settled in _settled_scenes(tmp_path, range(6)):
        for placed in settled.objects:
            record = placed.drawn["physics"]
            if record["start"] == "leaning" and record["partner"] in record["touching"]:
                up = placed.pose[:3, 2]
                if np.degrees(np.arccos(np.clip(up[2], -1, 1))) > 5:
                    leaning += 1
    assert leaning >= 1


def test_labels_are_exact_and_poses_are_the_settled_ones(tmp_path, mask_box):
    generator = _generator(PARAMS, tmp_path)
    try:
        for index in range(3):
            sample = generator.generate(index, sample_rng(7, index), SamplePlan(index))
            drawn = sample.metadata["scene"]["objects"]
            extrinsics = np.asarray(sample.camera["extrinsics"])
            assert sample.objects
            for label in sample.objects:
                mask = sample.instance_mask == label.instance_id
                assert label.bbox == mask_box(mask)
                record = drawn[label.instance_id - 1]
                world = np.eye(4)
                if record["physics"]["start"] == "static":
                    continue
                world[:3, :3] = record["physics"]["rotation"]
                world[:3, 3] = record["position"]
                assert np.allclose(np.asarray(label.pose), extrinsics @ world, atol=1e-4)
    finally:
        generator.close()


def test_equal_seeds_give_identical_bytes_with_one_or_two_workers(tmp_path):
    def files(root: Path) -> dict[str, bytes]:
        kept = [p for p in sorted(root.rglob("*")) if p.is_file()
                and ".synthlab" not in p.parts and p.name != "manifest.json"]  # fmt: skip
        return {str(p.relative_to(root)): p.read_bytes() for p in kept}

    recipe = tmp_path / "physics.yaml"
    recipe.write_text(RECIPE.format(seed=3), encoding="utf-8")
    synthlab.render(recipe, tmp_path / "one", workers=1, shard_size=6)
    synthlab.render(recipe, tmp_path / "two", workers=2, shard_size=2)
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert one.keys() == two.keys() and one == two
    records = [json.loads(line) for line in (tmp_path / "one" / "samples.jsonl").open()]
    assert all(r["metadata"]["scene"]["physics"]["at_rest"] for r in records)
    other = tmp_path / "other.yaml"
    other.write_text(RECIPE.format(seed=4), encoding="utf-8")
    synthlab.render(other, tmp_path / "three", workers=1)
    assert files(tmp_path / "three")["images/000000.png"] != one["images/000000.png"]


def test_missing_pybullet_is_named_and_layout_only_scenes_do_not_need_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pybullet", None)  # import pybullet now fails
    generator = _generator(PARAMS, tmp_path)
    try:
        with pytest.raises(UsageError, match=r'pip install "synthlab\[scene\]"'):
            generator.generate(0, sample_rng(7, 0), SamplePlan(0))
    finally:
        generator.close()
    plain = {k: v for k, v in PARAMS.items() if k != "physics"}
    generator = _generator(plain, tmp_path)
    try:
        sample = generator.generate(0, sample_rng(7, 0), SamplePlan(0))
        assert "physics" not in sample.metadata["scene"]
    finally:
        generator.close()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"physics": {"static": ["crat"]}}, "physics static names class 'crat'"),
        ({"physics": {"tilt": 120}}, "physics tilt must lie in"),
        ({"physics": {"stack": 1.5}}, "stack"),
        ({"physics": {}, "background": {"bundled": "skimage"}}, "physics settles objects"),
    ],
)
def test_bad_physics_settings_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        SceneParams.model_validate({**PARAMS, **change})

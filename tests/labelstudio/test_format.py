"""The `label-studio` format on rendered datasets: same seed, same bytes (whatever the worker
count); another seed, other bytes; the config offers the declared label set."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import synthlab

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
FILES = ("label-studio/tasks.json", "label-studio/config.xml")


def _render(out: Path, *, seed: int, workers: int) -> dict[str, bytes]:
    recipe = synthlab.load_recipe(
        RECIPES / "accelerometer-falls.yaml",
        seed=seed,
        count=4,
        sets=["output.formats=[label-studio]", "generator.params.duration=30"],
    )
    synthlab.render(recipe, out, workers=workers, shard_size=1)
    return {name: (out / name).read_bytes() for name in FILES}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    one = _render(tmp_path / "one", seed=5, workers=1)
    two = _render(tmp_path / "two", seed=5, workers=2)
    assert one == two
    other = _render(tmp_path / "other", seed=6, workers=1)
    assert other["label-studio/tasks.json"] != one["label-studio/tasks.json"]
    tasks = json.loads(one["label-studio/tasks.json"])
    assert [t["data"]["index"] for t in tasks] == [0, 1, 2, 3]
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    config = ET.fromstring(one["label-studio/config.xml"])
    events = config.find("TimeSeriesLabels[@name='event']")
    assert events is not None
    declared = manifest["label_set"]["event_names"]
    assert [label.attrib["value"] for label in events][: len(declared)] == declared
    channels = [c.attrib["column"] for c in config.iter("Channel")]
    assert channels == [k for k in tasks[0]["data"]["ts"] if k != "time_s"]

"""Ultralytics itself reads the YOLO export, from working directories other than the
dataset's, offline and without weights (`check_det_dataset`, then its `YOLODataset` reads
every label file). Run alone with `pytest -m slow tests/core/test_yolo_ultralytics.py`.

Ultralytics is installed without its dependencies (scripts/setup.sh): the rest of the
suite pins torch 2.13, beside which PyPI's torchvision does not import. Importing
ultralytics only reads torchvision's version from its metadata, so the check runs in a
subprocess that sees a metadata-only `torchvision` distribution; torchvision itself is never
imported (asserted), so what runs is ultralytics' real code.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import synthlab
from synthlab.generators.base import _registered

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("ultralytics") is None, reason="ultralytics not installed"
    ),
]

HERE = Path(__file__).parent

RECIPE = """\
version: 1
name: boxes
seed: 4
count: 6
generator:
  kind: labelset-boxes
  params: {classes: [wide, tall, flat]}
output:
  formats: [image, yolo]
"""

CHECK = """
import json, os, sys
from pathlib import Path
from ultralytics.data.dataset import YOLODataset
from ultralytics.data.utils import check_det_dataset

found = {}
for where_and_what in sys.argv[1:]:  # "working directory:dataset yaml"
    where, given = where_and_what.split(":")
    os.chdir(where)
    data = check_det_dataset(given, autodownload=False)
    dataset = YOLODataset(img_path=data["train"], data=data, task="detect", augment=False,
                          imgsz=32, rect=False, cache=False)
    found[given] = {
        "train": data["train"],
        "names": data["names"],
        "labels": {Path(l["im_file"]).stem: sorted(int(c) for c in l["cls"].ravel())
                   for l in dataset.labels},
    }
try:  # the old layout: `path: .` is taken from the working directory
    check_det_dataset(given.replace("data.yaml", "old.yaml"), autodownload=False)
    found["old"] = "resolved"
except FileNotFoundError:
    found["old"] = "not found"
found["torchvision imported"] = "torchvision" in sys.modules
print(json.dumps(found))
"""


def _metadata_only_torchvision(folder: Path) -> Path:
    info = folder / "torchvision-0.0.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: torchvision\nVersion: 0.0.0\n")
    return folder


def test_ultralytics_reads_the_yolo_export_from_another_working_directory(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.syspath_prepend(str(HERE))
    plugin = importlib.import_module("labelset_plugin")
    monkeypatch.setitem(_registered, plugin.SPEC.kind, plugin.SPEC)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE)
    out = tmp_path / "datasets" / "boxes"
    synthlab.render(synthlab.load_recipe(recipe), out, workers=1)
    text = (out / "data.yaml").read_text()
    old = text.replace("train: images", "path: .\ntrain: images")
    (out / "old.yaml").write_text(old)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shim = _metadata_only_torchvision(tmp_path / "shim")
    env = {
        **os.environ,
        "PYTHONPATH": str(shim),
        "YOLO_CONFIG_DIR": str(tmp_path / "ultralytics-config"),
        "YOLO_OFFLINE": "1",
    }
    relative = "datasets/boxes/data.yaml"  # from tmp_path, the dataset's grandparent
    absolute = str(out / "data.yaml")  # from a folder beside it
    run = subprocess.run(
        [sys.executable, "-c", CHECK, f"{tmp_path}:{relative}", f"{elsewhere}:{absolute}"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout.strip().splitlines()[-1])

    manifest = json.loads((out / "manifest.json").read_text())
    declared = manifest["label_set"]["categories"]
    ours = {
        path.stem: sorted(int(line.split()[0]) for line in path.read_text().splitlines())
        for path in (out / "labels").glob("*.txt")
    }
    for given in (relative, absolute):
        seen = results[given]
        assert Path(seen["train"]) == (out / "images").resolve()
        assert seen["names"] == {str(i): name for i, name in enumerate(declared)}
        assert seen["labels"] == ours and len(ours) == 6
    assert results["old"] == "not found"  # what this layout fixes
    assert results["torchvision imported"] is False

"""A real Label Studio takes synthlab's configs and tasks as written, and gives them back
unchanged: projects made from the configs (Label Studio validates them), tasks imported with
their predictions (validated against the config: a label the config lacks is refused), then
read back through the API and compared field by field.

Text and time series come from bundled recipes rendered with the `label-studio` format, and
from the spot-check's export of the same datasets; scenes from a tiny render (where pyrender
is installed); the awkward cases (emoji, XML specials, every keypoint visibility, a missing
value) from hand-made samples.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import synthlab
from synthlab.exporters.labelstudio import task_for
from synthlab.exporters.labelstudio.names import SeenNames, config_for
from synthlab.samples import Sample
from synthlab.samples.labels import KeypointSchema, LabelSet
from synthlab.spotcheck.labelstudio import export_tasks

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def _read_back(server: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The imported tasks as Label Studio gives them back, by synthlab's sample index."""
    back = [server.api("GET", f"/api/tasks/{task_id}") for task_id in ids]
    return {int(task["data"]["index"]): task for task in back}


def _round_trip(server: Any, title: str, config: str, tasks: list[dict[str, Any]]) -> None:
    project = server.project(title, config)
    stored = server.api("GET", f"/api/projects/{project}")["label_config"]
    assert stored == config.rstrip("\n")  # kept as written, less the final newline
    back = _read_back(server, server.import_tasks(project, tasks))
    assert len(back) == len(tasks)
    for task in tasks:
        got = back[task["data"]["index"]]
        assert got["data"] == task["data"]
        [prediction] = got["predictions"]
        [sent] = task["predictions"]
        assert prediction["model_version"] == sent["model_version"] == "synthlab"
        assert prediction["result"] == sent["result"]


def _config_of(samples: list[Sample], labels: LabelSet) -> str:
    seen = SeenNames()
    for sample in samples:
        seen.add_sample(sample)
    return config_for(samples[0].modality, labels, seen)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Small renders of two bundled recipes, with the `label-studio` format."""
    root = tmp_path_factory.mktemp("ls-renders")
    made = {}
    for name, recipe, extra in (
        ("text", "support-tickets-pii.yaml", ["output.formats=[text-jsonl, label-studio]"]),
        # one minute per series keeps each task small; a fall still fits
        (
            "series",
            "accelerometer-falls.yaml",
            ["output.formats=[parquet, label-studio]", "generator.params.duration=60"],
        ),
    ):  # the spot-check reads samples back from the first format
        loaded = synthlab.load_recipe(RECIPES / recipe, count=8, sets=extra)
        synthlab.render(loaded, root / name, workers=1)
        made[name] = root / name
    return made


@pytest.mark.parametrize("name", ["text", "series"])
def test_rendered_label_studio_format_imports_unchanged(
    label_studio: Any, rendered: dict[str, Path], name: str
) -> None:
    folder = rendered[name] / "label-studio"
    config = (folder / "config.xml").read_text(encoding="utf-8")
    tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
    assert len(tasks) == 8 and any(t["predictions"][0]["result"] for t in tasks)
    _round_trip(label_studio, f"synthlab {name} format", config, tasks)


@pytest.mark.parametrize("name", ["text", "series"])
def test_spotcheck_export_imports_unchanged(
    label_studio: Any, rendered: dict[str, Path], name: str
) -> None:
    tasks_path = export_tasks(rendered[name], everything=True)
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    config = (tasks_path.parent / "label-studio.xml").read_text(encoding="utf-8")
    _round_trip(label_studio, f"synthlab {name} spot-check", config, tasks)


def test_hand_made_samples_of_every_modality_import_unchanged(
    label_studio: Any, text_sample: Sample, image_sample: Sample, series_sample: Sample
) -> None:
    labels = LabelSet(
        categories=("forklift", 'R&D "crate"', "pallet"),
        keypoints=(KeypointSchema("forklift", ("tip", "heel", "tail")),),
        classes=("indoor",),
    )
    image = task_for(image_sample, image="/data/local-files/?d=images/000000.png")
    _round_trip(label_studio, "synthlab image", _config_of([image_sample], labels), [image])
    kinds = {r["type"] for r in image["predictions"][0]["result"]}
    assert kinds == {"rectanglelabels", "brushlabels", "keypointlabels", "choices"}
    text_labels = LabelSet(entities=("TEST", 'R&D "crate"', "UNUSED"), classes=("info", "<odd>"))
    _round_trip(
        label_studio,
        "synthlab text",
        _config_of([text_sample], text_labels),
        [task_for(text_sample)],
    )
    series_labels = LabelSet(event_names=("spike", "fall"), activities=("walking", "sitting"))
    _round_trip(
        label_studio,
        "synthlab series",
        _config_of([series_sample], series_labels),
        [task_for(series_sample)],
    )


def test_label_studio_refuses_what_its_config_lacks(label_studio: Any, text_sample: Sample) -> None:
    """The server really checks predictions against configs, so the passes above mean
    something: a config without one of the task's labels is refused."""
    config = _config_of([text_sample], LabelSet())
    narrow = config.replace('    <Label value="TEST" />\n', "")
    assert narrow != config
    project = label_studio.project("synthlab narrow", narrow)
    with pytest.raises(AssertionError, match=r"HTTP 400.*TEST"):
        label_studio.import_tasks(project, [task_for(text_sample)])


SCENE = """
version: 1
name: ls-scene
seed: 4
count: 3
generator:
  kind: scene
  params:
    classes:
      crate: {asset: crate, count: {int: [1, 2]}}
      person: {asset: human, count: 1}
    surface: {spread: 2.5}
    camera: {resolution: [64, 48], distance: {uniform: [5, 7]}, azimuth: {uniform: [0, 360]}}
output:
  formats: [image, label-studio]
"""


@pytest.mark.scene
def test_rendered_scenes_import_unchanged(label_studio: Any, tmp_path: Path) -> None:
    pytest.importorskip("pyrender")
    recipe = tmp_path / "scene.yaml"
    recipe.write_text(SCENE, encoding="utf-8")
    out = tmp_path / "out"
    synthlab.render(recipe, out, workers=1)
    config = (out / "label-studio" / "config.xml").read_text(encoding="utf-8")
    tasks = json.loads((out / "label-studio" / "tasks.json").read_text(encoding="utf-8"))
    kinds = {r["type"] for t in tasks for r in t["predictions"][0]["result"]}
    assert {"rectanglelabels", "brushlabels", "keypointlabels"} <= kinds
    _round_trip(label_studio, "synthlab scene format", config, tasks)
    spotcheck = export_tasks(out, everything=True)  # images inline as data URIs
    _round_trip(
        label_studio,
        "synthlab scene spot-check",
        (spotcheck.parent / "label-studio.xml").read_text(encoding="utf-8"),
        json.loads(spotcheck.read_text(encoding="utf-8")),
    )

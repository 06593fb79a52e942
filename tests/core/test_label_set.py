"""The declared label set: its type, what each bundled generator declares, what the manifest
records, and that every format numbers and names its labels from it (one test per format)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml

import synthlab
from synthlab.errors import RecipeError
from synthlab.exporters.base import available_exporters
from synthlab.exporters.conflicts import format_conflicts, patterns_overlap
from synthlab.generators.base import _registered, label_set_of
from synthlab.samples.labels import KeypointSchema, LabelSet

HERE = Path(__file__).parent
RECIPES = HERE.parents[1] / "recipes"

# -- the type ------------------------------------------------------------------------------


def test_a_label_set_round_trips_through_json() -> None:
    labels = LabelSet(
        categories=("person", "car"),
        category_id_start=0,
        keypoints=(KeypointSchema("person", ("nose", "neck"), ((0, 1),)),),
        classes=("night",),
        entities=("IBAN",),
        tag_scheme="BILOU",
        nested_entities=True,
        event_kinds=("spike",),
        event_names=("glitch",),
        activities=("standing",),
    )
    text = json.dumps(labels.to_json())
    assert LabelSet.from_json(json.loads(text)) == labels
    assert labels.category_ids() == {"person": 0, "car": 1}
    assert labels.tags() == ("O", "B-IBAN", "I-IBAN", "L-IBAN", "U-IBAN")
    assert LabelSet.from_json({}) == LabelSet()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: LabelSet(categories=("a", "b", "a")), "categories name 'a' twice"),
        (lambda: KeypointSchema("a", ("x",), ((0, 1),)), r"edge \(0, 1\) is outside"),
        (
            lambda: LabelSet(categories=("a",), keypoints=(KeypointSchema("b", ("x",)),)),
            "keypoints for 'b', which is no category",
        ),
    ],
)
def test_a_label_set_refuses_what_would_number_labels_wrongly(make, message) -> None:
    with pytest.raises(ValueError, match=message):
        make()


# -- what the bundled generators declare -----------------------------------------------------


def test_bundled_recipes_declare_their_labels_in_recipe_order() -> None:
    falls = label_set_of(synthlab.load_recipe(RECIPES / "accelerometer-falls.yaml"))
    assert falls.event_kinds == ("noise_burst", "fall")  # code order, not recipe order
    assert falls.event_names == ("fall", "knock")
    assert falls.activities[0] == "standing"
    pii = label_set_of(synthlab.load_recipe(RECIPES / "support-tickets-pii.yaml"))
    assert pii.entities == ("EMAIL", "IBAN", "ORDER", "PASSPORT", "PERSON", "PHONE", "PRODUCT")
    assert pii.classes == ("complaint", "praise", "request")
    people = label_set_of(synthlab.load_recipe(RECIPES / "pedestrian-dusk.yaml"))
    assert people.categories == ("traffic_cone", "person", "car", "bicycle", "sign")
    person = people.keypoint_schema("person")
    assert person is not None and person.names[:3] == ("nose", "left_eye", "right_eye")
    assert len(person.names) == 17 and len(person.skeleton) == 19  # COCO's person
    edges = {(person.names[a], person.names[b]) for a, b in person.skeleton}
    assert ("left_ankle", "left_knee") in edges  # COCO's order of the edge
    inpaint = label_set_of(synthlab.load_recipe(RECIPES / "diffusion-sd15-inpaint.yaml"))
    assert inpaint.categories == ("bicycle", "dog", "traffic cone", "suitcase")
    control = label_set_of(synthlab.load_recipe(RECIPES / "diffusion-tiny-controlnet.yaml"))
    assert control.categories == ("ball", "block") and control.classes == ("ball", "block")


def test_scene_keypoint_names_are_those_the_shapes_are_built_with() -> None:
    pytest.importorskip("trimesh")
    from synthlab.generators.scene.assets import ASSET_BUILDERS, build_asset, build_primitive
    from synthlab.generators.scene.declared_labels import ASSET_KEYPOINTS, PRIMITIVE_KEYPOINTS
    from synthlab.generators.scene.params import PRIMITIVES

    built = {name: tuple(p.name for p in build_asset(name).keypoints) for name in ASSET_BUILDERS}
    assert built == ASSET_KEYPOINTS
    for name in PRIMITIVES:
        assert tuple(p.name for p in build_primitive(name).keypoints) == PRIMITIVE_KEYPOINTS


def test_a_label_set_is_worked_out_once_per_recipe_content(monkeypatch) -> None:
    import dataclasses

    import synthlab.generators.base as generators_base
    from synthlab.generators.timeseries import SPEC

    calls = []

    def counting(params, base_dir):
        calls.append(1)
        return LabelSet(event_kinds=("spike",))

    monkeypatch.setitem(_registered, "timeseries", dataclasses.replace(SPEC, label_set=counting))
    monkeypatch.setattr(generators_base, "_label_sets", {})
    path = RECIPES / "machine-sensors.yaml"
    first = label_set_of(synthlab.load_recipe(path))
    again = label_set_of(synthlab.load_recipe(path))  # a new object, as a worker unpickles
    other = label_set_of(synthlab.load_recipe(path, sets=["generator.params.length=9999"]))
    assert first == again == other and len(calls) == 2


# -- text formats ----------------------------------------------------------------------------

TEXT_RECIPE = """\
version: 1
name: labels
seed: 5
count: 24
generator:
  kind: text
  params:
    classes: [zzz_unused]
    templates:
      - {id: a, text: "Pay {{amount:MONEY}} to {{name:PERSON}} today", tags: [payment]}
      - {id: b, text: "Call {{name:PERSON}} in {{city:CITY}}", tags: [call, urgent]}
    values:
      amount: {words: ["5 EUR", "12 EUR"]}
      name: {words: [Ann Lee, Bo Kim]}
      city: {words: [New York, La Paz]}
output:
  formats: [text-jsonl, conll, spacy, hf]
"""


def _render(tmp_path: Path, text: str) -> tuple[Path, LabelSet]:
    recipe_file = tmp_path / "recipe.yaml"
    recipe_file.write_text(text)
    out = tmp_path / "out"
    synthlab.render(synthlab.load_recipe(recipe_file), out, workers=1)
    manifest = json.loads((out / "manifest.json").read_text())
    return out, LabelSet.from_json(manifest["label_set"])


@pytest.fixture(scope="module")
def text_dataset(tmp_path_factory) -> tuple[Path, LabelSet]:
    return _render(tmp_path_factory.mktemp("text"), TEXT_RECIPE)


def test_the_manifest_records_the_text_label_set(text_dataset) -> None:
    _, labels = text_dataset
    assert labels.entities == ("CITY", "MONEY", "PERSON")
    # the params' classes and the templates' tags, sorted, whether or not a sample shows one
    assert labels.classes == ("call", "payment", "urgent", "zzz_unused")


def test_text_jsonl_uses_only_declared_labels(text_dataset) -> None:
    out, labels = text_dataset
    rows = [json.loads(line) for f in (out / "text").glob("*.jsonl") for line in f.open()]
    assert {s["label"] for r in rows for s in r["spans"]} == set(labels.entities)
    assert {c for r in rows for c in r["classes"]} == set(labels.classes) - {"zzz_unused"}
    assert {t for r in rows for t in r["tags"]} <= set(labels.tags())


def test_conll_tags_are_the_declared_tags(text_dataset) -> None:
    from synthlab.exporters.text.conll import parse_conll

    out, labels = text_dataset
    tags = {t for f in (out / "conll").glob("*.conll") for _, ts in parse_conll(f.read_text())
            for t in ts}  # fmt: skip
    assert tags == set(labels.tags())


def test_spacy_cats_and_entities_are_the_declared_ones(text_dataset) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out, labels = text_dataset
    vocab = spacy.blank("xx").vocab
    docs = [d for f in sorted((out / "spacy").rglob("*.spacy"))
            for d in DocBin().from_bytes(f.read_bytes()).get_docs(vocab)]  # fmt: skip
    assert docs and all(tuple(d.cats) == labels.classes for d in docs)
    assert {e.label_ for d in docs for e in d.ents} == set(labels.entities)


def test_hf_class_labels_are_the_declared_tags_and_classes(text_dataset) -> None:
    out, labels = text_dataset
    for file in (out / "hf" / "data").glob("*.parquet"):
        meta = pq.read_schema(file).metadata[b"huggingface"]
        features = json.loads(meta)["info"]["features"]
        assert tuple(features["ner_tags"]["feature"]["names"]) == labels.tags()
        assert tuple(features["classes"]["feature"]["names"]) == labels.classes


# -- time-series formats -----------------------------------------------------------------------

SERIES_RECIPE = """\
version: 1
name: series
seed: 3
count: 6
generator:
  kind: timeseries
  params:
    rate_hz: 10
    length: 400
    channels:
      - {name: x, components: [{type: gaussian, std: 0.1}]}
    events:
      - {kind: stuck, name: frozen}
      - {kind: spike}
quotas: {frozen: 3, spike: 3}
output:
  formats: [parquet, csv, npz]
"""


@pytest.fixture(scope="module")
def series_dataset(tmp_path_factory) -> tuple[Path, LabelSet]:
    return _render(tmp_path_factory.mktemp("series"), SERIES_RECIPE)


def test_parquet_event_kinds_and_codes_are_the_declared_ones(series_dataset) -> None:
    out, labels = series_dataset
    assert labels.event_kinds == ("spike", "stuck") and labels.event_names == ("frozen", "spike")
    events = pq.read_table(out / "parquet" / "events.parquet").to_pydict()
    assert set(events["kind"]) == set(labels.event_kinds)
    assert set(events["name"]) == set(labels.event_names)
    codes = json.loads((out / "parquet" / "labels.json").read_text())["label"]
    written = {int(c) for f in (out / "parquet" / "series").glob("*.parquet")
               for c in pq.read_table(f, columns=["label"])["label"].to_pylist()}  # fmt: skip
    assert {codes[str(c)] for c in written - {0}} == set(labels.event_kinds)


@pytest.mark.parametrize("folder", ["csv", "npz"])
def test_csv_and_npz_event_tables_use_the_declared_kinds(series_dataset, folder) -> None:
    import csv

    out, labels = series_dataset
    with open(out / folder / "events.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["kind"] for r in rows} == set(labels.event_kinds)
    assert {r["name"] for r in rows} == set(labels.event_names)


# -- image formats, from a generator of another package ----------------------------------------


@pytest.fixture
def boxes_plugin(monkeypatch) -> object:
    monkeypatch.syspath_prepend(str(HERE))
    plugin = importlib.import_module("labelset_plugin")
    monkeypatch.setitem(_registered, plugin.SPEC.kind, plugin.SPEC)
    return plugin


BOXES_RECIPE = """\
version: 1
name: boxes
seed: 9
count: 5
generator:
  kind: labelset-boxes
  params: {classes: [wide, tall, flat], first_id: 7}
output:
  formats: [image, coco, FORMAT]
"""


def test_coco_categories_follow_the_declared_order_not_the_first_seen(
    tmp_path, boxes_plugin
) -> None:
    pytest.importorskip("pycocotools")
    out, labels = _render(tmp_path, BOXES_RECIPE.replace("FORMAT", "depth-npy"))
    coco = json.loads((out / "coco.json").read_text())
    # every sample shows `flat` first; the declared order wins
    assert [c["name"] for c in coco["categories"]] == list(labels.categories)
    assert [c["id"] for c in coco["categories"]] == [7, 8, 9]
    assert all(c["keypoints"] == ["head", "tail"] and c["skeleton"] == [[1, 2]]
               for c in coco["categories"])  # fmt: skip
    ids = labels.category_ids()
    by_id = {c["id"]: c["name"] for c in coco["categories"]}
    for annotation in coco["annotations"]:
        image = annotation["image_id"] - 1
        document = json.loads((out / "annotations" / f"{image:06d}.json").read_text())
        instance = annotation["synthlab_instance_id"]
        label = next(o for o in document["objects"] if o["instance_id"] == instance)
        assert by_id[annotation["category_id"]] == label["category"]
        assert annotation["category_id"] == ids[label["category"]]


@pytest.mark.parametrize("yolo", ["yolo", "yolo-seg"])
def test_yolo_names_and_class_numbers_follow_the_declared_order(
    tmp_path, boxes_plugin, yolo
) -> None:
    if yolo == "yolo-seg":
        pytest.importorskip("contourpy")
    out, labels = _render(tmp_path, BOXES_RECIPE.replace("FORMAT", yolo))
    data = yaml.safe_load((out / "data.yaml").read_text())
    assert "path" not in data and data["train"] == "images"
    assert data["names"] == dict(enumerate(labels.categories))
    coco = json.loads((out / "coco.json").read_text())
    for image in coco["images"]:
        stem = Path(image["file_name"]).stem
        numbers = sorted(int(line.split()[0]) for line in
                         (out / "labels" / f"{stem}.txt").read_text().splitlines())  # fmt: skip
        expected = sorted(a["category_id"] - labels.category_id_start
                          for a in coco["annotations"] if a["image_id"] == image["id"])  # fmt: skip
        assert numbers == expected


def test_a_category_outside_the_declared_set_is_a_clear_failure(tmp_path, boxes_plugin) -> None:
    import dataclasses

    narrow = dataclasses.replace(
        boxes_plugin.SPEC, label_set=lambda params, base_dir: LabelSet(categories=("wide",))
    )
    _registered[narrow.kind] = narrow
    recipe = tmp_path / "r.yaml"
    recipe.write_text(BOXES_RECIPE.replace("FORMAT", "yolo"))
    with pytest.raises(synthlab.errors.RuntimeFailure, match="not in the generator's declared"):
        synthlab.render(synthlab.load_recipe(recipe), tmp_path / "out", workers=1)


def test_text_formats_take_a_plugin_generators_declared_labels(tmp_path, boxes_plugin) -> None:
    _registered[boxes_plugin.TEXT_SPEC.kind] = boxes_plugin.TEXT_SPEC
    recipe = (
        "version: 1\nname: hi\nseed: 2\ncount: 4\ngenerator: {kind: labelset-greetings}\n"
        "output: {formats: [text-jsonl, conll, hf]}\n"
    )
    try:
        out, labels = _render(tmp_path, recipe)
    finally:
        del _registered[boxes_plugin.TEXT_SPEC.kind]
    schema = pq.read_schema(out / "hf" / "data" / "train.parquet").metadata[b"huggingface"]
    features = json.loads(schema)["info"]["features"]
    # every declared name is numbered, also those no sample shows (PLACE, farewell)
    assert features["ner_tags"]["feature"]["names"] == ["O", "B-PERSON", "I-PERSON",
                                                        "B-PLACE", "I-PLACE"]  # fmt: skip
    assert features["classes"]["feature"]["names"] == ["greeting", "farewell"]
    assert labels.entities == ("PERSON", "PLACE")
    assert "Hello" in (out / "conll" / "train.conll").read_text()


# -- record format -----------------------------------------------------------------------------


def test_jsonl_conditions_are_the_declared_classes(tmp_path, write_recipe) -> None:
    path = write_recipe(count=30)
    out = tmp_path / "out"
    synthlab.render(synthlab.load_recipe(path), out, workers=1)
    labels = LabelSet.from_json(json.loads((out / "manifest.json").read_text())["label_set"])
    assert labels.classes == ("rare", "common")
    rows = [json.loads(line) for line in (out / "records.jsonl").open()]
    assert {c for r in rows for c in r["conditions"]} == set(labels.classes)


# -- formats that write the same files ---------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "meet"),
    [
        ("labels/*.txt", "labels/*.txt", True),
        ("depth/*.png", "depth/*.npy", False),
        ("hf/*", "hf/data/*.parquet", True),
        ("masks/instance/*.png", "masks/semantic/*.png", False),
        ("coco.json", "coco.json", True),
        ("coco.json", "*.json", True),
        ("data.yaml", "labels/*.txt", False),
        ("text/*.jsonl", "text2/*.jsonl", False),
    ],
)
def test_patterns_overlap(a, b, meet) -> None:
    assert patterns_overlap(a, b) is meet
    assert patterns_overlap(b, a) is meet


def test_yolo_and_yolo_seg_together_are_refused_when_the_recipe_loads(tmp_path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "version: 1\nname: x\nseed: 1\ncount: 2\ngenerator:\n  kind: scene\n  params:\n"
        "    classes: {ball: {primitive: sphere}}\noutput:\n"
        "  formats: [image, yolo, coco, yolo-seg]\n"
    )
    with pytest.raises(RecipeError) as caught:
        synthlab.load_recipe(recipe)
    message = str(caught.value)
    assert "r.yaml:10:32: output.formats[3]" in message
    assert "formats 'yolo' and 'yolo-seg' both write labels/*.txt" in message


def test_every_bundled_format_declares_where_it_writes() -> None:
    silent = {name for name, e in available_exporters().items() if not e.writes}
    # the Label Studio formats are being rewritten as one module (issue 19, part B)
    assert silent <= {"label-studio", "label-studio-text"}


def test_the_bundled_formats_write_where_no_other_does() -> None:
    exporters = available_exporters()
    declared = {name: e for name, e in exporters.items() if e.writes}
    pairs = {
        (a, b) for a in declared for b in declared if a < b and format_conflicts([a, b], declared)
    }
    # label-studio-text is label-studio under its first (text-only) name: the same files
    assert pairs == {("yolo", "yolo-seg"), ("label-studio", "label-studio-text")}


@pytest.mark.parametrize(
    ("fixture", "formats"),
    [("text_dataset", ("text-jsonl", "conll", "spacy", "hf")),
     ("series_dataset", ("parquet", "csv", "npz"))],
)  # fmt: skip
def test_every_file_a_format_writes_is_one_it_declared(request, fixture, formats) -> None:
    out, _ = request.getfixturevalue(fixture)
    exporters = available_exporters()
    manifest = json.loads((out / "manifest.json").read_text())
    engine_files = {"samples.jsonl"}
    for relpath, _, _ in manifest["files"]:
        if relpath in engine_files:
            continue
        owners = [f for f in formats if any(patterns_overlap(relpath, p)
                                            for p in exporters[f].writes)]  # fmt: skip
        assert len(owners) == 1, relpath


def test_a_manifest_label_set_is_plain_json_in_declared_order(series_dataset) -> None:
    out, labels = series_dataset
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["label_set"] == labels.to_json()
    assert np.array_equal(np.array(manifest["label_set"]["event_kinds"]), ["spike", "stuck"])


# -- Label Studio, every modality ----------------------------------------------------------------


def _config_groups(out: Path) -> dict[str, list[str]]:
    """Each labelling group of the written config: its tag -> the values it offers."""
    import xml.etree.ElementTree as ET

    root = ET.parse(out / "label-studio" / "config.xml").getroot()
    return {
        group.tag: [item.get("value", "") for item in group]
        for group in root
        if group.tag.endswith("Labels") or group.tag == "Choices"
    }


def _task_labels(out: Path, key: str) -> set[str]:
    tasks = json.loads((out / "label-studio" / "tasks.json").read_text())
    return {
        value
        for task in tasks
        for prediction in task.get("predictions", [])
        for region in prediction["result"]
        for value in region["value"].get(key, [])
    }


def test_label_studio_text_offers_the_declared_entities_and_classes(tmp_path) -> None:
    recipe = TEXT_RECIPE.replace("[text-jsonl, conll, spacy, hf]", "[label-studio-text]")
    out, labels = _render(tmp_path, recipe)
    groups = _config_groups(out)
    assert groups["Labels"] == list(labels.entities)
    assert groups["Choices"] == list(labels.classes)
    assert _task_labels(out, "labels") == set(labels.entities)
    assert set() < _task_labels(out, "choices") < set(labels.classes)  # zzz_unused: never shown


def test_label_studio_time_series_offers_the_declared_events(tmp_path) -> None:
    recipe = SERIES_RECIPE.replace("[parquet, csv, npz]", "[label-studio]")
    out, labels = _render(tmp_path, recipe)
    assert _config_groups(out) == {"TimeSeriesLabels": list(labels.event_names)}
    assert _task_labels(out, "timeserieslabels") == set(labels.event_names)


def test_label_studio_images_offer_the_declared_categories_and_keypoints(
    tmp_path, boxes_plugin
) -> None:
    out, labels = _render(tmp_path, BOXES_RECIPE.replace("FORMAT", "label-studio"))
    groups = _config_groups(out)
    assert groups["RectangleLabels"] == list(labels.categories)
    assert groups["BrushLabels"] == list(labels.categories)
    assert groups["KeyPointLabels"] == ["head", "tail"]
    assert set() < _task_labels(out, "rectanglelabels") <= set(labels.categories)
    assert set() < _task_labels(out, "keypointlabels") <= {"head", "tail"}

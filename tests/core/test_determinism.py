"""Same recipe and seed give the same bytes whatever the workers, shard size or selection."""

from __future__ import annotations

import json
from pathlib import Path

import synthlab


def test_one_worker_and_two_workers_give_identical_bytes(
    write_recipe, tmp_path: Path, digest_tree
) -> None:
    recipe = synthlab.load_recipe(write_recipe())
    synthlab.render(recipe, tmp_path / "one", workers=1)
    synthlab.render(recipe, tmp_path / "two", workers=2)
    one, two = digest_tree(tmp_path / "one"), digest_tree(tmp_path / "two")
    assert one == two
    assert {"manifest.json", "samples.jsonl", "records.jsonl"} <= set(one)
    assert len([p for p in one if p.startswith("payload/")]) == 40


def test_shard_size_does_not_change_bytes(write_recipe, tmp_path: Path, digest_tree) -> None:
    recipe = synthlab.load_recipe(write_recipe())
    synthlab.render(recipe, tmp_path / "a", workers=2, shard_size=3)
    synthlab.render(recipe, tmp_path / "b", workers=2, shard_size=40)
    assert digest_tree(tmp_path / "a") == digest_tree(tmp_path / "b")


def test_shard_size_in_the_recipe_does_not_change_bytes(
    write_recipe, tmp_path: Path, digest_tree
) -> None:
    path = write_recipe()
    first = synthlab.load_recipe(path)
    second = synthlab.load_recipe(path, sets=["output.shard_size=13"])
    synthlab.render(first, tmp_path / "a", workers=1)
    synthlab.render(second, tmp_path / "b", workers=1)
    assert digest_tree(tmp_path / "a") == digest_tree(tmp_path / "b")


def test_different_seed_gives_different_data(write_recipe, tmp_path: Path, digest_tree) -> None:
    path = write_recipe()
    synthlab.render(synthlab.load_recipe(path), tmp_path / "a", workers=1)
    synthlab.render(synthlab.load_recipe(path, seed=12), tmp_path / "b", workers=1)
    a, b = digest_tree(tmp_path / "a"), digest_tree(tmp_path / "b")
    assert a["records.jsonl"] != b["records.jsonl"]
    assert a["payload/000000.bin"] != b["payload/000000.bin"]


def test_only_one_index_equals_that_sample_of_the_full_run(
    write_recipe, tmp_path: Path, digest_tree
) -> None:
    recipe = synthlab.load_recipe(write_recipe())
    synthlab.render(recipe, tmp_path / "full", workers=2)
    synthlab.render(recipe, tmp_path / "alone", workers=1, only=[17])
    full, alone = tmp_path / "full", tmp_path / "alone"
    assert (alone / "payload/000017.bin").read_bytes() == (full / "payload/000017.bin").read_bytes()
    full_lines = (full / "records.jsonl").read_text().splitlines()
    assert (alone / "records.jsonl").read_text().splitlines() == [full_lines[17]]
    full_index = (full / "samples.jsonl").read_text().splitlines()
    assert (alone / "samples.jsonl").read_text().splitlines() == [full_index[17]]
    assert json.loads((alone / "manifest.json").read_text())["selection"] == [17]


def test_dataset_and_generate_match_the_render(write_recipe, tmp_path: Path, digest_tree) -> None:
    recipe = synthlab.load_recipe(write_recipe())
    synthlab.render(recipe, tmp_path / "out", workers=1)
    lines = [json.loads(x) for x in (tmp_path / "out/records.jsonl").read_text().splitlines()]
    dataset = synthlab.Dataset(recipe)
    assert len(dataset) == 40
    assert dataset[5].values["x"] == lines[5]["x"]
    assert dataset[-1].index == 39
    streamed = list(synthlab.generate(recipe, indices=[5, 6]))
    assert [s.values for s in streamed] == [dataset[5].values, dataset[6].values]


def test_dataset_pickles_without_its_generator(write_recipe) -> None:
    import pickle

    dataset = synthlab.Dataset(write_recipe())
    first = dataset[3]
    clone = pickle.loads(pickle.dumps(dataset))
    assert clone._maker is None
    assert clone[3].values == first.values


def test_manifest_records_provenance(write_recipe, tmp_path: Path, digest_tree) -> None:
    recipe = synthlab.load_recipe(write_recipe())
    synthlab.render(recipe, tmp_path / "out", workers=1)
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["count"] == 40
    assert manifest["synthlab"] == synthlab.__version__
    assert "numpy" in manifest["libraries"]
    assert "SeedSequence" in manifest["seed_derivation"]
    assert manifest["quotas"] == {"rare": {"asked": 4, "got": 4}}
    assert manifest["recipe"]["generator"]["kind"] == "debug"
    listed = {entry[0] for entry in manifest["files"]}
    assert listed == set(digest_tree(tmp_path / "out")) - {"manifest.json"}
    index = [json.loads(x) for x in (tmp_path / "out/samples.jsonl").read_text().splitlines()]
    assert [r["spawn_key"] for r in index] == [[i] for i in range(40)]


def test_key_order_is_part_of_the_recipe(write_recipe, tmp_path: Path) -> None:
    """Mapping order decides the order of draws, so it must also change the content hash."""
    from synthlab.engine.render import content_sha256

    text = write_recipe().read_text()
    swapped = text.replace(
        "      x: {uniform: [0, 1]}\n      y: {normal: {mean: 0, std: 2, min: -1, max: 3}}\n",
        "      y: {normal: {mean: 0, std: 2, min: -1, max: 3}}\n      x: {uniform: [0, 1]}\n",
    )
    assert swapped != text
    first = synthlab.load_recipe(write_recipe(text, name="a.yaml"))
    second = synthlab.load_recipe(write_recipe(swapped, name="b.yaml"))
    assert content_sha256(first, range(40), ("jsonl",)) != content_sha256(
        second, range(40), ("jsonl",)
    )

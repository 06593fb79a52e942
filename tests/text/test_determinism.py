"""Same recipe and seed: identical bytes with 1 or 2 workers; another seed: other bytes."""

from __future__ import annotations

import json
from pathlib import Path


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".synthlab" not in p.parts
    }


def test_one_and_two_workers_give_identical_bytes(kit, pii_params, tmp_path):
    pii_params["splits"] = {"train": 0.5, "test": 0.5}
    pii_params["noise"] = {"typo": 0.1, "lowercase": 0.1, "whitespace": 0.1}
    data = kit.recipe_dict(
        pii_params, count=50, quotas={"IBAN": 2}, output={"formats": kit.ALL_FORMATS}
    )
    kit.render(data, tmp_path / "one", workers=1, shard_size=50)
    kit.render(data, tmp_path / "two", workers=2, shard_size=7)
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert one.keys() == two.keys()
    different = [name for name in one if one[name] != two[name]]
    assert different == []
    assert "spacy/test/0000.spacy" in one and "hf/data/train.parquet" in one

    data["seed"] = 12
    kit.render(data, tmp_path / "other", workers=1)
    other = _files(tmp_path / "other")
    assert other["text/train.jsonl"] != one["text/train.jsonl"]


def test_manifest_records_the_faker_version(kit, pii_params, tmp_path):
    from importlib.metadata import version

    kit.render(kit.recipe_dict(pii_params, count=5), tmp_path / "out", workers=1)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["libraries"]["faker"] == version("faker")


def test_verify_regenerate_warns_when_the_installed_faker_differs(kit, pii_params, tmp_path):
    from importlib.metadata import version

    from click.testing import CliRunner

    from synthlab.cli import main

    out = tmp_path / "out"
    kit.render(kit.recipe_dict(pii_params, count=10), out, workers=1)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["libraries"]["faker"] = "1.0.0"
    manifest_path.write_text(json.dumps(manifest))
    result = CliRunner().invoke(main, ["verify", str(out), "--regenerate", "3"])
    assert (
        f"warning: faker {version('faker')} is installed but the dataset was made with faker "
        "1.0.0; values it draws may differ" in result.output
    )
    # only the record was edited: the installed Faker made the files, so they still match
    assert "identical to the files on disk" in result.output


def test_a_sample_regenerated_alone_is_identical(kit, pii_params, tmp_path):
    from synthlab.engine.verify import regenerate_and_compare

    kit.render(kit.recipe_dict(pii_params, count=20), tmp_path / "out", workers=1)
    indices, problems = regenerate_and_compare(tmp_path / "out", 5, pick_seed=3)
    assert len(indices) == 5 and problems == []


def test_live_faker_calls_are_seeded_per_sample(kit, pii_params):
    pii_params["pool_size"] = 0
    first = [s.text for s in kit.samples(kit.recipe_dict(pii_params, count=12))]
    again = [s.text for s in kit.samples(kit.recipe_dict(pii_params, count=12))]
    assert first == again
    assert len(set(first)) == len(first)


def test_generate_and_iterating_a_dataset_make_batches_of_the_same_samples(kit, pii_params):
    import synthlab

    recipe = kit.load(kit.recipe_dict(pii_params, count=600, quotas={"IBAN": 3}))
    alone = synthlab.Dataset(recipe)
    expected = {i: alone[i] for i in (0, 1, 13, 511, 512, 599)}
    streamed = list(synthlab.generate(recipe))  # two batches
    assert [s.index for s in streamed] == list(range(600))
    assert all(streamed[i] == sample for i, sample in expected.items())
    assert list(synthlab.Dataset(recipe)) == streamed
    backwards = list(synthlab.generate(recipe, indices=[599, 13, 0]))
    assert backwards == [expected[599], expected[13], expected[0]]
    alone.close()

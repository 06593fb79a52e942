"""The engine's own shard size keeps every worker busy to the end; a written one is kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import synthlab
from synthlab.engine.render import SHARDS_PER_WORKER, chosen_shard_size

WRITTEN = "output:\n  shard_size: 7\n"


def _without_shard_size(write_recipe, count: int) -> Path:
    """The tests' debug recipe with its `output.shard_size` line taken out."""
    path = write_recipe(count=count)
    text = path.read_text()
    assert WRITTEN in text
    path.write_text(text.replace(WRITTEN, ""))
    return path


def _shard_sizes(out: Path) -> list[int]:
    run = json.loads((out / ".synthlab" / "run.json").read_text())
    return [shard["samples"] for shard in run["shards"]]


def test_default_shard_size_gives_each_worker_several_shards(
    write_recipe, tmp_path: Path, digest_tree
) -> None:
    recipe = synthlab.load_recipe(_without_shard_size(write_recipe, 200))
    synthlab.render(recipe, tmp_path / "two", workers=2)
    synthlab.render(recipe, tmp_path / "one", workers=1)
    # 200 samples, 2 workers: 25 a shard instead of the default 64 (64, 64, 64, 8)
    assert _shard_sizes(tmp_path / "two") == [25] * 2 * SHARDS_PER_WORKER
    assert _shard_sizes(tmp_path / "one") == [50] * SHARDS_PER_WORKER
    assert digest_tree(tmp_path / "one") == digest_tree(tmp_path / "two")


def test_large_runs_keep_the_default_ceiling(write_recipe) -> None:
    recipe = synthlab.load_recipe(_without_shard_size(write_recipe, 10))
    assert chosen_shard_size(recipe, None, 1_000_000, 2, 1) == 64


def test_written_or_asked_shard_size_is_kept(write_recipe, tmp_path: Path) -> None:
    recipe = synthlab.load_recipe(write_recipe(count=200))  # output.shard_size: 7
    synthlab.render(recipe, tmp_path / "written", workers=2)
    assert _shard_sizes(tmp_path / "written") == [7] * 28 + [4]
    synthlab.render(recipe, tmp_path / "asked", workers=2, shard_size=90)
    assert _shard_sizes(tmp_path / "asked") == [90, 90, 20]


@pytest.mark.parametrize(
    ("samples", "workers", "multiple", "expected"),
    [(200, 2, 1, 25), (200, 2, 8, 32), (30, 1, 4, 8), (3, 4, 1, 1), (0, 2, 1, 1)],
)
def test_chosen_size_is_a_multiple_of_what_is_made_together(
    write_recipe, samples: int, workers: int, multiple: int, expected: int
) -> None:
    recipe = synthlab.load_recipe(_without_shard_size(write_recipe, 10))
    assert chosen_shard_size(recipe, None, samples, workers, multiple) == expected


def test_a_fast_generator_sizes_its_own_shards(tmp_path: Path) -> None:
    """Text makes tens of thousands of samples a second: its shards may hold up to 5000
    (64 would spend most of a run on per-shard work), still cut for balance."""
    from synthlab.generators.base import get_generator_spec

    recipe = synthlab.load_recipe(_write_text_recipe(tmp_path, 20_000))  # no shard_size
    ceiling = get_generator_spec("text").shard_ceiling
    assert ceiling == 5000
    assert chosen_shard_size(recipe, None, 1_000_000, 2, 1, ceiling) == 5000
    assert chosen_shard_size(recipe, None, 100_000, 2, 1, ceiling) == 5000
    assert chosen_shard_size(recipe, None, 1000, 2, 1, ceiling) == 125  # 4 per worker
    synthlab.render(recipe, tmp_path / "out", workers=1)
    assert _shard_sizes(tmp_path / "out") == [5000] * 4


def _write_text_recipe(folder: Path, count: int) -> Path:
    path = folder / "text.yaml"
    path.write_text(
        "version: 1\nname: t\nseed: 3\n"
        f"count: {count}\n"
        "generator:\n  kind: text\n  params:\n"
        "    templates: [{id: a, text: 'Hi {{who:PERSON}}'}]\n"
        "    values: {who: {words: [Ann, Bo]}}\n"
    )
    return path

"""The text generator makes a shard's samples together (`make_batch`, counter-based rows).
Sample i must come out byte-identical whatever batch it is made in: alone (`--only`,
`verify --regenerate`, `Dataset[i]`), in shards of any size, with 1 or 2 workers."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from synthlab.engine.render import render_dataset
from synthlab.engine.sampling import BATCH, SampleMaker
from synthlab.engine.verify import regenerate_and_compare
from synthlab.generators.base import SamplePlan
from synthlab.generators.text.stream import WIDTH
from synthlab.samples.text import TextSample
from synthlab.samples.text_pieced import PiecedTextSample


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".synthlab" not in p.parts
    }


def _lines(out: Path, relpath: str) -> dict[int, str]:
    lines = (out / relpath).read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["index"]: line for line in lines}


@pytest.fixture
def batch_params(pii_params: dict[str, Any]) -> dict[str, Any]:
    # a 40-character pattern needs more draws than a row holds: the fallback draws too
    pii_params["values"]["ref"] = {"pattern": "?" * 40}
    pii_params["templates"].append({"id": "ref", "text": "Ref {{ref:REF}} for {{name:PERSON}}"})
    return pii_params


@pytest.mark.parametrize("shard_size", [3, 7, 40])
def test_shard_size_and_workers_do_not_change_bytes(kit, batch_params, tmp_path, shard_size):
    data = kit.recipe_dict(batch_params, count=60, quotas={"IBAN": 3})
    kit.render(data, tmp_path / "base", workers=1, shard_size=60)
    kit.render(data, tmp_path / "one", workers=1, shard_size=shard_size)
    kit.render(data, tmp_path / "two", workers=2, shard_size=shard_size)
    base = _files(tmp_path / "base")
    assert _files(tmp_path / "one") == base
    assert _files(tmp_path / "two") == base


def test_only_and_verify_regenerate_the_same_samples(kit, batch_params, tmp_path):
    data = kit.recipe_dict(batch_params, count=50, quotas={"IBAN": 2})
    kit.render(data, tmp_path / "all", workers=1, shard_size=50)
    picked = [0, 7, 23, 49]
    kit.render(data, tmp_path / "some", workers=1, only=picked)
    full = _lines(tmp_path / "all", "text/train.jsonl")
    alone = _lines(tmp_path / "some", "text/train.jsonl")
    assert alone == {i: full[i] for i in picked}
    full_index = _lines(tmp_path / "all", "samples.jsonl")
    assert _lines(tmp_path / "some", "samples.jsonl") == {i: full_index[i] for i in picked}
    indices, problems = regenerate_and_compare(tmp_path / "all", 10, pick_seed=1)
    assert len(indices) == 10 and problems == []


def test_make_alone_equals_make_in_a_batch(kit, batch_params):
    recipe = kit.load(kit.recipe_dict(batch_params, count=BATCH + 20))
    maker = SampleMaker.open(recipe)
    try:
        together = list(maker.make_many(range(recipe.count)))
        for index in (0, 1, WIDTH, BATCH - 1, BATCH, BATCH + 19):
            assert maker.make(index) == together[index]
        # a batch of scattered indices: each sample is still the same
        scattered = maker.generator.make_batch(
            [3, BATCH + 2], [SamplePlan(3), SamplePlan(BATCH + 2)]
        )
        assert scattered == [together[3], together[BATCH + 2]]
    finally:
        maker.close()


def test_the_long_pattern_reads_past_the_precomputed_row(kit, batch_params):
    samples = kit.samples(kit.recipe_dict(batch_params, count=40))
    refs = [s.text for s in samples if s.template_id == "ref"]
    assert refs and all(len(s.split()[1]) == 40 for s in refs)
    assert len({r.split()[1] for r in refs}) == len(refs)  # 40 letters each, all different


def test_another_seed_gives_other_samples(kit, batch_params, tmp_path):
    data = kit.recipe_dict(batch_params, count=30)
    kit.render(data, tmp_path / "a", workers=1)
    data["seed"] = 12
    kit.render(data, tmp_path / "b", workers=1)
    a = _lines(tmp_path / "a", "text/train.jsonl")
    b = _lines(tmp_path / "b", "text/train.jsonl")
    assert sum(a[i] != b[i] for i in a) >= 28


def test_manifest_names_the_counter_derivation(kit, batch_params, tmp_path):
    kit.render(kit.recipe_dict(batch_params, count=5), tmp_path / "out", workers=1)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert "SplitMix64" in manifest["seed_derivation"]


def test_a_failing_sample_is_named_by_its_index(kit, batch_params, monkeypatch):
    from synthlab.errors import RuntimeFailure

    recipe = kit.load(kit.recipe_dict(batch_params, count=20))
    maker = SampleMaker.open(recipe)
    make = maker.generator._compiled_sample  # type: ignore[attr-defined]

    def broken(index: int, *args: Any) -> Any:
        if index == 13:
            raise ValueError("boom")
        return make(index, *args)

    monkeypatch.setattr(maker.generator, "_compiled_sample", broken)
    with pytest.raises(RuntimeFailure, match="failed at sample 13: ValueError: boom"):
        list(maker.make_many(range(20)))
    maker.close()


def test_from_pieces_sets_every_field_but_those_made_on_read() -> None:
    """`PiecedTextSample.from_pieces` fills `__dict__` itself: a field added to `TextSample`
    must be added there too."""
    made_on_read = {"text", "spans", "tokens", "tags"}
    names = [f.name for f in dataclasses.fields(TextSample) if f.name not in made_on_read]
    values = {name: number for number, name in enumerate([*names, "shape", "fills"])}
    sample = PiecedTextSample.from_pieces(**values)  # type: ignore[arg-type]
    assert vars(sample) == values


def test_pieced_samples_are_plain_text_samples_to_everyone(kit, batch_params) -> None:
    """Samples written as pieces make text, spans, tokens and tags when read; they equal,
    pickle and copy as the plain `TextSample` with the same fields."""
    samples = kit.samples(kit.recipe_dict(batch_params, count=30))
    pieced = [s for s in samples if isinstance(s, PiecedTextSample)]
    assert len(pieced) >= 20  # the common case takes this path
    names = [f.name for f in dataclasses.fields(TextSample)]
    for sample in pieced:
        unread = {"text", "spans", "tokens", "tags"}
        assert set(vars(sample)) == (set(names) - unread) | {"shape", "fills"}
        plain = TextSample(**{name: getattr(sample, name) for name in names})
        assert sample == plain and plain == sample
        for either in (sample, plain):  # unhashable alike (metadata is a dict)
            with pytest.raises(TypeError, match="unhashable"):
                hash(either)
        assert all(sample.text[s.start : s.end] == s.text for s in sample.spans)
        restored = pickle.loads(pickle.dumps(sample))
        assert type(restored) is TextSample and restored == plain
        assert copy.deepcopy(sample) == plain
        replaced = dataclasses.replace(sample, split="test")
        assert replaced == dataclasses.replace(plain, split="test")
        assert replaced.text == sample.text and replaced.spans == sample.spans
    different = dataclasses.replace(pieced[0], text=pieced[0].text + "!")
    assert pieced[0] != different and different != pieced[0]


@pytest.mark.slow
def test_ray_executor_gives_the_same_bytes(kit, batch_params, tmp_path):
    pytest.importorskip("ray")
    data = kit.recipe_dict(batch_params, count=30)
    recipe = kit.load(data)
    render_dataset(recipe, tmp_path / "local", workers=1, shard_size=7)
    render_dataset(recipe, tmp_path / "ray", workers=2, shard_size=7, executor="ray")
    assert _files(tmp_path / "ray") == _files(tmp_path / "local")


def test_pools_inherited_from_the_driver_or_built_in_each_worker_give_the_same_bytes(
    kit, batch_params, tmp_path, monkeypatch
):
    import synthlab.engine.local as local
    import synthlab.engine.shard as shard

    # pools of 3 (iban and people, six locales: 36 entries) fill in the driver for 40
    # samples; the rest of the tests' pools are larger than their runs
    batch_params["pool_size"] = 3
    data = kit.recipe_dict(batch_params, count=40)
    prepared: list[str] = []
    real = shard.prepare_in_driver

    def counted(job: Any, workers: int) -> None:
        prepared.append(job.job_id)
        real(job, workers)
        bank = shard._worker.maker.generator.bank  # type: ignore[union-attr]
        pools = [*bank._pools.values(), *bank._identities.values()]
        assert len(pools) == 12 and all(pool.made() == 3 for pool in pools)  # before the fork
        # and the fills of the compiled walks' tables (3 entries x 6 locales <= 40 samples)
        tables = shard._worker.maker.generator.runner._tables.values()  # type: ignore[union-attr]
        assert tables and all(None not in fills for t in tables for fills in t.of_locale.values())

    monkeypatch.setattr(local, "prepare_in_driver", counted)
    kit.render(data, tmp_path / "inherited", workers=2, shard_size=7)
    assert len(prepared) == 1
    assert shard._worker is None  # the driver let go of it after the run
    monkeypatch.setattr(local, "prepare_in_driver", lambda job, workers: None)
    kit.render(data, tmp_path / "own", workers=2, shard_size=7)
    kit.render(data, tmp_path / "one", workers=1, shard_size=7)
    assert _files(tmp_path / "inherited") == _files(tmp_path / "own") == _files(tmp_path / "one")


def test_pool_entries_are_made_on_first_draw_and_do_not_depend_on_the_run(kit, batch_params):
    """Entry k of a pool depends only on (seed, value, locale, k): a short run makes only
    the blocks of entries its samples draw from, equal to those of a pool filled at once."""
    from synthlab.generators.text.pools import BLOCK

    batch_params["pool_size"] = 5000
    recipe = kit.load(kit.recipe_dict(batch_params, count=30))
    maker = SampleMaker.open(recipe)
    maker.generator.prepare_shared()  # 30 samples, 60,000 entries: nothing filled up front
    samples = list(maker.make_many(range(30)))
    bank = maker.generator.bank
    made = sum(pool.made() for pool in [*bank._pools.values(), *bank._identities.values()])
    assert 0 < made <= 30 * 2 * BLOCK  # an IBAN and a person at most per sample
    whole = SampleMaker.open(recipe)
    whole.generator.bank.build_pools()
    for key, pool in bank._pools.items():
        full = whole.generator.bank._pools[key]
        assert all(pool[k] == full[k] for k in range(len(pool)) if pool._entries[k] is not None)
    assert list(whole.make_many(range(30))) == samples
    maker.close()
    whole.close()


def test_pools_filled_by_several_processes_hold_the_same_entries(kit, batch_params, monkeypatch):
    """With workers to share it, the driver fills the pools with forked helpers, each making
    every n-th block and sending it back: the entries are those of one process alone."""
    import synthlab.generators.text.pools as pools_module

    batch_params["pool_size"] = 400  # 12 pools of 50 blocks: enough for a helper
    recipe = kit.load(kit.recipe_dict(batch_params, count=30))
    forks: list[int] = []
    real_executor = pools_module.ProcessPoolExecutor

    def counted_executor(helpers: int, **kwargs: Any) -> Any:
        forks.append(helpers)
        return real_executor(helpers, **kwargs)

    monkeypatch.setattr(pools_module, "ProcessPoolExecutor", counted_executor)
    makers = [SampleMaker.open(recipe) for _ in range(2)]
    makers[0].generator.bank.build_pools(1)
    makers[1].generator.bank.build_pools(2)
    assert forks == [1]  # one helper beside this process, for the second only
    alone, shared = (maker.generator.bank for maker in makers)
    for key, pool in alone._pools.items():
        assert list(pool) == list(shared._pools[key])
    for key, people in alone._identities.items():
        assert [p.fields for p in people] == [p.fields for p in shared._identities[key]]
    assert pools_module._filling == ()  # the helpers' view let go
    for maker in makers:
        maker.close()


def test_fills_made_in_advance_equal_those_made_on_draw_and_skip_empty_entities():
    """`TableFills.make_all` (the driver's fills before workers fork) makes the fill a draw
    would make, and leaves an empty value where an entity goes to its draw, which refuses it
    (a run that never draws it must not fail)."""
    from synthlab.generators.text.fast.fills import FillCache, TableFills
    from synthlab.generators.text.fast.pieces import PieceTokens

    values = ["Ana Lima", "  ", " Bo Li ", "x@y.org"]
    entity = TableFills("name", len(values), lambda locale, k: values[k], True)
    entity.make_all(FillCache(PieceTokens("BIO")), "en_US")
    made = entity.of_locale["en_US"]
    assert made[1] is None and all(made[k] is not None for k in (0, 2, 3))
    drawn = FillCache(PieceTokens("BIO"))
    for k in (0, 2, 3):
        fill = drawn.of(values[k], "name", True)
        assert fill is not None and made[k] is not None
        assert (made[k].json_text, made[k].lead, made[k].comma_tokens) == (
            fill.json_text,
            fill.lead,
            fill.comma_tokens,
        )
    with pytest.raises(RuntimeError, match="came out empty"):
        entity.fill(FillCache(PieceTokens("BIO")), "en_US", 1)
    context = TableFills("word", len(values), lambda locale, k: values[k], False)
    context.make_all(FillCache(PieceTokens("BIO")), "en_US")
    assert all(fill is not None for fill in context.of_locale["en_US"])

"""Quotas are exact, spread over the index range, and computable one index at a time."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import synthlab
from synthlab.quotas import QuotaPlan
from synthlab.recipe.model import quota_count


def test_fraction_rounds_up_and_is_at_least_one() -> None:
    assert quota_count(0.05, 1000) == 50  # not 51 from float error
    assert quota_count(0.05, 20) == 1
    assert quota_count(0.01, 20) == 1
    assert quota_count(0.07, 100) == 7
    assert quota_count("5%", 1000) == 50
    assert quota_count(3, 1000) == 3
    assert quota_count(0.0, 50) == 0


@settings(max_examples=200, deadline=None)
@given(
    count=st.integers(1, 400),
    wanted=st.lists(st.integers(0, 60), min_size=1, max_size=4),
    seed=st.integers(0, 2**32),
)
def test_every_quota_is_met_exactly_and_never_twice(
    count: int, wanted: list[int], seed: int
) -> None:
    quotas = {f"c{i}": n for i, n in enumerate(wanted)}
    if sum(wanted) > count:
        return
    plan = QuotaPlan.build(quotas, count, seed)
    got = {name: 0 for name in quotas}
    for index in range(count):
        assigned = plan.conditions_for(index)
        assert len(assigned) <= 1
        for name in assigned:
            got[name] += 1
        assert plan.forbidden_for(index) == frozenset(quotas) - assigned
    assert got == quotas


def test_quota_samples_are_spread_not_bunched() -> None:
    plan = QuotaPlan.build({"fall": 50}, 1000, seed=3)
    positions = [i for i in range(1000) if plan.conditions_for(i)]
    gaps = {b - a for a, b in itertools.pairwise(positions)}
    assert len(positions) == 50
    assert gaps <= {19, 20, 21}  # evenly spaced, one every 20 samples
    assert positions[0] < 20 and positions[-1] >= 980


def test_two_quotas_interleave() -> None:
    plan = QuotaPlan.build({"a": 10, "b": 10}, 100, seed=1)
    order = [next(iter(plan.conditions_for(i))) for i in range(100) if plan.conditions_for(i)]
    first_half = order[:10]
    assert 3 <= first_half.count("a") <= 7  # not all of one kind first


def test_placement_depends_on_seed_not_key_order() -> None:
    one = QuotaPlan.build({"a": 3, "b": 2}, 50, seed=1)
    two = QuotaPlan.build({"b": 2, "a": 3}, 50, seed=1)
    other = QuotaPlan.build({"a": 3, "b": 2}, 50, seed=2)
    placed = [one.conditions_for(i) for i in range(50)]
    assert placed == [two.conditions_for(i) for i in range(50)]
    assert placed != [other.conditions_for(i) for i in range(50)]


def test_a_twenty_sample_fixture_gets_its_rare_events(write_recipe, tmp_path: Path) -> None:
    recipe = synthlab.load_recipe(write_recipe(count=20), sets=["quotas.rare=0.01"])
    synthlab.render(recipe, tmp_path / "out", workers=1)
    index = [json.loads(x) for x in (tmp_path / "out/samples.jsonl").read_text().splitlines()]
    assert sum("rare" in r["conditions"] for r in index) == 1
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert manifest["quotas"]["rare"] == {"asked": 1, "got": 1}


def test_a_run_without_quotas_plans_nothing_for_each_sample() -> None:
    """The plan of a quota-free run is built without the dataclass constructor (it is made
    for every sample); it must be the very object the constructor makes."""
    import dataclasses
    import pickle

    from synthlab.engine.sampling import _unplanned
    from synthlab.generators.base import SamplePlan

    plan = _unplanned(7)
    assert type(plan) is SamplePlan and plan == SamplePlan(7)
    assert vars(plan) == vars(SamplePlan(7))
    assert [f.name for f in dataclasses.fields(SamplePlan)] == ["index", "require", "forbid"]
    assert pickle.loads(pickle.dumps(plan)) == SamplePlan(7)
    assert dataclasses.replace(plan, index=8) == SamplePlan(8)

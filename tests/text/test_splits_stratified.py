"""Splits by sample (the default): every quota class and entity type in every split, in
proportion; a sample's split is the same made alone or in a batch. Template-disjoint splits
stay available and warn when a split cannot hold a quota class."""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthlab.engine.sampling import SampleMaker
from synthlab.generators.text.generator import SplitWarning
from synthlab.generators.text.splits import SampleSplitter, allocate, quota_rank
from synthlab.quotas import QuotaPlan

RARE_PARAMS: dict[str, Any] = {
    "values": {
        "card": {"pattern": "4### #### #### ####"},
        "city": {"words": ["Lyon", "Oslo", "Quito"]},
    },
    "templates": [
        {"id": "normal-1", "text": "Order shipped to {{city:CITY}}.", "tags": ["normal"]},
        {"id": "normal-2", "text": "Where is {{city:CITY}}?", "tags": ["normal"]},
        {"id": "normal-3", "text": "Thanks from {{city:CITY}}!", "tags": ["normal"]},
        {"id": "fraud", "text": "Card {{card:CARD}} declined 9 times.", "tags": ["fraud"]},
    ],
    "splits": {"train": 0.8, "test": 0.2},
}


def _made(kit: Any, params: dict[str, Any], **top: Any) -> list[Any]:
    return kit.samples(kit.recipe_dict(params, **top))


def test_a_rare_class_is_in_every_split_in_proportion(kit):
    samples = _made(kit, RARE_PARAMS, count=400, quotas={"fraud": 10})
    fraud = Counter(s.split for s in samples if "fraud" in s.classes)
    assert fraud == {"train": 8, "test": 2}
    everyone = Counter(s.split for s in samples)
    assert abs(everyone["test"] - 80) <= 2, everyone


def test_template_splits_put_whole_templates_in_one_split_and_warn(kit):
    params = {**RARE_PARAMS, "split_by": "template"}
    recipe = kit.load(kit.recipe_dict(params, count=200, quotas={"fraud": 10}))
    with pytest.warns(SplitWarning, match=r"split '\w+' holds no template .* 'fraud'"):
        maker = SampleMaker.open(recipe)
    samples = [maker.make(i) for i in range(recipe.count)]
    maker.close()
    split_of: dict[str, set[str]] = {}
    for sample in samples:
        split_of.setdefault(sample.template_id, set()).add(sample.split)
    assert all(len(splits) == 1 for splits in split_of.values())
    assert {s.split for s in samples} == {"train", "test"}


def test_sample_splits_do_not_warn(kit):
    recipe = kit.load(kit.recipe_dict(RARE_PARAMS, count=50, quotas={"fraud": 2}))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SplitWarning)
        SampleMaker.open(recipe).close()


def test_split_is_the_same_alone_or_in_a_batch_and_follows_the_seed(kit):
    data = kit.recipe_dict(RARE_PARAMS, count=120, quotas={"fraud": 6})
    recipe = kit.load(data)
    maker = SampleMaker.open(recipe)
    batch = [s.split for s in maker.make_many(range(120))]
    alone = [maker.make(i).split for i in (0, 7, 63, 119)]
    maker.close()
    assert alone == [batch[i] for i in (0, 7, 63, 119)]
    assert batch == [s.split for s in kit.samples(data)]
    other = [s.split for s in kit.samples({**data, "seed": 12})]
    assert other != batch


def test_quota_rank_agrees_with_the_plan():
    plan = QuotaPlan.build({"a": 7, "b": 3, "c": 0}, 101, seed=4)
    ranks: dict[str, list[int]] = {}
    for index in range(101):
        found = quota_rank(plan, index)
        conditions = plan.conditions_for(index)
        assert (found is None) == (not conditions)
        if found is not None:
            assert conditions == {found[0]}
            ranks.setdefault(found[0], []).append(found[1])
    assert sorted(ranks["a"]) == list(range(7)) and sorted(ranks["b"]) == list(range(3))


def test_allocate_is_proportional_and_leaves_no_split_empty():
    assert allocate(10, {"train": 0.8, "test": 0.2}) == [("train", 8), ("test", 2)]
    assert allocate(3, {"train": 0.9, "validation": 0.05, "test": 0.05}) == [
        ("train", 1),
        ("test", 1),
        ("validation", 1),
    ]
    assert allocate(1, {"train": 0.5, "test": 0.5}) == [("test", 1), ("train", 0)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(50, 3000),
    seed=st.integers(0, 2**31),
    quotas=st.lists(st.integers(3, 40), min_size=1, max_size=4),
    fractions=st.lists(st.integers(1, 10), min_size=2, max_size=3),
)
def test_every_quota_class_is_in_every_split_in_proportion(count, seed, quotas, fractions):
    """Property: over random quota plans and split fractions, a quota of n >= number of
    splits puts at least one sample in every split, each split within one sample of its
    share (a floor raised to one aside)."""
    names = ["train", "validation", "test"][: len(fractions)]
    split_fractions = {n: f / sum(fractions) for n, f in zip(names, fractions, strict=True)}
    wanted = {f"class{k}": n for k, n in enumerate(quotas)}
    if sum(wanted.values()) > count:
        return
    plan = QuotaPlan.build(wanted, count, seed)
    splitter = SampleSplitter(split_fractions, seed)
    splitter.use_quota_plan(plan)
    got: dict[str, Counter[str]] = {name: Counter() for name in wanted}
    for index in range(count):
        conditions = plan.conditions_for(index)
        split = splitter.split_of(index, bool(conditions))
        for condition in conditions:
            got[condition][split] += 1
    for name, n in wanted.items():
        assert set(got[name]) == set(names), (name, got[name])
        for split in names:
            share = n * split_fractions[split]
            assert got[name][split] <= max(1, share + 1) and got[name][split] >= min(share - 1, 1)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 2**31),
    rare=st.integers(2, 12),
    cards=st.integers(2, 12),
    test_fraction=st.sampled_from([0.1, 0.25, 0.5]),
)
def test_rendered_recipes_hold_every_quota_class_in_every_split(
    kit, seed, rare, cards, test_fraction
):
    """The same property through the real generator: random recipes, class and entity
    quotas, every quota condition found in both splits of the samples made."""
    params = {**RARE_PARAMS, "splits": {"train": 1 - test_fraction, "test": test_fraction}}
    params["templates"] = [
        *RARE_PARAMS["templates"],
        {"id": "card", "text": "Paid with {{card:CARD}} in {{city:CITY}}.", "tags": ["normal"]},
        {"id": "fraud-2", "text": "Logins failed from {{city:CITY}}.", "tags": ["fraud"]},
    ]
    samples = _made(kit, params, count=150, seed=seed, quotas={"fraud": rare, "CARD": cards})
    for condition in ("fraud", "CARD"):
        holders = Counter(s.split for s in samples if condition in s.conditions)
        assert set(holders) == {"train", "test"}, (condition, holders)

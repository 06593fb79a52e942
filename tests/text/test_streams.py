"""The pieces under the batch path: counter-based uniforms, value pools, tokens assembled from
cached pieces, and the engine's spelled-out index line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from synthlab.engine.shard import ShardWriter
from synthlab.generators.text.fast.pieces import PieceTokens
from synthlab.generators.text.stream import Draws
from synthlab.generators.text.tokenize import tokenize
from synthlab.generators.text.values import ValueBank, ascii_fold
from synthlab.jsonio import canonical_json
from synthlab.samples import Sample
from synthlab.samples.text import EntitySpan
from synthlab.samples.text_tags import bio_tags
from synthlab.seeding import (
    counter_bits,
    counter_key,
    counter_row,
    counter_uniform,
    counter_uniforms,
)

# -- counter-based uniforms ------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**63 - 1), st.integers(0, 2**63 - 1), st.integers(0, 40))
def test_vector_and_scalar_draws_agree(seed: int, index: int, draw: int) -> None:
    key = counter_key(seed)
    row = counter_uniforms(key, [index], draw + 1)[0]
    assert row[draw] == counter_uniform(counter_row(key, index), draw)
    assert 0.0 <= row[draw] < 1.0


def test_a_row_does_not_depend_on_its_batch() -> None:
    key = counter_key(5)
    together = counter_uniforms(key, range(100), 8)
    assert np.array_equal(counter_uniforms(key, [42], 8)[0], together[42])
    assert np.array_equal(counter_uniforms(key, [97, 3], 8), together[[97, 3]])


def test_seeds_and_indices_give_different_rows() -> None:
    a = counter_uniforms(counter_key(1), range(1000), 4)
    b = counter_uniforms(counter_key(2), range(1000), 4)
    assert len({tuple(r) for r in a.tolist()}) == 1000
    assert not np.any(np.all(a == b, axis=1))


def test_uniforms_look_uniform_and_independent() -> None:
    u = counter_uniforms(counter_key(7), range(100_000), 6)
    assert abs(u.mean() - 0.5) < 0.005
    assert abs(u.var() - 1 / 12) < 0.002
    counts = np.histogram(u[:, 0], bins=20, range=(0, 1))[0]
    chi2 = ((counts - 5000) ** 2 / 5000).sum()
    assert chi2 < 60  # 19 degrees of freedom: p < 1e-5 above this
    for a, b in [(u[:, 0], u[:, 1]), (u[:-1, 0], u[1:, 0]), (u[:, 2], u[:, 5])]:
        assert abs(np.corrcoef(a, b)[0, 1]) < 0.02


def test_draws_past_the_row_and_library_seeds_follow_the_formula() -> None:
    key = counter_key(3)
    row = counter_uniforms(key, [9], 4)[0].tolist()
    draws = Draws(row, key, 9)
    got = [draws.random() for _ in range(6)]
    assert got == [counter_uniform(counter_row(key, 9), d) for d in range(6)]
    assert draws.take(2) == [counter_uniform(counter_row(key, 9), d) for d in (6, 7)]
    assert draws.seed64() == counter_bits(counter_row(key, 9), 8) >> 1


# -- value pools -----------------------------------------------------------------------------


def _bank(params_dict: dict[str, Any], seed: int, kit: Any) -> ValueBank:
    recipe = kit.load(kit.recipe_dict(params_dict, seed=seed))
    return ValueBank(recipe.generator.params, Path("."), seed)


def test_pools_depend_only_on_seed_value_and_locale(kit, pii_params) -> None:
    first, again = _bank(pii_params, 11, kit), _bank(pii_params, 11, kit)

    def iban(bank: ValueBank, locale: str) -> list[str]:
        return list(bank._faker_pool("iban", bank.params.values["iban"], locale))

    # made in a different order (another locale first, entries backwards): the same pools
    de_first = iban(again, "de_DE")
    backwards = again._faker_pool("iban", again.params.values["iban"], "en_US")
    assert [backwards[k] for k in reversed(range(len(backwards)))][::-1] == iban(first, "en_US")
    assert de_first == iban(first, "de_DE")
    assert len(set(de_first)) == len(de_first)  # every entry seeded apart
    assert [p.fields for p in first._identity_pool("fr_FR")] == [
        p.fields for p in again._identity_pool("fr_FR")
    ]
    assert iban(_bank(pii_params, 12, kit), "en_US") != iban(first, "en_US")


def test_pool_size_bounds_the_distinct_values(kit, pii_params) -> None:
    pii_params["pool_size"] = 5
    pii_params["locales"] = {"en_US": 1}
    samples = kit.samples(kit.recipe_dict(pii_params, count=200))
    ibans = {s.text for s in samples for s in s.spans if s.label == "IBAN"}
    people = {s.text for s in samples for s in s.spans if s.label == "PERSON"}
    assert 1 < len(ibans) <= 5 and 1 < len(people) <= 5


def test_identity_stays_consistent_within_a_sample(kit, pii_params) -> None:
    samples = kit.samples(kit.recipe_dict(pii_params, count=120))
    checked = 0
    for sample in samples:
        labels = {s.label: s.text for s in sample.spans}
        if {"PERSON", "EMAIL"} <= labels.keys() and sample.locale in ("en_US", "de_DE"):
            first = ascii_fold(labels["PERSON"].split()[0]).lower()
            assert labels["EMAIL"].startswith(f"{first}."), (labels, sample.locale)
            checked += 1
    assert checked


# -- tokens from cached pieces ---------------------------------------------------------------

CHARS = [
    "a", "Z", "é", "e\u0301", "\u0301", "東", "ع", "😀", "🏽", "\u200d", "\ufe0f", "1", " ",
    "\t", "\r\n", ",", ".", ":", "'", "’", "@", "/", "-", "+", "_", "(", "!", "\u00a0",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(CHARS), min_size=1, max_size=5).map("".join), max_size=7),
    st.lists(st.booleans(), min_size=7, max_size=7),
    st.sampled_from(["BIO", "BILOU"]),
)
def test_piece_tokens_equal_whole_text_tokens(
    parts: list[str], entity: list[bool], scheme: str
) -> None:
    spans, labels, position = [], {}, 0
    for number, part in enumerate(parts):
        if entity[number] and part.strip() == part:
            spans.append(EntitySpan(position, position + len(part), "X", part))
            labels[number] = "X"
        position += len(part)
    found = PieceTokens(scheme).tokens(parts, labels)
    if found is None:  # a token might cross a piece boundary: the caller takes the whole text
        return
    whole = tokenize("".join(parts), spans)
    assert found[0] == whole
    assert found[1] == bio_tags(whole, spans, scheme)


def test_pieces_that_join_into_one_token_are_refused() -> None:
    pieces = PieceTokens("BIO")
    assert pieces.tokens(["mail ", "jane", ".doe"], {1: "X"}) is None
    assert pieces.tokens(["e", "\u0301x"], None) is None
    assert pieces.tokens(["to ", "DE89", "."], {1: "IBAN"}) is not None


# -- the engine's index line -----------------------------------------------------------------


def test_index_line_spelled_out_equals_canonical_json(tmp_path: Path) -> None:
    cases: list[dict[str, Any]] = [
        {"template": 'a"b', "locale": "ja_JP", "split": "train", "n": 3},
        {},
        {"x": np.int64(4)},  # the general path
        {"nested": {"b": 1, "a": [1, 2]}},
    ]
    for metadata in cases:
        sample = Sample(index=7, conditions=frozenset({"z", "é"}), metadata=metadata)
        writer = ShardWriter(tmp_path, f"t{len(str(metadata))}")
        writer.index_record(sample, "ab" * 32)
        handle = writer._parts["samples.jsonl"]
        handle.flush()
        written = Path(handle.name).read_text(encoding="utf-8")
        writer.abandon()
        expected = canonical_json(
            {
                "index": 7,
                "spawn_key": [7],
                "conditions": sorted(sample.conditions),
                "digest": "ab" * 32,
                "metadata": metadata,
            }
        )
        assert written == expected + "\n"
        json.loads(written)


def test_index_line_spellings_remembered_per_shard_stay_exact(tmp_path: Path) -> None:
    # the same writer sees values that compare equal but are spelled differently (1, True,
    # 1.0), and the same conditions again: every line is still canonical_json's
    metadatas: list[dict[str, Any]] = [
        {"n": 1, "t": "a"},
        {"n": True, "t": "a"},
        {"n": 1.0, "t": "a"},
        {"n": 1, "t": "a"},
        {"t": "a", "n": 1},
    ]
    writer = ShardWriter(tmp_path, "cache")
    for number, metadata in enumerate(metadatas):
        sample = Sample(index=number, conditions=frozenset({"b", "a"}), metadata=metadata)
        writer.index_record(sample, "cd" * 32)
    handle = writer._parts["samples.jsonl"]
    handle.flush()
    written = Path(handle.name).read_text(encoding="utf-8").splitlines()
    writer.abandon()
    for number, (line, metadata) in enumerate(zip(written, metadatas, strict=True)):
        expected = {
            "index": number,
            "spawn_key": [number],
            "conditions": ["a", "b"],
            "digest": "cd" * 32,
            "metadata": metadata,
        }
        assert line == canonical_json(expected)

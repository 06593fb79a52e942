"""Value distributions: parsing, bounds, and draws that depend only on the stream."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from synthlab.recipe.distributions import (
    Choice,
    Const,
    IntRange,
    LogUniform,
    Normal,
    Uniform,
    parse_value,
)


def test_each_form_parses_to_its_distribution() -> None:
    assert parse_value(2, "float") == Const(2.0)
    assert parse_value("1e-3", "float") == Const(0.001)  # YAML 1.1 reads 1e-3 as a string
    assert isinstance(parse_value({"uniform": [0, 1]}, "float"), Uniform)
    assert isinstance(parse_value({"normal": {"mean": 0, "std": 1, "max": 2}}, "float"), Normal)
    assert isinstance(parse_value({"loguniform": [0.1, 10]}, "float"), LogUniform)
    assert isinstance(parse_value({"int": [1, 3]}, "int"), IntRange)
    assert isinstance(parse_value({"choice": ["a", "b"], "weights": [1, 0]}, "str"), Choice)


def test_values_nest_anywhere_a_number_is_accepted() -> None:
    nested = parse_value({"uniform": [{"choice": [0, 10]}, {"int": [20, 30]}]}, "float")
    rng = np.random.default_rng(0)
    draws = [nested.sample(rng) for _ in range(200)]
    assert all(0 <= d <= 30 for d in draws)
    assert nested.to_raw() == {"uniform": [{"choice": [0.0, 10.0]}, {"int": [20, 30]}]}


@pytest.mark.parametrize(
    ("raw", "kind", "message"),
    [
        ({"uniform": [3, 1]}, "float", "Cannot have uniform low=3.0 > high=1.0"),
        ({"loguniform": [0, 1]}, "float", "loguniform needs low > 0"),
        ({"normal": {"mean": 0, "std": -1}}, "float", "Cannot have std=-1 < 0"),
        ({"normal": {"mean": 0}}, "float", "needs both mean and std"),
        ({"int": [1, 2.5]}, "int", "expected an integer"),
        ({"uniform": [0, 1]}, "int", "draws real numbers"),
        ({"uniform": [0, 1]}, "str", "draws numbers"),
        ({"choice": []}, "str", "non-empty list"),
        ({"choice": [1, 2], "weights": [-1, 1]}, "float", "weights must be >= 0"),
        ({"gauss": [0, 1]}, "float", "unknown distribution 'gauss'"),
        ({"uniform": [0, 1], "extra": 1}, "float", "does not take 'extra'"),
        ([1, 2], "float", "got a list"),
        (True, "float", "expected a number"),
        ("abc", "float", "expected a number"),
    ],
)
def test_bad_values_get_clear_messages(raw: object, kind: str, message: str) -> None:
    with pytest.raises(PydanticCustomError) as caught:
        parse_value(raw, kind)  # type: ignore[arg-type]
    assert message in str(caught.value)


@settings(max_examples=150, deadline=None)
@given(
    low=st.floats(-1e6, 1e6),
    width=st.floats(0, 1e6),
    seed=st.integers(0, 2**32),
)
def test_uniform_stays_in_bounds_and_repeats_for_a_seed(
    low: float, width: float, seed: int
) -> None:
    value = parse_value({"uniform": [low, low + width]}, "float")
    first = [value.sample(np.random.default_rng(seed)) for _ in range(3)]
    again = [value.sample(np.random.default_rng(seed)) for _ in range(3)]
    assert first == again
    assert all(low <= x <= low + width for x in first)


@settings(max_examples=150, deadline=None)
@given(lo=st.floats(-50, 50), hi=st.floats(-50, 50), seed=st.integers(0, 2**32))
def test_normal_clipping_bounds_every_draw(lo: float, hi: float, seed: int) -> None:
    lo, hi = min(lo, hi), max(lo, hi)
    value = parse_value({"normal": {"mean": 0, "std": 30, "min": lo, "max": hi}}, "float")
    rng = np.random.default_rng(seed)
    assert all(lo <= value.sample(rng) <= hi for _ in range(20))


def test_int_range_is_inclusive_and_weights_are_honoured() -> None:
    rng = np.random.default_rng(1)
    ints = {parse_value({"int": [1, 3]}, "int").sample(rng) for _ in range(200)}
    assert ints == {1, 2, 3}
    weighted = parse_value({"choice": ["a", "b"], "weights": [1, 0]}, "str")
    assert {weighted.sample(rng) for _ in range(50)} == {"a"}


def test_constants_draw_nothing() -> None:
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    parse_value(4.0, "float").sample(rng_a)
    assert rng_a.random() == rng_b.random()

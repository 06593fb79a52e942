"""The faster Faker draws give Faker's own values, bit for bit."""

from __future__ import annotations

import random
from collections import OrderedDict

import pytest
from faker import Factory

from synthlab.generators.text.faker_draws import FasterRandom, speed_up

LOCALES = ["en_US", "de_DE", "fr_FR", "es_ES", "ja_JP", "zh_CN"]
# weighted word lists (names, cities, companies, plates) and digit strings (IBAN, phone)
PROVIDERS = [
    "name", "first_name", "last_name", "email", "user_name", "company", "city",
    "street_address", "address", "license_plate", "iban", "bban", "phone_number",
    "passport_number", "ssn", "credit_card_number", "ipv4", "free_email_domain", "text",
]  # fmt: skip


@pytest.mark.parametrize("locale", LOCALES)
def test_values_are_fakers_own(locale: str) -> None:
    plain, faster = Factory.create(locale), speed_up(Factory.create(locale))
    for provider in PROVIDERS:
        if not hasattr(plain, provider):
            continue
        for seed in (1, 2):
            plain.seed_instance(seed)
            faster.seed_instance(seed)
            expected = [getattr(plain, provider)() for _ in range(150)]
            assert [getattr(faster, provider)() for _ in range(150)] == expected, provider
        faster.seed_instance(3)
        assert [getattr(faster, provider)() for _ in range(150)] != expected, provider


def test_random_elements_outside_the_fast_case_are_fakers() -> None:
    plain, faster = Factory.create("en_US"), speed_up(Factory.create("en_US"))
    weighted = OrderedDict([("a", 0.5), ("b", 0.25), ("c", 0.2), ("d", 0.05)])
    integers = OrderedDict([("x", 3), ("y", 1)])
    calls = [
        {"elements": weighted, "length": 5},
        {"elements": weighted, "length": 1},
        {"elements": weighted, "length": 0},
        {"elements": integers, "length": 4},
        {"elements": weighted},  # length drawn first
        {"elements": weighted, "length": 3, "unique": True},
        {"elements": weighted, "length": 3, "use_weighting": False},
        {"elements": ("p", "q", "r"), "length": 2},
        {"elements": "abcdef", "length": 1},
    ]
    for call in calls:
        plain.seed_instance(9)
        faster.seed_instance(9)
        expected = [plain.random_elements(**call) for _ in range(50)]
        assert [faster.random_elements(**call) for _ in range(50)] == expected, call


@pytest.mark.parametrize("text", ["###", "DE## #### ####", "#%$!@ x#", "no marks", "", "%%!!", "#"])
def test_numerify_is_fakers(text: str) -> None:
    plain, faster = Factory.create("en_US"), speed_up(Factory.create("en_US"))
    plain.seed_instance(5)
    faster.seed_instance(5)
    assert [faster.numerify(text) for _ in range(200)] == [plain.numerify(text) for _ in range(200)]
    assert faster.random_int() == plain.random_int()  # the generators stayed in step


def test_bad_weights_raise_fakers_errors() -> None:
    faster = speed_up(Factory.create("en_US"))
    with pytest.raises(ValueError):
        faster.random_elements(OrderedDict([("a", 0.0), ("b", 0.0)]), length=1)
    with pytest.raises(ValueError):
        faster.random_elements({"a": 1.0}, length=1)  # Faker refuses plain dicts


@pytest.mark.parametrize(
    ("low", "high"), [(0, 9), (1, 9), (5, 5), (-3, 3), (0, 2**70), (10, 10**6)]
)
def test_randint_draws_as_pythons(low: int, high: int) -> None:
    plain, faster = random.Random(4), FasterRandom(4)
    assert [faster.randint(low, high) for _ in range(2000)] == [
        plain.randint(low, high) for _ in range(2000)
    ]
    assert faster.random() == plain.random()  # the generators stayed in step


def test_randint_outside_the_fast_case_is_pythons() -> None:
    plain, faster = random.Random(4), FasterRandom(4)
    assert faster.randint(True, 3) == plain.randint(True, 3)
    with pytest.raises(ValueError):
        faster.randint(3, 2)
    with pytest.raises(ValueError):
        plain.randint(3, 2)
    assert faster.random() == plain.random()

# ruff: noqa: E501  (recorded values read better on one line)
"""Faker is pinned to the releases `faker_draws` was checked against, and a new Faker that
draws differently fails here with a message that says what to do.

`generators/text/faker_draws.py` re-implements a few of Faker's private drawing steps
(weighted word lists, `numerify`, `randint`) to make the very same calls to its Mersenne
Twister faster. A Faker release may change those steps (the overrides would then give
other values than Faker's own) or its word lists and formats (every value moves, overrides
or not; datasets are byte-identical only for the same Faker, which the manifest records).
Three checks, each with its own message: the installed Faker is inside the pin in
`pyproject.toml`; the sped-up draws equal a plain Faker's; a few values recorded once
with the checked release come out again.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
import tomllib
from faker import Factory
from packaging.requirements import Requirement

from synthlab.generators.text.faker_draws import speed_up

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
RECORDED_WITH = "40.63.0"  # the Faker release GOLDEN was recorded with
SEED = 20261203
# (locale, provider, its first three values after `seed_instance(SEED)`, sped up)
GOLDEN = [
    ("en_US", "name", ("Amanda Thompson", "Bradley Kemp", "Brandon Herrera")),
    ("en_US", "email", ("bradleythompson@example.com", "christopher52@example.org", "sodonnell@example.net")),
    ("de_DE", "iban", ("DE33202444185218672642", "DE37848782606870709724", "DE78494454611621419524")),
    ("de_DE", "last_name", ("Eberth", "Beyer", "Gertz")),
    ("fr_FR", "phone_number", ("+33 1 73 24 44 18", "0256186726", "0325848782")),
    ("es_ES", "city", ("Alicante", "Granada", "Granada")),
    ("ja_JP", "name", ("佐藤 健一", "渡辺 香織", "高橋 香織")),
    ("zh_CN", "address", ("天津市沈阳县白云李街C座 964284", "澳门特别行政区巢湖市东城大冶街k座 549445", "内蒙古自治区荆门市沙湾兴城街V座 197901")),
]  # fmt: skip
WHAT_TO_DO = (
    "check generators/text/faker_draws.py against this Faker's random_elements, numerify "
    "and random.Random.randint (tests/text/test_faker_draws.py compares values in six "
    "locales), then move the faker pin in pyproject.toml and re-record GOLDEN here"
)


def faker_pin() -> Requirement:
    """The `faker` requirement of synthlab's dependencies in pyproject.toml."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = [Requirement(line) for line in project["dependencies"]]
    (faker,) = [requirement for requirement in found if requirement.name.lower() == "faker"]
    return faker


def test_faker_is_pinned_to_a_range_with_an_upper_bound() -> None:
    pin = faker_pin()
    assert any(spec.operator in ("<", "<=", "==", "~=") for spec in pin.specifier), (
        f"pyproject.toml allows {pin}: faker_draws re-implements Faker's private drawing "
        "code, so the pin must end at the releases it was checked against"
    )
    assert pin.specifier.contains(RECORDED_WITH), f"{pin} leaves out {RECORDED_WITH}"


def test_the_installed_faker_is_inside_the_pin() -> None:
    installed, pin = version("faker"), faker_pin()
    assert pin.specifier.contains(installed), (
        f"Faker {installed} is installed, outside the pin {pin} that faker_draws was "
        f"checked against: {WHAT_TO_DO}"
    )


@pytest.mark.parametrize(("locale", "provider", "values"), GOLDEN, ids=lambda case: str(case))
def test_sped_up_draws_are_plain_fakers_and_the_recorded_ones(
    locale: str, provider: str, values: tuple[str, ...]
) -> None:
    plain, faster = Factory.create(locale), speed_up(Factory.create(locale))
    plain.seed_instance(SEED)
    faster.seed_instance(SEED)
    expected = [getattr(plain, provider)() for _ in range(40)]
    drawn = [getattr(faster, provider)() for _ in range(40)]
    installed = version("faker")
    differ = [i for i, (ours, its) in enumerate(zip(drawn, expected, strict=True)) if ours != its]
    assert not differ, (
        f"Faker {installed}: the sped-up {locale} {provider} values are not Faker's own "
        f"(draw {differ[0]}: {drawn[differ[0]]!r}, Faker's {expected[differ[0]]!r}): {WHAT_TO_DO}"
    )
    assert tuple(drawn[:3]) == values, (
        f"Faker {installed} draws {tuple(drawn[:3])} for {locale} {provider} where "
        f"{RECORDED_WITH} drew {values}: its data or its drawing changed, so every dataset "
        f"with Faker values changes too: {WHAT_TO_DO}"
    )

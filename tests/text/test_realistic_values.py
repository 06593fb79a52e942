"""Cards (scheme prefixes, lengths, Luhn), IBANs (ISO 13616 mod-97, length per country),
public IPs, user agents and URLs: every drawn value checked, and determinism."""

from __future__ import annotations

import ipaddress
import random
import re

import pytest

from synthlab.generators.text.realistic import (
    CARD_SCHEMES,
    IBAN_FORMATS,
    card_number,
    iban,
    iban_is_valid,
    ip_address,
    luhn_is_valid,
    url,
    user_agent,
)

# lengths of the SWIFT IBAN registry, written out apart from the layouts they must match
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27, "GB": 22,
    "IE": 22, "IT": 27, "LU": 20, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24,
}  # fmt: skip
SCHEME_OF = [  # (pattern, scheme, length), from the schemes' published ranges
    (r"4", "visa", 16),
    (r"5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)", "mastercard", 16),
    (r"3[47]", "amex", 15),
    (r"6011|64[4-9]|65", "discover", 16),
    (r"35(2[89]|[3-8]\d)", "jcb", 16),
    (r"3(6|[89]|0[0-5])", "diners", 14),
    (r"62", "unionpay", 16),
]


def _stream(seed: int) -> random.Random:
    return random.Random(seed)  # has .random(), as a sample's Draws has


def test_known_valid_and_invalid_numbers():
    assert luhn_is_valid("4111111111111111") and not luhn_is_valid("4111111111111112")
    assert luhn_is_valid("378282246310005")  # the well-known Amex test number
    assert iban_is_valid("DE89 3704 0044 0532 0130 00")  # the ISO 13616 example
    assert iban_is_valid("GB82WEST12345698765432")
    assert not iban_is_valid("GB82WEST12345698765433") and not iban_is_valid("DE8937040044")


@pytest.mark.parametrize("scheme", sorted(CARD_SCHEMES))
def test_every_card_passes_luhn_and_has_its_schemes_prefix_and_length(scheme):
    rng = _stream(1)
    pattern, length = next((p, n) for p, s, n in SCHEME_OF if s == scheme)
    for grouped in (False, True):
        for _ in range(400):
            number = card_number(rng, [scheme], grouped)
            digits = number.replace(" ", "")
            assert luhn_is_valid(number), number
            assert len(digits) == length and re.match(pattern, digits), number
            assert (" " in number) == grouped


def test_every_iban_has_a_valid_checksum_and_its_countrys_length():
    assert set(IBAN_FORMATS) == set(IBAN_LENGTHS)
    rng = _stream(2)
    for country in IBAN_FORMATS:
        for _ in range(200):
            value = iban(rng, [country], grouped=False)
            assert value.startswith(country) and len(value) == IBAN_LENGTHS[country], value
            assert iban_is_valid(value), value
        spaced = iban(rng, [country], grouped=True)
        assert iban_is_valid(spaced) and all(len(p) == 4 for p in spaced.split()[:-1])


def test_faker_iban_checksums_are_valid_too():
    """Checked before writing our own: Faker's `iban` makes valid mod-97 checks, but only for
    its locale's one country (en_US gives GB), hence `{iban: {countries: [...]}}`."""
    from faker import Faker

    fake = Faker("de_DE")
    fake.seed_instance(3)
    assert all(iban_is_valid(fake.iban()) for _ in range(200))
    chinese = Faker("zh_CN")
    chinese.seed_instance(3)
    assert not any(iban_is_valid(chinese.iban()) for _ in range(50))  # 21 characters for GB


@pytest.mark.parametrize("version", [4, 6])
def test_ips_are_public_unicast(version):
    rng = _stream(4)
    seen = set()
    for _ in range(2000):
        address = ipaddress.ip_address(ip_address(rng, version, private=False))
        assert address.version == version and address.is_global, address
        assert not (address.is_multicast or address.is_reserved or address.is_private)
        seen.add(address)
    assert len(seen) > 1990


def test_private_ips_are_rfc1918():
    rng = _stream(5)
    for _ in range(500):
        address = ipaddress.ip_address(ip_address(rng, 4, private=True))
        assert address.is_private and any(
            address in ipaddress.ip_network(n)
            for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
        )


def test_user_agents_and_urls_have_their_shapes():
    rng = _stream(6)
    agents = [user_agent(rng, ["desktop", "mobile"]) for _ in range(300)]
    assert all(re.fullmatch(r"Mozilla/5\.0 \([^()]+\) .+", a) for a in agents), agents[:3]
    assert any("Firefox/" in a for a in agents) and any("Chrome/" in a for a in agents)
    assert any("Mobile" in a for a in agents) and len(set(agents)) > 100
    tools = [user_agent(rng, ["tool"]) for _ in range(100)]
    assert all(("{" not in t and " " not in t.split("/")[0]) or t.startswith("Nmap") for t in tools)
    urls = [url(rng, ["https", "http"]) for _ in range(300)]
    pattern = r"https?://([a-z]+\.)?[a-z]+\.[a-z.]+/[a-z0-9/_-]*(\?[a-z_]+=\d+)?"
    assert all(re.fullmatch(pattern, u) for u in urls), [
        u for u in urls if not re.fullmatch(pattern, u)
    ]
    assert len(set(urls)) > 250


def test_values_in_a_recipe_are_valid_and_repeat_for_a_seed(kit):
    params = {
        "values": {
            "card": {"card": {"schemes": ["visa", "amex"], "grouped": True}},
            "iban": {"iban": {"countries": ["DE", "FR"]}},
            "ip": {"ip": {"version": 4}},
            "agent": {"user_agent": None},
            "link": {"url": {}},
        },
        "templates": [
            {"id": "pay", "text": "Card {{card:CARD}} to {{iban:IBAN}}."},
            {"id": "web", "text": "{{ip:IP}} GET {{link:URL}} ua={{agent:USER_AGENT}}"},
        ],
    }
    data = kit.recipe_dict(params, count=60)
    samples = kit.samples(data)
    values: dict[str, list[str]] = {}
    for sample in samples:
        for span in sample.spans:
            values.setdefault(span.label, []).append(span.text)
    assert all(luhn_is_valid(v) and v[0] in "43" for v in values["CARD"])
    assert all(iban_is_valid(v) and v[:2] in ("DE", "FR") for v in values["IBAN"])
    assert all(ipaddress.ip_address(v).is_global for v in values["IP"])
    assert values["URL"] and values["USER_AGENT"]
    assert [s.text for s in kit.samples(data)] == [s.text for s in samples]
    other = [s.text for s in kit.samples({**data, "seed": 12})]
    assert other != [s.text for s in samples]


def test_unknown_scheme_is_a_recipe_error(kit):
    from synthlab.errors import RecipeError

    params = {
        "values": {"c": {"card": {"schemes": ["visaa"]}}},
        "templates": [{"id": "a", "text": "{{c:CARD}}"}],
    }
    with pytest.raises(RecipeError, match="visa"):
        kit.load(kit.recipe_dict(params))

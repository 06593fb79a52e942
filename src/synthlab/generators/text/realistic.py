"""Real-looking values for the rare types users ask for: card numbers, IBANs, IP addresses,
user agents and URLs. Each draw reads uniforms from the sample's stream only, so a value is
a pure function of (seed, index).

Facts used (public standards, not copied code):
- Cards: issuer prefixes (IIN/BIN ranges) and lengths per scheme, as the schemes publish
  them: Visa 4 (16 digits); Mastercard 51-55 and 2221-2720 (16); American Express 34, 37
  (15); Discover 6011, 644-649, 65 (16); JCB 3528-3589 (16); Diners Club 36, 38, 39,
  300-305 (14); UnionPay 62 (16). The last digit is the Luhn check digit (ISO/IEC 7812-1).
- IBANs: ISO 13616 — country code, two check digits making the number's mod-97 equal 1
  (letters as 10..35, the first four characters moved to the end), then the country's BBAN
  with the length and character classes of the SWIFT IBAN registry. National check digits
  inside the BBAN (e.g. France's RIB key) are not computed.
- IPs: drawn uniformly from the whole address space and kept only when Python's
  `ipaddress` calls them global, not multicast and not reserved (so no private,
  documentation, loopback, shared or link-local addresses), unless `private: true`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Protocol

__all__ = [
    "CARD_SCHEMES",
    "IBAN_FORMATS",
    "card_number",
    "iban",
    "iban_is_valid",
    "ip_address",
    "luhn_is_valid",
    "url",
    "user_agent",
]


class Uniforms(Protocol):
    def random(self) -> float: ...


def _below(rng: Uniforms, n: int) -> int:
    return min(int(rng.random() * n), n - 1)


def _digits(rng: Uniforms, n: int) -> str:
    return "".join([str(_below(rng, 10)) for _ in range(n)])


# -- cards ------------------------------------------------------------------------------------
# scheme -> (prefix ranges (low, high) of equal digit count, length, grouping for display)
CARD_SCHEMES: dict[str, tuple[tuple[tuple[int, int], ...], int, tuple[int, ...]]] = {
    "visa": (((4, 4),), 16, (4, 4, 4, 4)),
    "mastercard": (((51, 55), (2221, 2720)), 16, (4, 4, 4, 4)),
    "amex": (((34, 34), (37, 37)), 15, (4, 6, 5)),
    "discover": (((6011, 6011), (644, 649), (65, 65)), 16, (4, 4, 4, 4)),
    "jcb": (((3528, 3589),), 16, (4, 4, 4, 4)),
    "diners": (((36, 36), (38, 39), (300, 305)), 14, (4, 6, 4)),
    "unionpay": (((62, 62),), 16, (4, 4, 4, 4)),
}


def luhn_check_digit(payload: str) -> str:
    """The digit that makes payload + digit pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:  # doubled: these sit at odd places from the right once checked
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str(-total % 10)


def luhn_is_valid(number: str) -> bool:
    digits = number.replace(" ", "")
    return digits.isdigit() and luhn_check_digit(digits[:-1]) == digits[-1]


def card_number(rng: Uniforms, schemes: Sequence[str], grouped: bool) -> str:
    scheme = schemes[_below(rng, len(schemes))]
    ranges, length, groups = CARD_SCHEMES[scheme]
    low, high = ranges[_below(rng, len(ranges))]
    prefix = str(low + _below(rng, high - low + 1))
    payload = prefix + _digits(rng, length - 1 - len(prefix))
    number = payload + luhn_check_digit(payload)
    if not grouped:
        return number
    parts, start = [], 0
    for size in groups:
        parts.append(number[start : start + size])
        start += size
    return " ".join(parts)


# -- IBANs ------------------------------------------------------------------------------------
# country -> BBAN layout (n digits, a upper-case letters, c letters or digits), per the
# SWIFT IBAN registry; the IBAN's length is 4 + the BBAN's.
IBAN_FORMATS: dict[str, str] = {
    "AT": "5n11n",
    "BE": "3n7n2n",
    "CH": "5n12c",
    "DE": "8n10n",
    "DK": "4n9n1n",
    "ES": "4n4n1n1n10n",
    "FI": "3n11n",
    "FR": "5n5n11c2n",
    "GB": "4a6n8n",
    "IE": "4a6n8n",
    "IT": "1a5n5n12c",
    "LU": "3n13c",
    "NL": "4a10n",
    "NO": "4n6n1n",
    "PL": "8n16n",
    "PT": "4n4n11n2n",
    "SE": "3n16n1n",
}
_CLASSES = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_CLASSES["c"] = _CLASSES["a"] + _CLASSES["n"]


def _mod97(text: str) -> int:
    return int("".join(str(int(char, 36)) for char in text)) % 97


def iban_is_valid(value: str) -> bool:
    compact = value.replace(" ", "")
    country = compact[:2]
    layout = IBAN_FORMATS.get(country)
    if layout is None or len(compact) != 4 + _bban_length(layout):
        return False
    return compact.isalnum() and _mod97(compact[4:] + compact[:4]) == 1


@cache
def _bban_length(layout: str) -> int:
    return sum(int(n) for n, _ in re.findall(r"(\d+)([nac])", layout))


def iban(rng: Uniforms, countries: Sequence[str], grouped: bool) -> str:
    country = countries[_below(rng, len(countries))]
    bban = []
    for n, kind in re.findall(r"(\d+)([nac])", IBAN_FORMATS[country]):
        options = _CLASSES[kind]
        bban += [options[_below(rng, len(options))] for _ in range(int(n))]
    body = "".join(bban)
    check = 98 - _mod97(body + country + "00")
    compact = f"{country}{check:02d}{body}"
    if not grouped:
        return compact
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


# -- IP addresses -----------------------------------------------------------------------------
_PRIVATE_V4 = (("10.0.0.0", 24), ("172.16.0.0", 20), ("192.168.0.0", 16))  # (base, host bits)


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not address.is_multicast and not address.is_reserved


def ip_address(rng: Uniforms, version: int, private: bool) -> str:
    if version == 4 and private:
        base, bits = _PRIVATE_V4[_below(rng, len(_PRIVATE_V4))]
        host = 1 + _below(rng, 2**bits - 2)  # neither the network nor the broadcast address
        return str(ipaddress.IPv4Address(int(ipaddress.IPv4Address(base)) + host))
    while True:  # about 1 in 7 draws is rejected (private, reserved, multicast, ...)
        if version == 4:
            candidate: Any = ipaddress.IPv4Address(_below(rng, 2**32))
        else:  # global unicast 2000::/3, 125 random bits from three uniforms
            bits = (_below(rng, 2**45) << 80) | (_below(rng, 2**40) << 40) | _below(rng, 2**40)
            candidate = ipaddress.IPv6Address((1 << 125) | bits)
        if _public(candidate):
            return str(candidate)


# -- user agents and URLs ---------------------------------------------------------------------
@cache
def web_parts() -> dict[str, Any]:
    from synthlab.generators.text.files import read_yaml_asset

    parts: dict[str, Any] = read_yaml_asset("text/web_parts.yaml")
    return parts


def _between(rng: Uniforms, low: int, high: int) -> int:
    return low + _below(rng, high - low + 1)


def _expand_ranges(rng: Uniforms, text: str) -> str:
    """ "curl/{7-8}.{0-11}" -> "curl/8.4": each {low-high} an integer in that range."""
    return re.sub(r"\{(\d+)-(\d+)\}", lambda m: str(_between(rng, int(m[1]), int(m[2]))), text)


def user_agent(rng: Uniforms, kinds: Sequence[str]) -> str:
    parts = web_parts()
    kind = kinds[_below(rng, len(kinds))]
    if kind == "tool":
        return _expand_ranges(rng, parts["tools"][_below(rng, len(parts["tools"]))])
    if kind == "bot":
        return str(parts["bots"][_below(rng, len(parts["bots"]))])
    mobile = kind == "mobile"
    platforms = parts["mobile_platforms" if mobile else "platforms"]
    platform = platforms[_below(rng, len(platforms))]
    webkit = "AppleWebKit/537.36 (KHTML, like Gecko)"
    if "iPhone" in platform or "iPad" in platform:
        version = parts["safari_versions"][_below(rng, len(parts["safari_versions"]))]
        return (
            f"Mozilla/5.0 ({platform}) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            f"Version/{version} Mobile/15E148 Safari/604.1"
        )
    browser = _below(rng, 10)
    if browser < 6:  # Chrome is most of the traffic
        major = _between(rng, *parts["chrome_majors"])
        mobile_tag = " Mobile" if mobile else ""
        return f"Mozilla/5.0 ({platform}) {webkit} Chrome/{major}.0.0.0{mobile_tag} Safari/537.36"
    if browser < 8 or mobile:
        major = _between(rng, *parts["firefox_majors"])
        if mobile:  # Firefox for Android names the Android version only
            android = platform.split(";")[1].strip()
            return (
                f"Mozilla/5.0 ({android}; Mobile; rv:{major}.0) Gecko/{major}.0 Firefox/{major}.0"
            )
        return f"Mozilla/5.0 ({platform}; rv:{major}.0) Gecko/20100101 Firefox/{major}.0"
    if "Macintosh" in platform:
        version = parts["safari_versions"][_below(rng, len(parts["safari_versions"]))]
        return (
            f"Mozilla/5.0 ({platform}) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            f"Version/{version} Safari/605.1.15"
        )
    major = _between(rng, *parts["edge_majors"])
    return f"Mozilla/5.0 ({platform}) {webkit} Chrome/{major}.0.0.0 Safari/537.36 Edg/{major}.0.0.0"


def url(rng: Uniforms, schemes: Sequence[str]) -> str:
    parts = web_parts()

    def pick(name: str) -> str:
        return str(parts[name][_below(rng, len(parts[name]))])

    scheme = schemes[_below(rng, len(schemes))]
    host = pick("host_words") + pick("host_words") + "." + pick("tlds")
    if _below(rng, 2):
        host = pick("subdomains") + "." + host
    path = "/".join(pick("path_segments") for _ in range(_below(rng, 4)))
    query = f"?{pick('query_keys')}={_below(rng, 100000)}" if _below(rng, 4) == 0 else ""
    return f"{scheme}://{host}/{path}{query}"


def realistic_draw(source: Any) -> Callable[[Uniforms], str]:
    """A draw for one of the realistic value sources of `sources.py`."""
    from synthlab.generators.text import sources as src

    if isinstance(source, src.CardSource):
        schemes, grouped = source.card.schemes, source.card.grouped
        return lambda rng: card_number(rng, schemes, grouped)
    if isinstance(source, src.IbanSource):
        countries, grouped = source.iban.countries, source.iban.grouped
        return lambda rng: iban(rng, countries, grouped)
    if isinstance(source, src.IpSource):
        version, private = source.ip.version, source.ip.private
        return lambda rng: ip_address(rng, version, private)
    if isinstance(source, src.UserAgentSource):
        kinds = source.user_agent.kinds
        return lambda rng: user_agent(rng, kinds)
    if isinstance(source, src.UrlSource):
        url_schemes = source.url.schemes
        return lambda rng: url(rng, url_schemes)
    raise TypeError(f"not a realistic value source: {type(source).__name__}")

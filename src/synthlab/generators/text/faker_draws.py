"""Faker's own values, drawn in fewer steps.

Most of a Faker value's cost is in two places that redo the same work on every call:

- weighted word lists (en_US first and last names: ~7,000 names with frequencies) go
  through `random.Random.choices(names, weights)`, which sums all the weights again for one
  draw (60-70 µs a name);
- digits (`numerify`: IBANs, phone numbers, passport numbers) go through a regular
  expression callback and `Random.randint`, five Python frames deep for one `getrandbits`.

`speed_up(generator)` gives a Faker generator a `random.Random` subclass with a one-frame
`randint`, and each of its providers a `random_elements` that keeps the running sums of a
weighted list beside the list (as Faker keeps the list's keys on it, `_key_cache`: both
assume Faker's word lists are constants) and a `numerify` that fills the `#`s in a loop.
Providers that define their own versions of these keep them. All of it makes the very
same calls to the underlying Mersenne Twister, with the same arithmetic, as the code it
stands for; anything outside the common cases goes to Faker's and Python's own code. So
values are Faker's, bit for bit (tests compare them with a plain Faker's for every
supported locale).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import OrderedDict
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any

__all__ = ["FasterRandom", "speed_up"]


class FasterRandom(random.Random):
    """`random.Random` with `randint` written out: same draws, same results."""

    def randint(self, a: int, b: int) -> int:
        if type(a) is int and type(b) is int and b >= a:
            # what randint -> randrange -> _randbelow_with_getrandbits do for these arguments
            width = b - a + 1
            bits = width.bit_length()
            draw = self.getrandbits(bits)
            while draw >= width:
                draw = self.getrandbits(bits)
            return a + draw
        return super().randint(a, b)


# A weighted list's (keys, running sums, total): kept per dict, with the dict itself so an
# id is never reused while its entry lives.
_Sums = tuple[OrderedDict[Any, Any], tuple[Any, ...], list[float], float]


def _weighted_elements(provider: Any, plain: Callable[..., Sequence[Any]]) -> Callable[..., Any]:
    sums: dict[int, _Sums] = {}

    def random_elements(
        elements: Any = ("a", "b", "c"),
        length: int | None = None,
        unique: bool = False,
        use_weighting: bool | None = None,
    ) -> Sequence[Any]:
        weighted = provider.__use_weighting__ if use_weighting is None else use_weighting
        if length is None or unique or not weighted or type(elements) is not OrderedDict:
            return plain(elements, length, unique, use_weighting)
        kept = sums.get(id(elements))
        if kept is None or kept[0] is not elements:
            running = list(accumulate(elements.values()))
            total = running[-1] + 0.0
            if not (total > 0.0 and total != float("inf")):
                return plain(elements, length, unique, use_weighting)  # its own errors
            kept = sums[id(elements)] = (elements, tuple(elements), running, total)
        _, keys, running, total = kept
        # Random.choices(keys, weights=..., k=length), with the sums made once
        uniform = provider.generator.random.random
        last = len(keys) - 1
        return [keys[bisect(running, uniform() * total, 0, last)] for _ in range(length)]

    return random_elements


_DIGITS = "0123456789"
_OTHER_MARKS = ("%", "$", "!", "@")  # numerify's later passes, left to Faker


def _numerify(provider: Any, plain: Callable[[str], str]) -> Callable[..., str]:
    def numerify(text: str = "###") -> str:
        if "#" in text:
            # each "#" is random_digit(): randint(0, 9), i.e. 4 bits until one is below 10;
            # left to right, as re.sub calls back
            getrandbits = provider.generator.random.getrandbits
            pieces = text.split("#")
            filled = [pieces[0]]
            for piece in pieces[1:]:
                digit = getrandbits(4)
                while digit >= 10:
                    digit = getrandbits(4)
                filled.append(_DIGITS[digit])
                filled.append(piece)
            text = "".join(filled)
        if any(mark in text for mark in _OTHER_MARKS):
            return plain(text)  # no "#" left: Faker's own passes for the other marks
        return text

    return numerify


def _faker_defines(provider: Any, *names: str) -> bool:
    """True when `provider` uses Faker's base version of every method named."""
    # imported here, not at the top: Faker is slow to import and only recipes with Faker
    # values get this far
    from faker.providers import BaseProvider

    return all(getattr(type(provider), name) is getattr(BaseProvider, name) for name in names)


def speed_up(generator: Any) -> Any:
    """Give a Faker `Generator` (from `Factory.create`) the faster draws; returns it."""
    generator.random = FasterRandom()
    for provider in generator.providers:
        if _faker_defines(provider, "random_elements"):
            provider.random_elements = _weighted_elements(provider, provider.random_elements)
        if _faker_defines(provider, "numerify", "random_digit"):
            provider.numerify = _numerify(provider, provider.numerify)
    return generator

"""A sample's uniforms, read in order from its row of the counter-based derivation.

The text generator makes a shard's samples together: `synthlab.seeding.counter_uniforms`
gives every sample a row of `WIDTH` uniforms in one numpy call, and `Draws` hands them out
in the order the code asks for them. A sample that needs more (long patterns, grammars,
noise on many words) computes draw `WIDTH`, `WIDTH + 1`, ... itself from the same formula,
so its values depend only on (seed, index), never on the batch it was made in or its size.
"""

from __future__ import annotations

from synthlab.seeding import counter_bits, counter_row, counter_uniform

__all__ = ["WIDTH", "Draws"]

# Enough for a typical sentence (template, locale, a few choices and values) without a
# fallback draw; each precomputed column costs about 40 ns per sample.
WIDTH = 24


class Draws:
    """The uniforms of one sample (u(i, 0), u(i, 1), ...)."""

    __slots__ = ("_index", "_key", "position", "row")

    def __init__(self, row: list[float], key: tuple[int, int], index: int, used: int = 0):
        """`used`: how many of the row's uniforms were already read (elsewhere)."""
        self.row = row  # read-only: a walk laid out in advance reads it by position
        self._key = key
        self._index = index
        self.position = used  # the next uniform's number

    def random(self) -> float:
        position = self.position
        self.position = position + 1
        if position < len(self.row):
            return self.row[position]
        return counter_uniform(counter_row(self._key, self._index), position)

    def take(self, n: int) -> list[float]:
        """The next `n` uniforms."""
        start = self.position
        if start + n <= len(self.row):
            self.position = start + n
            return self.row[start : start + n]
        return [self.random() for _ in range(n)]

    def seed64(self) -> int:
        """A seed for a library with its own generator (Faker's `seed_instance`): one draw's
        63 high bits."""
        position = self.position
        self.position = position + 1
        return counter_bits(counter_row(self._key, self._index), position) >> 1

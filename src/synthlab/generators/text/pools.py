"""Value pools whose entries are made when a sample first draws from their block.

A pooled Faker value (or person) is entry `int(u * size)` of a pool of `size` entries per
value and locale. The entries come in blocks of `BLOCK`: block b is made by a Faker seeded
from a counter-based hash of (recipe seed, value name, locale, b) alone, its entries in
order, so an entry is the same whichever worker makes it, in whatever order, and whether
the pool is filled at once (`fill`, before workers fork) or block by block. A run then pays
Faker only for the blocks its samples use: a 2,000-sentence recipe with six locales and
pools of 2,000 used to make 36,000 values up front, most never drawn (an IBAN pool for a 2%
quota). One seed per block of 8, not per entry: reseeding Faker costs ~6 µs, a tenth to a
half of a value; larger blocks would make a run touch nearly every block of a pool it
draws a few hundred times from.
"""

from __future__ import annotations

import multiprocessing
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Generic, TypeVar

import numpy as np

from synthlab.generators.text.stream import Draws

__all__ = ["BLOCK", "POOL_DOMAIN", "LazyPool", "fill_pools", "pool_key"]

POOL_DOMAIN = 2**64 + 4242  # spawn-key domain of the pools, beyond any sample index

T = TypeVar("T")


def pool_key(seed: int, *names: str) -> tuple[int, int]:
    """The counter key of one pool: (seed, value name, locale) through a SeedSequence."""
    keys = tuple(zlib.crc32(name.encode("utf-8")) for name in names)
    state = np.random.SeedSequence(seed, spawn_key=(POOL_DOMAIN, *keys)).generate_state(
        2, np.uint64
    )
    return int(state[0]), int(state[1])


BLOCK = 8  # entries made together from one seed (reseeding Faker costs ~6 µs)


class LazyPool(Generic[T]):
    """`size` entries, made a block at a time on first access: for block b, `start(draws)`
    (seed Faker with `draws.seed64()`), then `make(draws)` for each entry in order, where
    `draws` are u(b, 0), u(b, 1), ... of the pool's counter key (`random()` serves what
    else an entry needs, such as a Chinese name's syllables)."""

    __slots__ = ("_entries", "_key", "_make", "_start")

    def __init__(
        self,
        size: int,
        key: tuple[int, int],
        start: Callable[[Draws], object],
        make: Callable[[Draws], T],
    ):
        self._entries: list[T | None] = [None] * size
        self._key = key
        self._start = start
        self._make = make

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, position: int) -> T:
        found = self._entries[position]
        if found is None:
            found = self._make_block(position // BLOCK)[position % BLOCK]
        return found

    def _make_block(self, block: int) -> list[T]:
        first = block * BLOCK
        draws = Draws([], self._key, block)
        self._start(draws)
        made = [self._make(draws) for _ in range(min(BLOCK, len(self._entries) - first))]
        self._entries[first : first + len(made)] = made
        return made

    def _put_block(self, block: int, made: list[T]) -> None:
        """Block `block` as another process made it."""
        first = block * BLOCK
        self._entries[first : first + len(made)] = made

    def missing(self) -> list[int]:
        """The blocks not made yet."""
        entries = self._entries
        return [b for b in range(-(-len(entries) // BLOCK)) if entries[b * BLOCK] is None]

    def __iter__(self) -> Iterator[T]:
        return (self[position] for position in range(len(self._entries)))

    def fill(self) -> None:
        """Every entry, now (the driver does it before forking workers that will use most)."""
        for block in self.missing():
            self._make_block(block)

    def made(self) -> int:
        """How many entries exist so far."""
        return sum(entry is not None for entry in self._entries)


# A forked helper's share is worth its fork (~30 ms) from this many blocks on (a block of
# Faker values takes 0.1-0.3 ms).
_BLOCKS_PER_PROCESS = 256
_filling: Sequence[LazyPool[Any]] = ()  # the pools a forked helper makes blocks of


def fill_pools(pools: Sequence[LazyPool[Any]], processes: int = 1) -> None:
    """Every entry of `pools`, now. With `processes` > 1 (where processes fork), that many
    processes share the blocks: this one, and forked helpers that send theirs back. The
    entries are the same either way, as a block depends only on its pool's key and its
    number (a test compares)."""
    global _filling
    missing = [(number, block) for number, pool in enumerate(pools) for block in pool.missing()]
    helpers = min(processes, len(missing) // _BLOCKS_PER_PROCESS) - 1
    if helpers < 1 or "fork" not in multiprocessing.get_all_start_methods():
        for pool in pools:
            pool.fill()
        return
    # every process takes every n-th block, so each gets as many of the costly pools' blocks
    shares = [missing[k :: helpers + 1] for k in range(helpers + 1)]
    _filling = pools
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(helpers, mp_context=context) as executor:
            helping = [executor.submit(_make_blocks, share) for share in shares[1:]]
            for number, block in shares[0]:
                pools[number]._make_block(block)
            for share, future in zip(shares[1:], helping, strict=True):
                for (number, block), made in zip(share, future.result(), strict=True):
                    pools[number]._put_block(block, made)
    finally:
        _filling = ()


def _make_blocks(share: list[tuple[int, int]]) -> list[list[Any]]:
    """In a forked helper: the blocks of its share, made from the pools it inherited."""
    return [_filling[number]._make_block(block) for number, block in share]

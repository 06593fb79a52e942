"""How every sample gets its own random stream, and nothing else.

Sample *i* of a recipe with seed *s* draws from
``numpy.random.default_rng(SeedSequence(s, spawn_key=(i,)))``. The stream depends only on
(s, i): not on the worker that makes the sample, the order samples finish in or the shard
they fall in, so any sample can be regenerated alone. Sub-streams for a purpose inside a
sample (a retry, a third-party library's seed) extend the spawn key instead of drawing from
a shared generator, so adding a draw in one place does not shift the values of another.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "DERIVATION",
    "library_seed",
    "plan_rng",
    "sample_rng",
    "sample_seed_sequence",
    "substream",
]

DERIVATION = "numpy.random.default_rng(numpy.random.SeedSequence(seed, spawn_key=(index, *key)))"


def sample_seed_sequence(seed: int, index: int, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(index, *key))


def sample_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of sample `index`."""
    return np.random.default_rng(sample_seed_sequence(seed, index))


def substream(seed: int, index: int, *key: int) -> np.random.Generator:
    """A stream for one purpose inside sample `index` (for example retry number `key`)."""
    return np.random.default_rng(sample_seed_sequence(seed, index, *key))


def library_seed(rng: np.random.Generator) -> int:
    """A seed for a library with its own generator (Faker, torch), drawn from a sample's stream."""
    return int(rng.integers(0, 2**63 - 1))


# Streams for run-level decisions (quota placement, spot-check picks) use spawn keys beyond
# any sample index (indices are < 2**63), so they can never coincide with a sample's stream.
_PLAN_DOMAIN = 2**64


def plan_rng(seed: int, purpose: int) -> np.random.Generator:
    """A stream for a run-level decision, numbered by `purpose`."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_PLAN_DOMAIN + purpose,)))

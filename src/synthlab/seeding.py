"""How every sample gets its own random stream, and nothing else.

Sample *i* of a recipe with seed *s* draws from
``numpy.random.default_rng(SeedSequence(s, spawn_key=(i,)))``, or, for generators that make
a shard's samples together (`Generator.batched`), reads uniforms u(i, 0), u(i, 1), ... from
the counter-based derivation at the end of this module. Either way the stream depends only on
(s, i): not on the worker that makes the sample, the order samples finish in or the shard
they fall in, so any sample can be regenerated alone. Sub-streams for a purpose inside a
sample (a retry, a third-party library's seed) extend the spawn key instead of drawing from
a shared generator, so adding a draw in one place does not shift the values of another.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "COUNTER_DERIVATION",
    "DERIVATION",
    "counter_bits",
    "counter_key",
    "counter_row",
    "counter_uniform",
    "counter_uniforms",
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


# -- counter-based uniforms, for generators that make a whole shard at once ----------------
#
# Building a `SeedSequence` and a PCG64 for every sample costs about 20 µs, as much as a
# whole templated sentence should. Generators that make samples in batches instead read
# uniforms from a counter-based hash of (seed, index, draw number), computed for a whole
# shard in a few numpy operations and for a single draw in plain Python, with equal bits:
#
#   k0, k1   = SeedSequence(seed, spawn_key=(2**64 + 7,)).generate_state(2, uint64)
#   row(i)   = mix(mix(i ^ k0) + k1)                     (mod 2**64)
#   c(d)     = mix((d + 1) * 0x9E3779B97F4A7C15)          (mod 2**64)
#   u(i, d)  = (mix(row(i) ^ c(d)) >> 11) * 2**-53         a float64 in [0, 1)
#
# `mix` is SplitMix64's finaliser (Stafford's "Mix13"), a bijection of 64-bit integers with
# full avalanche. row() is a bijection of the index, so no two samples share a row key; the
# draw constants c(d) are mixed too, so rows are not shifted copies of each other (as plain
# SplitMix64 streams with one gamma can be). Not cryptographic, which sampling never needs.
# Sample i's uniforms depend only on (seed, i, d): not on the batch it was made in.

COUNTER_DERIVATION = (
    "u(i, d) = (mix(mix(mix(i ^ k0) + k1) ^ mix((d + 1) * 0x9E3779B97F4A7C15)) >> 11) "
    "* 2**-53, mix = SplitMix64 finaliser, (k0, k1) = numpy.random.SeedSequence(seed, "
    "spawn_key=(2**64 + 7,)).generate_state(2, uint64); see synthlab.seeding"
)

_COUNTER_DOMAIN = 2**64 + 7  # beyond any sample index and apart from plan_rng's purposes
_MASK = 2**64 - 1
_GAMMA = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_TO_UNIT = 2.0**-53


def counter_key(seed: int) -> tuple[int, int]:
    """The run's key (k0, k1) for `counter_uniforms` and `counter_uniform`."""
    state = np.random.SeedSequence(seed, spawn_key=(_COUNTER_DOMAIN,)).generate_state(2, np.uint64)
    return int(state[0]), int(state[1])


def _mix_array(z: NDArray[np.uint64]) -> NDArray[np.uint64]:
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(_M1)  # uint64 arrays wrap around silently: arithmetic mod 2**64
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(_M2)
    return z ^ (z >> np.uint64(31))


def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


def counter_uniforms(
    key: tuple[int, int], indices: Sequence[int], draws: int
) -> NDArray[np.float64]:
    """Uniforms u(i, d) for d < `draws` of every index: a float64 array (len(indices), draws)."""
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    rows = _mix_array(_mix_array(np.asarray(indices, dtype=np.uint64) ^ k0) + k1)
    steps = np.arange(1, draws + 1, dtype=np.uint64) * np.uint64(_GAMMA)
    bits = _mix_array(rows[:, None] ^ _mix_array(steps)[None, :])
    return (bits >> np.uint64(11)).astype(np.float64) * _TO_UNIT


def counter_row(key: tuple[int, int], index: int) -> int:
    """row(index): the per-sample key of `counter_uniform` and `counter_bits`."""
    return _mix((_mix(index ^ key[0]) + key[1]) & _MASK)


def counter_bits(row: int, draw: int) -> int:
    """The 64 random bits behind u(i, draw), for a draw past the precomputed block."""
    return _mix(row ^ _mix(((draw + 1) * _GAMMA) & _MASK))


def counter_uniform(row: int, draw: int) -> float:
    """u(i, draw) for one draw of the sample whose `counter_row` is `row`."""
    return (counter_bits(row, draw) >> 11) * _TO_UNIT

"""ARMA filtering in plain NumPy: `arma_filter(e, ar, ma)` equals
`scipy.signal.lfilter([1, *ma], [1, *-ar], e)` (zero initial state) to rounding.

Why not scipy.signal: importing it pulls in scipy.stats, interpolate and spatial, 1.3-1.5
CPU-seconds in every worker process, more than a hundred series' worth of filtering.

How: the AR recursion y[t] = x[t] + sum_j ar[j] y[t-j] is linear with a constant
companion matrix A, so it is solved by doubling instead of a loop over points. The series
is cut into blocks of `_BLOCK` points; inside every block at once, level k adds the state
from 2**k points back times A**(2**k) (log2(_BLOCK) levels, each a few whole-array
operations). The blocks' end states are chained by the same doubling over blocks, and each
block then adds the response to the state it inherits. Only elementwise NumPy operations
touch the data (no BLAS), so results do not depend on thread counts.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

__all__ = ["arma_filter"]

_BLOCK = 32  # points per block: log2 of it is the number of doubling levels in a block


def _companion(ar: tuple[float, ...]) -> np.ndarray:
    """State [y[t], y[t-1], ..., y[t-p+1]] advances by this matrix."""
    p = len(ar)
    matrix = np.zeros((p, p))
    matrix[0] = ar
    matrix[np.arange(1, p), np.arange(p - 1)] = 1.0
    return matrix


@functools.lru_cache(maxsize=256)
def _powers(ar: tuple[float, ...], levels: int) -> tuple[np.ndarray, ...]:
    """A**(2**k) for k < levels."""
    power = _companion(ar)
    out = []
    for _ in range(levels):
        out.append(power)
        power = power @ power
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _inherited(ar: tuple[float, ...]) -> np.ndarray:
    """Row r (r < _BLOCK): how y at offset r of a block depends on the state the block
    starts from, i.e. the first row of A**(r + 1)."""
    companion = _companion(ar)
    rows = np.empty((_BLOCK, len(ar)))
    power = companion
    for r in range(_BLOCK):
        rows[r] = power[0]
        power = companion @ power
    return rows


def _scan(states: np.ndarray, powers: Sequence[np.ndarray]) -> None:
    """In place along axis 1: s[t] += A s[t-1], as a doubling scan.

    `states` is (p, m, ...): after level k every entry holds the sum over the last 2**k
    inputs, so len(powers) must be at least log2(m). Shifting along axis 1 keeps every
    operand a contiguous run of whole rows (fast), whatever follows."""
    p, m = states.shape[0], states.shape[1]
    scratch = np.empty(states.shape[1:]) if p == 1 else None  # one buffer for all levels
    shift = 1
    for power in powers:
        if shift >= m:
            break
        if scratch is not None:  # the product goes to scratch first: reads see old values
            product = np.multiply(states[0, :-shift], power[0, 0], out=scratch[: m - shift])
            states[0, shift:] += product
        else:
            earlier = states[:, :-shift].copy()
            for i in range(p):
                for j in range(p):
                    if power[i, j] != 0.0:
                        states[i, shift:] += power[i, j] * earlier[j]
        shift *= 2


def _ar_filter(x: np.ndarray, ar: tuple[float, ...]) -> np.ndarray:
    n, p = x.shape[0], len(ar)
    blocks = -(-n // _BLOCK)
    # (p, offset in block, block): the scan runs over offsets for all blocks at once
    states = np.zeros((p, _BLOCK, blocks))
    whole = n // _BLOCK
    states[0, :, :whole] = x[: whole * _BLOCK].reshape(whole, _BLOCK).T
    if whole < blocks:  # a last, partial block (the rest of it stays zero)
        states[0, : n - whole * _BLOCK, whole] = x[whole * _BLOCK :]
    _scan(states, _powers(ar, _BLOCK.bit_length() - 1))  # each block from a zero state
    # chain the blocks: the true end state of block q is its own plus A**B times block q-1's
    ends = states[:, -1, :].copy()
    _scan(ends, _block_powers(ar, blocks))
    inherited = _inherited(ar)  # (offset, p)
    out: np.ndarray = states[0]
    response = np.empty((_BLOCK, blocks - 1))
    for j in range(p):  # every block but the first adds the response to its inherited state
        out[:, 1:] += np.multiply.outer(inherited[:, j], ends[j, :-1], out=response)
    return out.T.reshape(-1)[:n]


@functools.lru_cache(maxsize=256)
def _block_powers_cached(ar: tuple[float, ...], levels: int) -> tuple[np.ndarray, ...]:
    power = np.linalg.matrix_power(_companion(ar), _BLOCK)
    out = []
    for _ in range(levels):
        out.append(power)
        power = power @ power
    return tuple(out)


def _block_powers(ar: tuple[float, ...], blocks: int) -> tuple[np.ndarray, ...]:
    """(A**_BLOCK)**(2**k), enough levels to chain `blocks` blocks."""
    return _block_powers_cached(ar, max(1, (blocks - 1).bit_length()))


def arma_filter(shocks: np.ndarray, ar: Sequence[float], ma: Sequence[float]) -> np.ndarray:
    """x[t] = e[t] + sum_k ma[k] e[t-k-1], then y[t] = x[t] + sum_k ar[k] y[t-k-1]."""
    # a copy only when the MA part writes (the AR part copies into its own layout)
    x = shocks.astype(np.float64, copy=bool(ma))
    for lag, weight in enumerate(ma, start=1):
        if lag < x.shape[0]:
            x[lag:] += weight * shocks[:-lag]
    coefficients = tuple(float(a) for a in ar)
    if not coefficients or x.shape[0] == 0:
        return x if ma else x.copy()  # always a new array, never the caller's
    return _ar_filter(x, coefficients)

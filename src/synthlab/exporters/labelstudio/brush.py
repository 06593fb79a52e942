"""Label Studio's brush RLE: the bit-packed run-length format its brush masks are stored in
(`"format": "rle"` results of `BrushLabels`; the format of thi.ng's rle-pack, which the
Label Studio frontend decodes into the RGBA pixels of a canvas the size of the image).

The mask is flattened to RGBA bytes (each pixel's value repeated in 4 channels, 255 on the
mask and 0 off it) and packed as a bit stream: a 32-bit value count, the word size minus 1
in 5 bits, four run-length field sizes minus 1 in 4 bits each, then chunks. A chunk starts
with one bit: 1 for a run of one repeated word, 0 for literal words; then 2 bits choose the
field size of the count, the count minus 1 in that many bits, then the word(s). The stream
is padded with zero bits to whole bytes, which are listed as integers.
"""

from __future__ import annotations

import numpy as np

__all__ = ["decode_rle", "encode_rle", "mask_from_rle", "mask_to_rle"]

_WORD = 8
_SIZES = (3, 4, 8, 16)  # bits of the run-length field, chosen by the 2-bit selector


class _Bits:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def put(self, value: int, width: int) -> None:
        self.parts.append(format(value, f"0{width}b"))


def _runs(values: np.ndarray) -> list[tuple[int, int]]:
    """(value, length) for each run of equal values."""
    if values.size == 0:
        return []
    change = np.flatnonzero(np.diff(values)) + 1
    starts = np.concatenate([[0], change])
    lengths = np.diff(np.concatenate([starts, [values.size]]))
    return [(int(values[s]), int(n)) for s, n in zip(starts, lengths, strict=True)]


def encode_rle(values: np.ndarray) -> list[int]:
    """Pack a 1-D array of bytes (0..255)."""
    flat = np.asarray(values, dtype=np.uint8).ravel()
    return _encode_runs(_runs(flat), flat.size)


def _encode_runs(runs: list[tuple[int, int]], total: int) -> list[int]:
    bits = _Bits()
    bits.put(total, 32)
    bits.put(_WORD - 1, 5)
    for size in _SIZES:
        bits.put(size - 1, 4)
    for value, length in runs:
        remaining = length
        while remaining > 0:
            count = min(remaining, 1 << _SIZES[-1])
            if count == 1:
                bits.put(0, 1)  # a literal chunk of one word
                bits.put(0, 2)
                bits.put(0, _SIZES[0])
            else:
                selector = next(k for k, size in enumerate(_SIZES) if count <= 1 << size)
                bits.put(1, 1)
                bits.put(selector, 2)
                bits.put(count - 1, _SIZES[selector])
            bits.put(value, _WORD)
            remaining -= count
    return _pack("".join(bits.parts))


def _pack(text: str) -> list[int]:
    text += "0" * (-len(text) % 8)
    return [int(text[k : k + 8], 2) for k in range(0, len(text), 8)]


def decode_rle(data: list[int]) -> np.ndarray:
    """Unpack what `encode_rle` (or Label Studio) wrote."""
    stream = "".join(format(byte, "08b") for byte in data)
    position = 0

    def take(width: int) -> int:
        nonlocal position
        value = int(stream[position : position + width], 2)
        position += width
        return value

    count = take(32)
    word = take(5) + 1
    sizes = [take(4) + 1 for _ in range(4)]
    out = np.zeros(count, dtype=np.uint8)
    filled = 0
    while filled < count:
        repeat = take(1)
        length = take(sizes[take(2)]) + 1
        if repeat:
            out[filled : filled + length] = take(word)
        else:
            for k in range(length):
                out[filled + k] = take(word)
        filled += length
    return out


def mask_to_rle(mask: np.ndarray) -> list[int]:
    """A boolean HxW mask as Label Studio brush RLE: the bytes of `encode_rle` on the mask's
    RGBA pixels, found from the runs of the pixels themselves (a run of n equal pixels is a
    run of 4n equal bytes), without making the RGBA array."""
    pixels = np.where(np.asarray(mask, dtype=bool), 255, 0).astype(np.uint8).ravel()
    runs = [(value, 4 * length) for value, length in _runs(pixels)]
    return _encode_runs(runs, 4 * pixels.size)


def mask_from_rle(data: list[int], height: int, width: int) -> np.ndarray:
    """The boolean HxW mask of a brush RLE (its alpha channel)."""
    return decode_rle(data).reshape(height, width, 4)[:, :, 3] > 0

"""A sample's stream with its uniforms drawn in blocks.

Building one sentence takes a handful of single uniforms (template, locale, each choice
and each pooled value). Each `Generator.random()` call costs about a microsecond of call
overhead, so they are drawn sixteen at a time and handed out in order. The order of draws
is fixed by the code, so the values stay a pure function of the sample's stream. Array
draws (`random(n)`) and `integers` (library seeds) go to the stream itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["BLOCK", "BlockStream"]

BLOCK = 16


class BlockStream:
    __slots__ = ("_block", "_next", "rng")

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self._block: list[float] = rng.random(BLOCK).tolist()
        self._next = 0

    def random(self, size: Any = None) -> Any:
        if size is not None:
            return self.rng.random(size)
        position = self._next
        if position == BLOCK:
            self._block = self.rng.random(BLOCK).tolist()
            position = 0
        self._next = position + 1
        return self._block[position]

    def integers(self, *args: Any, **kwargs: Any) -> Any:
        return self.rng.integers(*args, **kwargs)

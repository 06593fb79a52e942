"""Canonical JSON: one spelling per value, so equal data gives equal bytes."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["canonical_json", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Turn numpy scalars/arrays, tuples and frozen mappings into plain JSON types."""
    if isinstance(value, (str, bool)) or value is None:
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"cannot write non-finite number {number} as JSON")
        return number
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "to_json"):
        return to_jsonable(value.to_json())
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text kept as is, shortest float repr, no NaN."""
    return json.dumps(
        to_jsonable(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )

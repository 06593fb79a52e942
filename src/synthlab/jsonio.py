"""Canonical JSON: one spelling per value, so equal data gives equal bytes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["canonical_json", "to_jsonable"]


def _default(value: Any) -> Any:
    """What json cannot write by itself: numpy scalars and arrays, mappings, `to_json()`."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "to_json"):
        return value.to_json()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_jsonable(value: Any) -> Any:
    """Plain JSON types only (numpy scalars and arrays, tuples and mappings converted)."""
    return json.loads(canonical_json(value, sort_keys=False))


def canonical_json(value: Any, *, sort_keys: bool = True) -> str:
    """Sorted keys, no spaces, UTF-8 text kept as is, shortest float repr, no NaN."""
    try:
        return json.dumps(
            value,
            sort_keys=sort_keys,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
            default=_default,
        )
    except ValueError as err:
        raise ValueError(f"cannot write a non-finite number as JSON ({err})") from None

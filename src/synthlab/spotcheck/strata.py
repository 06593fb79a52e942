"""What a sample is "about", for stratified picking: its classes, event kinds, templates,
locales and quota conditions, read from its line in samples.jsonl.

Generators record their sampled parameters in `metadata`; the fields below name the
categorical ones wherever they appear in it (top level, or inside lists of objects, events
and segments). A reader may add its own strata with a `strata(record)` method.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthlab.readers import get_reader

__all__ = ["STRATUM_FIELDS", "strata_of"]

# metadata field -> the stratum dimension it names
STRATUM_FIELDS: dict[str, str] = {
    "template": "template",
    "template_id": "template",
    "locale": "locale",
    "category": "class",
    "categories": "class",
    "class": "class",
    "classes": "class",
    "label": "class",
    "labels": "class",
    "kind": "kind",
    "activity": "activity",
    "intent": "class",
    "sentiment": "class",
}
_MAX_DEPTH = 4


def _walk(root: Any, found: set[str]) -> None:
    """Add the strata named anywhere in `root` (parsed JSON: plain dicts, lists, strings)
    down to `_MAX_DEPTH` levels. A loop with exact type checks rather than recursion with
    isinstance: scene metadata has ~40 nodes per sample, and walking 10,000 of them was
    most of picking a spot-check."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deeper = depth < _MAX_DEPTH
        if type(node) is dict:
            for key, value in node.items():
                kind = type(value)
                dimension = STRATUM_FIELDS.get(key)
                if dimension is not None:
                    if kind is str:
                        found.add(f"{dimension}={value}")
                    elif kind is list or kind is tuple:
                        found.update(f"{dimension}={v}" for v in value if type(v) is str)
                if deeper and (kind is dict or kind is list):
                    stack.append((value, depth + 1))
        else:
            for item in node:
                kind = type(item)
                if deeper and (kind is dict or kind is list):
                    stack.append((item, depth + 1))


def strata_of(record: Mapping[str, Any], modality: str) -> list[str]:
    """Sorted stratum names of one index record, e.g. ["class=cat", "quota=fall"]."""
    found = {f"quota={c}" for c in record.get("conditions", ())}
    metadata = record.get("metadata", {})
    if isinstance(metadata, (dict, list)):
        _walk(metadata, found)
    if modality == "record":
        # the debug generator's drawn strings are its categories
        for key, value in (metadata.get("values") or {}).items():
            if isinstance(value, str):
                found.add(f"{key}={value}")
    extra = getattr(_reader_or_none(modality), "strata", None)
    if callable(extra):
        found.update(str(s) for s in extra(record))
    return sorted(found)


def _reader_or_none(modality: str) -> object | None:
    try:
        return get_reader(modality)
    except Exception:  # a modality whose reader is missing still gets metadata strata
        return None

"""What a sample is "about", for stratified picking: its classes, event kinds, templates,
locales and quota conditions, read from its line in samples.jsonl.

Generators record their sampled parameters in `metadata`; the fields below name the
categorical ones wherever they appear in it (top level, or inside lists of objects, events
and segments). A reader may add its own strata with a `strata(record)` method.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, str):
                yield item


def _walk(node: Any, depth: int, found: set[str]) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):  # parsed JSON: plain dicts and lists
        for key, value in node.items():
            dimension = STRATUM_FIELDS.get(str(key))
            if dimension is not None:
                for text in _strings(value):
                    found.add(f"{dimension}={text}")
            if isinstance(value, (dict, list)):
                _walk(value, depth + 1, found)
    elif isinstance(node, (list, tuple)):
        for item in node:
            if isinstance(item, (dict, list)):
                _walk(item, depth + 1, found)


def strata_of(record: Mapping[str, Any], modality: str) -> list[str]:
    """Sorted stratum names of one index record, e.g. ["class=cat", "quota=fall"]."""
    found = {f"quota={c}" for c in record.get("conditions", ())}
    metadata = record.get("metadata", {})
    _walk(metadata, 0, found)
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

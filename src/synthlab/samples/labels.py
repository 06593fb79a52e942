"""The label set a generator declares from its params: every name a dataset's labels can use,
in a fixed order, before any sample exists.

Exporters number classes from it (COCO category ids, YOLO class numbers, Hugging Face
`ClassLabel`s), so the numbering never depends on which sample happened to come first, and a
generator from another package that makes the same sample types can use every format.
The manifest records it (`label_set`), so a dataset says what its numbers mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["KeypointSchema", "LabelSet", "tag_names"]


@dataclass(frozen=True)
class KeypointSchema:
    """The named points of one category and the edges drawn between them (`skeleton`: pairs
    of 0-based positions in `names`; COCO's own file numbers them from 1)."""

    category: str
    names: tuple[str, ...]
    skeleton: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        for a, b in self.skeleton:
            if not (0 <= a < len(self.names) and 0 <= b < len(self.names)):
                raise ValueError(
                    f"keypoint skeleton of {self.category!r}: edge ({a}, {b}) is outside "
                    f"its {len(self.names)} names"
                )

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "names": list(self.names),
            "skeleton": [list(edge) for edge in self.skeleton],
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> KeypointSchema:
        return cls(
            str(raw["category"]),
            tuple(str(n) for n in raw["names"]),
            tuple((int(a), int(b)) for a, b in raw.get("skeleton", ())),
        )


def tag_names(entities: tuple[str, ...], scheme: str) -> tuple[str, ...]:
    """The token-tag inventory in a fixed order: O, then B-/I- (and L-/U- for BILOU) per
    entity type, in the entity types' order."""
    prefixes = ("B", "I") if scheme == "BIO" else ("B", "I", "L", "U")
    return ("O", *(f"{p}-{label}" for label in entities for p in prefixes))


@dataclass(frozen=True)
class LabelSet:
    """Every label name a generator's samples may carry, in declared order.

    - `categories`: object categories (images). COCO id = `category_id_start` + position,
      YOLO class number = position.
    - `keypoints`: the keypoint schema of each category that has keypoints.
    - `classes`: document classes (text) or image-level classes (prompted images).
    - `entities`, `tag_scheme`, `nested_entities`: text entity types and how tokens are tagged.
    - `event_kinds`: the time-series event kinds the recipe injects (their integer codes
      in the `label` column are fixed by `synthlab.samples.timeseries.LABEL_KINDS`);
      `event_names`: the recipe's names for them (its quota conditions).
    - `activities`: the activity states a series' `activity` column may hold.
    """

    categories: tuple[str, ...] = ()
    category_id_start: int = 1
    keypoints: tuple[KeypointSchema, ...] = ()
    classes: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    tag_scheme: str = "BIO"
    nested_entities: bool = False
    event_kinds: tuple[str, ...] = ()
    event_names: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for field_name in ("categories", "classes", "entities", "event_kinds", "event_names"):
            names = getattr(self, field_name)
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"label set: {field_name} name {repeated[0]!r} twice")
        unknown = [k.category for k in self.keypoints if k.category not in self.categories]
        if unknown:
            raise ValueError(f"label set: keypoints for {unknown[0]!r}, which is no category")

    # -- numbering ---------------------------------------------------------------------------

    def category_ids(self) -> dict[str, int]:
        """COCO category id of every category."""
        return {name: self.category_id_start + i for i, name in enumerate(self.categories)}

    def keypoint_schema(self, category: str) -> KeypointSchema | None:
        return next((k for k in self.keypoints if k.category == category), None)

    def tags(self) -> tuple[str, ...]:
        """Token tags: O, then B-/I- (BILOU: and L-/U-) per entity type."""
        return tag_names(self.entities, self.tag_scheme)

    # -- JSON --------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (every field, lists in declared order): what the manifest records."""
        return {
            "categories": list(self.categories),
            "category_id_start": self.category_id_start,
            "keypoints": [k.to_json() for k in self.keypoints],
            "classes": list(self.classes),
            "entities": list(self.entities),
            "tag_scheme": self.tag_scheme,
            "nested_entities": self.nested_entities,
            "event_kinds": list(self.event_kinds),
            "event_names": list(self.event_names),
            "activities": list(self.activities),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> LabelSet:
        """The inverse of `to_json`; missing keys take their defaults (older manifests)."""
        strings = ("categories", "classes", "entities", "event_kinds", "event_names", "activities")
        return cls(
            **{key: tuple(str(v) for v in raw.get(key, ())) for key in strings},
            category_id_start=int(raw.get("category_id_start", 1)),
            keypoints=tuple(KeypointSchema.from_json(k) for k in raw.get("keypoints", ())),
            tag_scheme=str(raw.get("tag_scheme", "BIO")),
            nested_entities=bool(raw.get("nested_entities", False)),
        )

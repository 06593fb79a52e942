"""The canonical sample: what a generator returns, before any file format exists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = ["RecordSample", "Sample"]


@dataclass(frozen=True)
class Sample:
    """One generated sample with its exact labels.

    `conditions` are the quota conditions the sample actually carries (for example "fall"),
    which the engine checks against what it asked for; `metadata` holds the sampled
    parameters that explain the sample later (provenance), as plain JSON values.
    Each modality subclasses this with its data and label fields.
    """

    index: int
    conditions: frozenset[str] = frozenset()
    metadata: Mapping[str, Any] = field(default_factory=dict)

    modality: ClassVar[str] = "abstract"


@dataclass(frozen=True)
class RecordSample(Sample):
    """A flat record of named values: the modality of the debug generator."""

    values: Mapping[str, Any] = field(default_factory=dict)
    payload: bytes = b""  # an optional opaque per-sample file

    modality: ClassVar[str] = "record"

"""Reading a rendered dataset back, one sample at a time, and checking label invariants.

Each modality provides a `ModalityReader` that loads sample *i* from its canonical files
into the same in-memory `Sample` the generator made, and checks that sample's label
invariants (a box is the tight bound of its mask, a span's text equals its slice, an event
lies inside its series...). Spot-check draws overlays from loaded samples and
`synthlab verify --labels` runs the checks on every sample. Readers are found by modality
name and imported only when needed.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from synthlab.errors import RuntimeFailure
from synthlab.samples import RecordSample, Sample

__all__ = ["DatasetView", "ModalityReader", "get_reader", "register_reader"]

# modality -> "module:attribute" of its reader; modules are imported lazily
READER_MODULES: dict[str, str] = {
    "record": "synthlab.readers:RECORD_READER",
    "timeseries": "synthlab.generators.timeseries.reader:READER",
    "text": "synthlab.generators.text.reader:READER",
    "image": "synthlab.exporters.image.reader:READER",
}


class ModalityReader(Protocol):
    def load_sample(self, dataset: DatasetView, record: dict[str, Any]) -> Sample:
        """Sample `record["index"]` rebuilt from the dataset's files."""
        ...

    def check_sample(self, sample: Sample) -> list[str]:
        """Label invariant violations of one sample, each a readable sentence; [] if none."""
        ...


_readers: dict[str, ModalityReader] = {}


def register_reader(modality: str, reader: ModalityReader) -> None:
    _readers[modality] = reader


def get_reader(modality: str) -> ModalityReader:
    if modality not in _readers:
        target = READER_MODULES.get(modality)
        if target is None:
            raise RuntimeFailure(f"no reader for {modality!r} datasets")
        module, _, attribute = target.partition(":")
        _readers[modality] = getattr(importlib.import_module(module), attribute)
    return _readers[modality]


@dataclass(frozen=True)
class DatasetView:
    """A rendered dataset on disk: its manifest and its per-sample index."""

    path: Path
    manifest: dict[str, Any]

    @classmethod
    def open(cls, path: str | Path) -> DatasetView:
        root = Path(path)
        manifest_path = root / "manifest.json"
        if not manifest_path.is_file():
            raise RuntimeFailure(f"{root} holds no manifest.json: not a finished synthlab dataset")
        return cls(root, json.loads(manifest_path.read_text(encoding="utf-8")))

    @property
    def modality(self) -> str:
        return str(self.manifest["generator"]["modality"])

    @property
    def count(self) -> int:
        return int(self.manifest["count"])

    def records(self) -> Iterator[dict[str, Any]]:
        """The lines of samples.jsonl, in index order."""
        with open(self.path / "samples.jsonl", encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)

    def record(self, index: int) -> dict[str, Any]:
        for record in self.records():
            if record["index"] == index:
                return record
        raise IndexError(f"sample {index} is not in {self.path}")

    def load_sample(self, index: int) -> Sample:
        return get_reader(self.modality).load_sample(self, self.record(index))


class _RecordReader:
    def load_sample(self, dataset: DatasetView, record: dict[str, Any]) -> Sample:
        values = record.get("metadata", {}).get("values", {})
        return RecordSample(
            index=record["index"],
            conditions=frozenset(record["conditions"]),
            metadata=record.get("metadata", {}),
            values=values,
        )

    def check_sample(self, sample: Sample) -> list[str]:
        return []


RECORD_READER = _RecordReader()

"""Reading a rendered dataset back, one sample at a time, and checking label invariants.

Each modality provides a `ModalityReader` that loads sample *i* from its canonical files
into the same in-memory `Sample` the generator made, and checks that sample's label
invariants (a box is the tight bound of its mask, a span's text equals its slice, an event
lies inside its series...). Spot-check draws overlays from loaded samples and
`synthlab verify --labels` runs the checks on every sample. Readers are found by modality
name through the entry point group `synthlab.readers`, each living beside the formats it
reads (`exporters/<modality>/reader.py`), and imported only when needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from synthlab.errors import RuntimeFailure
from synthlab.samples import Sample

__all__ = ["DatasetView", "ModalityReader", "get_reader", "register_reader"]

ENTRY_POINT_GROUP = "synthlab.readers"  # name: a modality; value: "module:READER"


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
    """The reader of a modality: registered in this process, else found through the entry
    point group `synthlab.readers` (as generators and exporters are) and imported only now."""
    if modality not in _readers:
        found = [e for e in entry_points(group=ENTRY_POINT_GROUP) if e.name == modality]
        if not found:
            known = sorted({e.name for e in entry_points(group=ENTRY_POINT_GROUP)} | set(_readers))
            raise RuntimeFailure(
                f"no reader for {modality!r} datasets; readers installed: {', '.join(known)}"
            )
        _readers[modality] = found[0].load()
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

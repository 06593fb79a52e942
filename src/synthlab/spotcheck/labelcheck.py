"""Automatic label checks on every sample of a dataset (`synthlab verify OUT --labels`).

Each modality's reader loads a sample back from the canonical files and lists the label
invariants it breaks (box inside the image and tight to its mask, span text equal to its
slice, events inside their series...). A sample that cannot even be loaded is a violation
too: its files do not describe it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from synthlab.readers import DatasetView, get_reader

__all__ = ["Violation", "iter_violations", "verify_labels"]


@dataclass(frozen=True)
class Violation:
    index: int
    message: str

    def __str__(self) -> str:
        return f"sample {self.index}: {self.message}"


def iter_violations(out_dir: str | Path) -> Iterator[Violation]:
    dataset = DatasetView.open(out_dir)
    reader = get_reader(dataset.modality)
    for record in dataset.records():
        index = int(record["index"])
        try:
            sample = reader.load_sample(dataset, record)
        except Exception as error:  # any failure to rebuild a sample is reported, not raised
            yield Violation(index, f"cannot be loaded: {type(error).__name__}: {error}")
            continue
        for message in reader.check_sample(sample):
            yield Violation(index, message)


def verify_labels(out_dir: str | Path) -> list[Violation]:
    """Every label invariant violation in the dataset at `out_dir`, in index order."""
    return list(iter_violations(out_dir))

"""The exporter contract and registry (entry point group `synthlab.exporters`).

An exporter turns canonical samples into one file format. It works in two steps so that
memory stays bounded and the output never depends on how the run was split into shards:

* `write_sample` runs in a worker for each sample. It may write per-sample files
  (`sink.file("series/000017.parquet", data)`) and append lines to named record streams
  (`sink.record("events.csv", line)`).
* `finalize` runs once at the end. Streams are handed back in index order, so the
  exporter can concatenate them into dataset-level files (a JSONL, a COCO JSON) whose bytes
  are the same whatever the shard size or worker count.

Both steps receive the recipe's label set (`layout.labels`, `dataset.layout.labels`): the
names the generator declared, in their fixed order. Exporters number classes from it and
never from the samples they happen to see, nor from a generator's own modules.
"""

from __future__ import annotations

import importlib.util
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import IO, Any, ClassVar, Protocol

from synthlab.errors import RuntimeFailure, UsageError, did_you_mean
from synthlab.samples import Sample
from synthlab.samples.labels import LabelSet

__all__ = [
    "DatasetSink",
    "Exporter",
    "Layout",
    "SampleSink",
    "available_exporters",
    "get_exporter",
    "register_exporter",
]

ENTRY_POINT_GROUP = "synthlab.exporters"


@dataclass(frozen=True)
class Layout:
    """File naming shared by exporters (zero-padded sample numbers wide enough for `count`),
    and the label set every exporter numbers its classes from."""

    count: int
    labels: LabelSet = field(default_factory=LabelSet)

    @property
    def width(self) -> int:
        return max(6, len(str(max(self.count - 1, 0))))

    def sample_name(self, index: int) -> str:
        return f"{index:0{self.width}d}"

    def sample_path(self, folder: str, index: int, suffix: str) -> str:
        """`folder/000017.suffix`, fanned out into sub-folders of 10,000 for big datasets."""
        name = self.sample_name(index)
        if self.count > 10_000:
            return f"{folder}/{name[:-4]}/{name}{suffix}"
        return f"{folder}/{name}{suffix}"


class SampleSink(Protocol):
    def file(self, relpath: str, data: bytes) -> None: ...

    def record(self, stream: str, line: str) -> None: ...


class DatasetSink(Protocol):
    layout: Layout
    recipe: Any  # synthlab.recipe.Recipe

    def streams(self) -> list[str]: ...

    def iter_stream(self, stream: str) -> Iterator[str]: ...

    def stream_bytes(self, stream: str) -> Iterator[bytes]:
        """The stream as UTF-8 blocks: joined, they are its lines in order, each ending in a
        newline (what `iter_stream` yields, without a Python string per line)."""
        ...

    def open(self, relpath: str) -> AbstractContextManager[IO[bytes]]: ...

    def file(self, relpath: str, data: bytes) -> None: ...


class Exporter(ABC):
    """One output format."""

    name: ClassVar[str]
    description: ClassVar[str]
    modalities: ClassVar[frozenset[str]]
    extra: ClassVar[str | None] = None
    requires: ClassVar[tuple[str, ...]] = ()
    # Where it writes, relative to the dataset folder: files ("coco.json") and folders' files
    # by name ending ("labels/*.txt", sub-folders included). The recipe loader refuses two
    # formats whose patterns meet (synthlab.exporters.conflicts) before a sample is made.
    writes: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None: ...

    def finalize(self, dataset: DatasetSink) -> None:
        """Default: each stream this exporter owns becomes one file of the same name."""
        for stream in dataset.streams():
            if self.owns_stream(stream):
                with dataset.open(stream) as handle:
                    for block in dataset.stream_bytes(stream):
                        handle.write(block)

    def owns_stream(self, stream: str) -> bool:
        return stream.startswith(f"{self.name}/")

    def missing_modules(self) -> list[str]:
        return [name for name in self.requires if importlib.util.find_spec(name) is None]

    def check_installed(self) -> None:
        missing = self.missing_modules()
        if missing:
            hint = f'pip install "synthlab[{self.extra}]"' if self.extra else "pip install synthlab"
            raise RuntimeFailure(
                f"format {self.name!r} needs {', '.join(missing)}, which is not installed; "
                f"run: {hint}"
            )


_registered: dict[str, Exporter] = {}
_loaded_entry_points = False


def register_exporter(exporter: Exporter) -> Exporter:
    _registered[exporter.name] = exporter
    return exporter


def available_exporters() -> dict[str, Exporter]:
    global _loaded_entry_points
    if not _loaded_entry_points:
        _loaded_entry_points = True
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            try:
                loaded = entry.load()
            except (ImportError, AttributeError):
                continue  # a module missing or unfinished: its exporters are not offered
            # an entry point names one exporter, or a tuple of them (one per modality package)
            for exporter in loaded if isinstance(loaded, (tuple, list)) else (loaded,):
                _registered.setdefault(exporter.name, exporter)
    return dict(sorted(_registered.items()))


def get_exporter(name: str) -> Exporter:
    exporters = available_exporters()
    if name not in exporters:
        raise UsageError(
            f"unknown format {name!r}{did_you_mean(name, exporters)}; "
            f"available: {', '.join(exporters)}"
        )
    return exporters[name]

"""After the last shard: merge record streams in index order, let exporters write their
dataset-level files, and write the manifest. Its bytes depend only on the content, never
on shard size, worker count or the order shards finished in."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from synthlab._version import __version__
from synthlab.engine.shard import INDEX_STREAM, STATE_DIR, Job
from synthlab.engine.storage import atomic_write, safe_relpath
from synthlab.errors import RuntimeFailure
from synthlab.exporters.base import Exporter, Layout
from synthlab.generators.base import get_generator_spec, label_set_of
from synthlab.recipe import Recipe

__all__ = ["ShardRecord", "finalize", "read_shard_records"]

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
_BLOCK = 1 << 20  # bytes per read when streams are merged


@dataclass(frozen=True)
class ShardRecord:
    path: Path
    shard_id: str
    indices: Sequence[int]
    parts: dict[str, str]
    conditions: dict[str, int]
    seconds: float
    provenance: dict[str, Any]
    summary: Any = None  # the generator's summary part (GeneratorSpec.summary), if any

    @classmethod
    def load(cls, path: Path) -> ShardRecord:
        data = json.loads(path.read_text())
        raw = data["indices"]
        indices: Sequence[int] = (
            range(raw[0], raw[1]) if isinstance(raw, list) else tuple(raw["list"])
        )
        return cls(
            path,
            data["shard"],
            indices,
            data["parts"],
            data["conditions"],
            data["seconds"],
            data.get("provenance", {}),
            data.get("summary"),
        )

    def files(self) -> list[tuple[str, str, int]]:
        """The shard's per-sample files, read when needed so that memory stays bounded."""
        return [(f[0], f[1], int(f[2])) for f in json.loads(self.path.read_text())["files"]]


def read_shard_records(state_dir: Path) -> list[ShardRecord]:
    folder = state_dir / "shards"
    if not folder.exists():
        return []
    records = [ShardRecord.load(p) for p in folder.glob("*.json")]
    return sorted(records, key=lambda r: r.indices[0])


def done_indices(records: Sequence[ShardRecord]) -> Iterator[int]:
    for record in records:
        yield from record.indices


@dataclass
class _Sink:
    """The `DatasetSink` exporters finalize into."""

    out_dir: Path
    layout: Layout
    recipe: Recipe
    records: list[ShardRecord]
    written: list[tuple[str, str, int]] = field(default_factory=list)

    def streams(self) -> list[str]:
        names: set[str] = set()
        for record in self.records:
            names.update(record.parts)
        return sorted(names)

    def iter_stream(self, stream: str) -> Iterator[str]:
        for record in self.records:
            part = record.parts.get(stream)
            if part is None:
                continue
            with open(
                self.out_dir / STATE_DIR / "parts" / record.shard_id / part, encoding="utf-8"
            ) as handle:
                for line in handle:
                    yield line.rstrip("\n")

    def stream_bytes(self, stream: str) -> Iterator[bytes]:
        # the part files hold the lines exactly so (UTF-8, each ending in a newline, none
        # holding another): copied in blocks, a million lines merge in a fraction of a second
        for record in self.records:
            part = record.parts.get(stream)
            if part is None:
                continue
            with open(self.out_dir / STATE_DIR / "parts" / record.shard_id / part, "rb") as handle:
                while block := handle.read(_BLOCK):
                    yield block

    @contextmanager
    def open(self, relpath: str) -> Iterator[IO[bytes]]:
        relpath = safe_relpath(relpath)
        hasher = _HashingWriter()
        with atomic_write(self.out_dir / relpath) as handle:
            hasher.handle = handle
            yield hasher  # type: ignore[misc]
        self.written.append((relpath, hasher.digest.hexdigest(), hasher.size))

    def file(self, relpath: str, data: bytes) -> None:
        with self.open(relpath) as handle:
            handle.write(data)


class _HashingWriter:
    """A write-only file object that hashes what passes through it."""

    def __init__(self) -> None:
        self.handle: Any = None
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return int(self.handle.write(data))

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.size

    @property
    def closed(self) -> bool:
        return bool(self.handle is None or self.handle.closed)

    def flush(self) -> None:
        self.handle.flush()


def _check_coverage(records: Sequence[ShardRecord], selection: Sequence[int]) -> None:
    expected = iter(selection)
    for got in done_indices(records):
        if next(expected, None) != got:
            raise RuntimeFailure(
                f"shard records do not cover the samples exactly (at sample {got}); "
                "run again with --overwrite"
            )
    if next(expected, None) is not None:
        raise RuntimeFailure("some samples were not made; run again with --resume")


def _provenance(records: Sequence[ShardRecord]) -> Any:
    """The workers' provenance: one mapping when they all agree, else each distinct one (a
    mixed cluster, say, with GPUs of two kinds), in first-seen order."""
    distinct: dict[str, dict[str, Any]] = {}
    for record in records:
        distinct.setdefault(json.dumps(record.provenance, sort_keys=True), record.provenance)
    values = list(distinct.values())
    return values[0] if len(values) == 1 else values


def merged_summary(spec: Any, records: Sequence[ShardRecord]) -> Any:
    """The generator's summary of the run from its shards' parts (None: it has none, or a
    shard made by an older synthlab kept none)."""
    summary_class = spec.summary_class()
    parts = [record.summary for record in records]
    if summary_class is None or not parts or any(part is None for part in parts):
        return None
    return summary_class.merge(parts)


def manifest_header(
    job: Job, selection: Sequence[int], records: Sequence[ShardRecord]
) -> dict[str, Any]:
    recipe = job.recipe
    spec = get_generator_spec(recipe.generator.kind)
    asked = recipe.quota_counts()
    got: Counter[str] = Counter()
    for record in records:
        got.update(record.conditions)
    from synthlab.engine.sampling import THREADS

    header = {
        "manifest_format": MANIFEST_FORMAT,
        "synthlab": __version__,
        "name": recipe.name,
        "recipe": recipe.content(),
        "recipe_sha256": job.job_id,
        "seed": recipe.seed,
        "count": recipe.count,
        "selection": "all" if isinstance(selection, range) else list(selection),
        "generator": {
            "kind": spec.kind,
            "modality": spec.modality,
            "provenance": _provenance(records),
        },
        "libraries": spec.library_versions(),
        "threads_per_worker": THREADS,
        "seed_derivation": spec.seed_derivation,
        "sample_seeds": f"spawn_key of every sample is listed in {INDEX_STREAM}",
        "formats": list(job.formats),
        # the user's files the run read, hashed before it began (`synthlab verify` re-hashes)
        "inputs": list(job.inputs),
        # every label name the generator declared, in the order the formats number them
        "label_set": label_set_of(recipe).to_json(),
        "quotas": {k: {"asked": v, "got": got.get(k, 0)} for k, v in asked.items()},
        "conditions": dict(sorted(got.items())),
    }
    summary = merged_summary(spec, records)
    if summary is not None:
        header["summary"] = summary
    return header


def _all_files(
    records: Sequence[ShardRecord], written: Sequence[tuple[str, str, int]]
) -> Iterator[tuple[str, str, int]]:
    for record in records:
        yield from record.files()
    yield from written


def finalize(job: Job, selection: Sequence[int], exporters: Sequence[Exporter]) -> dict[str, Any]:
    records = read_shard_records(job.state_dir)
    _check_coverage(records, selection)
    layout = Layout(job.recipe.count, label_set_of(job.recipe))
    sink = _Sink(job.out_dir, layout, job.recipe, records)
    with sink.open(INDEX_STREAM) as handle:
        for block in sink.stream_bytes(INDEX_STREAM):
            handle.write(block)
    for exporter in exporters:
        exporter.finalize(sink)
    header = manifest_header(job, selection, records)
    with atomic_write(job.out_dir / MANIFEST) as out:
        # Keys are sorted, except inside the recipe: mapping order there can decide the order
        # of draws, so the recorded recipe keeps the order it was written in.
        ordered = {key: header[key] for key in sorted(header)}
        text = json.dumps(ordered, indent=2, ensure_ascii=False)
        out.write(text[:-2].encode("utf-8") + b',\n  "files": [\n')
        separator = b"    "
        for entry in _all_files(records, sink.written):
            out.write(separator + json.dumps(list(entry), ensure_ascii=False).encode())
            separator = b",\n    "
        out.write(b"\n  ]\n}\n")
    shutil.rmtree(job.state_dir / "parts", ignore_errors=True)
    return header

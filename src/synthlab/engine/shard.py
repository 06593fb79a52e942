"""One shard of work, run inside a worker: make samples, let exporters write them into a
private staging folder, then commit (move into place, then record the shard as done).

The done record is written last, after every file is durable in its final place. A shard
interrupted anywhere before that is simply made again on `--resume`; since its files have
fixed names and deterministic bytes, redoing it replaces whatever half-moved state was left.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _quote  # json.dumps' own, ensure_ascii=False
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from synthlab.engine.sampling import SampleMaker, cycle_collection_paused
from synthlab.engine.storage import fault_point, fsync_path, safe_relpath, write_bytes_atomic
from synthlab.exporters.base import Exporter, Layout, get_exporter
from synthlab.generators.base import get_generator_spec, label_set_of
from synthlab.jsonio import canonical_json
from synthlab.recipe import Recipe
from synthlab.samples import Sample

__all__ = [
    "INDEX_STREAM",
    "Job",
    "ShardResult",
    "ShardTask",
    "ShardWriter",
    "prepare_in_driver",
    "run_shard",
]

INDEX_STREAM = "samples.jsonl"  # one line per sample: index, seed key, conditions, digest
# `canonical_json`'s options without its `default`: `json.dumps` with options builds an
# encoder per call (several µs, per sample); one kept encoder writes the same bytes for
# plain values and raises for the rest (numpy scalars, sets), which take the general path.
_ENCODE = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode
STATE_DIR = ".synthlab"
_PART_BUFFER = 1 << 20


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to make shards of one run (picklable)."""

    recipe: Recipe
    out_dir: Path
    formats: tuple[str, ...]
    job_id: str  # the content hash: identifies the generator set-up a worker may reuse
    # the user's input files as hashed before the run (engine/inputs.py), for the manifest
    inputs: tuple[dict[str, Any], ...] = ()

    @property
    def state_dir(self) -> Path:
        return self.out_dir / STATE_DIR


@dataclass(frozen=True)
class ShardTask:
    indices: Sequence[int]  # a range for whole runs, a short tuple for --only

    @property
    def shard_id(self) -> str:
        return f"{self.indices[0]:012d}-{self.indices[-1]:012d}"


@dataclass
class ShardResult:
    shard_id: str
    samples: int
    conditions: dict[str, int]
    seconds: float


def stream_part_name(stream: str) -> str:
    return quote(stream, safe="") + ".part"


# fsync waits on the disk, not the CPU: done by a thread beside the worker, a file's flush
# overlaps the making of the next samples (about 10% of a time-series run's wall time).
# The commit still waits for every flush before anything moves into place.
_flusher: ThreadPoolExecutor | None = None


def _flush_in_background(path: Path) -> Future[None]:
    global _flusher
    if _flusher is None:
        _flusher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="synthlab-fsync")
    return _flusher.submit(fsync_path, path)


def _reset_flusher_after_fork() -> None:
    global _flusher
    _flusher = None  # a forked child has the pool object but none of its threads


os.register_at_fork(after_in_child=_reset_flusher_after_fork)


def _metadata_json(metadata: Any) -> str:
    """`canonical_json(metadata)` for a dict of str and int values, without the encoder's
    per-call set-up; anything else goes through the encoder (which may raise)."""
    if type(metadata) is dict and all(type(v) in (str, int) for v in metadata.values()):
        body = ",".join(
            [
                f"{_quote(key)}:{_quote(value) if type(value) is str else value}"
                for key, value in sorted(metadata.items())
            ]
        )
        return f"{{{body}}}"
    return _ENCODE(metadata)


class _IndexSpelling:
    """Per shard: the JSON of the conditions and metadata already seen. Batched generators
    repeat a few hundred combinations (template x locale, say) over thousands of samples;
    both keys are immutable values (a frozenset, a tuple of str/int items), so a remembered
    spelling is always the right one. Bounded: it starts over when full."""

    LIMIT = 4096

    def __init__(self) -> None:
        self.conditions: dict[frozenset[str], str] = {}
        self.metadata: dict[tuple[tuple[str, Any], ...], str] = {}

    def conditions_json(self, conditions: frozenset[str]) -> str:
        found = self.conditions.get(conditions)
        if found is None:
            if len(self.conditions) >= self.LIMIT:
                self.conditions.clear()
            found = self.conditions[conditions] = ",".join(map(_quote, sorted(conditions)))
        return found

    def metadata_json(self, metadata: Any) -> str:
        # str and int values only: immutable, and no True (== 1) or 1.0 to share a key with 1
        if type(metadata) is not dict:
            return _metadata_json(metadata)
        for value in metadata.values():  # a loop: a third of `all(...)`'s time
            if type(value) is not str and type(value) is not int:
                return _metadata_json(metadata)
        key = tuple(metadata.items())
        found = self.metadata.get(key)
        if found is None:
            if len(self.metadata) >= self.LIMIT:
                self.metadata.clear()
            found = self.metadata[key] = _metadata_json(metadata)
        return found


def _fold_header(kind: bytes, name: str) -> bytes:
    encoded = name.encode("utf-8")
    return kind + len(encoded).to_bytes(8, "big") + encoded


class ShardWriter:
    """The `SampleSink` exporters write into: staged files, stream parts, per-sample digests."""

    def __init__(self, out_dir: Path, shard_id: str):
        self.out_dir = out_dir
        self.shard_id = shard_id
        self.staging = out_dir / STATE_DIR / "staging" / f"{shard_id}.{uuid.uuid4().hex[:8]}"
        self.files: list[tuple[str, str, int]] = []  # (relpath, sha256, size) in write order
        self._flushes: list[Future[None]] = []
        self._parts: dict[str, IO[bytes]] = {}
        self._digest: Any = None
        self._record_headers: dict[str, bytes] = {}  # stream -> its digest header
        self._spelling = _IndexSpelling()

    # -- SampleSink -----------------------------------------------------------------
    def file(self, relpath: str, data: bytes) -> None:
        relpath = safe_relpath(relpath)
        staged = self.staging / "files" / relpath
        staged.parent.mkdir(parents=True, exist_ok=True)
        with open(staged, "wb") as handle:
            handle.write(data)
        self._flushes.append(_flush_in_background(staged))
        sha = hashlib.sha256(data).hexdigest()
        self.files.append((relpath, sha, len(data)))
        # the file's own hash stands for its bytes in the sample digest: one pass, not two
        self._fold(b"F", relpath, sha.encode("ascii"))

    def record(self, stream: str, line: str) -> None:
        data = self._append(stream, line)
        digest = self._digest
        if digest is not None:
            header = self._record_headers.get(stream)
            if header is None:
                header = self._record_headers[stream] = _fold_header(b"R", stream)
            # three updates hash the same bytes as one of the joined bytes, without copying
            # the record twice (a record is most of what a text sample writes)
            digest.update(header)
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)

    # -- engine side ----------------------------------------------------------------
    def _append(self, stream: str, line: str) -> bytes:
        """Write `line` to the stream's part; returns its bytes (without the newline)."""
        if "\n" in line or "\r" in line:
            raise ValueError(f"a record of stream {stream!r} must be one line")
        handle = self._parts.get(stream)
        if handle is None:
            if safe_relpath(stream) != stream:  # checked once per stream and shard
                raise ValueError(f"stream name {stream!r} is not a normalised relative path")
            path = self.staging / "parts" / stream_part_name(stream)
            path.parent.mkdir(parents=True, exist_ok=True)
            # a large buffer: records are short, and each flush of the default 8 KB one is a
            # system call (about half of a record's write time)
            handle = self._parts[stream] = open(path, "wb", buffering=_PART_BUFFER)  # noqa: SIM115 (closed in commit)
        data = line.encode("utf-8")
        handle.write(data)  # two writes into the buffer: no copy of the record to add "\n"
        handle.write(b"\n")
        return data

    def _fold(self, kind: bytes, name: str, data: bytes) -> None:
        if self._digest is not None:
            self._digest.update(_fold_header(kind, name) + len(data).to_bytes(8, "big") + data)

    @contextmanager
    def sample(self) -> Iterator[list[str]]:
        """Collect one sample's writes; the yielded list receives the sample's digest."""
        self._digest = hashlib.sha256()
        result: list[str] = []
        try:
            yield result
            result.append(self._digest.hexdigest())
        finally:
            self._digest = None

    def index_record(self, sample: Sample, digest: str) -> None:
        index = sample.index
        conditions = sample.conditions
        if type(index) is int and type(conditions) is frozenset:
            spelling = self._spelling
            try:  # plain metadata (the usual case): canonical_json's bytes, spelled out
                line = (
                    f'{{"conditions":[{spelling.conditions_json(conditions)}],'
                    f'"digest":{_quote(digest)},"index":{index},'
                    f'"metadata":{spelling.metadata_json(sample.metadata)},'
                    f'"spawn_key":[{index}]}}'
                )
            except (TypeError, ValueError):  # numpy values, sets: the general spelling
                pass
            else:
                self._append(INDEX_STREAM, line)
                return
        row = {
            "index": sample.index,
            "spawn_key": [sample.index],
            "conditions": sorted(sample.conditions),
            "digest": digest,
            "metadata": sample.metadata,
        }
        self._append(INDEX_STREAM, canonical_json(row))

    def commit(
        self,
        task: ShardTask,
        conditions: Counter[str],
        seconds: float,
        provenance: dict[str, Any] | None = None,
        summary: dict[str, Any] | None = None,
    ) -> ShardResult:
        state = self.out_dir / STATE_DIR
        parts_dir = state / "parts" / self.shard_id
        self._wait_for_flushes()
        parts: dict[str, str] = {}
        for stream, handle in self._parts.items():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            parts[stream] = stream_part_name(stream)
        touched: set[Path] = set()
        for relpath, _, _ in self.files:
            target = self.out_dir / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / "files" / relpath, target)
            touched.add(target.parent)
        if parts_dir.exists():
            shutil.rmtree(parts_dir)
        parts_dir.parent.mkdir(parents=True, exist_ok=True)
        if parts:
            os.replace(self.staging / "parts", parts_dir)
        else:
            parts_dir.mkdir()
        touched.add(parts_dir.parent)
        for folder in touched:
            fsync_path(folder)
        fault_point("commit")  # tests: files in place, the shard not yet recorded as done
        indices = task.indices
        record = {
            "shard": self.shard_id,
            "indices": [indices.start, indices.stop]
            if isinstance(indices, range)
            else {"list": list(indices)},
            "files": self.files,
            "parts": parts,
            "conditions": dict(sorted(conditions.items())),
            "provenance": provenance or {},
            "seconds": round(seconds, 3),
        }
        if summary is not None:  # the generator's summary of these samples (GeneratorSpec.summary)
            record["summary"] = summary
        write_bytes_atomic(state / "shards" / f"{self.shard_id}.json", json.dumps(record).encode())
        shutil.rmtree(self.staging, ignore_errors=True)
        return ShardResult(self.shard_id, len(indices), dict(conditions), seconds)

    def _wait_for_flushes(self) -> None:
        """Block until every staged file is durable; re-raise the first failure (ENOSPC)."""
        flushes, self._flushes = self._flushes, []
        for flush in flushes:
            flush.result()

    def abandon(self) -> None:
        for flush in self._flushes:  # let no thread touch the staging folder after this
            if not flush.cancel():
                flush.exception()  # waits for a running flush; its error no longer matters
        self._flushes = []
        for handle in self._parts.values():
            handle.close()
        shutil.rmtree(self.staging, ignore_errors=True)


@dataclass
class _WorkerState:
    job_id: str
    maker: SampleMaker
    exporters: list[Exporter] = field(default_factory=list)


_worker: _WorkerState | None = None


def open_exporters(formats: Sequence[str]) -> list[Exporter]:
    exporters = [get_exporter(name) for name in formats]
    for exporter in exporters:
        exporter.check_installed()
    return exporters


def _state_for(job: Job) -> _WorkerState:
    """Set up the generator once per worker process and reuse it for every shard."""
    global _worker
    if _worker is None or _worker.job_id != job.job_id:
        close_worker()
        maker = SampleMaker.open(job.recipe)
        maker.pin_threads()
        _worker = _WorkerState(job.job_id, maker, open_exporters(job.formats))
    return _worker


def prepare_in_driver(job: Job, workers: int) -> None:
    """Set the generator up here, before workers fork, when its spec allows it: they then
    inherit it (and what `prepare_shared` made, by as many processes as the run has
    workers) instead of each building their own. The state is the one a worker would build
    (`_state_for` reuses it for the same job)."""
    state = _state_for(job)
    state.maker.generator.prepare_shared(workers)


def close_worker(collect: bool = True, release: bool = True) -> None:
    """Close this process's generator and drop its state. `collect`: free it now (a worker
    process that is about to exit has no use for that). `release=False` closes the
    generator (renderers, files) but keeps its state referenced: for a worker about to end,
    whose memory the OS takes back at once, while freeing a text generator's caches object
    by object cost ~0.2 s of CPU per worker (4% of a 100,000-sentence run)."""
    global _worker
    if _worker is not None:
        _worker.maker.close()
        if not release:
            return
        _worker = None
        if collect:
            # A generator's state holds reference cycles (closures, caches pointing back
            # at their owner) and shards run with cycle collection paused, so it would
            # outlive the render until some later full collection: each text render in a
            # long-lived process (a notebook, the pytest plugin) kept ~60 MB more, and
            # the next one ran up to a quarter slower among the leftovers.
            gc.collect()


def write_sample(
    writer: ShardWriter, sample: Sample, exporters: Sequence[Exporter], layout: Layout
) -> str:
    """Let every exporter write `sample`; returns the sample's digest."""
    writer._digest = hashlib.sha256()  # what `writer.sample()` does, without its ~2 µs
    try:
        for exporter in exporters:
            exporter.write_sample(sample, writer, layout)
        return str(writer._digest.hexdigest())
    finally:
        writer._digest = None


def run_shard(job: Job, task: ShardTask) -> ShardResult:
    started = time.perf_counter()
    state = _state_for(job)
    layout = Layout(job.recipe.count, label_set_of(job.recipe))
    writer = ShardWriter(job.out_dir, task.shard_id)
    conditions: Counter[str] = Counter()
    combinations: Counter[frozenset[str]] = Counter()  # one count per sample, summed below
    summary_class = get_generator_spec(job.recipe.generator.kind).summary_class()
    summary = None if summary_class is None else summary_class.for_generator(state.maker.generator)
    try:
        with cycle_collection_paused(state.maker.generator.batched):
            for sample in state.maker.make_many(task.indices):
                digest = write_sample(writer, sample, state.exporters, layout)
                writer.index_record(sample, digest)
                found = sample.conditions
                combinations[found if type(found) is frozenset else frozenset(found)] += 1
                if summary is not None:
                    summary.add(sample)
        for combination, times in combinations.items():
            for condition in combination:
                conditions[condition] += times
        provenance = state.maker.generator.provenance()
        return writer.commit(
            task,
            conditions,
            time.perf_counter() - started,
            provenance,
            None if summary is None else summary.part(),
        )
    except BaseException:
        writer.abandon()
        raise

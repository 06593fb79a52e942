"""Durable, atomic file writing inside an output directory, and safe relative paths."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

__all__ = [
    "FAULT_VARIABLE",
    "atomic_write",
    "fault_point",
    "fault_scope",
    "file_sha256",
    "fsync_path",
    "is_temp_name",
    "safe_relpath",
    "temp_name",
    "write_bytes_atomic",
]


def safe_relpath(relpath: str) -> str:
    """Check that `relpath` names a place inside the output directory, and normalise it.

    Exporters build paths from recipe values (names, classes); none may climb out with
    `..`, start at `/`, or hide under the engine's own `.synthlab` folder.
    """
    if not relpath or "\\" in relpath or "\x00" in relpath:
        raise ValueError(f"bad output path {relpath!r}")
    path = PurePosixPath(relpath)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts):
        raise ValueError(f"output path {relpath!r} escapes the output directory")
    if path.parts[0] in (".synthlab", "manifest.json"):
        raise ValueError(f"output path {relpath!r} is reserved for synthlab itself")
    return path.as_posix()


def fsync_path(path: Path) -> None:
    """Make a file's data, or a directory's entries, durable (a read-only descriptor
    suffices on Linux: fsync flushes the inode, whoever wrote it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")


# Exactly what `temp_name` makes: a dot, the target's name, 12 lower-case hex digits, .tmp
_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{12}\.tmp", re.DOTALL)


def is_temp_name(name: str) -> bool:
    """Whether `name` is one of our temporaries (left behind only when a process died
    between writing it and renaming it: a resumed run removes these, and nothing else)."""
    return _TEMP_NAME.fullmatch(name) is not None


# -- test-only fault injection --------------------------------------------------------
# SYNTHLAB_FAULT_AT=<point>:<n> makes a process SIGKILL itself the n-th time it reaches
# <point>, so that tests can stop a real render where a timed kill rarely lands (inside
# finalize, between a shard's files and its record). Unset, each point costs one lookup.
# Points: `commit` (a shard's files are in place, its record not yet written) and
# `finalize` (a file finalize writes is in its temporary, not yet renamed; once more after
# the last file, before the run is marked complete).
FAULT_VARIABLE = "SYNTHLAB_FAULT_AT"
_fault_hits: dict[str, int] = {}
_fault_scopes: list[str] = []


def fault_point(name: str) -> None:
    wanted = os.environ.get(FAULT_VARIABLE)
    if not wanted or wanted.rpartition(":")[0] != name:
        return
    _fault_hits[name] = _fault_hits.get(name, 0) + 1
    if wanted.rpartition(":")[2] == str(_fault_hits[name]):
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def fault_scope(name: str) -> Iterator[None]:
    """Inside, every atomic write is a fault point called `name`."""
    _fault_scopes.append(name)
    try:
        yield
    finally:
        _fault_scopes.pop()


@contextmanager
def atomic_write(target: Path) -> Iterator[IO[bytes]]:
    """Write to a temp file beside `target`, fsync, then rename over it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_name(target)
    try:
        with open(temp, "wb") as handle:
            yield handle
            if _fault_scopes:
                fault_point(_fault_scopes[-1])  # dies with data still unflushed: a partial temp
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_write(target) as handle:
        handle.write(data)


def file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size

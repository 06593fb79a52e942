"""Durable, atomic file writing inside an output directory, and safe relative paths."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

__all__ = ["atomic_write", "file_sha256", "fsync_path", "safe_relpath", "write_bytes_atomic"]


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


@contextmanager
def atomic_write(target: Path) -> Iterator[IO[bytes]]:
    """Write to a temp file beside `target`, fsync, then rename over it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_name(target)
    try:
        with open(temp, "wb") as handle:
            yield handle
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

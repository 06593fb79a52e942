"""The output directory: one writer at a time (a lock), and the decision to start, resume,
overwrite or refuse, made before any sample is generated."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthlab.engine.storage import write_bytes_atomic
from synthlab.errors import OutputDirError, RuntimeFailure

__all__ = ["OutputDir", "RunState"]

STATE_DIR = ".synthlab"


@dataclass
class RunState:
    """`.synthlab/run.json`: which dataset this directory holds and how far it got."""

    content_sha256: str
    name: str
    complete: bool = False
    extra: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "content_sha256": self.content_sha256,
            "name": self.name,
            "complete": self.complete,
            **(self.extra or {}),
        }


class OutputDir:
    """Holds the directory's lock for the lifetime of a run."""

    def __init__(self, path: Path):
        self.path = path
        self.state_dir = path / STATE_DIR
        self._lock_fd: int | None = None

    # -- locking --------------------------------------------------------------------
    def acquire(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.state_dir / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise RuntimeFailure(
                f"{self.path} is being written by another synthlab run (pid {holder}); "
                "wait for it to finish or choose another output directory"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd

    @property
    def lock_fd(self) -> int | None:
        return self._lock_fd

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> OutputDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    # -- state ----------------------------------------------------------------------
    def read_state(self) -> RunState | None:
        path = self.state_dir / "run.json"
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text())
            return RunState(data["content_sha256"], data["name"], bool(data.get("complete")))
        except (ValueError, KeyError):
            return None

    def write_state(self, state: RunState) -> None:
        write_bytes_atomic(
            self.state_dir / "run.json", json.dumps(state.to_json(), indent=2).encode()
        )

    def clear(self) -> None:
        """Remove everything but our lock (only ever called on a synthlab dataset)."""
        for child in self.path.iterdir():
            if child.name == STATE_DIR:
                for inner in child.iterdir():
                    if inner.name != "lock":
                        _remove(inner)
            else:
                _remove(child)

    def clear_staging(self) -> None:
        shutil.rmtree(self.state_dir / "staging", ignore_errors=True)

    def prepare(self, content_sha256: str, name: str, *, resume: bool, overwrite: bool) -> bool:
        """Lock the directory and decide what to do. Returns False when the directory already
        holds this exact dataset, complete, and nothing needs doing."""
        if self.path.exists() and not self.path.is_dir():
            raise OutputDirError(f"output path {self.path} exists and is not a directory")
        foreign = (
            self.path.exists()
            and any(child.name != STATE_DIR for child in self.path.iterdir())
            and not (self.state_dir / "run.json").exists()
        )
        if foreign:
            raise OutputDirError(
                f"{self.path} is not empty and holds no synthlab dataset; refusing to write "
                "into it (--overwrite only replaces synthlab datasets); choose a new directory"
            )
        self.path.mkdir(parents=True, exist_ok=True)
        self.acquire()
        state = self.read_state()
        if state is None:
            self.clear()
        elif state.content_sha256 != content_sha256:
            if not overwrite:
                self.release()
                raise OutputDirError(
                    f"{self.path} holds a dataset of another recipe (name {state.name!r}, or "
                    "other settings); add --overwrite to replace it, or choose another directory"
                )
            self.clear()
        elif state.complete and not overwrite:
            return False
        elif overwrite:
            self.clear()
        elif not resume:
            self.release()
            raise OutputDirError(
                f"{self.path} holds an unfinished run of this recipe; add --resume to "
                "continue it, or --overwrite to start again"
            )
        self.clear_staging()
        return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()

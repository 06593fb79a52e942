"""The output directory: one writer at a time (a lock), and the decision to start, resume,
overwrite or refuse, made before any sample is generated."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthlab.engine.storage import is_temp_name, write_bytes_atomic
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
        lock = self.state_dir / "lock"
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            writable = True
        except OSError as error:
            # On read-only storage a finished dataset can still be checked ("nothing to
            # do"): flock works on a read-only descriptor. Anything that must write then
            # fails with a message naming the directory.
            if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) or not lock.is_file():
                raise
            fd = os.open(lock, os.O_RDONLY)
            writable = False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise RuntimeFailure(
                f"{self.path} is being written by another synthlab run (pid {holder}); "
                "wait for it to finish or choose another output directory"
            ) from None
        if writable:
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
        """The recorded state; None only when there is no state file at all. A state file
        that cannot be read is never taken for "no dataset" (that would clear the folder)."""
        path = self.state_dir / "run.json"
        if not path.exists() and not path.is_symlink():
            return None
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
            state = RunState(data["content_sha256"], data["name"], data.get("complete", False))
            if not all(isinstance(v, str) for v in (state.content_sha256, state.name)):
                raise ValueError("content_sha256 and name are not strings")
            if not isinstance(state.complete, bool):
                raise ValueError("complete is not true or false")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise OutputDirError(
                f"{path} cannot be read ({_reason(error)}), so synthlab cannot tell which "
                f"dataset {self.path} holds; nothing was changed. Add --overwrite to replace "
                f"its contents with this recipe's dataset, or delete {self.path} yourself"
            ) from None
        return state

    def write_state(self, state: RunState) -> None:
        write_bytes_atomic(
            self.state_dir / "run.json", json.dumps(state.to_json(), indent=2).encode()
        )

    def clear(self) -> None:
        """Remove everything but our lock (only ever called on a synthlab dataset), in an
        order that a kill at any point leaves consistent: shard records before the files
        they vouch for (a resume must not trust a record whose files are gone), the state
        file last (the folder stays a synthlab dataset that --overwrite may clear again,
        rather than one refused as foreign, to be deleted by hand)."""
        for inner in self.state_dir.iterdir():
            if inner.name not in ("lock", "run.json"):
                _remove(inner)
        for child in self.path.iterdir():
            if child.name != STATE_DIR:
                _remove(child)
        (self.state_dir / "run.json").unlink(missing_ok=True)

    def clear_staging(self) -> None:
        shutil.rmtree(self.state_dir / "staging", ignore_errors=True)

    def remove_temporaries(self) -> int:
        """Delete the temporaries a killed run left anywhere in the directory (a file
        finalize was writing, say): only names `storage.temp_name` makes. Returns how many."""
        removed = 0
        for folder, _, files in os.walk(self.path):  # symbolic links are not followed
            for name in files:
                if is_temp_name(name):
                    (Path(folder) / name).unlink(missing_ok=True)
                    removed += 1
        return removed

    def prepare(self, content_sha256: str, name: str, *, resume: bool, overwrite: bool) -> bool:
        """Lock the directory and decide what to do. Returns False when the directory already
        holds this exact dataset, complete, and nothing needs doing (the lock is then still
        held: the caller checks the files and releases it)."""
        try:
            return self._prepare(content_sha256, name, resume=resume, overwrite=overwrite)
        except BaseException as error:
            self.release()
            if isinstance(error, OSError):
                named = error.filename and str(error.filename) != str(self.path)
                where = f" ({error.filename})" if named else ""
                raise OutputDirError(
                    f"cannot use {self.path} as the output directory: "
                    f"{error.strerror or error}{where}; choose a directory synthlab can write"
                ) from None
            raise

    def _prepare(self, content_sha256: str, name: str, *, resume: bool, overwrite: bool) -> bool:
        if self.path.exists() and not self.path.is_dir():
            raise OutputDirError(f"output path {self.path} exists and is not a directory")
        foreign = (
            self.path.exists()
            and any(child.name != STATE_DIR for child in self.path.iterdir())
            and not (self.state_dir / "run.json").exists()
            and not (self.state_dir / "run.json").is_symlink()
        )
        if foreign:
            raise OutputDirError(
                f"{self.path} is not empty and holds no synthlab dataset; refusing to write "
                "into it (--overwrite only replaces synthlab datasets); choose a new directory"
            )
        self.path.mkdir(parents=True, exist_ok=True)
        self.acquire()
        try:
            state = self.read_state()
        except OutputDirError:
            if not overwrite:
                raise
            state = None  # --overwrite: the user says this is a synthlab dataset to replace
        if state is None:
            self.clear()
        elif state.content_sha256 != content_sha256:
            if not overwrite:
                raise OutputDirError(
                    f"{self.path} holds a dataset of another recipe (name {state.name!r}, or "
                    "other settings, or input files that have changed since); add --overwrite "
                    "to replace it, or choose another directory"
                )
            self.clear()
        elif state.complete and not overwrite:
            return False
        elif overwrite:
            self.clear()
        elif not resume:
            raise OutputDirError(
                f"{self.path} holds an unfinished run of this recipe; add --resume to "
                "continue it, or --overwrite to start again"
            )
        else:
            # a run killed mid-write (in finalize, say) left temporaries beside real files;
            # the resumed run writes those files again and must not leave the debris
            self.remove_temporaries()
        self.clear_staging()
        return True


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(error, json.JSONDecodeError):
        return "empty" if not error.doc.strip() else f"not valid JSON: {error.msg}"
    if isinstance(error, KeyError):
        return f"no {error.args[0]!r} field"
    if isinstance(error, TypeError | AttributeError):
        return "not the JSON object synthlab writes"
    return str(error)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()

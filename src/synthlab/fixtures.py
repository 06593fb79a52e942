"""Render a recipe into a directory only when what it would produce has changed.

Shared by the pytest plugin (`synthlab_dataset`) and `synthlab fixture`: CI needs the same
small datasets on every run without storing them, and without paying for a render when
nothing changed.

The fixture key covers everything the bytes depend on: the resolved recipe with its
overrides (seed, count, --set), the output formats, the synthlab version (all three are the
engine's content hash) and the versions of the libraries that draw the generator's values.
After a render the key is stamped into the dataset's `.synthlab/` folder; a directory whose
stamp matches and whose manifest exists is current. Concurrent callers (pytest-xdist
workers, parallel CI jobs) wait on a file lock, so a dataset is rendered once, not twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from synthlab.engine.finalize import MANIFEST
from synthlab.engine.outdir import STATE_DIR
from synthlab.engine.render import content_sha256, render_dataset, resolve_formats
from synthlab.engine.storage import write_bytes_atomic
from synthlab.generators.base import get_generator_spec
from synthlab.jsonio import canonical_json
from synthlab.recipe import Recipe

__all__ = ["FixtureResult", "ensure_fixture", "fixture_key", "is_current", "lock_file"]

STAMP = "fixture.json"


@dataclass(frozen=True)
class FixtureResult:
    path: Path
    key: str
    rendered: bool  # False: the directory already held this exact dataset


def fixture_key(recipe: Recipe) -> str:
    """A hash of everything the dataset's bytes depend on."""
    formats = resolve_formats(recipe)
    spec = get_generator_spec(recipe.generator.kind)
    content = {
        "content_sha256": content_sha256(recipe, range(recipe.count), formats),
        "libraries": spec.library_versions(),
    }
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def _stamp_path(out_dir: Path) -> Path:
    return out_dir / STATE_DIR / STAMP


def is_current(out_dir: Path, key: str) -> bool:
    """True when `out_dir` holds the finished dataset with this key."""
    try:
        stamp = json.loads(_stamp_path(out_dir).read_text())
    except (OSError, ValueError):
        return False
    return bool(stamp.get("key") == key and (out_dir / MANIFEST).is_file())


@contextmanager
def lock_file(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (waiting for it); the lock dies with the process."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def default_lock_path(out_dir: Path) -> Path:
    # Beside the dataset, not inside it: rendering anew clears the dataset's own folder, and
    # a lock file deleted while held no longer excludes anyone.
    return out_dir.parent / f".{out_dir.name}.synthlab-fixture.lock"


def _files_intact(out_dir: Path) -> bool:
    from synthlab.engine.verify import check_files

    return check_files(out_dir).ok


def ensure_fixture(
    recipe: Recipe,
    out_dir: str | Path,
    *,
    workers: int = 1,
    check_files: bool = False,
    force: bool = False,
    lock_path: Path | None = None,
) -> FixtureResult:
    """Make sure `out_dir` holds `recipe`'s dataset, rendering only if it does not.

    `check_files` also hashes every file against the manifest and renders again when one was
    changed or removed. `force` renders again whatever the stamp says. A directory that
    holds something other than a synthlab dataset is never replaced (the engine refuses).
    """
    out = Path(out_dir)
    key = fixture_key(recipe)
    with lock_file(lock_path or default_lock_path(out)):
        current = is_current(out, key) and not force
        if current and (not check_files or _files_intact(out)):
            return FixtureResult(out, key, rendered=False)
        # Anything else (another recipe, other library versions, an interrupted or damaged
        # render) is replaced by a fresh render: fixtures are small, and a fresh render is
        # the one outcome that is certainly right.
        render_dataset(recipe, out, workers=workers, overwrite=True)
        stamp = {"key": key, "recipe": recipe.name, "count": recipe.count, "seed": recipe.seed}
        write_bytes_atomic(_stamp_path(out), (canonical_json(stamp) + "\n").encode())
        return FixtureResult(out, key, rendered=True)

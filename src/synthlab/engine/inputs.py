"""The user's files a run reads (real series, photos, word lists), hashed for provenance.

A generator's spec lists them (`GeneratorSpec.input_files`, resolved and contained by
synthlab.recipe.files). Before anything is rendered each is hashed (sha256, read in 1 MiB
blocks: memory stays flat whatever the size); the digests join the run's content identity,
so `--resume` over a dataset whose inputs changed since is refused instead of mixing
samples made from two versions of the data, and the manifest lists them, so `synthlab
verify` can tell when an input has changed or gone since the dataset was made.

Paths are recorded relative to the recipe's folder (POSIX spelling), or as `asset:...` for
synthlab's own bundled assets: the manifest never holds a host's absolute path, so two runs
of one recipe from two folders record the same inputs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthlab.engine.storage import file_sha256
from synthlab.errors import RuntimeFailure
from synthlab.generators.base import get_generator_spec
from synthlab.recipe import Recipe
from synthlab.recipe.files import ASSET_PREFIX, ASSETS_DIR, RecipeFileError, resolve_recipe_file

__all__ = ["InputReport", "check_inputs", "hash_inputs", "input_name"]


def input_name(path: Path, base_dir: Path) -> str:
    """How the manifest names an input: relative to the recipe's folder, `asset:` for
    synthlab's assets, else (a plugin that reads outside both) the absolute path."""
    real = Path(os.path.realpath(path))
    for root, prefix in ((Path(os.path.realpath(base_dir)), ""), (ASSETS_DIR, ASSET_PREFIX)):
        if real.is_relative_to(root):
            return prefix + real.relative_to(root).as_posix()
    return real.as_posix()


def hash_inputs(recipe: Recipe) -> list[dict[str, Any]]:
    """Every input file of the recipe as {"path", "sha256", "bytes"}, sorted by path."""
    spec = get_generator_spec(recipe.generator.kind)
    found: dict[str, Path] = {}
    for path in spec.input_files(recipe.generator.params, recipe.base_dir):
        found.setdefault(input_name(Path(path), recipe.base_dir), Path(path))
    entries = []
    for name in sorted(found):
        try:
            digest, size = file_sha256(found[name])
        except OSError as error:
            raise RuntimeFailure(
                f"input file {name} cannot be read ({error.strerror or error}); "
                "check that it is still there, then run again"
            ) from None
        entries.append({"path": name, "sha256": digest, "bytes": size})
    return entries


@dataclass
class InputReport:
    """What `verify` found about the recorded inputs. `unchecked`: why they could not be
    looked at (the recipe's folder is unknown or gone), else None."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchecked: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed)


def _locate(name: str, base_dir: Path) -> Path:
    if Path(name).is_absolute():
        return Path(name)
    # the same containment as at render time: a file swapped for a link that leads out of
    # the recipe's folder is reported, never read
    return resolve_recipe_file(base_dir, name, what="input", allow_empty=True)


def check_inputs(recorded: Sequence[dict[str, Any]], base_dir: Path | None) -> InputReport:
    """Hash the inputs a manifest lists again, relative to `base_dir` (the recipe's folder)."""
    report = InputReport()
    if not recorded:
        return report
    if base_dir is None or not base_dir.is_dir():
        report.unchecked = (
            "the recipe's folder is not known"
            if base_dir is None
            else f"the recipe's folder {base_dir} is not there"
        )
        return report
    for entry in recorded:
        name = str(entry["path"])
        report.checked += 1
        try:
            path = _locate(name, base_dir)
            digest, size = file_sha256(path)
        except (RecipeFileError, OSError) as error:
            reason = str(error) if isinstance(error, RecipeFileError) else "cannot be read"
            report.missing.append(f"{name} ({reason})")
            continue
        if digest != entry.get("sha256") or size != entry.get("bytes"):
            report.changed.append(
                f"{name} (now {size} bytes, sha256 {digest[:12]}...; the dataset was made "
                f"from {entry.get('bytes')} bytes, sha256 {str(entry.get('sha256'))[:12]}...)"
            )
    return report

"""Checking a rendered dataset: files against the manifest, and samples regenerated from the
recorded recipe against the bytes on disk."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from synthlab.engine.finalize import MANIFEST
from synthlab.engine.inputs import InputReport, check_inputs
from synthlab.engine.sampling import SampleMaker
from synthlab.engine.shard import INDEX_STREAM, STATE_DIR, ShardWriter, open_exporters, write_sample
from synthlab.engine.storage import file_sha256
from synthlab.errors import RuntimeFailure
from synthlab.exporters.base import Layout
from synthlab.generators.base import get_generator_spec, label_set_of
from synthlab.recipe import Recipe, load_recipe_text

__all__ = [
    "FileReport",
    "check_files",
    "check_recorded_inputs",
    "check_sizes",
    "library_mismatches",
    "listed_files",
    "load_manifest",
    "recorded_recipe",
    "recorded_recipe_dir",
    "regenerate_and_compare",
]

# Written beside a dataset but not part of it: the engine's state and the review's verdicts.
NOT_CONTENT = {STATE_DIR, MANIFEST, "spotcheck"}


@dataclass
class FileReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.extra)


def load_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / MANIFEST
    if not path.is_file():
        raise RuntimeFailure(
            f"{out_dir} has no {MANIFEST}: it is not a finished synthlab dataset "
            "(an interrupted run can be finished with `synthlab render ... --resume`)"
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise RuntimeFailure(f"{path} is not valid JSON ({err})") from None
    return manifest


def _content_files(out_dir: Path) -> Iterator[str]:
    for path in sorted(out_dir.rglob("*")):
        relative = path.relative_to(out_dir)
        if relative.parts[0] in NOT_CONTENT or not path.is_file():
            continue
        yield relative.as_posix()


def check_files(out_dir: Path) -> FileReport:
    manifest = load_manifest(out_dir)
    report = FileReport()
    listed: set[str] = set()
    for relpath, sha, size in manifest["files"]:
        listed.add(relpath)
        report.checked += 1
        path = out_dir / relpath
        if not path.is_file():
            report.missing.append(relpath)
        elif path.stat().st_size != size or file_sha256(path)[0] != sha:
            report.changed.append(relpath)
    report.extra = [p for p in _content_files(out_dir) if p not in listed]
    return report


_FILES_LINE = '  "files": [\n'  # how finalize opens the file list: one entry per line follows


def listed_files(out_dir: Path) -> Iterator[tuple[str, str, int]]:
    """The manifest's (relpath, sha256, size) entries, read a line at a time so that memory
    does not grow with the number of files; a manifest laid out otherwise is parsed whole.
    Raises OSError or ValueError when the manifest cannot be read."""
    with open(out_dir / MANIFEST, encoding="utf-8") as handle:
        for line in handle:
            if line == _FILES_LINE:
                break
        else:
            handle.seek(0)
            for entry in json.load(handle)["files"]:
                yield entry[0], entry[1], int(entry[2])
            return
        for line in handle:
            line = line.strip()
            if line == "]":
                return
            if line:
                entry = json.loads(line.removesuffix(","))
                yield entry[0], entry[1], int(entry[2])
    raise ValueError("the file list is cut short")


def check_sizes(out_dir: Path, limit: int = 3) -> list[str]:
    """The cheap check: is every file the manifest lists there, with its size? (No hashing:
    that is `check_files`.) Returns up to `limit` problems, then a count of the rest."""
    problems: list[str] = []
    more = 0
    try:
        for relpath, _, size in listed_files(out_dir):
            try:
                found = (out_dir / relpath).stat().st_size
            except OSError:
                problem = f"{relpath} is missing"
            else:
                if found == size:
                    continue
                problem = f"{relpath} has {found} bytes where the manifest says {size}"
            if len(problems) < limit:
                problems.append(problem)
            else:
                more += 1
    except FileNotFoundError:
        return [f"{MANIFEST} is missing"]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        return [f"{MANIFEST} cannot be read ({error})"]
    if more:
        problems.append(f"{more} more file{'s' if more > 1 else ''}")
    return problems


def recorded_recipe_dir(out_dir: Path) -> Path | None:
    """Where the recipe was when the dataset was rendered, as the run's state records it
    (`.synthlab/run.json`; the manifest holds no host path, so that equal runs from two
    folders write equal bytes). None when unknown."""
    state_file = out_dir / STATE_DIR / "run.json"
    try:  # the state only says where the recipe was; a damaged one is no reason to fail
        recipe_dir = json.loads(state_file.read_text()).get("recipe_dir")
    except (OSError, ValueError, AttributeError):
        recipe_dir = None
    return Path(recipe_dir) if isinstance(recipe_dir, str) and recipe_dir else None


def check_recorded_inputs(
    out_dir: Path, manifest: dict[str, Any], recipe_dir: Path | None = None
) -> InputReport:
    """The manifest's input files hashed again, in `recipe_dir` or, by default, the recipe's
    folder recorded at render time."""
    return check_inputs(manifest.get("inputs", []), recipe_dir or recorded_recipe_dir(out_dir))


def recorded_recipe(
    out_dir: Path, manifest: dict[str, Any], recipe_dir: Path | None = None
) -> Recipe:
    """The recipe the dataset was made from, as recorded (relative asset paths resolve
    against `recipe_dir`, else the recipe's folder noted at render time when it still
    exists)."""
    base_dir = recipe_dir or recorded_recipe_dir(out_dir)
    if base_dir is not None and not base_dir.is_dir():
        base_dir = None
    # JSON is YAML; ensure_ascii=False because PyYAML reads "\ud83d\ude00" as two lone
    # surrogates, which would turn an emoji in a recorded recipe into an invalid string
    text = json.dumps(manifest["recipe"], ensure_ascii=False)
    return load_recipe_text(text, f"{out_dir / MANIFEST}#recipe", base_dir=base_dir)


def _index_lines(out_dir: Path, wanted: set[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    with open(out_dir / INDEX_STREAM, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["index"] in wanted:
                found[record["index"]] = record
    return found


def library_mismatches(manifest: dict[str, Any]) -> list[str]:
    """Libraries that draw values whose installed version differs from the recorded one."""
    spec = get_generator_spec(manifest["generator"]["kind"])
    recorded = manifest.get("libraries", {})
    installed = spec.library_versions()
    return [
        f"{name} {installed.get(name, 'not installed')} is installed but the dataset was made "
        f"with {name} {version}; values it draws may differ, so regenerated samples may not match"
        for name, version in sorted(recorded.items())
        if installed.get(name) != version
    ]


def regenerate_and_compare(
    out_dir: Path, how_many: int, pick_seed: int | None = None, recipe_dir: Path | None = None
) -> tuple[list[int], list[str]]:
    """Re-render `how_many` random samples; returns (indices, problems found)."""
    manifest = load_manifest(out_dir)
    recipe = recorded_recipe(out_dir, manifest, recipe_dir)
    selection: Sequence[int] = (
        range(recipe.count) if manifest["selection"] == "all" else manifest["selection"]
    )
    rng = np.random.default_rng(pick_seed)
    picked = sorted(
        int(i) for i in rng.choice(len(selection), min(how_many, len(selection)), replace=False)
    )
    indices = [selection[i] for i in picked]
    recorded = _index_lines(out_dir, set(indices))
    problems: list[str] = []
    maker = SampleMaker.open(recipe)
    exporters = open_exporters(manifest["formats"])
    layout = Layout(recipe.count, label_set_of(recipe))
    with tempfile.TemporaryDirectory(prefix="synthlab-verify-") as scratch:
        for index in indices:
            writer = ShardWriter(Path(scratch), f"verify-{index}")
            sample = maker.make(index)
            digest = write_sample(writer, sample, exporters, layout)
            if recorded.get(index, {}).get("digest") != digest:
                problems.append(
                    f"sample {index}: regenerated content differs from the recorded digest"
                )
            for relpath, sha, _ in writer.files:
                on_disk = out_dir / relpath
                if not on_disk.is_file() or file_sha256(on_disk)[0] != sha:
                    problems.append(f"sample {index}: {relpath} differs from the regenerated file")
            writer.abandon()
    maker.close()
    return indices, problems

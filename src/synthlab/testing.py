"""Conformance checks for plugin authors: does a generator or an exporter keep synthlab's
contracts? Run them in your own test suite:

    from synthlab.testing import check_generator

    def test_my_generator_keeps_the_contracts(tmp_path):
        report = check_generator(MY_SPEC, {"size": 3}, quotas={"rare": 2}, workdir=tmp_path)
        assert report.ok, report.problems

Each check renders small datasets with the real engine (no mocks) and compares what came
out. A generator passes when: sample i made alone equals sample i of a run; a run's bytes do
not depend on shard size or worker count; equal seeds give equal bytes and different seeds
different ones; quotas are met exactly; every sample read back from the files keeps its
modality's label invariants. An exporter passes the same byte checks for its own files.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from synthlab.engine.render import render_dataset
from synthlab.engine.verify import check_files, regenerate_and_compare
from synthlab.exporters.base import Exporter, available_exporters, register_exporter
from synthlab.generators.base import GeneratorSpec, available_generators, register_generator
from synthlab.recipe import Recipe, load_recipe_text

__all__ = ["ConformanceReport", "check_exporter", "check_generator"]


@dataclass
class ConformanceReport:
    """What a conformance check found; `ok` when `problems` is empty."""

    subject: str
    checks: list[str] = field(default_factory=list)  # what was checked, in order
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def passed(self, check: str) -> None:
        self.checks.append(check)

    def failed(self, check: str, detail: str) -> None:
        self.checks.append(check)
        self.problems.append(f"{check}: {detail}")


def check_generator(
    spec: GeneratorSpec | str,
    params: Mapping[str, Any] | BaseModel | None = None,
    *,
    count: int = 12,
    seed: int = 7,
    quotas: Mapping[str, int | float] | None = None,
    formats: Sequence[str] | None = None,
    workdir: str | Path | None = None,
) -> ConformanceReport:
    """Render `count` samples of `spec` with `params` in several ways and compare them.

    `spec` is a `GeneratorSpec` (registered here if it is not yet) or a registered kind.
    `workdir` is where the datasets are written and relative asset paths resolve (a temporary
    folder when None)."""
    kind = _registered_kind(spec)
    report = ConformanceReport(f"generator {kind!r}")
    with _workdir(workdir) as root:
        recipe = _recipe(root, kind, params, count, seed, quotas, formats)
        _compare_layouts(recipe, root, report)
        first = root / "one-shard"
        _check_regenerated(first, count, report)
        _check_quotas(first, report)
        _check_labels(first, report)
    return report


def check_exporter(
    exporter: Exporter | str,
    recipe: str | Path,
    *,
    count: int = 12,
    seed: int = 7,
    workdir: str | Path | None = None,
) -> ConformanceReport:
    """Render `recipe` (a file whose generator makes samples `exporter` takes) with only this
    format, in several ways, and compare the bytes the format wrote."""
    name = exporter if isinstance(exporter, str) else exporter.name
    if not isinstance(exporter, str) and name not in available_exporters():
        register_exporter(exporter)
    report = ConformanceReport(f"format {name!r}")
    source = Path(recipe)
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data.update(count=count, seed=seed)
    data.setdefault("output", {})["formats"] = [name]
    data.pop("quotas", None)  # the format is under test, not the quota plan
    with _workdir(workdir) as root:
        loaded = load_recipe_text(
            yaml.safe_dump(data, sort_keys=False),
            str(source),
            base_dir=source.resolve().parent,
        )
        _compare_layouts(loaded, root, report)
        _check_regenerated(root / "one-shard", count, report)
    return report


# -- the checks ---------------------------------------------------------------------------


def _compare_layouts(recipe: Recipe, root: Path, report: ConformanceReport) -> None:
    """One shard and one worker, one sample per shard and two workers, the same run again,
    and another seed: the first three must be byte-identical, the last must differ."""
    runs = {
        "one-shard": {"workers": 1, "shard_size": recipe.count},
        "tiny-shards": {"workers": 2, "shard_size": 1},
        "again": {"workers": 1, "shard_size": None},
    }
    digests = {}
    for name, options in runs.items():
        render_dataset(recipe, root / name, quiet=True, **options)  # type: ignore[arg-type]
        digests[name] = _content_digests(root / name)
    check = "bytes independent of shard size and worker count"
    if digests["tiny-shards"] != digests["one-shard"]:
        report.failed(check, _first_difference(digests["one-shard"], digests["tiny-shards"]))
    else:
        report.passed(check)
    check = "equal seeds give equal bytes"
    if digests["again"] != digests["one-shard"]:
        report.failed(check, _first_difference(digests["one-shard"], digests["again"]))
    else:
        report.passed(check)
    other = recipe.model_copy(update={"seed": recipe.seed + 1})
    other._base_dir = recipe.base_dir
    render_dataset(other, root / "other-seed", quiet=True, workers=1)
    check = "a different seed gives different bytes"
    if _content_digests(root / "other-seed") == digests["one-shard"]:
        report.failed(check, f"seeds {recipe.seed} and {recipe.seed + 1} wrote the same files")
    else:
        report.passed(check)
    files = check_files(root / "one-shard")
    check = "files match the manifest"
    if files.ok:
        report.passed(check)
    else:
        report.failed(
            check, f"missing {files.missing}, changed {files.changed}, extra {files.extra}"
        )


def _check_regenerated(out: Path, count: int, report: ConformanceReport) -> None:
    _, problems = regenerate_and_compare(out, count, pick_seed=0)
    check = "every sample made alone equals the sample of the run"
    if problems:
        report.failed(check, "; ".join(problems[:5]))
    else:
        report.passed(check)


def _check_quotas(out: Path, report: ConformanceReport) -> None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    wrong = {
        name: entry
        for name, entry in manifest.get("quotas", {}).items()
        if entry["asked"] != entry["got"]
    }
    check = "quotas met exactly"
    if wrong:
        report.failed(check, ", ".join(f"{k}: {v}" for k, v in sorted(wrong.items())))
    else:
        report.passed(check)


def _check_labels(out: Path, report: ConformanceReport) -> None:
    from synthlab.spotcheck.labelcheck import verify_labels

    violations = verify_labels(out)
    check = "every sample read back keeps its label invariants"
    if violations:
        report.failed(check, "; ".join(map(str, violations[:5])))
    else:
        report.passed(check)


# -- helpers ------------------------------------------------------------------------------


def _registered_kind(spec: GeneratorSpec | str) -> str:
    if isinstance(spec, str):
        available_generators()  # loads entry points, so a plain kind name is found
        return spec
    if available_generators().get(spec.kind) is not spec:
        register_generator(spec)
    return spec.kind


def _recipe(
    root: Path,
    kind: str,
    params: Mapping[str, Any] | BaseModel | None,
    count: int,
    seed: int,
    quotas: Mapping[str, int | float] | None,
    formats: Sequence[str] | None,
) -> Recipe:
    if isinstance(params, BaseModel):
        params = params.model_dump(mode="json", exclude_defaults=True)
    data: dict[str, Any] = {
        "version": 1,
        "name": f"conformance-{kind}",
        "seed": seed,
        "count": count,
        "generator": {"kind": kind, "params": dict(params or {})},
    }
    if quotas:
        data["quotas"] = dict(quotas)
    if formats:
        data["output"] = {"formats": list(formats)}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return load_recipe_text(text, f"<conformance recipe for {kind}>", base_dir=root)


def _content_digests(out: Path) -> list[tuple[str, str, int]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return [(str(path), str(sha), int(size)) for path, sha, size in manifest["files"]]


def _first_difference(expected: list[tuple[str, str, int]], got: list[tuple[str, str, int]]) -> str:
    want, have = dict((p, s) for p, s, _ in expected), dict((p, s) for p, s, _ in got)
    for path in sorted(set(want) | set(have)):
        if want.get(path) != have.get(path):
            return f"{path} differs ({want.get(path, 'absent')} vs {have.get(path, 'absent')})"
    return "the file lists differ in order"


class _workdir:
    """The caller's folder, or a temporary one removed afterwards."""

    def __init__(self, path: str | Path | None):
        self._given = None if path is None else Path(path)
        self._temporary: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path:
        if self._given is not None:
            self._given.mkdir(parents=True, exist_ok=True)
            return self._given
        self._temporary = tempfile.TemporaryDirectory(prefix="synthlab-conformance-")
        return Path(self._temporary.name)

    def __exit__(self, *exc: object) -> None:
        if self._temporary is not None:
            self._temporary.cleanup()

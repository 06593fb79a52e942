"""The generator contract and the registry of generators (entry point group
`synthlab.generators`).

A generator package exposes a `GeneratorSpec` that is cheap to import: its params model and
a description, never the heavy libraries. `spec.create()` imports the implementation, which
may then import torch or pyrender inside its own module.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, entry_points, version
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel

from synthlab.errors import RuntimeFailure, UsageError, did_you_mean
from synthlab.samples import Sample
from synthlab.samples.labels import LabelSet
from synthlab.seeding import DERIVATION

__all__ = [
    "FileProblem",
    "Generator",
    "GeneratorContext",
    "GeneratorSpec",
    "SamplePlan",
    "available_generators",
    "get_generator_spec",
    "label_set_of",
    "register_generator",
]

ENTRY_POINT_GROUP = "synthlab.generators"


@dataclass(frozen=True)
class SamplePlan:
    """What the engine decided for one index before the generator runs.

    `require`: quota conditions this sample must carry. `forbid`: quota conditions it must
    not carry, because the quota is met exactly by other indices. Conditions that no quota
    mentions are up to the generator.
    """

    index: int
    require: frozenset[str] = frozenset()
    forbid: frozenset[str] = frozenset()


@dataclass(frozen=True)
class GeneratorContext:
    """What a generator may know about the run: where the recipe lives (to resolve relative
    asset paths), the seed and count, and how many threads it may use."""

    recipe_dir: Path
    seed: int
    count: int
    threads: int = 1
    device: str = "cpu"


class Generator(ABC):
    """Makes one sample at a time from a sample's own random stream.

    A generator whose per-sample cost is a few microseconds may instead make a shard's
    samples together: it sets `batched = True` and implements `make_batch`. The engine then
    calls `make_batch` for every sample, a single one (`--only`, `verify --regenerate`,
    `Dataset[i]`) as a batch of one, and `generate` is never called with a stream: such a
    generator draws sample i's randomness from a counter-based derivation of (seed, i) in
    `synthlab.seeding` (named by its spec's `seed_derivation`), so sample i is the same
    whatever batch it is made in.
    """

    batched: ClassVar[bool] = False

    def setup(self, params: Any, context: GeneratorContext) -> None:
        """Once per worker: load assets, open a renderer. Default: keep the params."""
        self.params = params
        self.context = context

    @abstractmethod
    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> Sample: ...

    def make_batch(self, indices: Sequence[int], plans: Sequence[SamplePlan]) -> Sequence[Sample]:
        """Samples `indices` (ascending, any subset) with their plans, in that order. Each
        sample must depend only on (seed, its index, its plan), never on its batch."""
        raise NotImplementedError(f"{type(self).__name__} does not make batches")

    def prepare_shared(self, processes: int = 1) -> None:  # noqa: B027
        """After `setup`, when the spec allows `setup_before_fork`: make now what every
        worker would otherwise make for itself (value pools, say). Runs once in the driver;
        forked workers inherit the result. Must not change any sample. `processes`: how many
        processes the run has for it (its local workers), which may share the work."""

    def close(self) -> None:  # noqa: B027
        """Release what setup acquired."""

    def provenance(self) -> dict[str, Any]:
        """What, beyond the recipe, decided this worker's output (a model's hash, device,
        dtype, threads), as plain JSON. Recorded in the manifest; called after `setup`."""
        return {}


# (where inside `generator.params`, e.g. ("classes", "cup", "mesh"); what is wrong)
FileProblem = tuple[tuple[str | int, ...], str]


def _params_file_problems(params: Any, base_dir: Path) -> Sequence[FileProblem]:
    check = getattr(params, "file_problems", None)
    return list(check(base_dir)) if callable(check) else []


def _params_input_files(params: Any, base_dir: Path) -> Sequence[Path]:
    listed = getattr(params, "input_files", None)
    return list(listed(base_dir)) if callable(listed) else []


@dataclass(frozen=True)
class GeneratorSpec:
    """A registered generator: cheap to import, describes params and what to install."""

    kind: str
    description: str
    modality: str
    params_model: type[BaseModel]
    implementation: str  # "module:ClassName", imported only by create()
    default_formats: tuple[str, ...]
    extra: str | None = None  # the pip extra that installs its optional dependencies
    requires: tuple[str, ...] = ()  # importable module names it needs
    # distributions whose versions can change the values drawn or the bytes written
    # (recorded in the manifest; "zlib" names the runtime zlib that compresses PNGs
    # masks and depth, "deflate" the libdeflate package that compresses RGB images)
    value_libraries: tuple[str, ...] = ("numpy",)
    # how a sample's randomness follows from (seed, index), recorded in the manifest
    seed_derivation: str = DERIVATION
    # Whether the local executor may set the generator up once in the driver and let forked
    # workers inherit it (`Generator.prepare_shared`): only for pure-Python state, never a
    # GPU context, an open renderer or threads, which do not survive a fork.
    setup_before_fork: bool = False
    quota_conditions: Callable[[Any], Collection[str]] = field(default=lambda params: ())
    # What one worker process needs while it makes samples, in Ray's resource names
    # ({"CPU": 1, "GPU": 1}); a function of the params so that e.g. device: cpu asks no GPU.
    # The Ray executor requests it for every shard task.
    resources: Callable[[Any], Mapping[str, float]] = field(default=lambda params: {"CPU": 1.0})
    # Samples that are made together (a diffusion batch): a shard size the engine picks
    # itself is rounded up to a multiple of it, so no group is split across two shards.
    shard_multiple: Callable[[Any], int] = field(default=lambda params: 1)
    # The most samples a shard the engine sizes itself holds (None: the recipe schema's
    # default, 64). A shard costs a few milliseconds however small (staging folder, fsync,
    # done record): a generator that makes thousands of samples a second needs larger ones.
    shard_ceiling: int | None = None
    # What is wrong with the files the params name (missing, outside the recipe's folder, a
    # FIFO, binary, not what the field needs), as (field path inside `generator.params`,
    # message) pairs, found without making a sample. The recipe loader calls it, so `check`
    # and `render` refuse the same recipes at the same line. Default: the params model's own
    # `file_problems(base_dir)` when it has one (paths resolve via synthlab.recipe.files).
    check_files: Callable[[Any, Path], Sequence[FileProblem]] = field(
        default=lambda params, base_dir: _params_file_problems(params, base_dir)
    )
    # Every user file the params read (real series, photos, word lists), resolved inside the
    # recipe's folder via synthlab.recipe.files, from (params, the recipe's folder). The
    # engine hashes each before rendering: the manifest records them, the digests join the
    # run's content identity (--resume refuses changed inputs) and `verify` re-hashes them.
    # Default: the params model's own `input_files(base_dir)` when it has one.
    input_files: Callable[[Any, Path], Sequence[Path]] = field(
        default=lambda params, base_dir: _params_input_files(params, base_dir)
    )
    # Every label name its samples may carry, in a fixed order, from (params, the recipe's
    # folder): exporters number classes from it and the manifest records it. Cheap (no
    # rendering, no model); a generator that declares none gets an empty set.
    label_set: Callable[[Any, Path], LabelSet] = field(default=lambda params, base_dir: LabelSet())
    # A summary of the samples a run made (text: diversity figures), as "module:ClassName",
    # imported only when a run starts: `Class.for_generator(generator)` once per shard,
    # `.add(sample)` for each sample, `.part()` (JSON) kept in the shard's record;
    # `Class.merge(parts)` makes the manifest's "summary" and `Class.line(merged)` the line
    # a render prints. Merged parts must not depend on how the samples were sharded.
    summary: str | None = None

    def summary_class(self) -> Any:
        """The class `summary` names, or None."""
        if self.summary is None:
            return None
        module, _, name = self.summary.partition(":")
        return getattr(importlib.import_module(module), name)

    def declared_labels(self, params: Any, base_dir: Path) -> LabelSet:
        labels = self.label_set(params, base_dir)
        if not isinstance(labels, LabelSet):
            raise TypeError(f"generator {self.kind!r}: label_set returned {type(labels).__name__}")
        return labels

    def missing_modules(self) -> list[str]:
        return [name for name in self.requires if importlib.util.find_spec(name) is None]

    def install_hint(self) -> str:
        return f'pip install "synthlab[{self.extra}]"' if self.extra else "pip install synthlab"

    def library_versions(self) -> dict[str, str]:
        found = {}
        for name in self.value_libraries:
            if name == "zlib":  # not a package: the runtime library that compresses PNGs
                found[name] = zlib.ZLIB_RUNTIME_VERSION
                continue
            try:
                found[name] = version(name)
            except PackageNotFoundError:
                found[name] = "not installed"
        return found

    def check_installed(self) -> None:
        missing = self.missing_modules()
        if missing:
            raise RuntimeFailure(
                f"generator {self.kind!r} needs {', '.join(missing)}, which is not installed; "
                f"run: {self.install_hint()}"
            )

    def create(self) -> Generator:
        self.check_installed()
        module_name, _, class_name = self.implementation.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        generator = cls()
        if not isinstance(generator, Generator):
            raise TypeError(f"{self.implementation} is not a synthlab Generator")
        return generator


def label_set_of(recipe: Any) -> LabelSet:
    """The label set of a loaded recipe (`synthlab.recipe.Recipe`). The engine asks for it
    in every shard, with a recipe unpickled anew each time, so it is kept per generator kind,
    params and folder (a text recipe's costs a parse of its templates)."""
    params = recipe.generator.params
    key = (
        recipe.generator.kind,
        json.dumps(params.model_dump(mode="json") if isinstance(params, BaseModel) else params),
        str(recipe.base_dir),
    )
    found = _label_sets.get(key)
    if found is None:
        spec = get_generator_spec(recipe.generator.kind)
        found = spec.declared_labels(params, recipe.base_dir)
        if len(_label_sets) >= 16:
            _label_sets.clear()
        _label_sets[key] = found
    return found


_label_sets: dict[tuple[str, str, str], LabelSet] = {}
_registered: dict[str, GeneratorSpec] = {}
_loaded_entry_points = False


def register_generator(spec: GeneratorSpec) -> GeneratorSpec:
    """Register a generator in this process (entry points do it for installed packages)."""
    _registered[spec.kind] = spec
    return spec


def _load_entry_points() -> None:
    global _loaded_entry_points
    if _loaded_entry_points:
        return
    _loaded_entry_points = True
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in _registered:
            continue
        try:
            spec = entry.load()
        except (ImportError, AttributeError):
            continue  # a plugin whose module is missing or unfinished is simply not offered
        _registered.setdefault(spec.kind, spec)


def available_generators() -> dict[str, GeneratorSpec]:
    _load_entry_points()
    return dict(sorted(_registered.items()))


def get_generator_spec(kind: str) -> GeneratorSpec:
    specs = available_generators()
    if kind not in specs:
        raise UsageError(
            f"unknown generator {kind!r}{did_you_mean(kind, specs)}; "
            f"available: {', '.join(specs) or 'none'}"
        )
    return specs[kind]

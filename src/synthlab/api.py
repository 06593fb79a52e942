"""The Python API: load, render, iterate, index."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from synthlab.engine.render import RenderResult, render_dataset
from synthlab.engine.sampling import SampleMaker
from synthlab.recipe import Recipe, load_recipe
from synthlab.samples import Sample

__all__ = ["Dataset", "generate", "render"]


def _as_recipe(recipe: Recipe | str | os.PathLike[str]) -> Recipe:
    return recipe if isinstance(recipe, Recipe) else load_recipe(Path(recipe))


def render(
    recipe: Recipe | str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    workers: int | None = None,
    shard_size: int | None = None,
    only: Iterable[int] | None = None,
    resume: bool = False,
    overwrite: bool = False,
    quiet: bool = True,
    executor: str = "local",
    address: str | None = None,
) -> RenderResult:
    """Render a recipe into `out_dir` (as `synthlab render` does); `executor="ray"` runs
    shards as Ray tasks on the cluster at `address` (or a local one)."""
    return render_dataset(
        _as_recipe(recipe),
        Path(out_dir),
        workers=workers,
        shard_size=shard_size,
        only=only if only is None or isinstance(only, range) else list(only),
        resume=resume,
        overwrite=overwrite,
        quiet=quiet,
        executor=executor,
        address=address,
    )


def generate(
    recipe: Recipe | str | os.PathLike[str], indices: Iterable[int] | None = None
) -> Iterator[Sample]:
    """Yield samples in memory, one at a time (all of them, or the given indices). Made a
    batch at a time where the generator can (text), each the same as made alone."""
    loaded = _as_recipe(recipe)
    maker = SampleMaker.open(loaded)
    try:
        yield from maker.make_many(range(loaded.count) if indices is None else indices)
    finally:
        maker.close()


class Dataset:
    """Map-style access: `len(ds)` and `ds[i]` (sample i, regenerated on demand).

    It has the shape PyTorch's `DataLoader` expects of a map-style dataset without importing
    torch. The generator is set up lazily in each process, so DataLoader workers each get
    their own after unpickling.
    """

    def __init__(self, recipe: Recipe | str | os.PathLike[str]):
        self.recipe = _as_recipe(recipe)
        self._maker: SampleMaker | None = None

    def __len__(self) -> int:
        return self.recipe.count

    def __getitem__(self, index: int) -> Sample:
        if not isinstance(index, int):
            raise TypeError(f"Dataset indices are integers, not {type(index).__name__}")
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"sample index out of range 0..{len(self) - 1}")
        if self._maker is None:
            self._maker = SampleMaker.open(self.recipe)
        return self._maker.make(index)

    def __iter__(self) -> Iterator[Sample]:
        if self._maker is None:
            self._maker = SampleMaker.open(self.recipe)
        yield from self._maker.make_many(range(len(self)))  # a batch at a time, where it can

    def close(self) -> None:
        if self._maker is not None:
            self._maker.close()
            self._maker = None

    def __getstate__(self) -> dict[str, Any]:
        return {"recipe": self.recipe, "_maker": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"Dataset({self.recipe.name!r}, count={len(self)})"

"""Making samples: their streams, their plans, pinned threads, and the check of their
conditions, one at a time or, for generators that offer it, a batch at a time.

The worker, `synthlab verify --regenerate`, `Dataset[i]` and `generate()` all come through
here, which is what makes "sample i regenerated alone" identical to sample i of a run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from threadpoolctl import ThreadpoolController, threadpool_limits

from synthlab.errors import RuntimeFailure, SynthlabError
from synthlab.generators.base import Generator, GeneratorContext, SamplePlan, get_generator_spec
from synthlab.quotas import QuotaPlan
from synthlab.recipe import Recipe
from synthlab.samples import Sample
from synthlab.seeding import sample_rng

__all__ = ["BATCH", "THREADS", "SampleMaker", "cycle_collection_paused"]

# Libraries whose results can depend on their thread count (BLAS reductions, torch) get one
# thread per worker while a sample is made; parallelism comes from worker processes.
THREADS = 1

# Samples per `make_batch` call of a batched generator: large enough that per-batch work
# (numpy calls) is spread thin, small enough that a batch's samples take little memory.
BATCH = 512


@contextmanager
def cycle_collection_paused(pause: bool) -> Iterator[None]:
    """Batched generators allocate tens of thousands of small objects per batch, none in a
    reference cycle (refcounting frees them), yet each one counts toward Python's cycle
    collections, which then walk every live object (the generator's value pools, Faker's
    tables): a third of a templated sentence's time. Paused for the shard; any cyclic
    garbage is collected once it ends. `SampleMaker` pauses it around each batch too, for
    callers that make samples without a shard (`generate`, `Dataset`)."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_NOTHING: frozenset[str] = frozenset()


def _unplanned(index: int) -> SamplePlan:
    """`SamplePlan(index)` without the frozen dataclass's per-field `object.__setattr__`
    (a run without quotas makes one per sample: about a microsecond, a tenth of a text
    sample). The same object: every field set, no `__post_init__` (a test compares)."""
    plan = _new_object(SamplePlan)
    fields = plan.__dict__
    fields["index"] = index
    fields["require"] = fields["forbid"] = _NOTHING
    return plan


_new_object = object.__new__


@dataclass
class SampleMaker:
    """A set-up generator plus the run's quota plan: `make(i)` returns sample i."""

    recipe: Recipe
    generator: Generator
    quotas: QuotaPlan
    # Built once: `threadpool_limits(...)` rescans the loaded libraries on every call (~1.6 ms),
    # which would cap fast generators (text) at a few hundred samples per second.
    threadpools: ThreadpoolController = field(default_factory=ThreadpoolController)
    # Set by `pin_threads()` in processes that only make samples: then the limit is applied
    # once for the process instead of around every sample (~25 us each).
    _pinned: Any = None

    @classmethod
    def open(cls, recipe: Recipe) -> SampleMaker:
        spec = get_generator_spec(recipe.generator.kind)
        generator = spec.create()
        context = GeneratorContext(
            recipe_dir=recipe.base_dir, seed=recipe.seed, count=recipe.count, threads=THREADS
        )
        with threadpool_limits(THREADS):
            generator.setup(recipe.generator.params, context)
        quotas = QuotaPlan.build(recipe.quota_counts(), recipe.count, recipe.seed)
        use_quota_plan = getattr(generator, "use_quota_plan", None)
        if use_quota_plan is not None:  # e.g. text splits stratified by quota rank
            use_quota_plan(quotas)
        return cls(recipe, generator, quotas)

    def plan(self, index: int) -> SamplePlan:
        if not self.quotas.all_names:
            return _unplanned(index)
        return SamplePlan(
            index=index,
            require=self.quotas.conditions_for(index),
            forbid=self.quotas.forbidden_for(index),
        )

    def pin_threads(self) -> None:
        """Limit thread pools for the rest of this maker's life (until `close()`). Built after
        `setup`, so libraries the generator loaded there are covered too."""
        if self._pinned is None:
            self._pinned = threadpool_limits(THREADS)

    def _generate(self, index: int, plan: SamplePlan) -> Sample:
        rng = sample_rng(self.recipe.seed, index)
        if self._pinned is not None:
            return self.generator.generate(index, rng, plan)
        with self.threadpools.limit(limits=THREADS):
            return self.generator.generate(index, rng, plan)

    def make(self, index: int) -> Sample:
        if not 0 <= index < self.recipe.count:
            raise IndexError(f"sample index {index} is outside 0..{self.recipe.count - 1}")
        if self.generator.batched:
            return next(self.make_many((index,)))
        plan = self.plan(index)
        try:
            sample = self._generate(index, plan)
        except SynthlabError:
            raise
        except Exception as err:
            raise self._failure(index, err) from err
        return self._checked(index, plan, sample)

    def make_many(self, indices: Iterable[int]) -> Iterator[Sample]:
        """Samples `indices` in the order given; a batched generator makes them `BATCH` at
        a time. Same samples as `make(i)` for each i, whatever the grouping."""
        if not self.generator.batched:
            yield from map(self.make, indices)
            return
        chunk: list[int] = []
        for index in indices:
            chunk.append(index)
            if len(chunk) == BATCH:
                yield from self._batch(chunk)
                chunk = []
        if chunk:
            yield from self._batch(chunk)

    def _batch(self, indices: list[int]) -> list[Sample]:
        if min(indices) < 0 or max(indices) >= self.recipe.count:
            raise IndexError(f"sample indices run from 0 to {self.recipe.count - 1}")
        plans = [self.plan(index) for index in indices]
        try:
            if self._pinned is not None:
                with cycle_collection_paused(True):
                    samples = self.generator.make_batch(indices, plans)
            else:
                with self.threadpools.limit(limits=THREADS), cycle_collection_paused(True):
                    samples = self.generator.make_batch(indices, plans)
        except SynthlabError:
            raise
        except Exception as err:
            # Name the sample that fails: make the batch's samples alone until one does.
            for index, plan in zip(indices, plans, strict=True):
                try:
                    self.generator.make_batch([index], [plan])
                except Exception as alone:
                    raise self._failure(index, alone) from alone
            raise self._failure(indices[0], err) from err
        if len(samples) != len(indices):
            raise RuntimeFailure(
                f"generator {self.recipe.generator.kind!r} made {len(samples)} samples "
                f"for a batch of {len(indices)}"
            )
        return [
            self._checked(index, plan, sample)
            for index, plan, sample in zip(indices, plans, samples, strict=True)
        ]

    def _failure(self, index: int, err: Exception) -> RuntimeFailure:
        kind = self.recipe.generator.kind
        return RuntimeFailure(
            f"generator {kind!r} failed at sample {index}: {type(err).__name__}: {err} "
            "(reproduce it alone with --only {index} --debug)".replace("{index}", str(index))
        )

    def _checked(self, index: int, plan: SamplePlan, sample: Sample) -> Sample:
        if sample.index != index:
            raise RuntimeFailure(
                f"generator {self.recipe.generator.kind!r} returned sample {sample.index} "
                f"for index {index}"
            )
        if plan.require or plan.forbid:
            missing = plan.require - sample.conditions
            unwanted = plan.forbid & sample.conditions
            if missing or unwanted:
                raise RuntimeFailure(
                    f"generator {self.recipe.generator.kind!r} broke the quota plan at "
                    f"sample {index}: "
                    f"required {sorted(plan.require)}, forbidden {sorted(plan.forbid)}, "
                    f"got {sorted(sample.conditions)}"
                )
        return sample

    def close(self) -> None:
        self.generator.close()
        if self._pinned is not None:
            self._pinned.restore_original_limits()
            self._pinned = None

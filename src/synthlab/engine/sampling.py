"""Making one sample: its stream, its plan, pinned threads, and the check of its conditions.

The worker, `synthlab verify --regenerate`, `Dataset[i]` and `generate()` all come through
here, which is what makes "sample i regenerated alone" identical to sample i of a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from threadpoolctl import ThreadpoolController, threadpool_limits

from synthlab.engine.quotas import QuotaPlan
from synthlab.errors import RuntimeFailure, SynthlabError
from synthlab.generators.base import Generator, GeneratorContext, SamplePlan, get_generator_spec
from synthlab.recipe import Recipe
from synthlab.samples import Sample
from synthlab.seeding import sample_rng

__all__ = ["THREADS", "SampleMaker"]

# Libraries whose results can depend on their thread count (BLAS reductions, torch) get one
# thread per worker while a sample is made; parallelism comes from worker processes.
THREADS = 1


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
        return cls(recipe, generator, quotas)

    def plan(self, index: int) -> SamplePlan:
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
        plan = self.plan(index)
        kind = self.recipe.generator.kind
        try:
            sample = self._generate(index, plan)
        except SynthlabError:
            raise
        except Exception as err:
            raise RuntimeFailure(
                f"generator {kind!r} failed at sample {index}: {type(err).__name__}: {err} "
                "(reproduce it alone with --only {index} --debug)".replace("{index}", str(index))
            ) from err
        if sample.index != index:
            raise RuntimeFailure(
                f"generator {kind!r} returned sample {sample.index} for index {index}"
            )
        missing = plan.require - sample.conditions
        unwanted = plan.forbid & sample.conditions
        if missing or unwanted:
            raise RuntimeFailure(
                f"generator {kind!r} broke the quota plan at sample {index}: "
                f"required {sorted(plan.require)}, forbidden {sorted(plan.forbid)}, "
                f"got {sorted(sample.conditions)}"
            )
        return sample

    def close(self) -> None:
        self.generator.close()
        if self._pinned is not None:
            self._pinned.restore_original_limits()
            self._pinned = None

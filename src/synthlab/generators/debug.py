"""A small generator for trying pipelines and measuring the engine itself.

It draws the values its params describe, can carry made-up quota conditions, and can
attach a payload file per sample. `delay_ms` and `fail_at` slow it down or make it fail on
purpose (for testing interruption and error handling).
"""

from __future__ import annotations

import time

import numpy as np
from pydantic import Field

from synthlab.generators.base import Generator, GeneratorSpec, SamplePlan
from synthlab.recipe.distributions import FloatValue, StrValue
from synthlab.recipe.model import RecipeModel
from synthlab.samples import RecordSample
from synthlab.samples.labels import LabelSet

__all__ = ["SPEC", "DebugGenerator", "DebugParams"]


class DebugParams(RecipeModel):
    values: dict[str, FloatValue] = Field(default_factory=dict, description="numbers to draw")
    labels: dict[str, StrValue] = Field(default_factory=dict, description="strings to draw")
    conditions: tuple[str, ...] = Field(default=(), description="conditions samples may carry")
    condition_rate: float = Field(
        default=0.0, ge=0, le=1, description="chance a sample carries a condition by itself"
    )
    payload_bytes: int = Field(default=0, ge=0, description="size of a random per-sample file")
    delay_ms: float = Field(default=0, ge=0, description="sleep per sample (for tests)")
    fail_at: int | None = Field(default=None, description="raise an error at this index")


class DebugGenerator(Generator):
    params: DebugParams

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> RecordSample:
        params = self.params
        if params.fail_at == index:
            raise RuntimeError(f"debug generator told to fail at sample {index}")
        if params.delay_ms:
            time.sleep(params.delay_ms / 1000)
        values: dict[str, object] = {k: v.sample(rng) for k, v in params.values.items()}
        values.update({k: v.sample(rng) for k, v in params.labels.items()})
        conditions = set(plan.require)
        for name in params.conditions:
            chance = rng.random()
            if name not in plan.forbid and chance < params.condition_rate:
                conditions.add(name)
        payload = rng.bytes(params.payload_bytes) if params.payload_bytes else b""
        return RecordSample(
            index=index,
            conditions=frozenset(conditions),
            metadata={"values": values},
            values=values,
            payload=payload,
        )


SPEC = GeneratorSpec(
    kind="debug",
    description="draws numbers and strings from distributions; for testing pipelines",
    modality="record",
    params_model=DebugParams,
    implementation="synthlab.generators.debug:DebugGenerator",
    default_formats=("jsonl",),
    quota_conditions=lambda params: params.conditions,
    # a record carries some of its conditions: they are its only label names
    label_set=lambda params, base_dir: LabelSet(classes=tuple(params.conditions)),
)

"""Typed, frozen recipe models. Nothing downstream of loading sees a raw dict."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

__all__ = [
    "MAX_COUNT",
    "GeneratorSection",
    "OutputSection",
    "QuotaValue",
    "Recipe",
    "RecipeModel",
    "SpotcheckSection",
]


class RecipeModel(BaseModel):
    """Base for every recipe section: frozen, and unknown keys are errors (the loader adds
    the accepted keys and a "did you mean" from `accepted_keys`)."""

    # validate_default: a default such as `amplitude: FloatValue = 1.0` must become a Value
    # (with `.sample`) like a value written in the recipe does
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, validate_default=True
    )


# A quota is an exact count (an integer) or a fraction of `count` (a float in (0, 1], or "5%").
QuotaValue = Annotated[
    int | float | str,
    Field(description="exact count (integer), fraction of count (0 < f <= 1) or a percentage"),
]


def quota_count(value: int | float | str, count: int) -> int:
    """How many samples a quota asks for: fractions round up, at least 1 when above 0."""
    if isinstance(value, str):
        fraction = float(value.rstrip("%")) / 100
    elif isinstance(value, int):
        return value
    else:
        fraction = value
    # round() first so 0.05 * 1000 = 50.000000000000007 does not round up to 51
    wanted = math.ceil(round(fraction * count, 9))
    return max(wanted, 1) if fraction > 0 else 0


class GeneratorSection(RecipeModel):
    kind: str = Field(description="which generator makes the samples (`synthlab generators`)")
    params: Any = Field(default=None, description="the generator's own settings")


class OutputSection(RecipeModel):
    formats: tuple[str, ...] | None = Field(
        default=None, description="output formats (`synthlab formats`); default: the generator's"
    )
    shard_size: int = Field(
        default=64,
        ge=1,
        strict=True,
        description="samples per unit of work (resume granularity); never changes the output "
        "bytes. Unset: the generator's ceiling (64; text 5000), cut so each worker gets 4 or more",
    )


class ZeroDefectPlan(RecipeModel):
    max_rate: float = Field(gt=0, lt=1, description="defect rate to rule out, e.g. 0.05")
    confidence: float = Field(default=0.95, gt=0, lt=1)


class SinglePlan(RecipeModel):
    aql: float = Field(gt=0, lt=1, description="acceptable quality level (defect rate)")
    rql: float = Field(gt=0, lt=1, description="rejectable quality level (defect rate)")
    producer_risk: float = Field(default=0.05, gt=0, lt=0.5)
    consumer_risk: float = Field(default=0.10, gt=0, lt=0.5)

    @model_validator(mode="after")
    def _ordered(self) -> SinglePlan:
        if self.aql >= self.rql:
            raise ValueError(f"Cannot have aql={self.aql} >= rql={self.rql}")
        return self


class SpotcheckSection(RecipeModel):
    n: int | None = Field(
        default=None, ge=1, strict=True, description="review a fixed number of samples"
    )
    zero_defect: ZeroDefectPlan | None = None
    single: SinglePlan | None = None
    seed: int = Field(default=0, ge=0, strict=True, description="seed of the sampling plan")

    @model_validator(mode="after")
    def _one_plan(self) -> SpotcheckSection:
        chosen = [k for k in ("n", "zero_defect", "single") if getattr(self, k) is not None]
        if len(chosen) > 1:
            raise ValueError(f"choose one sampling plan, not {' and '.join(chosen)}")
        return self


# Ten times docs/scaling.md's worked 100-million estimate (weeks of cluster time at
# realistic rates); above this a count is far more likely a typo than a plan, and refusing
# it costs nothing while starting it would tie up the machine.
MAX_COUNT = 10**9

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Recipe(RecipeModel):
    """A validated recipe. `generator.params` holds the generator's typed params model."""

    version: Literal[1] = Field(description="recipe format version")
    name: str = Field(description="dataset name: letters, digits, '.', '_' and '-'")
    description: str = ""
    # strict: YAML's `true` and `5.0` are not counts (pydantic would read them as 1 and 5)
    seed: int = Field(ge=0, lt=2**63, strict=True, description="seed of the whole dataset")
    count: int = Field(
        ge=1,
        le=MAX_COUNT,
        strict=True,
        description=f"number of samples (at most {MAX_COUNT:,})",
    )
    generator: GeneratorSection
    quotas: dict[str, QuotaValue] = Field(
        default_factory=dict, description="rare-event quotas: condition -> count or fraction"
    )
    output: OutputSection = OutputSection()
    spotcheck: SpotcheckSection = SpotcheckSection()

    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)

    @property
    def base_dir(self) -> Path:
        """The folder relative paths in the recipe are resolved against (the recipe's own)."""
        return self._base_dir

    @field_validator("name")
    @classmethod
    def _safe_name(cls, name: str) -> str:
        if not NAME_PATTERN.match(name) or ".." in name:
            raise ValueError(
                f"name {name!r} must start with a letter or digit and hold only letters, "
                "digits, '.', '_' and '-' (it names output folders)"
            )
        return name

    @field_validator("quotas")
    @classmethod
    def _valid_quotas(cls, quotas: dict[str, Any]) -> dict[str, Any]:
        for key, value in quotas.items():
            if isinstance(value, bool):
                raise ValueError(f"quota {key}: expected a count or a fraction, got {value!r}")
            if isinstance(value, str):
                if not re.fullmatch(r"\d+(\.\d+)?%", value.strip()):
                    raise ValueError(
                        f"quota {key}: expected a count, a fraction or 'N%', got {value!r}"
                    )
                if not 0 <= float(value.strip().rstrip("%")) <= 100:
                    raise ValueError(f"quota {key}: a percentage lies in 0%..100%, got {value!r}")
            elif isinstance(value, int) and value < 0:
                raise ValueError(f"quota {key}: Cannot have a count of {value} < 0")
            elif isinstance(value, float) and not 0 <= value <= 1:
                raise ValueError(
                    f"quota {key}: a fraction lies in [0, 1], got {value} "
                    "(write an integer for an exact count)"
                )
        return quotas

    def quota_counts(self) -> dict[str, int]:
        """Exact number of samples per quota condition, in recipe order."""
        return {key: quota_count(value, self.count) for key, value in self.quotas.items()}

    def resolved(self) -> dict[str, Any]:
        """The recipe as plain data with defaults filled in (what the manifest records)."""
        data = self.model_dump(mode="json")
        data["generator"]["params"] = (
            self.generator.params.model_dump(mode="json")
            if isinstance(self.generator.params, BaseModel)
            else self.generator.params
        )
        return data

    def content(self) -> dict[str, Any]:
        """What determines the output bytes: the resolved recipe less execution settings."""
        data = self.resolved()
        data["output"].pop("shard_size", None)
        return data

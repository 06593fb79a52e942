"""Recipe models of body-worn sensors that ActivityParams holds (pydantic only: cheap)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from synthlab.recipe.distributions import FloatValue
from synthlab.recipe.model import RecipeModel

__all__ = ["PLACEMENT_NAMES", "ActivityDefinition", "SubjectParams"]

PLACEMENT_NAMES = (
    "waist",
    "hip",
    "chest",
    "thigh",
    "pocket",
    "ankle",
    "wrist",
    "wrist_dominant",
    "wrist_nondominant",
    "phone_in_hand",
)
Pair = tuple[float, float]


class SubjectParams(RecipeModel):
    """The person, drawn once per series (every value may be a distribution)."""

    height_m: FloatValue = Field(default={"uniform": [1.55, 1.95]}, description="metres")
    cadence_factor: FloatValue = Field(
        default={"uniform": [0.92, 1.08]}, description="multiplies every cadence"
    )
    intensity: FloatValue = Field(
        default={"uniform": [0.8, 1.25]}, description="multiplies every movement amplitude"
    )
    asymmetry: FloatValue = Field(
        default={"uniform": [0.0, 0.08]}, description="left/right step difference, 0..0.9"
    )


class ActivityDefinition(RecipeModel):
    """A recipe's own activity, or changed numbers of a built-in one (see activities.yaml)."""

    like: str | None = Field(default=None, description="start from this activity's numbers")
    posture: Literal["upright", "sitting", "lying", "cycling"] | None = None
    cadence: Pair | None = Field(default=None, description="steps per second [low, high]")
    bounce: float | None = Field(default=None, ge=0, description="trunk vertical, m/s²")
    arm_swing: float | None = Field(default=None, ge=0, description="radians")
    leg_swing: float | None = Field(default=None, ge=0, description="radians")
    impact: float | None = Field(default=None, ge=0, description="heel strike at the ankle, m/s²")
    forearm: float | None = Field(default=None, description="forearm angle, radians")
    gesture: float | None = Field(default=None, ge=0, description="radians std")
    sway: float | None = Field(default=None, ge=0, description="radians std")
    tremor: Pair | None = Field(default=None, description="Hz [low, high]")
    tremor_rad: float | None = Field(default=None, ge=0)
    vibration: float | None = Field(default=None, ge=0, description="m/s² std")
    duration: Pair | None = Field(default=None, description="seconds [low, high]")
    transition: tuple[str, str] | None = Field(default=None, description="[from, to] posture")

    def row(self) -> dict[str, object]:
        return self.model_dump(exclude_none=True)

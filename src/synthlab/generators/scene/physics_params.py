"""Recipe schema of physics placement (`physics: {...}` under a scene's params): objects are
dropped from the layout's positions and settled by pybullet before rendering. Kept apart
from params.py, which only names it; cheap to import (no pybullet, no trimesh).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from synthlab.recipe.distributions import Const, FloatValue, Uniform, Value
from synthlab.recipe.model import RecipeModel

__all__ = ["PhysicsSpec"]


def _uniform(low: float, high: float) -> Value[float]:
    return Uniform(Const(float(low)), Const(float(high)))


class PhysicsSpec(RecipeModel):
    """How objects are dropped and settled (docs/scene.md, Physics placement). Collision
    shapes are the convex hulls of the objects' meshes; people never move (static)."""

    drop_height: FloatValue = Field(
        default_factory=lambda: _uniform(0.02, 0.3),
        description="metres each object starts above where the layout put it",
    )
    tilt: FloatValue = Field(
        default_factory=lambda: _uniform(0.0, 15.0),
        description="degrees each object starts tilted from its layout rotation",
    )
    stack: float = Field(
        default=0.0, ge=0.0, le=1.0, description="chance an object is dropped onto another"
    )
    lean: float = Field(
        default=0.0, ge=0.0, le=1.0, description="chance an object starts leaning on another"
    )
    lean_angle: FloatValue = Field(
        default_factory=lambda: _uniform(12.0, 30.0),
        description="degrees from upright a leaning object starts at",
    )
    static: tuple[str, ...] = Field(
        default=(),
        description="classes kept where the layout put them, as obstacles (people always are)",
    )
    steps: int = Field(
        default=360, ge=1, le=20000, description="most time steps simulated (stops once at rest)"
    )
    time_step: float = Field(
        default=1 / 120, gt=0, le=0.05, description="seconds per step (1/240 for small things)"
    )
    solver_iterations: int = Field(
        default=50,
        ge=1,
        le=500,
        description="contact solver passes per step (fewer: faster, stacks creep)",
    )
    friction: float = Field(default=0.6, ge=0.0, le=5.0, description="Coulomb friction")
    density: float = Field(default=400.0, gt=0, description="kg/m^3 of every hull (mass ratios)")

    @model_validator(mode="after")
    def _checks(self) -> PhysicsSpec:
        for name, low, high in (("drop_height", 0.0, 10.0), ("tilt", 0.0, 90.0),
                                ("lean_angle", 0.0, 80.0)):  # fmt: skip
            lo, hi = getattr(self, name).bounds()
            if lo < low or hi > high:
                raise ValueError(
                    f"physics {name} must lie in [{low}, {high}], but can be "
                    f"{lo if lo < low else hi}"
                )
        return self

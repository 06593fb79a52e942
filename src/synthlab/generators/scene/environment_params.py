"""The `environment:` recipe option: light estimated from an image (environment_light.py).

environment: from_background          # each image lit by its own background
environment: {source: from_background, strength: 3.0, ambient: 0.35, keep_lights: false}
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from synthlab.recipe.model import RecipeModel

__all__ = ["ENVIRONMENT_SOURCES", "EnvironmentSpec"]

ENVIRONMENT_SOURCES = ("from_background",)


class EnvironmentSpec(RecipeModel):
    """Directional lights and an ambient colour estimated from the image behind the scene."""

    source: str = Field(
        default="from_background",
        description="from_background: each image's own background (photo, gradient or colour)",
    )
    strength: float = Field(default=3.0, gt=0, le=50, description="key light for a clear sky")
    ambient: float = Field(default=0.35, ge=0, le=5, description="ambient for an overcast one")
    keep_lights: bool = Field(
        default=False, description="also use the recipe's lights (default: the estimate's only)"
    )

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        return {"source": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _known(self) -> EnvironmentSpec:
        if self.source not in ENVIRONMENT_SOURCES:
            raise ValueError(
                f"environment source {self.source!r} is not known; accepted: "
                f"{', '.join(ENVIRONMENT_SOURCES)} (environment images by path are not "
                "supported yet: put the image in a background folder instead)"
            )
        return self

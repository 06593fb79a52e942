"""The `environment:` recipe option: light estimated from an image (environment_light.py).

environment: from_background          # each image lit by its own background
environment: {source: from_background, strength: 3.0, ambient: 0.35, keep_lights: false}
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from synthlab.recipe.files import check_relative_path
from synthlab.recipe.model import RecipeModel

__all__ = ["ENVIRONMENT_SOURCES", "IMAGE_SUFFIXES", "EnvironmentSpec"]

ENVIRONMENT_SOURCES = ("from_background",)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


class EnvironmentSpec(RecipeModel):
    """Directional lights and an ambient colour estimated from the image behind the scene."""

    source: str = Field(
        default="from_background",
        description="from_background: each image's own background (photo, gradient or "
        "colour); or an image file relative to the recipe (2:1: an equirectangular panorama)",
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
        if self.source in ENVIRONMENT_SOURCES:
            return self
        if not self.source.lower().endswith(IMAGE_SUFFIXES):
            raise ValueError(
                f"environment source {self.source!r} is neither "
                f"{' nor '.join(ENVIRONMENT_SOURCES)} nor an image file "
                f"({', '.join(IMAGE_SUFFIXES)}) relative to the recipe"
            )
        check_relative_path(self.source, what="environment image", allow_assets=False)
        return self

    @property
    def image_path(self) -> str | None:
        """The image file named, or None when each image's background is used."""
        return None if self.source in ENVIRONMENT_SOURCES else self.source

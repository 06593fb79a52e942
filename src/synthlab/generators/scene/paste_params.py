"""Recipe schema for pasting rendered objects into the user's own photos
(`background: {folder | bundled, annotations, paste: {...}}`): where the ground is, how big
objects look, and how strongly their appearance is matched to the photo.

Kept apart from params.py so the photo-paste options live in one place; params.py only
adds the fields that name them to `BackgroundSpec`.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from synthlab.recipe.distributions import Const, FloatValue
from synthlab.recipe.model import RecipeModel

__all__ = ["BUNDLED_PHOTOS", "GroundSpec", "MatchSpec", "PasteSpec", "PhotoOverride"]

# Photographs a package ships and loads offline, by the name a recipe gives them, and the
# file the package holds (also each one's `file_name` in a COCO file about them).
BUNDLED_PHOTOS: dict[str, dict[str, str]] = {
    "skimage": {
        "astronaut": "astronaut.png",
        "chelsea": "chelsea.png",
        "coffee": "coffee.png",
        "rocket": "rocket.jpg",
        "motorcycle": "motorcycle_left.png",
    }
}


class GroundSpec(RecipeModel):
    """Where pasted objects may stand. `horizon`: the horizon line as a fraction of the
    image height from the top (it sets the camera's pitch, so objects nearer the horizon
    come out smaller). `region`: an optional polygon of (x, y) image fractions; an object's
    ground contact point (the bottom centre of its footprint) is drawn inside it."""

    horizon: FloatValue = Field(
        default=Const(0.45), description="horizon row, fraction of image height from the top"
    )
    region: tuple[tuple[float, float], ...] | None = Field(
        default=None, description="ground polygon, (x, y) fractions of width and height"
    )

    @model_validator(mode="after")
    def _checks(self) -> GroundSpec:
        low, high = self.horizon.bounds()
        if low < -1.0 or high > 0.95:
            raise ValueError(
                f"horizon must lie in [-1, 0.95] (fractions of image height; below 0 is "
                f"above the image), but can be {low if low < -1 else high}"
            )
        if self.region is not None:
            if len(self.region) < 3:
                raise ValueError("a ground region needs at least 3 (x, y) points")
            for x, y in self.region:
                if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
                    raise ValueError(
                        f"ground region point ({x}, {y}) must lie in [0, 1] x [0, 1] "
                        "(fractions of image width and height)"
                    )
        return self


class MatchSpec(RecipeModel):
    """How the pasted object's look is matched to the photo around it."""

    color: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="0: rendered colours kept; 1: mean and contrast per channel equal the "
        "photo's around the paste; between: geometric blend",
    )
    blur: bool = Field(default=True, description="blur the object to the photo's sharpness")
    noise: bool = Field(default=True, description="add the photo's own noise level")
    shadow: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="darken the photo's ground where the objects cast shadows (0: off; 1: "
        "as deep as rendered). Changes photo pixels outside the masks: see docs/scene.md",
    )


class PhotoOverride(RecipeModel):
    """Settings for one photo, by its file name (or its bundled name): photos differ in
    where their ground is and how far away it is."""

    ground: GroundSpec | None = Field(default=None, description="this photo's ground")
    pixel_height: tuple[float, float] | None = Field(
        default=None, description="[low, high] object height in pixels in this photo"
    )

    @model_validator(mode="after")
    def _checks(self) -> PhotoOverride:
        _check_pixel_height(self.pixel_height)
        return self


def _check_pixel_height(pixel_height: tuple[float, float] | None) -> None:
    if pixel_height is not None:
        low, high = pixel_height
        if not 2 <= low <= high:
            raise ValueError(f"pixel_height [{low}, {high}] must satisfy 2 <= low <= high")


class PasteSpec(RecipeModel):
    """Objects are rendered with a camera set by the ground (pitch from the horizon, height
    above the ground) and composited into the photo; the photo's pixels elsewhere are kept."""

    ground: GroundSpec = GroundSpec()
    camera_height: FloatValue = Field(
        default=Const(1.6), description="camera height above the ground, metres"
    )
    pixel_height: tuple[float, float] | None = Field(
        default=None,
        description="[low, high] object height in pixels; each object is rescaled to a height "
        "drawn from it (none: the class's metric size and the camera height decide)",
    )
    match: MatchSpec = MatchSpec()
    per_photo: dict[str, PhotoOverride] = Field(
        default_factory=dict,
        description="ground and pixel_height for single photos, by file name (bundled: name)",
    )
    pick: str = Field(default="cycle", description="cycle: photo index % n; random: drawn")
    max_tries: int = Field(default=60, ge=1, description="placement tries per object")

    @model_validator(mode="after")
    def _checks(self) -> PasteSpec:
        if self.camera_height.bounds()[0] <= 0:
            raise ValueError(f"camera_height must be > 0, got {self.camera_height.to_raw()}")
        _check_pixel_height(self.pixel_height)
        if self.pick not in ("cycle", "random"):
            raise ValueError(f"pick must be 'cycle' or 'random', not {self.pick!r}")
        return self

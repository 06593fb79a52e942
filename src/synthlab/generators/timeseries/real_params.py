"""The recipe schema of a real base: the user's own series (CSV or Parquet files in the
recipe's folder, or a package's bundled data set) that events are injected into.

Cheap to import (pydantic only): reading and checking the files is in `real_base.py`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from synthlab.recipe.distributions import IntValue
from synthlab.recipe.files import check_relative_path
from synthlab.recipe.model import RecipeModel

if TYPE_CHECKING:
    from synthlab.generators.timeseries.params import TimeseriesParams

__all__ = [
    "BUNDLED_PACKAGES",
    "EXISTING_NAME",
    "TIME_UNITS",
    "RealBase",
    "check_with_base",
]

# Seconds per unit of a numeric time column. "year" reads decimal calendar years (1700.0,
# 1700.5): their spacing is measured in mean Gregorian years (365.2425 days).
TIME_UNITS: dict[str, float] = {
    "ns": 1e-9,
    "us": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "d": 86_400.0,
    "year": 365.2425 * 86_400.0,
}
# Packages whose bundled data sets a recipe may name (`bundled: statsmodels.sunspots`):
# shipped with the package, read offline at run time, never copied into a recipe's folder.
BUNDLED_PACKAGES = ("statsmodels",)
# The event name (and kind) of a stretch the input itself labels as anomalous
EXISTING_NAME = "existing"
_BUNDLED = re.compile(r"(?P<package>[a-z_]+)\.(?P<name>[a-z_][a-z0-9_]*)")


class RealBase(RecipeModel):
    """Real series to inject events into: every value outside an event window is the
    input's own value, unchanged."""

    files: str | None = Field(
        default=None,
        description="a CSV or Parquet file, or a glob (data/*.csv), in the recipe's folder",
    )
    bundled: str | None = Field(
        default=None, description="a package's bundled data set, e.g. statsmodels.sunspots"
    )
    time: str = Field(description="the time column (numbers in time_unit, or timestamps)")
    time_unit: Literal["ns", "us", "ms", "s", "min", "h", "d", "year"] = Field(
        default="s", description="unit of a numeric time column (year: decimal years, 1700.5)"
    )
    channels: tuple[str, ...] = Field(min_length=1, description="the value columns")
    label: str | None = Field(
        default=None, description="a column of the input's own labels (0 normal, else anomalous)"
    )
    window: IntValue | None = Field(
        default=None, description="points per sample, cut from a series (default: a whole series)"
    )
    allow_overlap: bool = Field(
        default=False, description="let injected events cover stretches the input labels"
    )
    rate_tolerance: float = Field(
        default=1e-6,
        ge=0,
        lt=0.5,
        description="how far (a fraction) an interval may differ from the median interval",
    )

    @field_validator("files")
    @classmethod
    def _files(cls, files: str | None) -> str | None:
        if files is not None:
            check_relative_path(files, what="base.files", allow_assets=False)
        return files

    @field_validator("bundled")
    @classmethod
    def _bundled(cls, bundled: str | None) -> str | None:
        if bundled is None:
            return None
        found = _BUNDLED.fullmatch(bundled)
        if found is None or found["package"] not in BUNDLED_PACKAGES:
            raise ValueError(
                f"bundled {bundled!r}: name a data set as PACKAGE.NAME with a package among "
                f"{', '.join(BUNDLED_PACKAGES)} (e.g. statsmodels.sunspots)"
            )
        return bundled

    @model_validator(mode="after")
    def _consistent(self) -> RealBase:
        if (self.files is None) == (self.bundled is None):
            raise ValueError(
                "give exactly one of files (CSV/Parquet in the recipe's folder) or bundled"
            )
        names = list(self.channels)
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"base.channels: repeated {', '.join(dupes)}")
        for role, column in (("time", self.time), ("label", self.label)):
            if column is not None and column in names:
                raise ValueError(f"column {column!r} is the {role} column; it cannot be a channel")
        if self.label is not None and self.label == self.time:
            raise ValueError(f"column {self.label!r} cannot be both the time and the label column")
        if self.window is not None and self.window.bounds()[0] < 2:
            raise ValueError(f"base.window must be >= 2 points, got {self.window.to_raw()!r}")
        return self

    def shortest(self) -> float:
        """The fewest points a sample can have, as far as the recipe alone tells (a whole
        series: unknown until the files are read, checked then)."""
        return self.window.bounds()[0] if self.window is not None else float("inf")

    @property
    def bundled_parts(self) -> tuple[str, str]:
        assert self.bundled is not None
        package, _, name = self.bundled.partition(".")
        return package, name


def _refused(params: TimeseriesParams) -> list[str]:
    """Settings that make a signal of their own, which a real base replaces (judged by
    value, not by whether the key is written: a recorded recipe spells out every default)."""
    found: list[str] = [
        key
        for key in ("length", "duration", "mixing", "correlated_noise", "activity")
        if getattr(params, key) is not None
    ]
    if params.start != type(params).model_fields["start"].default:
        found.append("start")
    if params.channels:
        found.append("channels")
    if params.sampling.jitter or params.sampling.missing:
        found.append("sampling")
    return found


def check_with_base(params: TimeseriesParams) -> None:
    """What a recipe with a real base may not also say (raised as one ValueError)."""
    base = params.base
    assert base is not None
    refused = _refused(params)
    if refused:
        raise ValueError(
            f"with a base, the series come from the input: drop {', '.join(refused)} "
            "(base.channels names the columns, base.window the length; timestamps come from "
            "the time column)"
        )
    if params.dtype != "float64":
        raise ValueError(
            "with a base, dtype must be float64: the input's values are written unchanged"
        )
    if base.label is not None:
        for number, event in enumerate(params.events):
            if event.condition == EXISTING_NAME:
                raise ValueError(
                    f"events[{number}]: the name {EXISTING_NAME!r} is kept for the input's own "
                    "labels; choose another name"
                )

"""A subject: the person wearing the sensor, drawn once per series from the recipe's values,
so one recipe yields many people (taller people step slower, some swing harder, some limp)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from synthlab.generators.timeseries.wearable.params import SubjectParams

__all__ = ["REFERENCE_HEIGHT_M", "Subject", "draw_subject"]

REFERENCE_HEIGHT_M = 1.72  # the height the library's cadences and amplitudes describe


@dataclass(frozen=True)
class Subject:
    height_m: float
    cadence_factor: float  # multiplies every activity's cadence
    intensity: float  # multiplies every amplitude (trunk bounce, swings, impacts)
    asymmetry: float  # 0: both legs alike; 0.1: alternate steps differ by 10%

    @property
    def cadence_scale(self) -> float:
        """Cadence relative to the reference person: dynamic similarity (equal Froude
        numbers) makes step frequency scale with 1/sqrt(leg length), i.e. of height."""
        return self.cadence_factor * float(np.sqrt(REFERENCE_HEIGHT_M / self.height_m))


def draw_subject(spec: SubjectParams, rng: np.random.Generator) -> Subject:
    return Subject(
        height_m=max(0.5, spec.height_m.sample(rng)),
        cadence_factor=max(0.05, spec.cadence_factor.sample(rng)),
        intensity=max(0.0, spec.intensity.sample(rng)),
        asymmetry=min(max(0.0, spec.asymmetry.sample(rng)), 0.9),
    )

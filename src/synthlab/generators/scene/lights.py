"""Lights: directional (sun), point and spot, with colour temperature and directions drawn
from ranges. A low elevation, a warm temperature and little ambient light make dusk."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from synthlab.generators.scene.camera import look_at_pose
from synthlab.generators.scene.colors import kelvin_to_rgb
from synthlab.generators.scene.params import LightSpec

__all__ = ["Light", "draw_light"]


@dataclass(frozen=True, eq=False)
class Light:
    type: str
    intensity: float
    color: tuple[float, float, float]
    pose: np.ndarray  # 4x4, the light shines along its -z axis
    cone_angle_deg: float
    drawn: dict[str, float]


def draw_light(spec: LightSpec, rng: np.random.Generator, surface_height: float) -> Light:
    intensity = float(spec.intensity.sample(rng))
    kelvin = float(spec.color_temperature.sample(rng))
    elevation = math.radians(float(spec.elevation.sample(rng)))
    azimuth = math.radians(float(spec.azimuth.sample(rng)))
    distance = float(spec.distance.sample(rng))
    direction = np.array(
        [
            math.cos(elevation) * math.cos(azimuth),
            math.cos(elevation) * math.sin(azimuth),
            math.sin(elevation),
        ]
    )
    target = np.array([0.0, 0.0, surface_height])
    pose = look_at_pose(target + distance * direction, target)
    drawn = {
        "intensity": intensity,
        "kelvin": kelvin,
        "elevation_deg": math.degrees(elevation),
        "azimuth_deg": math.degrees(azimuth),
        "distance": distance,
    }
    return Light(spec.type, intensity, kelvin_to_rgb(kelvin), pose, spec.cone_angle, drawn)

"""What the sensor chip does to the motion: orientation on the body, units, gravity kept or
removed, range clipping and quantisation. Acceleration and angular rate always turn with one
rotation matrix, so a randomised orientation moves gravity onto other axes and leaves every
magnitude as it was."""

from __future__ import annotations

import numpy as np

__all__ = [
    "ACCEL_UNITS",
    "GYRO_UNITS",
    "STANDARD_GRAVITY",
    "accel_scale",
    "clip_and_quantise",
    "gyro_scale",
    "random_rotation",
    "rotate",
]

STANDARD_GRAVITY = 9.80665  # m/s² per g (CGPM 1901; the value IMU datasheets use)
ACCEL_UNITS = ("g", "m/s2", "mg")
GYRO_UNITS = ("rad/s", "deg/s")


def accel_scale(unit: str) -> float:
    """Output units per g."""
    return {"g": 1.0, "m/s2": STANDARD_GRAVITY, "mg": 1000.0}[unit]


def gyro_scale(unit: str) -> float:
    """Output units per rad/s."""
    return {"rad/s": 1.0, "deg/s": 180.0 / np.pi}[unit]


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """A rotation drawn uniformly over all orientations (a normalised Gaussian quaternion)."""
    w, x, y, z = (q := rng.normal(size=4)) / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )


def rotate(rotation: np.ndarray, *vectors: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each (n, 3) array expressed in a device frame turned by `rotation` (device' ->
    device): the same matrix for every array, so acc and gyro stay consistent."""
    return tuple(v @ rotation for v in vectors)


def clip_and_quantise(values: np.ndarray, full_scale: float | None, bits: int | None) -> None:
    """In place: clip to +-full_scale, then round to the steps of a `bits`-bit converter
    spanning the range (2**bits codes over 2 * full_scale). NaN (dropouts) stays NaN."""
    if full_scale is None:
        return
    np.clip(values, -full_scale, full_scale, out=values)
    if bits is not None:
        step = 2.0 * full_scale / 2**bits
        np.multiply(np.round(values / step), step, out=values)
        np.minimum(values, full_scale - step, out=values)  # two's complement: no +full code

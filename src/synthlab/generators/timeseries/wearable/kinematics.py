"""A body segment's orientation as four angles per point, and what the sensor on it sees.

The segment-to-world rotation is Rx(roll) Rz(yaw) P(pitch) Rz(twist), P(a) being a turn
about -y that swings a hanging segment's lower end forward. Vectors are turned one axis at
a time with the angles' cosines and sines (a few multiplications per point) instead of
stacking 3x3 matrices per point, and the angular rate comes from the angles' derivatives
(the body-frame rate of a product of axis rotations), exact for any size of angle.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Orientation"]


def _turn_x(v: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    out = np.empty_like(v)
    out[0] = v[0]
    np.multiply(c, v[1], out=out[1])
    out[1] -= s * v[2]
    np.multiply(s, v[1], out=out[2])
    out[2] += c * v[2]
    return out


def _turn_z(v: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    out = np.empty_like(v)
    np.multiply(c, v[0], out=out[0])
    out[0] -= s * v[1]
    np.multiply(s, v[0], out=out[1])
    out[1] += c * v[1]
    out[2] = v[2]
    return out


def _turn_pitch(v: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    out = np.empty_like(v)
    np.multiply(c, v[0], out=out[0])
    out[0] -= s * v[2]
    out[1] = v[1]
    np.multiply(s, v[0], out=out[2])
    out[2] += c * v[2]
    return out


class Orientation:
    """Angles per point, radians: roll (about x), yaw (about z), pitch, twist (about the
    segment's long axis). Each angle's cosine and sine are computed once."""

    def __init__(
        self, roll: np.ndarray, yaw: np.ndarray, pitch: np.ndarray, twist: np.ndarray
    ) -> None:
        self.roll, self.yaw, self.pitch, self.twist = roll, yaw, pitch, twist
        self._twisted = bool(twist.any())  # trunk and legs never turn about their long axis
        self._cos_sin = {
            name: (np.cos(angle), np.sin(angle))
            for name, angle in (("roll", roll), ("yaw", yaw), ("pitch", pitch), ("twist", twist))
            if name != "twist" or self._twisted
        }

    def _back(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Cosine and minus sine: the inverse turn."""
        c, s = self._cos_sin[name]
        return c, -s

    def long_axis(self) -> np.ndarray:
        """(3, n): the segment's downward long axis (0, 0, -1) in the world."""
        cp, sp = self._cos_sin["pitch"]
        v = np.stack([sp, np.zeros_like(sp), -cp])  # P(pitch) (0, 0, -1)
        v = _turn_z(v, *self._cos_sin["yaw"])
        return _turn_x(v, *self._cos_sin["roll"])

    def to_segment(self, world: np.ndarray) -> np.ndarray:
        """(3, n) world vectors in the segment's frame (twist included)."""
        c, s = self._cos_sin["roll"]
        v = _turn_x(world, c, -s)
        c, s = self._cos_sin["yaw"]
        v = _turn_z(v, c, -s)
        c, s = self._cos_sin["pitch"]
        v = _turn_pitch(v, c, -s)
        if self._twisted:
            v = _turn_z(v, *self._back("twist"))
        return v

    def up_in_segment(self) -> np.ndarray:
        """(3, n): the world's up (0, 0, 1) in the segment's frame: where gravity reads."""
        cr, sr = self._cos_sin["roll"]
        v = np.stack([np.zeros_like(cr), sr, cr])  # Rx(roll)^T (0, 0, 1)
        c, s = self._cos_sin["yaw"]
        v = _turn_z(v, c, -s)
        c, s = self._cos_sin["pitch"]
        v = _turn_pitch(v, c, -s)
        if self._twisted:
            v = _turn_z(v, *self._back("twist"))
        return v

    def body_rate(self, dt: float) -> np.ndarray:
        """(3, n) angular rate in the segment's frame: for R = A B C D each factor's own
        rate, turned back through the factors after it."""
        d_roll, d_yaw, d_pitch = (np.gradient(a, dt) for a in (self.roll, self.yaw, self.pitch))
        cy, sy = self._cos_sin["yaw"]
        # roll's rate through Rz(yaw)^T, plus yaw's own
        v = np.stack([cy * d_roll, -sy * d_roll, d_yaw])
        cp, sp = self._cos_sin["pitch"]
        v = _turn_pitch(v, cp, -sp)
        v[1] -= d_pitch  # P turns about -y
        if self._twisted:
            v = _turn_z(v, *self._back("twist"))
            v[2] += np.gradient(self.twist, dt)
        return v

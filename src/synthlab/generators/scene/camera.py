"""Cameras: intrinsics from a field of view or a focal length, and an orbit around a
look-at point with roll.

Two frames are kept. Labels use OpenCV's camera frame (x right, y down, z forward), in
which a point projects to pixel (fx*x/z + cx, fy*y/z + cy) with the origin at the top-left
corner of the top-left pixel. The renderer uses OpenGL's (x right, y up, looking down -z);
`gl_pose` is that camera's pose in the world. World: z up, the surface at z = height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from synthlab.generators.scene.params import CameraSpec

__all__ = ["Camera", "draw_camera", "look_at_pose", "project"]

# OpenCV camera axes expressed in the OpenGL camera frame (flip y and z)
_CV_FROM_GL = np.diag([1.0, -1.0, -1.0, 1.0])


@dataclass(frozen=True, eq=False)
class Camera:
    K: np.ndarray  # 3x3 intrinsics
    width: int
    height: int
    gl_pose: np.ndarray  # 4x4 OpenGL camera-to-world
    znear: float = 0.05
    zfar: float = 500.0

    @property
    def world_to_camera(self) -> np.ndarray:
        """4x4 extrinsics: world point -> OpenCV camera frame."""
        cv_to_world = self.gl_pose @ _CV_FROM_GL
        return np.linalg.inv(cv_to_world)

    def describe(self) -> dict[str, object]:
        return {
            "K": self.K.round(9).tolist(),
            "extrinsics": self.world_to_camera.round(9).tolist(),
            "width": self.width,
            "height": self.height,
            "convention": "opencv: x right, y down, z forward; pixel (0,0) = top-left corner",
        }


def look_at_pose(eye: np.ndarray, target: np.ndarray, roll_deg: float = 0.0) -> np.ndarray:
    """OpenGL camera-to-world pose at `eye` looking at `target`, z up, rolled about its axis."""
    forward = target - eye
    forward = forward / np.linalg.norm(forward)
    right = np.cross(forward, (0.0, 0.0, 1.0))
    if np.linalg.norm(right) < 1e-9:  # looking straight down: any horizontal right will do
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    roll = math.radians(roll_deg)
    right, up = (
        math.cos(roll) * right + math.sin(roll) * up,
        -math.sin(roll) * right + math.cos(roll) * up,
    )
    pose = np.eye(4)
    pose[:3, 0], pose[:3, 1], pose[:3, 2], pose[:3, 3] = right, up, -forward, eye
    return pose


def intrinsics(width: int, height: int, fov_deg: float) -> np.ndarray:
    focal = (height / 2) / math.tan(math.radians(fov_deg) / 2)
    return np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1.0]])


def draw_camera(
    spec: CameraSpec, rng: np.random.Generator, surface_height: float
) -> tuple[Camera, dict[str, float]]:
    width, height = spec.resolution
    if spec.focal_length_mm is not None:
        focal_mm = float(spec.focal_length_mm.sample(rng))
        fov = math.degrees(2 * math.atan(spec.sensor_height_mm / (2 * focal_mm)))
    else:
        fov = float(spec.fov.sample(rng)) if spec.fov is not None else 50.0
    distance = float(spec.distance.sample(rng))
    elevation = math.radians(float(spec.elevation.sample(rng)))
    azimuth = math.radians(float(spec.azimuth.sample(rng)))
    roll = float(spec.roll.sample(rng))
    target = np.array([float(v.sample(rng)) for v in spec.look_at])
    target[2] += surface_height
    eye = target + distance * np.array(
        [
            math.cos(elevation) * math.cos(azimuth),
            math.cos(elevation) * math.sin(azimuth),
            math.sin(elevation),
        ]
    )
    eye[2] = max(eye[2], surface_height + 0.05)  # never below the surface
    camera = Camera(intrinsics(width, height, fov), width, height, look_at_pose(eye, target, roll))
    drawn = {
        "fov_deg": fov,
        "distance": distance,
        "elevation_deg": math.degrees(elevation),
        "azimuth_deg": math.degrees(azimuth),
        "roll_deg": roll,
    }
    return camera, drawn


def project(K: np.ndarray, points_cam: np.ndarray) -> np.ndarray:
    """Nx3 OpenCV camera-frame points -> Nx2 pixel coordinates (z must be > 0)."""
    uvw = points_cam @ K.T
    pixels: np.ndarray = uvw[:, :2] / uvw[:, 2:3]
    return pixels

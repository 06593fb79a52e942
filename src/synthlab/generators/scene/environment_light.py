"""Image-based light: a few directional lights and an ambient colour estimated from an
image, so objects are lit the way the background photo (or an environment image) is.

The image is read as the light arriving from the directions it shows:

* a panorama (width twice its height) is taken as equirectangular: columns are azimuth
  all round, rows elevation from +90 (top) to -90 degrees;
* any other image (a background photo) is a window of the world behind the scene as seen
  by the camera: columns span `PHOTO_HFOV` degrees of azimuth centred on the camera's line
  of sight (light from there comes towards the camera: the back light photos of a bright
  sky give), rows span elevation from `PHOTO_TOP` degrees at the top to -`PHOTO_TOP` at
  the bottom.

Pixels are decoded from sRGB to linear light (a 2.2 power) and weighted by the solid angle
they cover. From that radiance field:

* a spherical-harmonics fit of order 2 (9 coefficients per channel, Ramamoorthi and
  Hanrahan 2001's irradiance basis): its constant term gives the ambient colour, its
  linear term the average direction light comes from;
* the key light: the brightest 2% of the upper hemisphere's pixels that are at least half
  as bright as the brightest (the sun, a window, a lamp), their luminance-weighted
  centroid direction and mean colour;
* a fill light along the linear term's direction when that differs from the key's by
  more than 30 degrees (a bright sky opposite the sun).

How strong the key is against the ambient follows how peaked the image is: a clear sky
(peak far above the mean) gives a strong key and little ambient, an overcast one the
opposite. The results are deterministic functions of the image.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthlab.generators.scene.camera import look_at_pose
from synthlab.generators.scene.environment_params import EnvironmentSpec
from synthlab.generators.scene.lights import Light
from synthlab.recipe.files import RecipeFileError, read_recipe_bytes

__all__ = [
    "EnvironmentLight",
    "environment_lights",
    "estimate_environment",
    "load_environment_image",
    "sh_basis",
]

PHOTO_HFOV = 60.0  # degrees of azimuth a background photo is taken to span
PHOTO_TOP = 30.0  # degrees of elevation at a photo's top edge (and minus at its bottom)
KEY_SHARE = 0.02  # the brightest share of the upper hemisphere's weight taken as the key
MAX_SIDE = 128  # images are shrunk to this first: light is low frequency


@dataclass(frozen=True)
class DirectionalEstimate:
    elevation_deg: float
    azimuth_deg: float  # in the image's own frame (photo: relative to the line of sight)
    color: tuple[float, float, float]  # linear, brightest channel 1
    intensity: float


@dataclass(frozen=True)
class EnvironmentLight:
    lights: tuple[DirectionalEstimate, ...]
    ambient: tuple[float, float, float]  # linear RGB
    sh: np.ndarray  # 9 x 3 coefficients
    panorama: bool

    def describe(self) -> dict[str, object]:
        return {
            "panorama": self.panorama,
            "ambient": [round(c, 6) for c in self.ambient],
            "lights": [
                {
                    "elevation_deg": round(light.elevation_deg, 4),
                    "azimuth_deg": round(light.azimuth_deg, 4),
                    "color": [round(c, 6) for c in light.color],
                    "intensity": round(light.intensity, 6),
                }
                for light in self.lights
            ],
        }


def sh_basis(directions: np.ndarray) -> np.ndarray:
    """The 9 real spherical harmonics up to order 2 at unit `directions` (N x 3)."""
    x, y, z = directions[:, 0], directions[:, 1], directions[:, 2]
    return np.stack(
        [
            np.full_like(x, 0.282095),
            0.488603 * y,
            0.488603 * z,
            0.488603 * x,
            1.092548 * x * y,
            1.092548 * y * z,
            0.315392 * (3 * z * z - 1),
            1.092548 * x * z,
            0.546274 * (x * x - y * y),
        ],
        axis=1,
    )


def _shrink(image: np.ndarray) -> np.ndarray:
    height, width = image.shape[:2]
    step = max(1, math.ceil(max(height, width) / MAX_SIDE))
    h2, w2 = height - height % step, width - width % step
    blocks = image[:h2, :w2].reshape(h2 // step, step, w2 // step, step, -1)
    shrunk: np.ndarray = blocks.mean(axis=(1, 3))
    return shrunk


def _directions(height: int, width: int, panorama: bool) -> tuple[np.ndarray, np.ndarray]:
    """Unit directions (x east, y north, z up, azimuth from +x) of pixel centres and the
    solid angle each covers."""
    rows = (np.arange(height) + 0.5) / height
    cols = (np.arange(width) + 0.5) / width
    if panorama:
        elevation = np.radians(90.0 - 180.0 * rows)
        azimuth = np.radians(360.0 * cols - 180.0)
        d_el, d_az = math.pi / height, 2 * math.pi / width
    else:
        elevation = np.radians(PHOTO_TOP * (1 - 2 * rows))
        azimuth = np.radians(PHOTO_HFOV * (cols - 0.5))
        d_el, d_az = math.radians(2 * PHOTO_TOP) / height, math.radians(PHOTO_HFOV) / width
    el, az = np.meshgrid(elevation, azimuth, indexing="ij")
    directions = np.stack(
        [np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], axis=-1
    ).reshape(-1, 3)
    solid = (np.cos(el) * d_el * d_az).reshape(-1)
    return directions, solid


def _angles(direction: np.ndarray) -> tuple[float, float]:
    d = direction / max(float(np.linalg.norm(direction)), 1e-12)
    elevation = math.degrees(math.asin(float(np.clip(d[2], -1.0, 1.0))))
    azimuth = math.degrees(math.atan2(float(d[1]), float(d[0])))
    return elevation, azimuth


def _unit_color(rgb: np.ndarray) -> tuple[float, float, float]:
    top = max(float(rgb.max()), 1e-9)
    return (float(rgb[0] / top), float(rgb[1] / top), float(rgb[2] / top))


def estimate_environment(
    image: np.ndarray, strength: float = 3.0, ambient: float = 0.35
) -> EnvironmentLight:
    """Lights and ambient from an RGB uint8 image (see the module's description).
    `strength`: the key light's intensity for a strongly peaked image; `ambient`: the
    ambient level for a uniform one."""
    height, width = image.shape[:2]
    panorama = abs(width - 2 * height) <= max(2, width // 50)
    linear = (_shrink(image[..., :3].astype(np.float64)) / 255.0) ** 2.2
    h, w = linear.shape[:2]
    directions, solid = _directions(h, w, panorama)
    radiance = linear.reshape(-1, 3)
    weight = solid / solid.sum()
    # least-squares SH fit weighted by solid angle (the photo covers part of the sphere)
    basis = sh_basis(directions)
    root = np.sqrt(weight)[:, None]
    sh, *_ = np.linalg.lstsq(basis * root, radiance * root, rcond=None)
    luminance = radiance @ np.array([0.2126, 0.7152, 0.0722])
    mean_rgb = (radiance * weight[:, None]).sum(axis=0)
    mean_l = float(luminance @ weight)
    # key light: the brightest KEY_SHARE of the upper half's weight
    upper = directions[:, 2] > 0.0
    if not upper.any():
        upper = np.ones_like(upper)
    order = np.argsort(-luminance[upper], kind="stable")
    up_weight = weight[upper][order]
    take = order[
        : max(1, int(np.searchsorted(np.cumsum(up_weight), KEY_SHARE * up_weight.sum())) + 1)
    ]
    # of those, only the ones near the peak: a small sun must not be averaged with sky
    brightest = luminance[upper][take]
    take = take[brightest >= 0.5 * float(brightest[0])]
    key_w = weight[upper][take] * luminance[upper][take]
    key_dir = (directions[upper][take] * key_w[:, None]).sum(axis=0)
    key_rgb = (radiance[upper][take] * weight[upper][take][:, None]).sum(axis=0)
    peak_l = float(luminance[upper][take] @ weight[upper][take] / weight[upper][take].sum())
    peaked = 1.0 - min(mean_l / max(peak_l, 1e-9), 1.0)  # 0: uniform, -> 1: a sun
    el, az = _angles(key_dir)
    el = max(el, 5.0)  # a light below the horizon would light the floor from beneath
    lights = [DirectionalEstimate(el, az, _unit_color(key_rgb), strength * (0.3 + 0.7 * peaked))]
    # fill: along the SH linear term (x, y, z are coefficients 3, 1, 2) when it points
    # elsewhere
    linear_term = sh[[3, 1, 2]] @ np.array([0.2126, 0.7152, 0.0722])
    if np.linalg.norm(linear_term) > 1e-9:
        f_el, f_az = _angles(linear_term)
        key_unit = key_dir / max(float(np.linalg.norm(key_dir)), 1e-12)
        fill_unit = linear_term / np.linalg.norm(linear_term)
        if float(key_unit @ fill_unit) < math.cos(math.radians(30.0)) and f_el > 0:
            lights.append(
                DirectionalEstimate(f_el, f_az, _unit_color(mean_rgb), lights[0].intensity * 0.3)
            )
    level = ambient * (0.5 + (1.0 - peaked))
    ambient_rgb = np.asarray(_unit_color(mean_rgb)) * level
    return EnvironmentLight(
        tuple(lights), (float(ambient_rgb[0]), float(ambient_rgb[1]), float(ambient_rgb[2])),
        sh, panorama,
    )  # fmt: skip


# estimates by background image: a run has few backgrounds, each image reuses its own
_CACHE: dict[tuple[int, float, float], tuple[np.ndarray, EnvironmentLight]] = {}


def environment_lights(
    spec: EnvironmentSpec, background: np.ndarray, camera_azimuth_deg: float, surface: float
) -> tuple[tuple[Light, ...], tuple[float, float, float], dict[str, object]]:
    """Directional lights (world frame), the ambient colour and what was estimated, for a
    scene whose camera stands at `camera_azimuth_deg` and sees `background` behind it."""
    key = (id(background), spec.strength, spec.ambient)
    held = _CACHE.get(key)
    if held is None or held[0] is not background:
        if len(_CACHE) > 64:
            _CACHE.clear()
        held = _CACHE[key] = (background, estimate_environment(background, spec.strength,
                                                                spec.ambient))  # fmt: skip
    estimate = held[1]
    target = np.array([0.0, 0.0, surface])
    lights = []
    for light in estimate.lights:
        if estimate.panorama:
            azimuth = light.azimuth_deg
        else:  # the photo lies beyond the scene: its centre column is opposite the camera,
            # and columns to the right are clockwise seen from above
            azimuth = camera_azimuth_deg + 180.0 - light.azimuth_deg
        el, az = math.radians(light.elevation_deg), math.radians(azimuth)
        direction = np.array([math.cos(el) * math.cos(az), math.cos(el) * math.sin(az),
                              math.sin(el)])  # fmt: skip
        pose = look_at_pose(target + 10.0 * direction, target)
        drawn = {
            "intensity": light.intensity,
            "elevation_deg": light.elevation_deg,
            "azimuth_deg": azimuth % 360.0,
        }
        lights.append(Light("directional", light.intensity, light.color, pose, 30.0, drawn))
    return tuple(lights), estimate.ambient, {"environment": estimate.describe()}


def load_environment_image(base_dir: Path, relpath: str) -> np.ndarray:
    """The image a recipe names as its environment, read through synthlab.recipe.files
    (contained in the recipe's folder), as RGB uint8. Raises RecipeFileError naming it."""
    from PIL import Image, UnidentifiedImageError

    data = read_recipe_bytes(base_dir, relpath, what="environment image", allow_assets=False)
    try:
        with Image.open(io.BytesIO(data)) as image:
            pixels: np.ndarray = np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError) as err:
        raise RecipeFileError(
            f"environment image {relpath!r} is not an image Pillow can read: {err}"
        ) from None
    return pixels

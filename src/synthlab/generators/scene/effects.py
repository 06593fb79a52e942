"""Image effects that change pixels but never where objects are: exposure, depth fog, blur,
sensor noise and a JPEG round trip. Labels are computed before and are left untouched.

The camera model (optional, each part off unless the recipe asks): optics first, then the
sensor, then the camera's processing. Motion blur (a straight streak) and defocus (a disc)
and a white-balance error act on linear light; Poissonian-Gaussian sensor noise
(Foi et al. 2008) is drawn per channel on linear values and then the sRGB curve is applied,
so noise grows with the signal and is strongest, relative to it, in the shadows, as on a
real sensor. A box stays the tight bound of the object's sharp visible mask: blur spreads
colour past it, but labels describe where the object is, not where its colour smears."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from scipy import ndimage

from synthlab.generators.scene.colors import kelvin_to_rgb, parse_color
from synthlab.generators.scene.params import EffectsSpec

__all__ = ["apply_effects", "linear_to_srgb", "srgb_to_linear"]

_WHITE = 6500.0  # kelvin of the neutral illuminant the renderer's colours assume


def srgb_to_linear(values: np.ndarray) -> np.ndarray:
    """0..255 sRGB -> 0..1 linear (IEC 61966-2-1)."""
    v = values / 255.0
    linear: np.ndarray = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return linear


def linear_to_srgb(values: np.ndarray) -> np.ndarray:
    """0..1 linear -> 0..255 sRGB (unrounded)."""
    v = np.clip(values, 0.0, 1.0)
    srgb: np.ndarray = 255.0 * np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)
    return srgb


def _streak(length: float, angle_deg: float) -> np.ndarray:
    """A normalised line kernel `length` pixels long (anti-aliased by supersampling)."""
    half = int(np.ceil(length / 2)) + 1
    kernel = np.zeros((2 * half + 1, 2 * half + 1))
    angle = np.radians(angle_deg)
    for t in np.linspace(-length / 2, length / 2, max(int(length * 8), 2)):
        x, y = half + t * np.cos(angle), half - t * np.sin(angle)
        c0, r0 = int(np.floor(x)), int(np.floor(y))
        fx, fy = x - c0, y - r0
        kernel[r0, c0] += (1 - fx) * (1 - fy)
        kernel[r0, c0 + 1] += fx * (1 - fy)
        kernel[r0 + 1, c0] += (1 - fx) * fy
        kernel[r0 + 1, c0 + 1] += fx * fy
    normalised: np.ndarray = kernel / kernel.sum()
    return normalised


def _disc(radius: float) -> np.ndarray:
    """A normalised disc kernel (the defocus point-spread of a circular aperture)."""
    half = int(np.ceil(radius)) + 1
    rows, cols = np.mgrid[-half : half + 1, -half : half + 1]
    # area of each pixel inside the disc, by 4x4 supersampling
    offsets = (np.arange(4) + 0.5) / 4 - 0.5
    cover = np.zeros(rows.shape)
    for dy in offsets:
        for dx in offsets:
            cover += (rows + dy) ** 2 + (cols + dx) ** 2 <= radius**2
    if cover.sum() == 0:
        cover[half, half] = 1
    disc: np.ndarray = cover / cover.sum()
    return disc


def _convolve(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    return np.stack(
        [ndimage.convolve(image[..., c], kernel, mode="nearest") for c in range(image.shape[2])],
        axis=-1,
    )


def _bayer_mask(shape: tuple[int, ...]) -> np.ndarray:
    """HxWx3 0/1 mask of an RGGB colour filter array."""
    mask = np.zeros(shape)
    mask[0::2, 0::2, 0] = 1
    mask[0::2, 1::2, 1] = 1
    mask[1::2, 0::2, 1] = 1
    mask[1::2, 1::2, 2] = 1
    return mask


_GREEN = np.array([[0, 1, 0], [1, 4, 1], [0, 1, 0]]) / 4.0
_RED_BLUE = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4.0


def _demosaic(mosaic: np.ndarray) -> np.ndarray:
    """Bilinear demosaicing of an RGGB mosaic (zeros off each channel's sites): why a
    camera's noise spans neighbouring pixels."""
    kernels = (_RED_BLUE, _GREEN, _RED_BLUE)
    return np.stack(
        [ndimage.convolve(mosaic[..., c], kernels[c], mode="mirror") for c in range(3)],
        axis=-1,
    )


def _camera_model(
    out: np.ndarray, spec: EffectsSpec, rng: np.random.Generator, drawn: dict[str, float]
) -> np.ndarray:
    """Optics, sensor and white balance on linear light; returns 0..255 unrounded sRGB."""
    motion = float(spec.motion_blur.sample(rng))
    defocus = float(spec.defocus.sample(rng))
    linear = srgb_to_linear(np.clip(out, 0, 255))
    if motion > 0:
        angle = float(spec.motion_angle.sample(rng))
        drawn["motion_blur"], drawn["motion_angle"] = motion, angle
        linear = _convolve(linear, _streak(motion, angle))
    if defocus > 0:
        drawn["defocus"] = defocus
        linear = _convolve(linear, _disc(defocus))
    if spec.white_balance is not None:
        kelvin = float(spec.white_balance.sample(rng))
        drawn["white_balance"] = kelvin
        # balancing for `kelvin` under a 6500 K scene divides by that illuminant's tint
        scene, assumed = np.array(kelvin_to_rgb(_WHITE)), np.array(kelvin_to_rgb(kelvin))
        gains = (scene / assumed) ** 2.2  # tints are sRGB-encoded; gains act on linear
        linear = linear * (gains / gains[1])
    if spec.sensor is not None:
        shot = float(spec.sensor.shot.sample(rng))
        read = float(spec.sensor.read.sample(rng))
        drawn["sensor_shot"], drawn["sensor_read"] = shot, read
        clean = np.clip(linear, 0.0, None)
        noisy = rng.poisson(clean / shot) * shot + rng.normal(0.0, read, size=linear.shape)
        if spec.sensor.bayer:
            # the noise of one colour per photosite (RGGB), spread by bilinear demosaicing;
            # the picture itself is kept as a good (edge-aware) demosaicer keeps it, sharp
            linear = linear + _demosaic((noisy - clean) * _bayer_mask(linear.shape))
        else:
            linear = noisy
    return linear_to_srgb(linear)


def apply_effects(
    image: np.ndarray, depth: np.ndarray, spec: EffectsSpec, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, float]]:
    exposure = float(spec.exposure.sample(rng))
    fog = float(spec.fog_density.sample(rng))
    blur = float(spec.blur_sigma.sample(rng))
    noise = float(spec.noise_std.sample(rng))
    quality = int(spec.jpeg_quality.sample(rng)) if spec.jpeg_quality is not None else None
    drawn: dict[str, float] = {
        "exposure": exposure,
        "fog_density": fog,
        "blur_sigma": blur,
        "noise_std": noise,
    }
    if quality is not None:
        drawn["jpeg_quality"] = quality
    camera_model = (
        spec.sensor is not None
        or spec.white_balance is not None
        or not spec.motion_blur.is_constant
        or not spec.defocus.is_constant
        or float(spec.motion_blur.sample(rng)) > 0
        or float(spec.defocus.sample(rng)) > 0
    )
    if not (exposure or fog or blur or noise or quality or camera_model):
        return image, drawn
    out = image.astype(np.float32)
    if exposure:
        out *= 2.0**exposure
    if fog:
        distance = np.where(depth > 0, depth, np.inf)  # the sky is infinitely far
        keep = np.exp(-fog * distance)[..., None]
        out = out * keep + np.asarray(parse_color(spec.fog_color), np.float32) * (1 - keep)
    if blur:
        out = ndimage.gaussian_filter(out, sigma=(blur, blur, 0), mode="nearest")
    if noise:
        out += rng.normal(0.0, noise, size=out.shape).astype(np.float32)
    if camera_model:
        out = _camera_model(out, spec, rng, drawn)
    result = np.clip(np.round(out), 0, 255).astype(np.uint8)
    if quality is not None:
        buffer = io.BytesIO()
        Image.fromarray(result).save(buffer, format="JPEG", quality=quality, subsampling=0)
        result = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    return result, drawn

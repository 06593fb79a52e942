"""Image effects that change pixels but never where objects are: exposure, depth fog, blur,
sensor noise and a JPEG round trip. Labels are computed before and are left untouched."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from scipy import ndimage

from synthlab.generators.scene.colors import parse_color
from synthlab.generators.scene.params import EffectsSpec

__all__ = ["apply_effects"]


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
    if not (exposure or fog or blur or noise or quality):
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
    result = np.clip(np.round(out), 0, 255).astype(np.uint8)
    if quality is not None:
        buffer = io.BytesIO()
        Image.fromarray(result).save(buffer, format="JPEG", quality=quality, subsampling=0)
        result = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    return result, drawn

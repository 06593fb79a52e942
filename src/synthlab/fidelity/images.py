"""Image fidelity: how close synthetic images are to real ones, and what to change in a
scene recipe.

Each image is decoded with Pillow once and measured twice: on a copy reduced so its longer
side is at most 256 pixels (colour, luminance, saturation, edges; cheap and independent of
resolution) and on a native-resolution centre crop of at most 128x128 pixels (noise,
sharpness and the radially averaged power spectrum, which downscaling would flatten).

- colour and luminance: 32-bin histograms pooled over all pixels of a side, compared by
  the Wasserstein distance in 0..255 units, and per-image means, contrast, saturation,
  colourfulness (Hasler and Suesstrunk 2003) and warmth (red minus blue);
- edges: gradient magnitude (mean, 90th percentile), edge density, entropy of gradient
  orientations;
- frequency: the power spectrum (Hann window, normalised to unit power so brightness does
  not move it) in radial bins, its log-log slope and its share above 0.25 cycles/pixel;
- noise: Immerkaer's (1996) fast estimate of the standard deviation of Gaussian noise
  (a 3x3 second-difference mask), per colour channel and averaged, in 0..255 units, the
  units of the scene's `effects.noise_std`; sharpness as the Laplacian's variance;
- objects, when both sides carry boxes: count per image, size (square root of the box area
  over the image area), centre position, aspect ratio, category mix.

Per-image distributions are compared with the KS statistic (`compare_stats`).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthlab.errors import RuntimeFailure
from synthlab.fidelity.base import Figure, Metric, ModalityComparison
from synthlab.fidelity.compare_stats import (
    distribution_metric,
    histogram_figure,
    image_pairs_figure,
    js_distance,
    lines_figure,
)
from synthlab.fidelity.image_inputs import ImageSet, load_images
from synthlab.fidelity.options import FidelityOptions

__all__ = ["FEATURE_NAMES", "ImageMeasures", "compare", "compare_sets", "measure_image"]

ANALYSIS_SIDE = 256  # longer side of the reduced copy
CROP = 128  # native centre crop for noise, sharpness and spectrum
SPECTRUM_BINS = 12
HISTOGRAM_BINS = 32
EDGE_THRESHOLD = 20.0  # gradient magnitude (0..255 per pixel) that counts as an edge
THUMBNAIL = 96
HISTOGRAM_FAR = 15.0  # Wasserstein distance (0..255 units) between pooled histograms
SPECTRUM_FAR = 0.2  # mean |log10 power| gap over the radial bins (a factor of 1.6)
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R BT.601

SCALAR_NAMES = (
    "red_mean",
    "green_mean",
    "blue_mean",
    "red_std",
    "green_std",
    "blue_std",
    "luminance_mean",
    "luminance_std",
    "luminance_p05",
    "luminance_p50",
    "luminance_p95",
    "saturation",
    "colourfulness",
    "warmth",
    "gradient_mean",
    "gradient_p90",
    "edge_density",
    "orientation_entropy",
    "sharpness",
    "noise_sigma",
    "spectrum_slope",
    "high_frequency",
)
FEATURE_NAMES = (*SCALAR_NAMES, *(f"spectrum_{i}" for i in range(SPECTRUM_BINS)))
COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}
PARAMS = "generator.params"


@dataclass(frozen=True)
class ImageMeasures:
    """Everything kept from one image (its pixels are dropped)."""

    features: np.ndarray  # FEATURE_NAMES
    histograms: np.ndarray  # (4, HISTOGRAM_BINS) pixel counts: red, green, blue, luminance
    width: int
    height: int
    thumbnail: np.ndarray | None


def _spectrum(crop: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(log10 power per radial bin, log-log slope, share above 0.25 cycles/pixel)."""
    height, width = crop.shape
    window = np.outer(np.hanning(height), np.hanning(width))
    power = np.abs(np.fft.rfft2((crop - crop.mean()) * window)) ** 2
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    radius = np.sqrt(fx**2 + fy**2)
    inside = (radius > 0) & (radius <= 0.5)
    total = power[inside].sum()
    if total <= 0:  # a flat crop: no structure at any frequency
        return np.full(SPECTRUM_BINS, -12.0), 0.0, 0.0
    edges = np.linspace(0.0, 0.5, SPECTRUM_BINS + 1)
    which = np.clip(np.digitize(radius[inside], edges[1:-1]), 0, SPECTRUM_BINS - 1)
    sums = np.bincount(which, weights=power[inside] / total, minlength=SPECTRUM_BINS)
    counts = np.bincount(which, minlength=SPECTRUM_BINS)
    log_power = np.log10(sums / np.maximum(counts, 1) + 1e-12)
    centres = (edges[:-1] + edges[1:]) / 2
    filled = counts > 0
    slope = float(np.polyfit(np.log10(centres[filled]), log_power[filled], 1)[0])
    high = float(power[inside & (radius > 0.25)].sum() / total)
    return log_power, slope, high


def _noise_sigma(grey: np.ndarray) -> float:
    """Immerkaer (1996): sigma = sqrt(pi/2) / (6 (W-2)(H-2)) * sum |I * M|, with M the
    3x3 mask [[1,-2,1],[-2,4,-2],[1,-2,1]] that cancels smooth image structure."""
    g = grey
    if g.shape[0] < 3 or g.shape[1] < 3:
        return 0.0
    response = (
        g[:-2, :-2] - 2 * g[:-2, 1:-1] + g[:-2, 2:]
        - 2 * g[1:-1, :-2] + 4 * g[1:-1, 1:-1] - 2 * g[1:-1, 2:]
        + g[2:, :-2] - 2 * g[2:, 1:-1] + g[2:, 2:]
    )  # fmt: skip
    return float(math.sqrt(math.pi / 2) * np.abs(response).sum() / (6 * response.size))


def _sharpness(grey: np.ndarray) -> float:
    g = grey
    if g.shape[0] < 3 or g.shape[1] < 3:
        return 0.0
    laplacian = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
    return float(np.log10(1.0 + laplacian.var()))


def _edges(luminance: np.ndarray) -> list[float]:
    gx = (luminance[1:-1, 2:] - luminance[1:-1, :-2]) / 2
    gy = (luminance[2:, 1:-1] - luminance[:-2, 1:-1]) / 2
    magnitude = np.hypot(gx, gy)
    if magnitude.size == 0:
        return [0.0, 0.0, 0.0, 0.0]
    angle = np.mod(np.arctan2(gy, gx), np.pi)  # orientation, not direction
    weights = np.bincount(
        np.minimum((angle / np.pi * 8).astype(int), 7).ravel(), magnitude.ravel(), minlength=8
    )
    share = weights / weights.sum() if weights.sum() > 0 else np.full(8, 1 / 8)
    entropy = float(-(share[share > 0] * np.log(share[share > 0])).sum() / math.log(8))
    return [
        float(magnitude.mean()),
        float(np.percentile(magnitude, 90)),
        float((magnitude > EDGE_THRESHOLD).mean()),
        entropy,
    ]


def measure_image(path: Path, keep_thumbnail: bool = False) -> ImageMeasures:
    from PIL import Image

    try:
        with Image.open(path) as opened:
            opened.load()
            # convert copies the whole image even when it is RGB already (~5 ms at 640x480)
            image = opened if opened.mode == "RGB" else opened.convert("RGB")
    except (OSError, ValueError) as error:
        raise RuntimeFailure(f"{path}: cannot decode the image ({error})") from None
    width, height = image.size
    side_w, side_h = min(width, CROP), min(height, CROP)
    left, top = (width - side_w) // 2, (height - side_h) // 2
    crop = np.asarray(image.crop((left, top, left + side_w, top + side_h)), dtype=np.float32)
    crop_grey = crop @ LUMA
    factor = math.ceil(max(width, height) / ANALYSIS_SIDE)
    small_image = image.reduce(factor) if factor > 1 else image
    small = np.asarray(small_image, dtype=np.float32)
    pixels = small.reshape(-1, 3)
    luminance = small @ LUMA
    brightest = pixels.max(axis=1)
    saturation = (brightest - pixels.min(axis=1)) / np.maximum(brightest, 1.0)
    rg = pixels[:, 0] - pixels[:, 1]
    yb = (pixels[:, 0] + pixels[:, 1]) / 2 - pixels[:, 2]
    colourfulness = math.hypot(rg.std(), yb.std()) + 0.3 * math.hypot(rg.mean(), yb.mean())
    spectrum, slope, high = _spectrum(crop_grey)
    scalars = [
        *pixels.mean(axis=0).tolist(),
        *pixels.std(axis=0).tolist(),
        float(luminance.mean()),
        float(luminance.std()),
        *np.percentile(luminance, [5, 50, 95]).tolist(),
        float(saturation.mean()),
        colourfulness,
        float((pixels[:, 0] - pixels[:, 2]).mean()),
        *_edges(luminance),
        _sharpness(crop_grey),
        # per colour channel, as the scene effect adds it (luminance would average it away)
        float(np.mean([_noise_sigma(crop[..., c]) for c in range(3)])),
        slope,
        high,
    ]
    # bin = value // 8 by integer counting (np.histogram sorts: several times slower)
    codes = np.concatenate(
        [np.asarray(small_image, dtype=np.uint8).reshape(-1, 3), luminance.reshape(-1, 1)],
        axis=1,
    ).astype(np.int64) // (256 // HISTOGRAM_BINS)
    codes = np.minimum(codes, HISTOGRAM_BINS - 1) + np.arange(4) * HISTOGRAM_BINS
    histograms = np.bincount(codes.ravel(), minlength=4 * HISTOGRAM_BINS).astype(np.float64)
    histograms = histograms.reshape(4, HISTOGRAM_BINS)
    thumbnail = None
    if keep_thumbnail:
        small_image = small_image.copy()
        small_image.thumbnail((THUMBNAIL, THUMBNAIL))
        thumbnail = np.asarray(small_image)
    return ImageMeasures(
        features=np.asarray(scalars + spectrum.tolist(), dtype=np.float64),
        histograms=histograms,
        width=width,
        height=height,
        thumbnail=thumbnail,
    )


def measure_set(images: ImageSet, thumbnails: int) -> list[ImageMeasures]:
    """Every image of a side measured; Pillow's decoding and numpy release the GIL, so a
    few threads use the cores, and `map` keeps the input order (results do not depend on
    which thread finished first)."""
    from threadpoolctl import threadpool_limits

    workers = max(1, min(4, os.cpu_count() or 1))
    keep = [i < thumbnails for i in range(len(images.paths))]
    # one BLAS thread per worker thread: the colour matrix products are tiny, and nested
    # thread pools on a small machine only queue behind each other
    with threadpool_limits(1), ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(measure_image, images.paths, keep))


# ---------------------------------------------------------------- advice


def _exposure(real: float, synth: float) -> str:
    stops = math.log2(max(real, 1.0) / max(synth, 1.0))
    way = "brighter" if real > synth else "darker"
    return (
        f"real images are {way} (mean luminance {real:.0f} vs {synth:.0f} of 255): change "
        f"{PARAMS}.effects.exposure by about {stops:+.1f} stops, or {PARAMS}.lights[].intensity "
        f"and {PARAMS}.ambient"
    )


def _contrast(real: float, synth: float) -> str:
    if synth < real:
        return (
            f"synthetic images are flatter (luminance std {synth:.0f} vs {real:.0f}): lower "
            f"{PARAMS}.ambient, strengthen {PARAMS}.lights[].intensity or turn on "
            f"{PARAMS}.shadows"
        )
    return (
        f"synthetic images have more contrast (luminance std {synth:.0f} vs {real:.0f}): raise "
        f"{PARAMS}.ambient or soften {PARAMS}.lights[].intensity"
    )


def _saturation(real: float, synth: float) -> str:
    way = "more" if synth > real else "less"
    return (
        f"synthetic colours are {way} saturated ({synth:.2f} vs {real:.2f}): change the object "
        f"and surface colours ({PARAMS}.classes.<name>.material.color, "
        f"{PARAMS}.surface.material, {PARAMS}.background)"
    )


def _warmth(real: float, synth: float) -> str:
    way = "warmer (redder)" if real > synth else "cooler (bluer)"
    return (
        f"real images are {way} (red minus blue {real:.0f} vs {synth:.0f}): change "
        f"{PARAMS}.lights[].color_temperature (lower kelvin is warmer) or the background colour"
    )


def _edge_advice(real: float, synth: float) -> str:
    if synth < real:
        return (
            f"synthetic images have fewer or weaker edges ({synth:.3g} vs {real:.3g}): add "
            f"texture ({PARAMS}.surface.material.texture, classes' material.texture), "
            f"distractors ({PARAMS}.distractors.count) or lower {PARAMS}.effects.blur_sigma"
        )
    return (
        f"synthetic images have more or stronger edges ({synth:.3g} vs {real:.3g}): raise "
        f"{PARAMS}.effects.blur_sigma or use fewer distractors ({PARAMS}.distractors.count)"
    )


def _sharpness_advice(real: float, synth: float) -> str:
    if synth > real:
        return (
            f"synthetic images are sharper (log Laplacian variance {synth:.2f} vs {real:.2f}): "
            f"raise {PARAMS}.effects.blur_sigma"
        )
    return (
        f"synthetic images are softer (log Laplacian variance {synth:.2f} vs {real:.2f}): lower "
        f"{PARAMS}.effects.blur_sigma"
    )


def _noise_advice(real: float, synth: float) -> str:
    if real > synth:
        needed = math.sqrt(max(real**2 - synth**2, 0.0))
        return (
            f"real images are noisier (sigma {real:.1f} vs {synth:.1f} of 255): add about "
            f"{needed:.1f} to {PARAMS}.effects.noise_std"
        )
    return (
        f"synthetic images are noisier (sigma {synth:.1f} vs {real:.1f} of 255): lower "
        f"{PARAMS}.effects.noise_std (or raise {PARAMS}.effects.jpeg_quality)"
    )


PER_IMAGE: tuple[tuple[str, str, Callable[[float, float], str] | None], ...] = (
    ("luminance.mean", "luminance_mean", _exposure),
    ("luminance.contrast", "luminance_std", _contrast),
    ("colour.saturation", "saturation", _saturation),
    ("colour.colourfulness", "colourfulness", _saturation),
    ("colour.warmth", "warmth", _warmth),
    ("edges.gradient_mean", "gradient_mean", _edge_advice),
    ("edges.density", "edge_density", _edge_advice),
    ("edges.orientation_entropy", "orientation_entropy", None),
    ("sharpness.laplacian", "sharpness", _sharpness_advice),
    ("noise.sigma", "noise_sigma", _noise_advice),
    ("spectrum.slope", "spectrum_slope", _sharpness_advice),
    ("spectrum.high_frequency", "high_frequency", _sharpness_advice),
)


# ---------------------------------------------------------------- metrics


def _histogram_metrics(real_m: list[ImageMeasures], synth: np.ndarray) -> list[Metric]:
    """Pooled pixel histograms. Pixels of one image are not independent draws, so the far
    rule also asks for more than twice the distance between the real side's even and
    odd images (what the choice of images alone moves it)."""
    from scipy.stats import wasserstein_distance

    centres = (np.arange(HISTOGRAM_BINS) + 0.5) * (256 / HISTOGRAM_BINS)
    real = np.sum([m.histograms for m in real_m], axis=0)
    even = np.sum([m.histograms for m in real_m[::2]], axis=0)
    odd = np.sum([m.histograms for m in real_m[1::2]], axis=0) if len(real_m) > 1 else even
    metrics = []
    for row, name in enumerate(("colour.red", "colour.green", "colour.blue", "luminance")):
        if real[row].sum() == 0 or synth[row].sum() == 0:
            continue
        distance = wasserstein_distance(centres, centres, real[row], synth[row])
        floor = wasserstein_distance(centres, centres, even[row], odd[row])
        real_mean = float(np.average(centres, weights=real[row]))
        synth_mean = float(np.average(centres, weights=synth[row]))
        far = distance > max(HISTOGRAM_FAR, 2 * floor)
        advice = None
        if far:
            advice = (
                _exposure(real_mean, synth_mean)
                if name == "luminance"
                else f"the {name.split('.')[1]} channel is distributed differently (mean "
                f"{synth_mean:.0f} vs {real_mean:.0f} in real): check "
                f"{PARAMS}.lights[].color_temperature and the material and background colours"
            )
        metrics.append(
            Metric(
                name=f"{name}.histogram_wasserstein",
                value=round(float(distance), 6),
                real=round(real_mean, 6),
                synth=round(synth_mean, 6),
                far=far,
                advice=advice,
            )
        )
    return metrics


def _spectrum_metric(real: np.ndarray, synth: np.ndarray) -> Metric:
    columns = [COLUMN[f"spectrum_{i}"] for i in range(SPECTRUM_BINS)]
    real_mean = real[:, columns].mean(axis=0)
    synth_mean = synth[:, columns].mean(axis=0)
    distance = float(np.abs(real_mean - synth_mean).mean())
    far = distance > SPECTRUM_FAR
    high = SPECTRUM_BINS // 2
    softer = synth_mean[high:].mean() < real_mean[high:].mean()
    return Metric(
        name="spectrum.log_psd_distance",
        value=round(distance, 6),
        real=round(float(real[:, COLUMN["spectrum_slope"]].mean()), 6),
        synth=round(float(synth[:, COLUMN["spectrum_slope"]].mean()), 6),
        far=far,
        advice=(
            (
                "synthetic images carry less fine detail than real ones (power spectrum below "
                f"real at high frequencies): lower {PARAMS}.effects.blur_sigma or add texture"
                if softer
                else "synthetic images carry more fine detail or noise than real ones: raise "
                f"{PARAMS}.effects.blur_sigma or lower {PARAMS}.effects.noise_std"
            )
            if far
            else None
        ),
    )


def _object_rows(
    images: ImageSet, measures: list[ImageMeasures]
) -> tuple[list[int], list[tuple[str, float, float, float, float]]]:
    """(objects per image, per object (category, size, centre x, centre y, log aspect))."""
    assert images.boxes is not None
    counts, rows = [], []
    for (_, _, boxes), measured in zip(images.boxes, measures, strict=True):
        counts.append(len(boxes))
        area = measured.width * measured.height
        for box in boxes:
            if box.width <= 0 or box.height <= 0:
                continue
            rows.append(
                (
                    box.category,
                    math.sqrt(box.width * box.height / area),
                    (box.x + box.width / 2) / measured.width,
                    (box.y + box.height / 2) / measured.height,
                    math.log(box.width / box.height),
                )
            )
    return counts, rows


def _category_size_advice(category: str) -> Callable[[float, float], str]:
    def advice(real: float, synth: float) -> str:
        return (
            f"{category} is {'larger' if synth > real else 'smaller'} in synthetic images "
            f"(median {synth:.2f} vs {real:.2f} of the image side): change "
            f"{PARAMS}.classes.{category}.scale or {PARAMS}.camera.distance"
        )

    return advice


def _object_metrics(
    real: ImageSet, real_m: list[ImageMeasures], synth: ImageSet, synth_m: list[ImageMeasures]
) -> list[Metric]:
    real_counts, real_rows = _object_rows(real, real_m)
    synth_counts, synth_rows = _object_rows(synth, synth_m)
    metrics = [
        distribution_metric(
            "objects.count",
            real_counts,
            synth_counts,
            lambda r, s: (
                f"synthetic images hold {'more' if s > r else 'fewer'} objects (median {s:g} vs "
                f"{r:g}): change {PARAMS}.classes.<name>.count and {PARAMS}.distractors.count"
            ),
        )
    ]
    if not real_rows or not synth_rows:
        return metrics

    def column(rows: list[tuple[str, float, float, float, float]], index: int) -> list[float]:
        return [row[index] for row in rows]  # type: ignore[misc]

    size_advice = lambda r, s: (  # noqa: E731
        f"synthetic objects are {'larger' if s > r else 'smaller'} in the frame (median size "
        f"{s:.2f} vs {r:.2f} of the image side): change {PARAMS}.camera.distance, "
        f"{PARAMS}.camera.fov or {PARAMS}.classes.<name>.scale"
    )
    position_advice = lambda r, s: (  # noqa: E731
        f"synthetic objects sit elsewhere in the frame (median {s:.2f} vs {r:.2f}): change "
        f"{PARAMS}.camera.look_at, {PARAMS}.camera.elevation or {PARAMS}.surface.spread"
    )
    aspect_advice = lambda r, s: (  # noqa: E731
        f"synthetic boxes have other shapes (median log aspect {s:.2f} vs {r:.2f}): change "
        f"{PARAMS}.camera.elevation or {PARAMS}.classes.<name>.stretch / pose"
    )
    metrics += [
        distribution_metric(
            "objects.size", column(real_rows, 1), column(synth_rows, 1), size_advice
        ),
        distribution_metric(
            "objects.centre_x", column(real_rows, 2), column(synth_rows, 2), position_advice
        ),
        distribution_metric(
            "objects.centre_y", column(real_rows, 3), column(synth_rows, 3), position_advice
        ),
        distribution_metric(
            "objects.aspect", column(real_rows, 4), column(synth_rows, 4), aspect_advice
        ),
    ]
    real_mix = Counter(row[0] for row in real_rows)
    synth_mix = Counter(row[0] for row in synth_rows)
    shared = sorted(set(real_mix) & set(synth_mix))
    if shared:
        keys = sorted(set(real_mix) | set(synth_mix))
        distance = js_distance(
            np.array([real_mix[k] for k in keys], float),
            np.array([synth_mix[k] for k in keys], float),
        )
        metrics.append(
            Metric(
                name="objects.category_mix",
                value=round(distance, 6),
                far=distance > 0.3,
                advice=(
                    f"categories occur in other proportions than in real images: change "
                    f"{PARAMS}.classes.<name>.count or set quotas"
                    if distance > 0.3
                    else None
                ),
            )
        )
    for category in shared:
        metrics.append(
            distribution_metric(
                "objects.size",
                [r[1] for r in real_rows if r[0] == category],
                [r[1] for r in synth_rows if r[0] == category],
                _category_size_advice(category),
                condition=category,
            )
        )
    return metrics


def _figures(
    real_m: list[ImageMeasures],
    synth_m: list[ImageMeasures],
    real_hist: np.ndarray,
    synth_hist: np.ndarray,
    examples: int,
) -> list[Figure]:
    centres = (np.arange(HISTOGRAM_BINS) + 0.5) * (256 / HISTOGRAM_BINS)
    curves = {}
    for row, name in enumerate(("red", "green", "blue", "luminance")):
        curves[f"real {name}"] = real_hist[row] / max(real_hist[row].sum(), 1)
        curves[f"synthetic {name}"] = synth_hist[row] / max(synth_hist[row].sum(), 1)
    luminance = {k: v for k, v in curves.items() if k.endswith("luminance")}
    edges = np.linspace(0.0, 0.5, SPECTRUM_BINS + 1)
    frequencies = (edges[:-1] + edges[1:]) / 2
    columns = [COLUMN[f"spectrum_{i}"] for i in range(SPECTRUM_BINS)]
    real_features = np.stack([m.features for m in real_m])
    synth_features = np.stack([m.features for m in synth_m])
    figures = [
        lines_figure("Luminance histogram", centres, luminance, "luminance (0..255)", "share"),
        lines_figure("Colour histograms", centres, curves, "value (0..255)", "share"),
        lines_figure(
            "Radially averaged power spectrum",
            frequencies,
            {
                "real": real_features[:, columns].mean(axis=0),
                "synthetic": synth_features[:, columns].mean(axis=0),
            },
            "cycles per pixel",
            "log10 power (normalised)",
            log_x=True,
        ),
        histogram_figure(
            "Noise level",
            real_features[:, COLUMN["noise_sigma"]],
            synth_features[:, COLUMN["noise_sigma"]],
            "estimated noise sigma (0..255)",
        ),
    ]
    pairs = [
        (r.thumbnail, s.thumbnail)
        for r, s in zip(real_m[:examples], synth_m[:examples], strict=False)
        if r.thumbnail is not None and s.thumbnail is not None
    ]
    if pairs:
        figures.append(image_pairs_figure("Examples", pairs))
    return figures


def compare_sets(real: ImageSet, synth: ImageSet, options: FidelityOptions) -> ModalityComparison:
    """The comparison of two loaded image sets (`compare` finds them on disk first)."""
    thumbnails = options.examples if options.figures else 0
    real_m, synth_m = measure_set(real, thumbnails), measure_set(synth, thumbnails)
    real_features = np.stack([m.features for m in real_m])
    synth_features = np.stack([m.features for m in synth_m])
    real_hist = np.sum([m.histograms for m in real_m], axis=0)
    synth_hist = np.sum([m.histograms for m in synth_m], axis=0)
    metrics = _histogram_metrics(real_m, synth_hist)
    for name, column, advice in PER_IMAGE:
        metrics.append(
            distribution_metric(
                name, real_features[:, COLUMN[column]], synth_features[:, COLUMN[column]], advice
            )
        )
    metrics.append(_spectrum_metric(real_features, synth_features))
    notes = [
        f"real: {len(real.paths)} of {real.seen} images ({real.source}); synthetic: "
        f"{len(synth.paths)} of {synth.seen} images ({synth.source})",
        f"colour and edges on copies reduced to at most {ANALYSIS_SIDE} px; noise, sharpness "
        f"and spectrum on a native {CROP}x{CROP} centre crop",
    ]
    sizes = (
        Counter((m.width, m.height) for m in real_m),
        Counter((m.width, m.height) for m in synth_m),
    )
    (real_size, _), (synth_size, _) = sizes[0].most_common(1)[0], sizes[1].most_common(1)[0]
    if real_size != synth_size:
        notes.append(
            f"most real images are {real_size[0]}x{real_size[1]}, most synthetic ones "
            f"{synth_size[0]}x{synth_size[1]} ({PARAMS}.camera.resolution)"
        )
    if real.boxes is not None and synth.boxes is not None:
        metrics += _object_metrics(real, real_m, synth, synth_m)
    elif real.boxes is not None:
        notes.append("the synthetic side has no boxes: objects not compared")
    figures = (
        _figures(real_m, synth_m, real_hist, synth_hist, options.examples)
        if options.figures
        else []
    )
    return ModalityComparison(
        modality="image",
        metrics=metrics,
        feature_names=list(FEATURE_NAMES),
        real_features=real_features,
        synth_features=synth_features,
        figures=figures,
        notes=notes,
    )


def compare(
    real: Path, synth: Path, options: FidelityOptions, rng: np.random.Generator
) -> ModalityComparison:
    real_set = load_images(Path(real), options.max_items, rng)
    synth_set = load_images(Path(synth), options.max_items, rng)
    return compare_sets(real_set, synth_set, options)

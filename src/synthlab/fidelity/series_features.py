"""Per-window features of a time-series window set, computed in vectorised chunks.

One row per window feeds the two-sample test and the TSTR models; the per-window power
spectra (Welch, Hann window, one segment per window) and autocorrelations are kept too,
because the dataset-level spectra and autocorrelation metrics are their means over any
subset of windows (all windows, or those of one activity).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["WindowFeatures", "window_features"]

_CHUNK = 2048  # windows per vectorised step: bounds the float64 temporaries
_ACF_LAGS = (1, 2, 4, 8, 16)  # autocorrelation lags used as features (those <= max_lag)
# spectral bands in cycles per point, octave-like: the shape of the spectrum, scale-free
_BANDS = ((0.0, 1 / 64), (1 / 64, 1 / 16), (1 / 16, 1 / 4), (1 / 4, 0.5 + 1e-9))
_EPS = 1e-12


@dataclass(frozen=True)
class WindowFeatures:
    names: list[str]
    rows: np.ndarray  # (windows, features) float64, finite
    frequencies: np.ndarray  # (bins,) cycles per point
    psd: np.ndarray  # (windows, channels, bins) float32
    acf: np.ndarray  # (windows, channels, max_lag + 1) float32
    envelope: np.ndarray  # (windows, channels) mean amplitude envelope


def _names(channels: tuple[str, ...], max_lag: int) -> list[str]:
    per_channel = ["mean", "std", "min", "max", "skew", "kurtosis", "roughness", "crossings"]
    per_channel += [f"acf{lag}" for lag in _ACF_LAGS if lag <= max_lag]
    per_channel += ["dominant_freq", "centroid_freq"]
    per_channel += [f"band{k}_power" for k in range(len(_BANDS))]
    per_channel += ["envelope_mean", "envelope_cv"]
    names = [f"{c}.{f}" for c in channels for f in per_channel]
    names += [f"{a}~{b}.corr" for i, a in enumerate(channels) for b in channels[i + 1 :]]
    return names


def _chunk(
    x: np.ndarray, max_lag: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from scipy import fft
    from scipy.signal import hilbert, welch

    n, channels, width = x.shape
    mean = x.mean(axis=-1)
    centered = x - mean[..., None]
    var = np.einsum("ncw,ncw->nc", centered, centered) / width
    std = np.sqrt(var)
    safe = np.maximum(std, _EPS)
    z = centered / safe[..., None]
    z2 = z * z
    skew = np.mean(z2 * z, axis=-1)
    kurt = np.mean(z2 * z2, axis=-1) - 3.0
    roughness = np.std(np.diff(x, axis=-1), axis=-1) / safe
    signs = np.signbit(centered)
    crossings = np.mean(signs[..., 1:] != signs[..., :-1], axis=-1)
    frequencies, psd = welch(x, fs=1.0, nperseg=width, detrend="constant", axis=-1)
    spectrum = psd[..., 1:]  # without the mean (bin 0), removed by detrending anyway
    dominant = frequencies[1:][np.argmax(spectrum, axis=-1)]
    total = np.maximum(spectrum.sum(axis=-1), _EPS)
    centroid = (spectrum * frequencies[1:]).sum(axis=-1) / total
    bands = [
        np.log10(spectrum[..., (frequencies[1:] >= lo) & (frequencies[1:] < hi)].sum(-1) + _EPS)
        for lo, hi in _BANDS
    ]
    transformed = fft.rfft(centered, n=2 * width, axis=-1)
    power = transformed.real**2 + transformed.imag**2
    acf = fft.irfft(power, axis=-1)[..., : max_lag + 1]
    acf = acf / np.maximum(acf[..., :1], _EPS)
    acf_features = [acf[..., lag] for lag in _ACF_LAGS if lag <= max_lag]
    envelope = np.abs(hilbert(centered, axis=-1))
    envelope_mean = envelope.mean(axis=-1)
    envelope_cv = envelope.std(axis=-1) / np.maximum(envelope_mean, _EPS)
    per_channel = [mean, std, x.min(-1), x.max(-1), skew, kurt, roughness, crossings]
    per_channel += [*acf_features, dominant, centroid, *bands, envelope_mean, envelope_cv]
    block = np.stack(per_channel, axis=-1).reshape(n, -1)  # channel-major, like the names
    pairs = [
        np.einsum("nw,nw->n", z[:, i], z[:, j]) / width
        for i in range(channels)
        for j in range(i + 1, channels)
    ]
    rows = np.concatenate([block, np.stack(pairs, axis=-1)], axis=1) if pairs else block
    return rows, frequencies, psd.astype(np.float32), acf.astype(np.float32), envelope_mean


def window_features(values: np.ndarray, channels: tuple[str, ...], max_lag: int) -> WindowFeatures:
    """Features of (windows, channels, points) values; names are `channel.feature`."""
    count, width = values.shape[0], values.shape[2]
    names = _names(channels, max_lag)
    rows = np.empty((count, len(names)), np.float64)
    bins = width // 2 + 1
    psd = np.empty((count, len(channels), bins), np.float32)
    acf = np.empty((count, len(channels), max_lag + 1), np.float32)
    envelope = np.empty((count, len(channels)), np.float64)
    frequencies = np.fft.rfftfreq(width)
    for start in range(0, count, _CHUNK):
        stop = min(count, start + _CHUNK)
        chunk = values[start:stop].astype(np.float64)
        part = _chunk(chunk, max_lag)
        rows[start:stop], frequencies, psd[start:stop], acf[start:stop], envelope[start:stop] = part
    np.nan_to_num(rows, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    return WindowFeatures(names, rows, np.asarray(frequencies), psd, acf, envelope)

"""Time-series fidelity: windows of both sides compared channel by channel.

For all windows, and again for each activity or event kind both sides carry, every common
channel gets: value distributions (Wasserstein distance in real standard deviations, KS
statistic), level and spread (mean shift, std ratio), power spectra (RMS distance of the
mean log10 Welch spectra, in decades; dominant frequency, in octaves), autocorrelation up to
`max_lag` (RMS difference) and amplitude envelope (Wasserstein distance of per-window
envelope means, relative to the real mean); the channels together get their correlation
matrix compared. Thresholds for "far" are in `FAR` and documented in docs/fidelity.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthlab.errors import UsageError
from synthlab.fidelity.base import Metric, ModalityComparison
from synthlab.fidelity.options import FidelityOptions
from synthlab.fidelity.series_advice import Advisor
from synthlab.fidelity.series_features import WindowFeatures, window_features
from synthlab.fidelity.series_io import SeriesSource, open_series
from synthlab.fidelity.series_windows import WindowSet, cut_windows

__all__ = ["FAR", "compare"]

FAR = {  # beyond these a metric is flagged far off (and gets advice where one applies)
    "wasserstein": 0.3,  # real standard deviations
    "ks": 0.25,
    "mean_shift": 0.5,  # real standard deviations
    "std_ratio": 1.5,  # either way: synthetic std over real, or real over synthetic
    "log_psd": 0.5,  # decades, RMS over frequency bins
    "dominant_freq": 0.5,  # octaves
    "autocorrelation": 0.2,  # RMS over lags 1..max_lag
    "envelope": 0.3,  # relative to the real mean envelope
    "correlation": 0.2,  # RMS over channel pairs
    "rate": 0.05,  # relative sample-rate difference
}
_MIN_CONDITION_WINDOWS = 5  # per side, for a label condition to be compared on its own
_POOLED_POINTS = 50_000  # values per channel and side for the distribution metrics
_EPS = 1e-12
_PEAK_DECADES = 0.7  # a spectral peak stands this far above the median power (5x)


@dataclass(frozen=True)
class _Side:
    windows: WindowSet
    features: WindowFeatures


def _match_channels(
    real: SeriesSource, synth: SeriesSource
) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """(real names, synthetic names, notes): the channels both sides have, in synth order."""
    shared = [c for c in synth.channels if c in real.channels]
    if shared:
        return tuple(shared), tuple(shared), []
    lowered = {c.lower(): c for c in real.channels}
    folded = [(lowered[c.lower()], c) for c in synth.channels if c.lower() in lowered]
    if folded:
        return tuple(r for r, _ in folded), tuple(s for _, s in folded), []
    if len(real.channels) == 1 and len(synth.channels) == 1:
        note = f"one channel on each side: real {real.channels[0]!r} compared with synthetic "
        note += f"{synth.channels[0]!r}"
        return real.channels, synth.channels, [note]
    raise UsageError(
        "real and synthetic data share no channel: real has "
        f"{', '.join(real.channels) or 'none'}; synthetic has {', '.join(synth.channels)} "
        "(rename the recipe's channels to the real column names)"
    )


def _shared_role(real: WindowSet, synth: WindowSet) -> tuple[str | None, list[str]]:
    """The label role whose conditions both sides carry (activity first), and those names."""
    for role in ("activity", "kind"):
        if role in real.labels and role in synth.labels:
            names = sorted((set(real.labels[role]) & set(synth.labels[role])) - {""}, key=str)
            if names:
                return role, [str(n) for n in names]
    return None, []


def _pooled(
    values: np.ndarray, rows: np.ndarray, channel: int, rng: np.random.Generator
) -> np.ndarray:
    """The channel's values in the chosen windows; a seeded draw of points when many."""
    width = values.shape[2]
    total = rows.size * width
    if total <= _POOLED_POINTS:
        return values[rows, channel, :].reshape(-1).astype(np.float64)
    picks = rng.integers(0, total, _POOLED_POINTS)  # with replacement: O(k), not O(n)
    return np.asarray(values[rows[picks // width], channel, picks % width], np.float64)


def _ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic, max |F_a - F_b| (no p-value: with this
    many points every difference is "significant"; the size of the gap is what matters)."""
    a, b = np.sort(a), np.sort(b)
    points = np.concatenate([a, b])
    gap = np.searchsorted(a, points, side="right") / a.size
    gap -= np.searchsorted(b, points, side="right") / b.size
    return float(np.max(np.abs(gap)))


def _has_peak(log_psd: np.ndarray, peak: int) -> bool:
    return peak > 0 and float(log_psd[peak] - np.median(log_psd)) >= _PEAK_DECADES


def _log_mean(psd: np.ndarray) -> np.ndarray:
    return np.asarray(np.log10(psd.astype(np.float64).mean(axis=0)[..., 1:] + _EPS))


class _Metrics:
    """Builds the metric list for one subset of windows (all, or one condition)."""

    def __init__(self, names: tuple[str, ...], advisor: Advisor, rng: np.random.Generator):
        self.names = names
        self.advisor = advisor
        self.rng = rng

    def _m(
        self,
        name: str,
        value: float,
        real: float | None = None,
        synth: float | None = None,
        where: str | None = None,
        advice: str | None = None,
        *,
        flag: bool = True,
    ) -> Metric:
        far = flag and float(value) > FAR[name.rsplit(".", 1)[1]]
        return Metric(
            name, float(value), "distance", real, synth, where, far, advice if far else None
        )

    def channel(
        self, real: _Side, synth: _Side, rmask: np.ndarray, smask: np.ndarray, where: str | None
    ) -> list[Metric]:
        found: list[Metric] = []
        r_rows, s_rows = np.flatnonzero(rmask), np.flatnonzero(smask)
        for number, name in enumerate(self.names):
            r = _pooled(real.windows.values, r_rows, number, self.rng)
            s = _pooled(synth.windows.values, s_rows, number, self.rng)
            found += self._levels(name, r, s, where)
            found += self._spectra(name, real, synth, rmask, smask, number, where)
        return found

    def _levels(self, name: str, r: np.ndarray, s: np.ndarray, where: str | None) -> list[Metric]:
        """Mean, spread and the whole distribution of the points' values."""
        from scipy.stats import wasserstein_distance

        r_std, s_std = float(r.std()), float(s.std())
        scale = max(r_std, _EPS)
        r_mean, s_mean = float(r.mean()), float(s.mean())
        offset = self.advisor.offset(name, where, r_mean, s_mean)
        ratio = s_std / scale
        far_ratio = max(ratio, 1 / max(ratio, _EPS)) > FAR["std_ratio"]
        scale_advice = self.advisor.scale(name, where, r_std, s_std) if far_ratio else None
        return [
            self._m(
                f"{name}.mean_shift", abs(s_mean - r_mean) / scale, r_mean, s_mean, where, offset
            ),
            Metric(
                f"{name}.std_ratio",
                ratio,
                "statistic",
                r_std,
                s_std,
                where,
                far_ratio,
                scale_advice,
            ),
            self._m(f"{name}.wasserstein", wasserstein_distance(r, s) / scale, where=where),
            self._m(f"{name}.ks", _ks_statistic(r, s), where=where),
        ]

    def _spectra(
        self,
        name: str,
        real: _Side,
        synth: _Side,
        rmask: np.ndarray,
        smask: np.ndarray,
        number: int,
        where: str | None,
    ) -> list[Metric]:
        """Power spectrum, dominant frequency, autocorrelation and amplitude envelope."""
        from scipy.stats import wasserstein_distance

        frequencies = real.features.frequencies[1:]
        r_psd = _log_mean(real.features.psd[rmask][:, number])
        s_psd = _log_mean(synth.features.psd[smask][:, number])
        r_peak, s_peak = int(np.argmax(r_psd)), int(np.argmax(s_psd))
        r_f, s_f = float(frequencies[r_peak]), float(frequencies[s_peak])
        # a dominant frequency means something only where the spectrum has a peak: not the
        # lowest bin (a trend or red noise) and well above the typical power (not flat noise)
        peaked = _has_peak(r_psd, r_peak) and _has_peak(s_psd, s_peak)
        frequency = self.advisor.frequency(name, where, r_f, s_f)
        r_acf = real.features.acf[rmask][:, number].astype(np.float64).mean(axis=0)
        s_acf = synth.features.acf[smask][:, number].astype(np.float64).mean(axis=0)
        lag = 1 + int(np.argmax(np.abs(r_acf[1:] - s_acf[1:])))
        r_lag, s_lag = float(r_acf[lag]), float(s_acf[lag])
        memory = self.advisor.memory(name, where, lag, r_lag, s_lag)
        r_env = real.features.envelope[rmask][:, number]
        s_env = synth.features.envelope[smask][:, number]
        r_level, s_level = float(r_env.mean()), float(s_env.mean())
        return [
            self._m(f"{name}.log_psd", float(np.sqrt(np.mean((r_psd - s_psd) ** 2))), where=where),
            self._m(
                f"{name}.dominant_freq",
                abs(np.log2(s_f / r_f)),
                r_f,
                s_f,
                where,
                frequency,
                flag=peaked,
            ),
            self._m(
                f"{name}.autocorrelation",
                float(np.sqrt(np.mean((r_acf[1:] - s_acf[1:]) ** 2))),
                r_lag,
                s_lag,
                where,
                memory,
            ),
            self._m(
                f"{name}.envelope",
                wasserstein_distance(r_env, s_env) / max(r_level, _EPS),
                r_level,
                s_level,
                where,
            ),
        ]

    def correlation(
        self, real: _Side, synth: _Side, rmask: np.ndarray, smask: np.ndarray, where: str | None
    ) -> list[Metric]:
        columns = [i for i, n in enumerate(real.features.names) if n.endswith(".corr")]
        if not columns:
            return []
        r = real.features.rows[rmask][:, columns].mean(axis=0)
        s = synth.features.rows[smask][:, columns].mean(axis=0)
        distance = float(np.sqrt(np.mean((r - s) ** 2)))
        worst = int(np.argmax(np.abs(r - s)))
        pair = real.features.names[columns[worst]].removesuffix(".corr")
        advice = self.advisor.correlation(pair, float(r[worst]), float(s[worst]))
        return [self._m("channels.correlation", distance, None, None, where, advice)]


def _rate_metrics(real: SeriesSource, synth: SeriesSource, advisor: Advisor) -> list[Metric]:
    if not (real.rate_hz and synth.rate_hz):
        return []
    relative = abs(synth.rate_hz - real.rate_hz) / real.rate_hz
    far = relative > FAR["rate"]
    advice = advisor.rate_mismatch(real.rate_hz, synth.rate_hz) if far else None
    return [Metric("rate", relative, "distance", real.rate_hz, synth.rate_hz, None, far, advice)]


def _side(
    source: SeriesSource,
    channels: tuple[str, ...],
    display: tuple[str, ...],
    options: FidelityOptions,
    rng: np.random.Generator,
    side: str,
) -> _Side:
    windows = cut_windows(source, channels, options, rng, side)
    return _Side(windows, window_features(windows.values, display, options.lags))


def compare(
    real: Path, synth: Path, options: FidelityOptions, rng: np.random.Generator
) -> ModalityComparison:
    from synthlab.fidelity.series_tasks import label_task

    real_source = open_series(Path(real), options, "real")
    synth_source = open_series(Path(synth), options, "synthetic")
    real_channels, synth_channels, notes = _match_channels(real_source, synth_source)
    display = real_channels
    cut_real, cut_synth, pool, plot = rng.spawn(4)
    real_side = _side(real_source, real_channels, display, options, cut_real, "real")
    synth_side = _side(synth_source, synth_channels, display, options, cut_synth, "synthetic")
    advisor = Advisor(synth_source.recipe_params, synth_source.rate_hz)
    metrics = _rate_metrics(real_source, synth_source, advisor)
    builder = _Metrics(display, advisor, pool)
    every_real = np.ones(real_side.windows.values.shape[0], bool)
    every_synth = np.ones(synth_side.windows.values.shape[0], bool)
    metrics += builder.channel(real_side, synth_side, every_real, every_synth, None)
    metrics += builder.correlation(real_side, synth_side, every_real, every_synth, None)
    role, conditions = _shared_role(real_side.windows, synth_side.windows)
    compared = []
    for condition in conditions:
        assert role is not None
        rmask = real_side.windows.labels[role] == condition
        smask = synth_side.windows.labels[role] == condition
        if min(int(rmask.sum()), int(smask.sum())) < _MIN_CONDITION_WINDOWS:
            continue
        compared.append(condition)
        metrics += builder.channel(real_side, synth_side, rmask, smask, condition)
        metrics += builder.correlation(real_side, synth_side, rmask, smask, condition)
    notes += [
        f"real: {real_source.description}; synthetic: {synth_source.description}",
        f"{real_side.windows.values.shape[0]} real and {synth_side.windows.values.shape[0]} "
        f"synthetic windows of {options.window} points (step {options.step}), "
        f"{len(display)} channel(s): {', '.join(display)}",
    ]
    if real_source.rate_hz is None and synth_source.rate_hz:
        notes.append(
            "the real time column is not a clock: windows are compared point for point, "
            f"frequencies in Hz assume the recipe's rate ({synth_source.rate_hz:g} Hz)"
        )
    if role:
        notes.append(f"label conditions ({role}) compared on their own: {', '.join(compared)}")
    tasks = []
    if role:
        task, task_notes = label_task(real_side, synth_side, role, options)
        notes += task_notes
        tasks = [task] if task else []
    figures = []
    if options.figures:
        from synthlab.fidelity.series_plots import series_figures

        figures = series_figures(real_side, synth_side, display, options, plot)
    return ModalityComparison(
        modality="timeseries",
        metrics=metrics,
        feature_names=real_side.features.names,
        real_features=real_side.features.rows,
        synth_features=synth_side.features.rows,
        figures=figures,
        tasks=tasks,
        notes=notes,
        real_groups=real_side.windows.groups,
        synth_groups=synth_side.windows.groups,
    )

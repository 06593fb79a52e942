"""Estimating a time-series recipe's components from real series (numpy only).

Each channel is taken as  level + trend + seasonal cycles + AR(p) noise , the components the
`timeseries` generator has (`constant`, `trend`, `seasonal`, `arma`), fitted in this order:

1. trend: a least-squares line through the points (a quadratic too when it removes at least
   10% of what the line leaves: Mauna Loa's CO2 climbs faster later);
2. cycles: the strongest peak of the detrended periodogram, when it stands 20x above the
   median of its neighbourhood (more in long series, `_peak_ratio`), refined between its
   neighbouring bins (`_refine`), with the harmonics
   of that period that also stand out; then the next peak, up to three periods;
3. all of the above again in one least-squares fit (each cycle as a sine and a cosine, so
   the amplitude and phase come out linear);
4. what is left: AR(p) by Burg's method, prediction errors pooled over the files (the
   result is always stationary; see `_burg` for why not Yule-Walker), p = 0..16 by AIC;
   the innovations' standard deviation is the noise level;
5. across channels: the correlation of the AR innovations (the part no component explains).

Several files: the periods come from the longest file; the rest is fitted per file and
pooled (levels and slopes averaged, with their spread; cycles as mean phasors, so a phase
that differs from file to file shows as an amplitude kept with a random phase).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthlab.fitting.series_input import RealData

__all__ = ["ChannelFit", "Cycle", "SeriesFit", "fit_series"]

MAX_PERIODS = 3
MAX_HARMONIC = 6
MAX_AR = 16
PEAK_RATIO = 20.0  # a cycle's periodogram peak over the median power around it
HARMONIC_RATIO = 8.0  # a harmonic of an accepted cycle needs less evidence
QUADRATIC_GAIN = 0.10
LINE_SHARE = 0.01  # a line explaining less than this share of the variance is left out
# Calendar periods a clock-time cycle is snapped to when it lies within 1% of one.
CALENDAR = {"one day": 86_400.0, "one week": 604_800.0, "one year": 31_557_600.0}


@dataclass(frozen=True)
class Cycle:
    period: float  # seconds
    fundamental: float  # the period it is a harmonic of (its own when order 1)
    order: int
    amplitude: float
    phase: float  # fraction of its own period, 0..1, at the common origin
    phase_agreement: float  # |mean phasor| / mean |phasor| over the files (1: one phase)
    power_ratio: float  # its periodogram peak over the local median (the evidence)
    snapped: str  # "" or the calendar period it was snapped to


@dataclass(frozen=True)
class ChannelFit:
    name: str
    level: float  # mean of the points (all files)
    level_range: tuple[float, float]  # per-file means, lowest and highest
    std: float  # of the points (all files)
    trend: tuple[float, ...]  # c1, c2 (per second, per second^2); () when none
    trend_share: float  # share of the variance the trend explains
    cycles: tuple[Cycle, ...]
    cycle_share: float  # share of the variance left by the trend that the cycles explain
    ar: tuple[float, ...]
    ar_aic: tuple[float, ...]  # AIC per order 0..MAX_AR tried
    innovation_std: float
    residual_std: float  # of what the trend and cycles leave (before the AR model)


@dataclass(frozen=True)
class SeriesFit:
    data: RealData
    channels: tuple[ChannelFit, ...]
    correlation: np.ndarray  # channels x channels, of the AR innovations
    length: tuple[int, ...]  # points per file


# --- steps ------------------------------------------------------------------------------


def _poly_columns(local: np.ndarray, degree: int, span: float) -> list[np.ndarray]:
    scaled = local / span  # 0..1: keeps the least-squares system well conditioned
    return [scaled**k for k in range(degree + 1)]


def _cycle_columns(seconds: np.ndarray, period: float) -> list[np.ndarray]:
    angle = 2 * np.pi * seconds / period
    return [np.sin(angle), np.cos(angle)]


def _solve(columns: list[np.ndarray], y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    design = np.column_stack(columns)
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    return coefficients, y - design @ coefficients


def _trend_degree(local: np.ndarray, y: np.ndarray, span: float) -> int:
    variance = [float(_solve(_poly_columns(local, d, span), y)[1].var()) for d in (0, 1, 2)]
    if variance[0] == 0 or 1 - variance[1] / variance[0] < LINE_SHARE:
        return 0
    if variance[1] > 0 and 1 - variance[2] / variance[1] >= QUADRATIC_GAIN:
        return 2
    return 1


def _power(residual: np.ndarray, seconds: np.ndarray, period: float) -> float:
    """Periodogram value at one frequency (any, not only the Fourier grid's)."""
    angle = 2 * np.pi * seconds / period
    return float(abs(np.sum(residual * np.exp(-1j * angle))) ** 2 / residual.size)


def _local_median(spectrum: np.ndarray, k: int) -> float:
    low, high = max(1, k // 2), min(spectrum.size - 1, 2 * k + 2)
    around = np.r_[spectrum[low : max(low, k - 2)], spectrum[k + 3 : high + 1]]
    return float(np.median(around)) if around.size else float(np.median(spectrum[1:]))


def _snap(period: float, clock: bool) -> tuple[float, str]:
    if clock:
        for name, seconds in CALENDAR.items():
            if abs(period - seconds) <= 0.01 * seconds:
                return seconds, name
    return period, ""


def _peak_ratio(bins: int) -> float:
    """How far the highest of `bins` periodogram values must stand above their median to be
    a cycle rather than chance. Noise's periodogram values are exponential: the highest of
    N exceeds x times the mean with probability about N e^-x, and the median is ln 2 of the
    mean; 1 in 1,000 gives x = ln(1000 N). That is PEAK_RATIO for ~1,000 bins and more for
    long series (a million white-noise points otherwise showed a 'cycle' of 2.1 points)."""
    return max(PEAK_RATIO, float(np.log(1000.0 * bins) / np.log(2.0)))


def _refine(residual: np.ndarray, seconds: np.ndarray, period: float) -> float:
    """The period between the Fourier bins next to `period` with the most power: three
    rounds of nine trial frequencies, each round 8x finer around the best of the last
    (1/512 of a bin in 27 evaluations of the periodogram)."""
    span = float(seconds[-1] - seconds[0]) + float(np.median(np.diff(seconds)))
    centre, width = 1.0 / period, 1.0 / span  # frequency and one bin, in Hz
    for _ in range(3):
        trials = centre + width * np.linspace(-0.5, 0.5, 9)
        powers = [_power(residual, seconds, 1.0 / f) for f in trials]
        centre, width = float(trials[int(np.argmax(powers))]), width / 8
    return 1.0 / centre


def _find_periods(
    residual: np.ndarray, seconds: np.ndarray, rate: float, clock: bool
) -> list[tuple[float, int, float, str]]:
    """(period, order, evidence, snapped) of each accepted cycle and harmonic, strongest first."""
    n = residual.size
    found: list[tuple[float, int, float, str]] = []
    taken: set[int] = set()
    work = residual.copy()
    for _ in range(MAX_PERIODS):
        spectrum = np.abs(np.fft.rfft(work)) ** 2 / n
        spectrum[0] = 0.0
        allowed = np.zeros(spectrum.size, bool)
        allowed[2 : (n - 1) // 2 + 1] = True  # at least two whole cycles, below Nyquist
        for k in taken:
            allowed[max(0, k - 1) : k + 2] = False
        if not allowed.any():
            break
        k = int(np.flatnonzero(allowed)[np.argmax(spectrum[allowed])])
        background = _local_median(spectrum, k)
        if background <= 0 or spectrum[k] < _peak_ratio(int(allowed.sum())) * background:
            break
        period, snapped = _snap(_refine(work, seconds, n / k / rate), clock)
        evidence = float(spectrum[k] / background)
        taken.add(k)
        if period * rate <= 2.05:  # refined up to the Nyquist limit: the recipe would refuse it
            continue
        found.append((period, 1, evidence, snapped))
        columns: list[np.ndarray] = _cycle_columns(seconds, period)
        for order in range(2, MAX_HARMONIC + 1):
            if period * rate / order <= 2.05:  # keep clear of Nyquist (the recipe check)
                break
            bin_ = round(n / (period * rate / order))
            if bin_ >= spectrum.size - 1:
                break
            ratio = _power(work, seconds, period / order) / max(
                _local_median(spectrum, bin_), 1e-300
            )
            if ratio >= HARMONIC_RATIO:
                found.append((period / order, order, ratio, snapped))
                columns += _cycle_columns(seconds, period / order)
            taken.add(bin_)
        work = _solve([np.ones(n), *columns], work)[1]
    return found


def _burg(segments: list[np.ndarray], order: int) -> tuple[np.ndarray, float, list[float]]:
    """AR coefficients of `order` by Burg's method over several segments (their forward and
    backward prediction errors pooled), and the innovation variance at each order 0..order.

    Burg rather than Yule-Walker: both always give a stationary model, but Yule-Walker's
    biased autocovariances shrink the coefficients of persistent series when they are short
    (on 203 quarters of US real GDP it left innovations 1.5x too large: sd 79 against 52,
    and the rendered series were visibly rougher than the real ones)."""
    forward = [np.asarray(x, float).copy() for x in segments]
    backward = [x.copy() for x in forward]
    variance = sum(float(x @ x) for x in forward) / sum(x.size for x in forward)
    coefficients = np.zeros(0)
    variances = [variance]
    for m in range(1, order + 1):
        top = bottom = 0.0
        for f, b in zip(forward, backward, strict=True):
            top += float(f[m:] @ b[m - 1 : -1])
            bottom += float(f[m:] @ f[m:] + b[m - 1 : -1] @ b[m - 1 : -1])
        if bottom <= 0:
            break
        reflection = 2 * top / bottom
        for f, b in zip(forward, backward, strict=True):
            ahead, behind = f[m:].copy(), b[m - 1 : -1].copy()
            f[m:] = ahead - reflection * behind
            b[m:] = behind - reflection * ahead
        coefficients = np.r_[coefficients - reflection * coefficients[::-1], reflection]
        variance *= 1 - reflection**2
        variances.append(variance)
    return coefficients, variance, variances


def _innovations(x: np.ndarray, ar: np.ndarray) -> np.ndarray:
    p = ar.size
    out = x[p:].copy()
    for k in range(p):
        out -= ar[k] * x[p - k - 1 : x.size - k - 1]
    return out


# --- one channel -------------------------------------------------------------------------


def _fit_channel(data: RealData, column: int) -> tuple[ChannelFit, list[np.ndarray]]:
    rate = data.rate_hz
    ys = [s.values[:, column] for s in data.series]
    secs = [s.seconds for s in data.series]
    locals_ = [t - t[0] for t in secs]
    spans = [max(float(t[-1]), 1e-12) for t in locals_]
    longest = int(np.argmax([y.size for y in ys]))
    degree = _trend_degree(locals_[longest], ys[longest], spans[longest])
    detrended = _solve(_poly_columns(locals_[longest], degree, spans[longest]), ys[longest])[1]
    periods = _find_periods(detrended, secs[longest], rate, data.start is not None)
    slopes, phasors, residuals = [], [], []
    trend_var = cycle_var = total_var = left_var = 0.0
    for y, t, local, span in zip(ys, secs, locals_, spans, strict=True):
        poly = _poly_columns(local, degree, span)
        waves = [c for period, *_ in periods for c in _cycle_columns(t, period)]
        coefficients, residual = _solve(poly + waves, y)
        scale = np.array([span**-k for k in range(degree + 1)])
        slopes.append(coefficients[1 : degree + 1] * scale[1:])
        pairs = coefficients[degree + 1 :].reshape(-1, 2)  # (sin, cos) per cycle
        phasors.append(pairs[:, 0] + 1j * pairs[:, 1])
        residuals.append(residual)
        only_trend = _solve(poly, y)[1]
        total_var += float(y.var()) * y.size
        trend_var += float(y.var() - only_trend.var()) * y.size
        left_var += float(only_trend.var()) * y.size
        cycle_var += float(only_trend.var() - residual.var()) * y.size
    weights = np.array([y.size for y in ys], float)
    slope = np.average(np.array(slopes).reshape(len(ys), -1), axis=0, weights=weights)
    stacked = np.array(phasors).reshape(len(ys), -1)
    # Phases at the common origin mean something only where the period is known well enough
    # to carry them across the gaps between files: a calendar period (exact), or files that
    # lie within twice the longest one's span. Elsewhere a period off by 1/10,000 turns a
    # day's gap into a phase error of whole cycles; phases are then taken at each file's
    # own start (a synthetic series starts at its own phase too).
    extent = max(float(t[-1]) for t in secs) - min(float(t[0]) for t in secs)
    starts = np.array([float(t[0]) for t in secs])
    for number, (period, *_rest, snapped) in enumerate(periods):
        if not snapped and extent > 2 * max(spans):
            stacked[:, number] *= np.exp(2j * np.pi * starts / period)
    mean_phasor = np.average(stacked, axis=0, weights=weights)
    mean_size = np.average(np.abs(stacked), axis=0, weights=weights)
    cycles: list[Cycle] = []
    for (period, order, evidence, snapped), z, size in zip(
        periods, mean_phasor, mean_size, strict=True
    ):
        agreement = float(abs(z) / size) if size > 0 else 1.0
        # b sin + c cos = A sin(angle + theta): A = |b + ic|, theta = arg(b + ic)
        phase = float(np.angle(z) / (2 * np.pi)) % 1.0
        fundamental = period * order
        cycles.append(
            Cycle(period, fundamental, order, float(size), phase, agreement, evidence, snapped)
        )
    points = int(sum(r.size for r in residuals))
    top = min(MAX_AR, max(0, min(r.size for r in residuals) // 10))
    magnitude = max(float(np.abs(np.concatenate(ys)).max()), 1e-300)
    if sum(float(r @ r) for r in residuals) / points <= (1e-12 * magnitude) ** 2:
        top = 0  # nothing left but rounding (a constant channel): no AR model of rounding
        residuals = [np.zeros_like(r) for r in residuals]
    _, _, variances = _burg(residuals, top)
    aic = [points * np.log(max(v, 1e-300)) + 2 * p for p, v in enumerate(variances)]
    order = int(np.argmin(aic))
    ar, innovation_var, _ = _burg(residuals, order)
    means = [float(y.mean()) for y in ys]
    everything = np.concatenate(ys)
    fit = ChannelFit(
        name=data.channels[column],
        level=float(everything.mean()),
        level_range=(min(means), max(means)),
        std=float(everything.std()),
        trend=tuple(float(c) for c in slope),
        trend_share=trend_var / total_var if total_var > 0 else 0.0,
        cycles=tuple(cycles),
        cycle_share=cycle_var / left_var if left_var > 0 else 0.0,
        ar=tuple(float(a) for a in ar),
        ar_aic=tuple(float(a) for a in aic),
        innovation_std=float(np.sqrt(max(innovation_var, 0.0))),
        residual_std=float(np.sqrt(sum(float(r @ r) for r in residuals) / points)),
    )
    return fit, [_innovations(r, ar) for r in residuals]


def fit_series(data: RealData) -> SeriesFit:
    """Every channel's components, and the correlation of their innovations."""
    fits, innovations = [], []
    for column in range(len(data.channels)):
        fit, shocks = _fit_channel(data, column)
        fits.append(fit)
        innovations.append(shocks)
    # align each file's innovations at the end (the AR orders differ, so their starts do)
    rows = []
    for number in range(len(data.series)):
        shortest = min(shocks[number].size for shocks in innovations)
        rows.append(np.column_stack([s[number][-shortest:] for s in innovations]))
    stacked = np.concatenate(rows)
    if len(fits) > 1:
        spread = stacked.std(axis=0)
        correlation = np.eye(len(fits))
        usable = spread > 0
        if usable.sum() > 1:
            sub = np.corrcoef(stacked[:, usable], rowvar=False)
            correlation[np.ix_(usable, usable)] = sub
    else:
        correlation = np.eye(1)
    return SeriesFit(
        data=data,
        channels=tuple(fits),
        correlation=correlation,
        length=tuple(s.values.shape[0] for s in data.series),
    )

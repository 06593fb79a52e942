"""Writing a fitted time-series recipe as commented YAML.

The text is built line by line (not by a YAML dumper) so that every number sits beside a
comment saying where it came from. Numbers are rounded to a fixed number of significant
digits, so the same fit always gives the same bytes, and printed with a decimal point in
the mantissa (`2.6e-08`, never `1e-08`, which YAML 1.1 reads as a string).

Cross-channel correlation: the generator draws each `arma` component's shocks on its own,
and `correlated_noise` has one standard deviation for all channels, so correlated shocks of
different sizes cannot be written per channel. They can through `mixing` (output = M x):
with R = C Cᵀ (Cholesky) the innovations' correlation and s their standard deviations,
M = diag(s) C diag(1/s) gives the innovations exactly the fitted covariance, and each row
x_i carries M⁻¹ applied to the channels' level, trend and cycles, so that M x gives every
channel back its own. The AR dynamics mix where channels' AR coefficients differ (exact
when they agree); the recipe says so.
"""

from __future__ import annotations

import json
import textwrap

import numpy as np

from synthlab._version import __version__
from synthlab.fitting.series import ChannelFit, Cycle, SeriesFit

__all__ = ["MIX_THRESHOLD", "recipe_text"]

MIX_THRESHOLD = 0.2  # innovations correlated more than this (in absolute value) are mixed
_DIGITS = 6


def num(value: float, digits: int = _DIGITS) -> str:
    """A float as YAML reads it back as a float, rounded to `digits` significant digits."""
    value = float(value)
    if value == 0:
        return "0.0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{exponent}"
    return text if "." in text else f"{text}.0"


def _count(value: int) -> str:
    return f"{value:,}"


def _duration(seconds: float) -> str:
    units = (("year", 31_557_600.0), ("day", 86_400.0), ("hour", 3600.0), ("minute", 60.0))
    for unit, size in units:
        if seconds >= size:
            amount = seconds / size
            return f"{amount:.4g} {unit}{'' if f'{amount:.4g}' == '1' else 's'}"
    return f"{seconds:.4g} s"


# --- the deterministic part of a channel, as numbers that can be combined ----------------


class _Deterministic:
    """level + centred polynomial + cycles of one (possibly mixed) row."""

    def __init__(self, level: float, trend: tuple[float, ...], cycles: dict[float, complex]):
        self.level = level
        self.trend = trend  # c1, c2 per second (the constant is the level)
        self.cycles = cycles  # period -> amplitude phasor (A e^{i 2 pi phase})

    @staticmethod
    def of(channel: ChannelFit) -> _Deterministic:
        cycles = {c.period: c.amplitude * np.exp(2j * np.pi * c.phase) for c in channel.cycles}
        return _Deterministic(channel.level, channel.trend, cycles)

    @staticmethod
    def combine(rows: list[_Deterministic], weights: np.ndarray) -> _Deterministic:
        degree = max(len(r.trend) for r in rows)
        trend = np.zeros(degree)
        cycles: dict[float, complex] = {}
        level = 0.0
        for row, weight in zip(rows, weights, strict=True):
            if abs(weight) < 1e-12:
                continue
            level += weight * row.level
            trend[: len(row.trend)] += weight * np.asarray(row.trend, float)
            for period, phasor in row.cycles.items():
                cycles[period] = cycles.get(period, 0j) + weight * phasor
        return _Deterministic(level, tuple(float(c) for c in trend), cycles)


def _trend_line(trend: tuple[float, ...], length: int, rate: float) -> str:
    """A trend with mean 0 over the series' grid (the level stays the constant's)."""
    t = np.arange(length) / rate
    coefficients = [0.0, *trend]
    coefficients[0] = -sum(c * float(np.mean(t ** (k + 1))) for k, c in enumerate(trend))
    return "{type: trend, coefficients: [" + ", ".join(num(c) for c in coefficients) + "]}"


def _cycle_line(period: float, phasor: complex, random_phase: bool) -> str:
    amplitude = abs(phasor)
    phase = (
        "{uniform: [0.0, 1.0]}"
        if random_phase
        else num(float(np.angle(phasor)) / (2 * np.pi) % 1.0, 4)
    )
    return (
        f"{{type: seasonal, period: {num(period, 10)}, amplitude: {num(amplitude)}, "
        f"phase: {phase}}}"
    )


def _cycle_comment(cycle: Cycle, rate: float) -> str:
    points = cycle.period * rate
    what = (
        f"cycle of {_duration(cycle.period)} ({points:.4g} points)"
        if cycle.order == 1
        else f"harmonic {cycle.order} of the {_duration(cycle.fundamental)} cycle"
    )
    snapped = f", snapped to {cycle.snapped}" if cycle.snapped and cycle.order == 1 else ""
    text = f"{what}{snapped}: periodogram peak {cycle.power_ratio:.3g}x the median around it"
    if cycle.phase_agreement < 0.8:
        text += (
            f"; its phase differs between files (agreement {cycle.phase_agreement:.2f}), "
            "so it is drawn at random"
        )
    return text


def _noise_lines(channel: ChannelFit, points: int) -> list[str]:
    aic = channel.ar_aic
    order = len(channel.ar)
    note = (
        f"# AR({order}) fitted by Burg's method on {_count(points)} points of "
        f"what the components above leave (sd {num(channel.residual_std, 3)}); order by AIC "
        f"among 0..{len(aic) - 1}"
    )
    lines = [note]
    if channel.innovation_std == 0:
        return ["# nothing is left: the channel is exactly what the components above make"]
    if order == 0:
        lines.append(
            "# no autocorrelation worth an AR term: white noise, sd "
            + num(channel.innovation_std, 3)
        )
        lines.append(f"- {{type: gaussian, std: {num(channel.innovation_std)}}}")
        return lines
    lines.append(f"# innovations (the noise level) sd {num(channel.innovation_std, 3)}")
    ar = ", ".join(num(a) for a in channel.ar)
    lines.append(f"- {{type: arma, ar: [{ar}], std: {num(channel.innovation_std)}}}")
    return lines


def _level_value(channel: ChannelFit, files: int) -> tuple[str, str]:
    low, high = channel.level_range
    if files > 1 and high - low > 0.1 * max(channel.std, 1e-300):
        return (
            f"{{uniform: [{num(low)}, {num(high)}]}}",
            f"level: per-file means from {num(low, 4)} to {num(high, 4)} ({files} files)",
        )
    return num(channel.level), f"level: mean of the points, sd {num(channel.std, 3)}"


def _channel_block(
    fit: SeriesFit, number: int, row: _Deterministic | None, weights: np.ndarray | None
) -> list[str]:
    channel = fit.channels[number]
    rate = fit.data.rate_hz
    length = int(np.median(fit.length))
    points = fit.data.points
    lines = [f"- name: {json.dumps(channel.name)}", "  components:"]
    body: list[str] = []
    if row is None:
        value, comment = _level_value(channel, len(fit.length))
        body += [f"# {comment}", f"- {{type: constant, value: {value}}}"]
        trend, cycles = (
            channel.trend,
            {c.period: c.amplitude * np.exp(2j * np.pi * c.phase) for c in channel.cycles},
        )
    else:
        assert weights is not None
        parts = [
            f"{num(w, 3)} x {fit.channels[j].name}"
            for j, w in enumerate(weights)
            if abs(w) >= 1e-12
        ]
        body += [
            f"# mixed row (see `mixing` below): the level, trend and cycles of {' + '.join(parts)}"
            ", so that the mixing matrix gives this channel back its own",
            f"- {{type: constant, value: {num(row.level)}}}",
        ]
        trend, cycles = row.trend, row.cycles
    if trend and any(trend):
        kind = "line" if len(trend) == 1 else "quadratic (it removes 10%+ more than a line)"
        step = num(trend[0] / rate, 4)
        body.append(
            f"# trend: least-squares {kind}, {step} per point at the start; "
            + (
                f"explains {channel.trend_share:.1%} of the variance; mean 0 over the series"
                if row is None
                else "the mixed row's, mean 0 over the series"
            )
        )
        body.append(f"- {_trend_line(trend, length, rate)}")
    elif row is None:
        body.append("# no trend: a line explains under 1% of the variance")
    own = {c.period: c for c in channel.cycles}
    if not channel.cycles and row is None:
        body.append("# no cycle: no periodogram peak stands 20x (or more) above its surroundings")
    elif row is None:
        body.append(
            f"# cycles explain {channel.cycle_share:.1%} of what the trend leaves; each harmonic "
            "is its own seasonal component (its phase is free)"
        )
    for period, phasor in sorted(cycles.items(), key=lambda item: -item[0]):
        if abs(phasor) == 0:
            continue
        cycle = own.get(period)
        random_phase = cycle is not None and cycle.phase_agreement < 0.8
        if cycle is not None:
            body.append(f"# {_cycle_comment(cycle, rate)}")
        else:
            body.append(f"# a cycle of {_duration(period)} another channel brings through mixing")
        body.append(f"- {_cycle_line(period, phasor, random_phase)}")
    body += _noise_lines(channel, points)
    lines += ["    " + line for line in _wrapped(body)]
    return lines


def _wrapped(lines: list[str], width: int = 84) -> list[str]:
    """Long comment lines folded (the recipe stays readable in a 100-column editor)."""
    out: list[str] = []
    for line in lines:
        if line.startswith("# ") and len(line) > width:
            out += ["# " + part for part in textwrap.wrap(line[2:], width - 2)]
        else:
            out.append(line)
    return out


def _random_phases(fit: SeriesFit) -> bool:
    """A cycle drawn with a random phase cannot go through mixing: each row would draw its
    own phase, and M x would no longer give the channel back its cycle."""
    return any(c.phase_agreement < 0.8 for channel in fit.channels for c in channel.cycles)


def _mixing(fit: SeriesFit) -> np.ndarray | None:
    size = len(fit.channels)
    if size < 2:
        return None
    correlation = fit.correlation
    off = np.abs(correlation - np.eye(size)).max()
    if off < MIX_THRESHOLD or _random_phases(fit):
        return None
    spread = np.array([max(c.innovation_std, 1e-12) for c in fit.channels])
    try:
        lower = np.linalg.cholesky(correlation)
    except np.linalg.LinAlgError:  # singular (a channel copies another): nudge to definite
        lower = np.linalg.cholesky(correlation + 1e-6 * np.eye(size))
    return np.asarray(spread[:, None] * lower / spread[None, :])


def recipe_text(fit: SeriesFit, *, source: str, name: str, seed: int, count: int) -> str:
    data = fit.data
    rate = data.rate_hz
    lengths = sorted(set(fit.length))
    length = str(lengths[0]) if len(lengths) == 1 else f"{{int: [{lengths[0]}, {lengths[-1]}]}}"
    files = len(data.series)
    filled = sum(s.filled for s in data.series)
    mixing = _mixing(fit)
    lines = [
        f"# Fitted by `synthlab fit` (synthlab {__version__}) to {source}:",
        f"# {files} file{'s' if files != 1 else ''}, {_count(data.points)} points, "
        f"channels {', '.join(data.channels)}; time column {data.time_column!r}.",
        "# Each channel: level + trend + cycles + AR noise, estimated in that order; the",
        "# comments say where each number came from. Edit freely; `synthlab check` validates.",
    ]
    if filled:
        lines.append(f"# {filled} missing values were interpolated linearly (--fill-missing).")
    lines += [
        "version: 1",
        f"name: {name}",
        f"description: {json.dumps(f'fitted by synthlab fit to {source}')}",
        f"seed: {seed}",
        f"count: {count}",
        "generator:",
        "  kind: timeseries",
        "  params:",
        f"    rate_hz: {num(rate, 10)}  # {data.rate_source}",
        f"    length: {length}  # points per series, as in the real "
        f"file{'s' if files != 1 else ''}",
    ]
    if data.start is not None:
        lines.append(
            f'    start: "{data.start}"  # the real data\'s first point (cycle phases refer to it)'
        )
    else:
        lines += _plain_start(max(fit.length), rate)
    wide = max(abs(c.level) for c in fit.channels)
    noisy = [c.innovation_std for c in fit.channels if c.innovation_std > 0]
    if noisy and wide / min(noisy) > 1e5:
        lines.append(
            "    dtype: float64  # levels 1e5x the noise: float32 would round the noise away"
        )
    lines.append("    channels:")
    rows: list[_Deterministic | None] = [None] * len(fit.channels)
    weights: list[np.ndarray | None] = [None] * len(fit.channels)
    if mixing is not None:
        inverse = np.linalg.inv(mixing)
        own = [_Deterministic.of(c) for c in fit.channels]
        for i in range(len(fit.channels)):
            weights[i] = inverse[i]
            rows[i] = _Deterministic.combine(own, inverse[i])
    for number in range(len(fit.channels)):
        lines += [
            "      " + line for line in _channel_block(fit, number, rows[number], weights[number])
        ]
    lines += _correlation_lines(fit, mixing)
    lines += ["output:", "  formats: [parquet]", ""]
    return "\n".join(lines)


def _plain_start(points: int, rate: float) -> list[str]:
    """`start` when the time column is not a clock: the generator's default (2024) unless
    the series would run past 2262-04-11, where nanosecond timestamps (int64) end; then a
    start early enough (a year per point and 250 points needs one before 2012)."""
    from synthlab.errors import UsageError

    span = (points - 1) / rate  # seconds
    default, last = 1_704_067_200.0, 9_223_372_036.0  # epoch seconds
    note = "    # the time column is not a clock: cycle phases refer to its first value"
    if span >= last:  # the generator counts nanoseconds from the start in an int64 too
        raise UsageError(
            f"{points} points at {rate:g} Hz span {span / 31_557_600:.0f} years; a synthlab "
            "series holds at most 292 (nanoseconds from its start, int64): give --rate-hz "
            "for a faster clock, or fit a shorter stretch"
        )
    if default + span < last:
        return [note + "; start: the default"]
    year = 1970 + int((last - span) // 31_557_600) - 1  # Jan 1 of a year that leaves room
    return [
        note,
        f'    start: "{year:04d}-01-01T00:00:00+00:00"  # early enough that the last point '
        "stays before 2262 (nanosecond timestamps end there)",
    ]


def _correlation_lines(fit: SeriesFit, mixing: np.ndarray | None) -> list[str]:
    size = len(fit.channels)
    if size < 2:
        return []
    names = [c.name for c in fit.channels]
    lines = ["    # correlation of the channels' AR innovations (what no component explains):"]
    for name, row in zip(names, fit.correlation, strict=True):
        lines.append(f"    #   {name:>12s}: " + " ".join(f"{v:6.2f}" for v in row))
    if mixing is None:
        off = np.abs(fit.correlation - np.eye(size)).max()
        why = (
            f"all within +-{MIX_THRESHOLD}"
            if off < MIX_THRESHOLD
            else "not written: a cycle with a random phase cannot go through `mixing`"
        )
        lines.append(f"    # {why}: the channels' noise is drawn independently")
        return lines
    same = all(c.ar == fit.channels[0].ar for c in fit.channels)
    lines += [
        "    # mixing M = diag(s) C diag(1/s) (R = C C^T, s the innovations' sd) gives the",
        "    # innovations this covariance; rows above carry M^-1 of the channels' levels, trends",
        "    # and cycles, so each channel keeps its own."
        + ("" if same else " The channels' AR dynamics mix a"),
        *([] if same else ["    # little (their AR terms differ)."]),
        "    mixing:",
    ]
    for row in mixing:
        lines.append("      - [" + ", ".join(num(v) for v in row) + "]")
    return lines

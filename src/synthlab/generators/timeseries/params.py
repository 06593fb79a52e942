"""The recipe schema of the `timeseries` generator (cheap to import: pydantic only)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from synthlab.errors import did_you_mean
from synthlab.generators.timeseries.real_params import RealBase, check_with_base
from synthlab.generators.timeseries.wearable.params import (
    PLACEMENT_NAMES,
    ActivityDefinition,
    SubjectParams,
)
from synthlab.recipe.distributions import FloatValue, IntValue, StrValue, Value
from synthlab.recipe.model import RecipeModel
from synthlab.samples.timeseries import ACTIVITIES, EVENT_KINDS

__all__ = [
    "ACTIVITIES",
    "ActivityParams",
    "BearingGeometry",
    "ChannelParams",
    "Component",
    "EventParams",
    "FaultParams",
    "SamplingParams",
    "TimeseriesParams",
]

Matrix = tuple[tuple[float, ...], ...]


class _Model(RecipeModel):
    """Base of the time-series params (RecipeModel validates defaults into Values)."""


def _positive(value: Value[float], what: str, *, zero_ok: bool = False) -> Value[float]:
    """A value (constant or distribution) that can never draw below 0 (or 0 itself): a period
    of 0 divides by zero and a negative spread is refused by numpy, both only while a sample
    is made, so they are refused here, at the field's line."""
    low = value.bounds()[0]
    if low < 0 or (low == 0 and not zero_ok):
        bound = ">= 0" if zero_ok else "> 0"
        if value.is_constant:
            raise ValueError(f"{what} must be {bound}, got {low:g}")
        raise ValueError(f"{what} must be {bound}, but {value.to_raw()!r} can draw {low:g}")
    return value


class Constant(_Model):
    type: Literal["constant"]
    value: FloatValue = 0.0


class Trend(_Model):
    """Polynomial in time (seconds): coefficients[k] * t**k; `linear` is [offset, slope]."""

    type: Literal["trend"]
    coefficients: tuple[FloatValue, ...] = Field(min_length=1, description="c0, c1, c2 ...")


class Seasonal(_Model):
    type: Literal["seasonal"]
    period: FloatValue = Field(description="seconds")
    amplitude: FloatValue = 1.0
    phase: FloatValue = Field(default=0.0, description="fraction of a period, 0..1")
    shape: Literal["sine", "square", "sawtooth"] = "sine"
    harmonics: tuple[FloatValue, ...] = Field(
        default=(), description="relative amplitudes of harmonics 2, 3, ... (sine only)"
    )

    @field_validator("period")
    @classmethod
    def _period(cls, value: Value[float]) -> Value[float]:
        return _positive(value, "period (seconds)")


class RandomWalk(_Model):
    type: Literal["random_walk"]
    step_std: FloatValue = 1.0

    @field_validator("step_std")
    @classmethod
    def _spread(cls, value: Value[float]) -> Value[float]:
        return _positive(value, "step_std", zero_ok=True)


class Arma(_Model):
    """x[t] = sum(ar[k] x[t-k-1]) + e[t] + sum(ma[k] e[t-k-1]), e ~ N(0, std)."""

    type: Literal["arma"]
    ar: tuple[FloatValue, ...] = ()
    ma: tuple[FloatValue, ...] = ()
    std: FloatValue = 1.0

    @field_validator("std")
    @classmethod
    def _spread(cls, value: Value[float]) -> Value[float]:
        return _positive(value, "std", zero_ok=True)


class Noise(_Model):
    """Gaussian (white), pink (1/f power) or red (1/f², Brownian-like, but stationary)."""

    type: Literal["gaussian", "pink", "red"]
    std: FloatValue = 1.0

    @field_validator("std")
    @classmethod
    def _spread(cls, value: Value[float]) -> Value[float]:
        return _positive(value, "std", zero_ok=True)


class Beat(_Model):
    """A pseudo-periodic ECG-like beat: P, QRS and T waves, period jittered beat to beat."""

    type: Literal["beat"]
    period: FloatValue = Field(default=0.8, description="seconds between beats")
    jitter: FloatValue = Field(default=0.03, description="std of each beat's period, seconds")
    amplitude: FloatValue = 1.0

    @field_validator("period")
    @classmethod
    def _period(cls, value: Value[float]) -> Value[float]:
        return _positive(value, "beat period (seconds)")

    @field_validator("jitter")
    @classmethod
    def _jitter(cls, value: Value[float]) -> Value[float]:
        return _positive(value, "jitter", zero_ok=True)


Component = Annotated[
    Constant | Trend | Seasonal | RandomWalk | Arma | Noise | Beat, Field(discriminator="type")
]


class ChannelParams(_Model):
    name: str
    unit: str = ""
    combine: Literal["sum", "product"] = Field(
        default="sum", description="how the components make the channel"
    )
    components: tuple[Component, ...] = ()


class ActivityParams(_Model):
    """A body-worn IMU: accelerometer (and gyroscope) on a placement, a subject drawn per
    series, activity states with durations in seconds (docs/timeseries.md, Body-worn sensors).

    Noise components on the activity channels are in g and rad/s (the model's units);
    `units`, `gyro_units`, `gravity`, range and bits turn the finished signal into the
    sensor's output, events included."""

    axes: tuple[str, str, str] = Field(description="the x, y, z accelerometer channel names")
    gyro: tuple[str, str, str] | None = Field(default=None, description="gyroscope channels")
    placement: Literal[PLACEMENT_NAMES] = Field(  # type: ignore[valid-type]
        default="waist", description="where the sensor sits on the body"
    )
    states: tuple[str, ...] = Field(
        default=ACTIVITIES[:5],
        description="activities drawn (transitions listed here go between matching postures)",
    )
    durations: dict[str, FloatValue] = Field(
        default_factory=dict, description="seconds per state; defaults per state otherwise"
    )
    cadence: dict[str, FloatValue] = Field(
        default_factory=dict, description="steps per second of a gait state"
    )
    tilt: FloatValue = Field(default=0.15, description="random device tilt per segment, radians")
    library: dict[str, ActivityDefinition] = Field(
        default_factory=dict, description="the recipe's own activities (or changed built-ins)"
    )
    subject: SubjectParams = SubjectParams()
    orientation: Literal["fixed", "random"] = Field(
        default="fixed", description="random: the device turned uniformly at random per series"
    )
    units: Literal["g", "m/s2", "mg"] = "g"
    gyro_units: Literal["rad/s", "deg/s"] = "rad/s"
    gravity: bool = Field(default=True, description="false: linear acceleration (gravity removed)")
    range_g: float | None = Field(default=None, gt=0, description="accelerometer full scale, g")
    gyro_range_dps: float | None = Field(default=None, gt=0, description="gyro full scale, deg/s")
    bits: int | None = Field(default=None, ge=2, le=32, description="converter resolution")
    clock_ppm: FloatValue = Field(
        default=0.0, description="sensor clock error, parts per million (its true rate differs)"
    )

    @property
    def activity_names(self) -> tuple[str, ...]:
        """The `activity` column's code table: built-ins in fixed order, then the recipe's."""
        return ACTIVITIES + tuple(name for name in self.library if name not in ACTIVITIES)

    @field_validator("library")
    @classmethod
    def _library(cls, values: dict[str, ActivityDefinition]) -> dict[str, ActivityDefinition]:
        from synthlab.generators.timeseries.wearable.activities import activity_table

        activity_table({name: d.row() for name, d in values.items()})  # raises on bad rows
        return values

    @model_validator(mode="after")
    def _known_states(self) -> ActivityParams:
        known = self.activity_names
        for where, names in (
            ("states", self.states),
            ("durations", tuple(self.durations)),
            ("cadence", tuple(self.cadence)),
        ):
            for key in names:
                if key not in known:
                    raise ValueError(f"{where}: unknown activity {key!r}{did_you_mean(key, known)}")
        for state, value in self.durations.items():
            _positive(value, f"duration of {state} (seconds)")
        for state, value in self.cadence.items():
            _positive(value, f"cadence of {state} (steps per second)", zero_ok=True)
        if self.bits is not None and self.range_g is None and self.gyro_range_dps is None:
            raise ValueError("bits needs a full scale to divide: give range_g or gyro_range_dps")
        low, high = self.clock_ppm.bounds()
        if min(low, -high) < -1e5:
            raise ValueError("clock_ppm must lie within +-100000 (10%)")
        return self


class BearingGeometry(_Model):
    """A rolling-element bearing. Defaults: the 6205-2RS JEM SKF deep-groove ball bearing of
    the Case Western Reserve University bearing data centre (9 balls of 7.94 mm on a 39.04 mm
    pitch circle, 0 degree contact angle: BPFO 3.585 x, BPFI 5.415 x shaft)."""

    balls: int = Field(default=9, ge=3, description="number of rolling elements")
    ball_diameter_mm: float = Field(default=7.94, gt=0)
    pitch_diameter_mm: float = Field(default=39.04, gt=0)
    contact_angle_deg: float = Field(default=0.0, ge=0, lt=90)

    @model_validator(mode="after")
    def _fits(self) -> BearingGeometry:
        if self.ball_diameter_mm >= self.pitch_diameter_mm:
            raise ValueError("ball_diameter_mm must be smaller than pitch_diameter_mm")
        return self


class FaultParams(_Model):
    """The machine a fault event lives in (kinds bearing_*, imbalance, misalignment,
    looseness, gear_mesh, cavitation). Frequencies in Hz."""

    shaft_hz: FloatValue = Field(default=29.95, description="shaft speed (CWRU: 1797 rpm)")
    bearing: BearingGeometry = BearingGeometry()
    resonance_hz: FloatValue = Field(
        default=3000.0, description="structural resonance each bearing impact rings"
    )
    damping: FloatValue = Field(default=0.05, description="damping ratio of the resonance")
    slip: FloatValue = Field(
        default=0.015, description="random spread of impact spacing (fraction; 1-2% measured)"
    )
    load_zone: float = Field(
        default=0.5, gt=0, le=1, description="Stribeck load distribution factor (0.5: half)"
    )
    growth: Literal["constant", "linear", "exponential"] = Field(
        default="exponential", description="severity over the event window, reaching 1 at its end"
    )
    growth_rate: float = Field(default=4.0, gt=0, description="e-folds of exponential growth")
    teeth: IntValue = Field(default=32, description="gear teeth on the shaft (gear_mesh)")
    modulation: FloatValue = Field(
        default=0.5, description="gear_mesh amplitude modulation depth at shaft rate (0..1)"
    )
    band_hz: tuple[float, float] | None = Field(
        default=None, description="cavitation noise band (default: 20%..90% of Nyquist)"
    )
    bursts_per_s: FloatValue = Field(default=20.0, description="cavitation bursts per second")

    @field_validator("shaft_hz", "resonance_hz", "teeth", "bursts_per_s")
    @classmethod
    def _above_zero(cls, value: Value[float], info: ValidationInfo) -> Value[float]:
        return _positive(value, str(info.field_name))

    @field_validator("damping")
    @classmethod
    def _damping(cls, value: Value[float]) -> Value[float]:
        low, high = value.bounds()
        if low <= 0 or high >= 1:
            raise ValueError(f"damping is a ratio in (0, 1), got {low:g}..{high:g}")
        return value

    @field_validator("slip", "modulation")
    @classmethod
    def _fraction(cls, value: Value[float], info: ValidationInfo) -> Value[float]:
        low, high = value.bounds()
        if low < 0 or high > 1:
            raise ValueError(f"{info.field_name} is a fraction 0..1, got {low:g}..{high:g}")
        return value

    @field_validator("band_hz")
    @classmethod
    def _band(cls, band: tuple[float, float] | None) -> tuple[float, float] | None:
        if band is not None and not 0 < band[0] < band[1]:
            raise ValueError(f"band_hz must be [low, high] with 0 < low < high, got {list(band)}")
        return band


class EventParams(_Model):
    kind: Literal[
        "spike",
        "level_shift",
        "trend_change",
        "drift",
        "variance_change",
        "frequency_change",
        "flatline",
        "stuck",
        "dropout",
        "noise_burst",
        "pattern",
        "fall",
        "bearing_outer",
        "bearing_inner",
        "bearing_ball",
        "bearing_cage",
        "imbalance",
        "misalignment",
        "looseness",
        "gear_mesh",
        "cavitation",
    ]
    name: str | None = Field(default=None, description="quota condition name (default: kind)")
    probability: float = Field(
        default=1.0, ge=0, le=1, description="chance a series carries it (when no quota decides)"
    )
    count: IntValue = Field(default=1, description="events of this kind per series carrying it")
    position: FloatValue = Field(
        default={"uniform": [0.0, 1.0]},
        description="start as a fraction of the series (0..1)",
    )
    duration: FloatValue = Field(default=1.0, description="seconds (a fall: the lying phase)")
    magnitude: FloatValue = Field(
        default=3.0, description="size; in channel standard deviations unless relative: false"
    )
    relative: bool = True
    relative_to: Literal["series", "local"] = Field(
        default="series",
        description="relative magnitudes scale with the channel's std over the whole series, "
        "or (local) over the event window and `local_window` seconds on each side",
    )
    local_window: FloatValue = Field(default=1.0, description="seconds each side (local)")
    snr_db: FloatValue | None = Field(
        default=None, description="instead of magnitude: 20 log10(event RMS / std), in dB"
    )
    fault: FaultParams | None = Field(default=None, description="machine (fault kinds only)")
    onset: FloatValue = Field(default=0.0, description="seconds of gradual onset")
    during: tuple[str, ...] = Field(
        default=(), description="activities the whole event must fall within (activity model)"
    )
    channels: tuple[str, ...] = Field(default=(), description="channels it may touch (default all)")
    pick: IntValue | None = Field(default=None, description="how many of `channels` to touch")
    direction: StrValue = Field(
        default={"choice": ["up", "down"]},
        description="up or down (spike, shifts, drifts)",
    )

    @field_validator("during", mode="before")
    @classmethod
    def _one_or_more(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value  # `during: walking` reads as one

    @property
    def condition(self) -> str:
        return self.name or self.kind


def _check_fault_fields(where: str, event: EventParams) -> None:
    """The fault-only and scale fields make sense together (checked per event)."""
    from synthlab.generators.timeseries.fault_frequencies import FAULT_KINDS

    if event.fault is not None and event.kind not in FAULT_KINDS:
        raise ValueError(
            f"{where}: `fault` describes a machine; it applies to {', '.join(FAULT_KINDS)}"
        )
    if event.snr_db is not None:
        if "magnitude" in event.model_fields_set:
            raise ValueError(f"{where}: give magnitude or snr_db, not both")
        if not event.relative:
            raise ValueError(f"{where}: snr_db is relative to the signal; drop relative: false")
    if event.relative_to == "local":
        _positive(event.local_window, f"{where}: local_window (seconds)", zero_ok=True)
    if event.kind in FAULT_KINDS and event.magnitude.bounds()[0] < 0:
        raise ValueError(f"{where}: a fault's magnitude (its RMS) must be >= 0")


class SamplingParams(_Model):
    jitter: float = Field(
        default=0.0, ge=0, lt=0.5, description="timestamp jitter, fraction of the sample period"
    )
    missing: float = Field(default=0.0, ge=0, lt=1, description="share of samples dropped")


# int64 nanoseconds since 1970 cover these instants (kept a day inside either end)
_FIRST_NS = -(2**63) + 86_400 * 10**9
_LAST_NS = 2**63 - 1 - 86_400 * 10**9


class TimeseriesParams(_Model):
    rate_hz: float = Field(default=1.0, gt=0, description="nominal sample rate")
    length: IntValue | None = Field(default=None, description="points per series")
    duration: FloatValue | None = Field(default=None, description="seconds per series")
    start: str = Field(
        default="2024-01-01T00:00:00+00:00", description="timestamp of the first point (ISO 8601)"
    )
    channels: tuple[ChannelParams, ...] = Field(
        default=(), description="the channels and their components (not with a base)"
    )
    base: RealBase | None = Field(
        default=None, description="real series to inject events into, instead of channels"
    )
    mixing: Matrix | None = Field(default=None, description="channels x channels mixing matrix")
    correlated_noise: CorrelatedNoise | None = None
    activity: ActivityParams | None = None
    events: tuple[EventParams, ...] = ()
    sampling: SamplingParams = SamplingParams()
    targets: tuple[int, ...] = Field(
        default=(), description="horizons h: add each channel's value h steps ahead"
    )
    dtype: Literal["float32", "float64"] = "float32"

    @field_validator("start")
    @classmethod
    def _iso_start(cls, start: str) -> str:
        try:
            parsed = datetime.fromisoformat(start)
        except ValueError:
            raise ValueError(f"start {start!r} is not an ISO 8601 timestamp") from None
        if parsed.tzinfo is None:
            raise ValueError(f"start {start!r} needs a time zone, e.g. {start}+00:00")
        return start

    @property
    def start_ns(self) -> int:
        parsed = datetime.fromisoformat(self.start).astimezone(timezone.utc)
        epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
        delta = parsed - epoch
        return (delta.days * 86_400 + delta.seconds) * 10**9 + delta.microseconds * 1000

    @property
    def channel_names(self) -> tuple[str, ...]:
        if self.base is not None:
            return self.base.channels
        return tuple(c.name for c in self.channels)

    def shortest(self) -> float:
        """The fewest points a series can have (for checks made before sampling)."""
        if self.base is not None:
            return self.base.shortest()
        if self.length is not None:
            return self.length.bounds()[0]
        assert self.duration is not None
        return self.duration.bounds()[0] * self.rate_hz

    @model_validator(mode="before")
    @classmethod
    def _base_dtype(cls, data: object) -> object:
        # a real base's values are written unchanged, so its series default to float64
        if isinstance(data, dict) and data.get("base") is not None and "dtype" not in data:
            return {**data, "dtype": "float64"}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> TimeseriesParams:
        if self.base is not None:
            check_with_base(self)
        elif not self.channels:
            raise ValueError("give channels (at least one), or a base of real series")
        elif (self.length is None) == (self.duration is None):
            raise ValueError("give exactly one of length (points) or duration (seconds)")
        if self.shortest() < 2:
            raise ValueError(f"Cannot have series shorter than 2 points (got {self.shortest()})")
        self._check_time_range()
        names = self.channel_names
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"channel names must be unique; repeated: {', '.join(dupes)}")
        reserved = {"timestamp", "index", "anomaly", "label", "event_id", "activity"}
        clash = sorted(reserved & set(names))
        if clash:
            raise ValueError(f"channel name {clash[0]!r} is reserved for a label column")
        self._check_matrices(len(names))
        self._check_activity(names)
        self._check_events(names)
        if any(h < 1 for h in self.targets):
            raise ValueError(f"target horizons must be >= 1, got {list(self.targets)}")
        self._check_nyquist()
        return self

    def _check_time_range(self) -> None:
        """Timestamps are int64 nanoseconds since 1970 (Parquet's and pandas' unit), which
        end at 2262-04-11: a series that would run past them is refused here instead of
        writing wrapped timestamps."""
        if self.base is not None:  # a real base keeps the input's own times
            return
        if self.length is not None:
            seconds = self.length.bounds()[1] / self.rate_hz
        else:
            assert self.duration is not None
            seconds = self.duration.bounds()[1]
        last_ns = self.start_ns + seconds * 1e9
        if self.start_ns < _FIRST_NS or last_ns >= _LAST_NS:
            raise ValueError(
                f"a series starting at {self.start} and lasting up to {seconds:,.0f} s would "
                "leave the timestamps' range (nanoseconds since 1970 as int64: 1677-09-22 to "
                "2262-04-11); choose an earlier start, or a shorter length or a lower rate_hz"
            )

    def _check_nyquist(self) -> None:
        """Signal content at or above rate/2 aliases: refused at the field that asks for it
        (a located error: `synthlab check` names the file, line and field)."""
        from pydantic_core import InitErrorDetails, PydanticCustomError

        from synthlab.generators.timeseries.nyquist import nyquist_problems

        problems = nyquist_problems(self)
        if problems:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError("bad_value", "{message}", {"message": text}),
                        loc=loc,
                        input=None,
                    )
                    for loc, text in problems
                ],
            )

    def _check_matrices(self, size: int) -> None:
        if self.mixing is not None and (
            len(self.mixing) != size or any(len(row) != size for row in self.mixing)
        ):
            raise ValueError(f"mixing must be a {size}x{size} matrix (one row per channel)")
        if self.correlated_noise is not None:
            self.correlated_noise.check(size)

    def _check_activity(self, names: tuple[str, ...]) -> None:
        if self.activity is None:
            if any(e.kind == "fall" for e in self.events):
                raise ValueError("a fall event needs an activity model (activity: {axes: ...})")
            if any(e.during for e in self.events):
                raise ValueError("an event `during` activities needs an activity model")
            return
        known = self.activity.activity_names
        for number, event in enumerate(self.events):
            for state in event.during:
                if state not in known:
                    raise ValueError(
                        f"events[{number}] ({event.kind}): during: unknown activity "
                        f"{state!r}{did_you_mean(state, known)}"
                    )
        wanted = [*self.activity.axes, *(self.activity.gyro or ())]
        for name in wanted:
            if name not in names:
                raise ValueError(
                    f"activity channel {name!r} is not a channel{did_you_mean(name, names)}"
                )

    def _check_events(self, names: tuple[str, ...]) -> None:
        conditions: dict[str, str] = {}
        shortest = self.shortest()
        for number, event in enumerate(self.events):
            where = f"events[{number}] ({event.kind})"
            previous = conditions.setdefault(event.condition, event.kind)
            if previous != event.kind:
                raise ValueError(
                    f"{where}: name {event.condition!r} is already used by a {previous} event"
                )
            for name in event.channels:
                if name not in names:
                    raise ValueError(
                        f"{where}: unknown channel {name!r}{did_you_mean(name, names)}"
                    )
            low, high = event.position.bounds()
            if low < 0 or high > 1:
                raise ValueError(f"{where}: position is a fraction 0..1, got {low}..{high}")
            if event.duration.bounds()[0] <= 0:
                raise ValueError(f"{where}: duration must be > 0 seconds")
            longest = event.duration.bounds()[1] * self.rate_hz
            if event.kind == "fall":
                longest += 1.0 * self.rate_hz  # pre-fall and impact phases
            if longest > shortest:
                raise ValueError(
                    f"{where}: an event of {longest:g} points does not fit in a series of "
                    f"{shortest:g} points"
                )
            if event.count.bounds()[0] < 0:
                raise ValueError(f"{where}: count must be >= 0")
            if event.onset.bounds()[0] < 0:
                raise ValueError(f"{where}: onset must be >= 0 seconds")
            if event.pick is not None:
                pool = len(event.channels or names)
                low_pick, high_pick = event.pick.bounds()
                if low_pick < 1 or high_pick > pool:
                    raise ValueError(f"{where}: pick must lie in 1..{pool}")
            if event.kind == "frequency_change" and event.magnitude.bounds()[0] <= 0:
                raise ValueError(f"{where}: a frequency factor (magnitude) must be > 0")
            _check_fault_fields(where, event)
            if event.kind == "fall" and self.activity is not None:
                touched = set(event.channels or self.activity.axes)
                extra = touched - set(self.activity.axes) - set(self.activity.gyro or ())
                if extra:
                    raise ValueError(f"{where}: a fall touches only activity channels")

    def conditions(self) -> tuple[str, ...]:
        """The quota conditions a recipe may name: the event names, in recipe order."""
        return tuple(dict.fromkeys(e.condition for e in self.events))

    def file_problems(self, base_dir: Path) -> list[tuple[tuple[str | int, ...], str]]:
        """A real base's files (or bundled data) read and checked as a run would."""
        if self.base is None:
            return []
        from synthlab.generators.timeseries.real_base import base_problems

        return base_problems(self, base_dir)

    def input_files(self, base_dir: Path) -> list[Path]:
        """The real base's files, for the manifest's provenance."""
        if self.base is None or self.base.files is None:
            return []
        from synthlab.generators.timeseries.real_base import base_files

        return base_files(self.base, base_dir)


class CorrelatedNoise(_Model):
    """Gaussian noise shared across channels with the given correlation matrix."""

    std: FloatValue = 1.0
    correlation: Matrix

    @field_validator("std")
    @classmethod
    def _spread(cls, value: Value[float]) -> Value[float]:
        return _positive(value, "std", zero_ok=True)

    def check(self, size: int) -> None:
        import numpy as np  # only when a recipe uses it

        matrix = np.asarray(self.correlation, dtype=float)
        if matrix.shape != (size, size):
            raise ValueError(f"correlated_noise.correlation must be {size}x{size}")
        if not np.allclose(matrix, matrix.T):
            raise ValueError("correlated_noise.correlation must be symmetric")
        if np.linalg.eigvalsh(matrix).min() < -1e-9:
            raise ValueError("correlated_noise.correlation must be positive semi-definite")


TimeseriesParams.model_rebuild()
assert set(EVENT_KINDS) == set(EventParams.model_fields["kind"].annotation.__args__)  # type: ignore[union-attr]

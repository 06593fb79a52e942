"""Plain sentences that turn a far-off series metric into the recipe field to change.

The synthetic side's recipe (from its manifest) says what makes each channel: components
(seasonal, ARMA, noise...), the activity model, events. A sentence names the field that
most likely moves the number, with the value the real data suggests where one follows
directly (a period from a dominant frequency, a cadence from a step frequency). Without a
recipe (synthetic plain files) the sentence still says what is off and which way.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Advisor"]

_GAIT = ("walking", "running")
_SCALE_FIELDS = {  # component type -> the field that sets its size
    "seasonal": "amplitude",
    "beat": "amplitude",
    "arma": "std",
    "gaussian": "std",
    "pink": "std",
    "red": "std",
    "random_walk": "step_std",
}


def _typical(value: Any) -> float | None:
    """A recipe value's typical number: the constant, or a uniform's or normal's middle."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict) and "uniform" in value:
        low, high = value["uniform"]
        return (float(low) + float(high)) / 2
    if isinstance(value, dict) and "normal" in value:
        return float(value["normal"].get("mean", 0.0))
    return None


def _g(value: float) -> str:
    return f"{value:.3g}"


class Advisor:
    def __init__(self, params: dict[str, Any] | None, synth_rate_hz: float | None):
        self.params = params
        self.rate = synth_rate_hz
        channels = (params or {}).get("channels", ())
        self.channel_index = {str(c["name"]): i for i, c in enumerate(channels)}
        activity = (params or {}).get("activity") or {}
        self.activity_axes = set(activity.get("axes", ())) | set(activity.get("gyro") or ())

    # --- where a channel's numbers come from ----------------------------------------------

    def _components(self, channel: str) -> list[tuple[str, dict[str, Any]]]:
        """(recipe path, component) for each component of `channel`."""
        number = self.channel_index.get(channel)
        if number is None or self.params is None:
            return []
        components = self.params["channels"][number].get("components", ())
        base = f"generator.params.channels[{number}].components"
        return [(f"{base}[{k}]", c) for k, c in enumerate(components)]

    def _event_field(self, condition: str | None, name: str) -> str | None:
        if condition is None:
            return None
        for number, event in enumerate((self.params or {}).get("events", ())):
            if condition in (event.get("name"), event.get("kind")):
                return f"generator.params.events[{number}].{name}"
        return None

    def _gait(self, channel: str, condition: str | None) -> bool:
        return channel in self.activity_axes and condition in _GAIT

    @staticmethod
    def _activity_amplitude_field() -> str | None:
        """The activity model's amplitude field, if this synthlab version has one."""
        from synthlab.generators.timeseries.params import ActivityParams

        for name in ("amplitude", "gait_amplitude", "intensity"):
            if name in ActivityParams.model_fields:
                return f"generator.params.activity.{name}"
        return None

    @staticmethod
    def _during(condition: str | None) -> str:
        return f" during {condition}" if condition else ""

    # --- sentences ---------------------------------------------------------------------------

    def scale(self, channel: str, condition: str | None, real: float, synth: float) -> str:
        verb = "raise" if synth < real else "lower"
        head = (
            f"{channel} std is {_g(synth)} in synthetic vs {_g(real)} in real"
            f"{self._during(condition)}"
        )
        event = self._event_field(condition, "magnitude")
        if event:
            return f"{head}: {verb} {event}"
        if self._gait(channel, condition):
            field = self._activity_amplitude_field()
            if field:
                return f"{head}: {verb} the activity amplitude ({field})"
            extra = self._size_fields(channel)
            return (
                f"{head}: {verb} the activity amplitude (the gait amplitude is built into the "
                f"activity model; {extra or 'a component on this channel'} adds to it)"
            )
        fields = self._size_fields(channel)
        if fields:
            return f"{head}: {verb} {fields}"
        return f"{head}: {verb} the channel's amplitude"

    def _size_fields(self, channel: str) -> str:
        names = [
            f"{path}.{_SCALE_FIELDS[c['type']]} ({c['type']})"
            for path, c in self._components(channel)
            if c.get("type") in _SCALE_FIELDS
        ]
        return " or ".join(names[:3])

    def offset(self, channel: str, condition: str | None, real: float, synth: float) -> str:
        head = (
            f"{channel} mean is {_g(synth)} in synthetic vs {_g(real)} in real"
            f"{self._during(condition)}"
        )
        for path, component in self._components(channel):
            if component.get("type") == "constant":
                return f"{head}: set {path}.value near {_g(real)}"
            if component.get("type") == "trend":
                return f"{head}: move {path}.coefficients[0] (the offset) toward {_g(real)}"
        if channel in self.activity_axes:
            return (
                f"{head}: the device orientation differs; adjust generator.params.activity.tilt "
                "or the activity durations"
            )
        if self.channel_index.get(channel) is not None:
            number = self.channel_index[channel]
            return (
                f"{head}: add a constant component (generator.params.channels[{number}]"
                f".components: {{type: constant, value: {_g(real)}}})"
            )
        return f"{head}: shift the channel's level"

    def frequency(
        self, channel: str, condition: str | None, real_cpp: float, synth_cpp: float
    ) -> str:
        """Frequencies in cycles per point; shown in Hz when the recipe's rate is known."""
        if self.rate:
            real, synth, unit = real_cpp * self.rate, synth_cpp * self.rate, "Hz"
        else:
            real, synth, unit = real_cpp, synth_cpp, "cycles per point"
        head = (
            f"{channel} dominant frequency is {_g(synth)} {unit} in synthetic vs {_g(real)} "
            f"{unit} in real{self._during(condition)}"
        )
        if self._gait(channel, condition) and synth_cpp > 0:
            return f"{head}: {self._cadence(condition or '', real_cpp / synth_cpp)}"
        if channel in self.activity_axes and condition is None:
            return (
                f"{head}: this channel mixes activities; see the per-activity rows "
                "(generator.params.activity.cadence sets the step frequency)"
            )
        for path, component in self._components(channel):
            if component.get("type") in ("seasonal", "beat") and real_cpp > 0:
                period = 1.0 / real_cpp / (self.rate or 1.0)
                unit_period = "s" if self.rate else "points"
                return f"{head}: set {path}.period near {_g(period)} {unit_period}"
            if component.get("type") == "arma":
                return f"{head}: change {path}.ar (AR coefficients shape the spectrum)"
        if self.channel_index.get(channel) is not None:
            number = self.channel_index[channel]
            return (
                f"{head}: add a seasonal component with period "
                f"{_g(1.0 / max(real_cpp, 1e-12) / (self.rate or 1.0))} "
                f"{'s' if self.rate else 'points'} to generator.params.channels[{number}]"
            )
        return f"{head}: change what oscillates in this channel"

    def _cadence(self, state: str, factor: float) -> str:
        """Scale the state's cadence by `factor` (real over synthetic frequency)."""
        field = f"generator.params.activity.cadence.{state}"
        verb = "raise" if factor > 1 else "lower"
        now = _typical(((self.params or {}).get("activity") or {}).get("cadence", {}).get(state))
        target = f" (about {_g(now * factor)} steps per second)" if now else ""
        return f"{verb} {field} by a factor {_g(max(factor, 1 / factor))}{target}"

    def memory(
        self, channel: str, condition: str | None, lag: int, real: float, synth: float
    ) -> str:
        head = (
            f"{channel} autocorrelation at lag {lag} is {_g(synth)} in synthetic vs {_g(real)} "
            f"in real{self._during(condition)}"
        )
        if self._gait(channel, condition):
            return (
                f"{head}: the gait sets it; fix generator.params.activity.cadence.{condition} "
                "first (see the dominant frequency)"
            )
        if channel in self.activity_axes and condition is None:
            return f"{head}: this channel mixes activities; see the per-activity rows"
        for path, component in self._components(channel):
            if component.get("type") == "arma":
                verb = "raise" if synth < real else "lower"
                return f"{head}: {verb} {path}.ar[0]"
        for path, component in self._components(channel):
            if component.get("type") in ("gaussian", "pink", "red"):
                smoother = "pink or red" if synth < real else "gaussian"
                return f"{head}: make {path}.type {smoother}, or add an arma component"
        if synth < real:
            return f"{head}: the synthetic channel is too rough; add smoother (arma/red) parts"
        return f"{head}: the synthetic channel is too smooth; add white (gaussian) noise"

    def correlation(self, pair: str, real: float, synth: float) -> str:
        head = f"correlation {pair} is {_g(synth)} in synthetic vs {_g(real)} in real"
        if self.params is not None:
            return (
                f"{head}: set generator.params.mixing or generator.params.correlated_noise"
                ".correlation to couple these channels"
            )
        return f"{head}: couple the channels as the real data does"

    def rate_mismatch(self, real: float, synth: float) -> str:
        return (
            f"sample rate is {_g(synth)} Hz in synthetic vs {_g(real)} Hz in real: set "
            f"generator.params.rate_hz: {_g(real)} (windows compare points, so every "
            "frequency and duration is off by this factor)"
        )

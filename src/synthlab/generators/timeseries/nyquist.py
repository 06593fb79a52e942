"""The Nyquist check: signal content a recipe asks for at or above half its sampling rate.

A sampled signal cannot hold a frequency at or above rate/2: it folds back (aliases) to a
lower one, so the series would carry a line nobody asked for while its label says otherwise
(a 5.4 x shaft inner-race fault that shows up at some unrelated frequency). Each problem is
returned with the location of the recipe field that asks for it, so `synthlab check` points
at the line. Distributions are judged by their extreme draws (the highest frequency a draw
can reach). Pure Python: this runs while the params validate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from synthlab.generators.timeseries.fault_frequencies import FAULT_KINDS, fault_lines

if TYPE_CHECKING:
    from synthlab.generators.timeseries.params import EventParams, TimeseriesParams

__all__ = ["Problem", "nyquist_problems"]

Problem = tuple[tuple[str | int, ...], str]  # (location in the params, message)

_FAULT_FIELD = {  # which field of `fault` moves each line
    "defect": "shaft_hz",
    "resonance_hz": "resonance_hz",
    "1x shaft": "shaft_hz",
    "3x shaft": "shaft_hz",
    "gear mesh + shaft sideband": "teeth",
    "band_hz": "band_hz",
}


def _too_high(frequency: float, rate: float) -> bool:
    return frequency >= rate / 2


def _beyond(frequency: float, rate: float) -> str:
    return (
        f"reaches {frequency:g} Hz, at or above the Nyquist frequency {rate / 2:g} Hz "
        f"(rate_hz {rate:g} / 2): it would alias to a lower frequency"
    )


def _seasonal_top(params: TimeseriesParams, channel: str) -> float:
    """The highest seasonal frequency (fundamental or listed harmonic) of a channel."""
    top = 0.0
    for spec in params.channels:
        if spec.name != channel:
            continue
        for component in spec.components:
            if component.type == "seasonal":
                fundamental = 1.0 / component.period.bounds()[0]
                orders = [1] + [
                    k + 2 for k, a in enumerate(component.harmonics) if a.bounds() != (0.0, 0.0)
                ]
                top = max(top, fundamental * max(orders))
    return top


def _component_problems(params: TimeseriesParams) -> list[Problem]:
    rate = params.rate_hz
    problems: list[Problem] = []
    for c, channel in enumerate(params.channels):
        for k, component in enumerate(channel.components):
            where: tuple[str | int, ...] = ("channels", c, "components", k)
            if component.type not in ("seasonal", "beat"):
                continue
            shortest = component.period.bounds()[0]
            if _too_high(1.0 / shortest, rate):
                problems.append(
                    (
                        (*where, "period"),
                        f"a {component.type} period of {shortest:g} s is {shortest * rate:g} "
                        f"samples; its frequency {_beyond(1.0 / shortest, rate)}. Use a period "
                        f"longer than {2 / rate:g} s (2 samples) or raise rate_hz",
                    )
                )
                continue
            if component.type == "seasonal":
                for h, amplitude in enumerate(component.harmonics):
                    order = h + 2
                    if amplitude.bounds() != (0.0, 0.0) and _too_high(order / shortest, rate):
                        problems.append(
                            (
                                (*where, "harmonics", h),
                                f"harmonic {order} of a {shortest:g} s period "
                                f"{_beyond(order / shortest, rate)}; drop it or raise rate_hz",
                            )
                        )
    return problems


def _event_problems(params: TimeseriesParams, number: int, event: EventParams) -> list[Problem]:
    from synthlab.generators.timeseries.params import FaultParams

    rate = params.rate_hz
    where: tuple[str | int, ...] = ("events", number)
    label = f"a {event.kind} event"
    if event.kind == "frequency_change":
        factor = event.magnitude.bounds()[1]
        top = max(
            (_seasonal_top(params, c) for c in event.channels or params.channel_names),
            default=0.0,
        )
        if top > 0 and _too_high(factor * top, rate):
            return [
                (
                    (*where, "magnitude"),
                    f"{label} speeds the seasonal content ({top:g} Hz) up by {factor:g}: it "
                    f"{_beyond(factor * top, rate)}",
                )
            ]
        return []
    if event.kind not in FAULT_KINDS:
        return []
    fault = event.fault or FaultParams()
    shaft = fault.shaft_hz.bounds()[1]
    lines = fault_lines(
        event.kind,
        fault.bearing,
        shaft,
        resonance_hz=fault.resonance_hz.bounds()[1],
        teeth=int(fault.teeth.bounds()[1]),
        band_hz=fault.band_hz,
    )
    problems: list[Problem] = []
    for name, frequency in lines.items():
        if _too_high(frequency, rate):
            spoken = "the defect frequency" if name == "defect" else f"the {name}"
            problems.append(
                (
                    (*where, "fault", _FAULT_FIELD[name]),
                    f"{label} at shaft speed up to {shaft:g} Hz: {spoken} "
                    f"{_beyond(frequency, rate)}. Raise rate_hz above {2 * frequency:g} "
                    "or lower the frequency",
                )
            )
    return problems


def nyquist_problems(params: TimeseriesParams) -> list[Problem]:
    """Every field whose signal content reaches rate/2, with a sentence each ([] when fine)."""
    problems = _component_problems(params)
    for number, event in enumerate(params.events):
        problems.extend(_event_problems(params, number, event))
    return problems

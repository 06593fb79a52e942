"""Signal content at or above half the sampling rate is refused when the recipe loads, at
the line and field that ask for it; content below it passes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main
from synthlab.errors import RecipeError
from synthlab.recipe import load_recipe_text

HEAD = """\
version: 1
name: nyquist
seed: 1
count: 2
generator:
  kind: timeseries
  params:
    rate_hz: {rate}
    length: 4000
    channels:
      - name: acc
        components:
"""


def recipe(rate: float, components: str, events: str = "") -> str:
    text = HEAD.format(rate=rate) + textwrap.indent(textwrap.dedent(components), " " * 10)
    if events:
        text += "    events:\n" + textwrap.indent(textwrap.dedent(events), " " * 6)
    return text


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(RecipeError) as caught:
        load_recipe_text(text, "pump.yaml")
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_seasonal_period_shorter_than_two_samples_is_refused_at_its_line() -> None:
    text = recipe(100, "- {type: gaussian}\n- {type: seasonal, period: 0.015}\n")
    ((line, field, message),) = problems(text)
    assert line == line_of(text, "period: 0.015")
    assert field == "generator.params.channels[0].components[1].period"
    assert "Nyquist frequency 50 Hz" in message and "1.5 samples" in message


def test_two_samples_and_more_pass_exactly_at_the_edge() -> None:
    at_edge = recipe(100, "- {type: seasonal, period: 0.02}\n")  # 50 Hz = rate / 2
    assert problems(at_edge)[0][1].endswith("period")
    load_recipe_text(recipe(100, "- {type: seasonal, period: 0.0201}\n"), "ok.yaml")


def test_listed_harmonics_above_nyquist_are_refused_and_zero_ones_ignored() -> None:
    text = recipe(100, "- {type: seasonal, period: 0.1, harmonics: [0.5, 0.0, 0.0, 0.2]}\n")
    # harmonic 5 (index 3) is 50 Hz; harmonics 3 and 4 (40, 50 Hz... zero) carry nothing
    ((line, field, message),) = problems(text)
    assert field.endswith("components[0].harmonics[3]") and "harmonic 5" in message
    assert line == line_of(text, "harmonics")


def test_beat_too_fast_for_the_rate() -> None:
    text = recipe(2, "- {type: beat, period: 0.8}\n")
    assert problems(text)[0][1].endswith("components[0].period")


def test_bearing_resonance_above_nyquist_is_refused_at_the_fault_field() -> None:
    text = recipe(
        5000,
        "- {type: gaussian}\n",
        """\
        - kind: bearing_outer
          duration: 0.2
          fault:
            shaft_hz: 30
            resonance_hz: {uniform: [2000, 2600]}
        """,
    )
    ((line, field, message),) = problems(text)
    assert field == "generator.params.events[0].fault.resonance_hz"
    assert line == line_of(text, "resonance_hz")
    assert "2600 Hz" in message and "2500 Hz" in message


def test_fault_frequency_above_nyquist_names_the_shaft_speed() -> None:
    # BPFI = 5.415 x shaft: 200 Hz shaft -> 1083 Hz, above 1000 Hz at 2 kHz sampling
    text = recipe(
        2000,
        "- {type: gaussian}\n",
        """\
        - {kind: bearing_inner, duration: 0.2, fault: {shaft_hz: 200, resonance_hz: 800}}
        - {kind: imbalance, duration: 0.2, fault: {shaft_hz: 200}}
        - {kind: misalignment, duration: 0.2, fault: {shaft_hz: 400}}
        - {kind: gear_mesh, duration: 0.2, fault: {shaft_hz: 20, teeth: 60}}
        - {kind: cavitation, duration: 0.2, fault: {band_hz: [200, 1200]}}
        """,
    )
    found = {
        field.removeprefix("generator.params."): message for _, field, message in problems(text)
    }
    assert set(found) == {
        "events[0].fault.shaft_hz",
        "events[2].fault.shaft_hz",
        "events[3].fault.teeth",
        "events[4].fault.band_hz",
    }
    assert "defect frequency reaches 1083" in found["events[0].fault.shaft_hz"]


def test_frequency_change_that_speeds_a_season_past_nyquist() -> None:
    text = recipe(
        100,
        "- {type: seasonal, period: 0.1}\n",
        "- {kind: frequency_change, duration: 1.0, magnitude: {uniform: [2, 6]}}\n",
    )
    ((_, field, message),) = problems(text)
    assert field.endswith("events[0].magnitude") and "60 Hz" in message


def test_default_fault_resonance_needs_a_vibration_rate() -> None:
    # the default resonance (3 kHz) at 1 kHz sampling: refused although `fault` is not written
    text = recipe(1000, "- {type: gaussian}\n", "- {kind: bearing_outer, duration: 0.2}\n")
    ((line, field, message),) = problems(text)
    assert field == "generator.params.events[0].fault" and "resonance_hz reaches 3000" in message
    assert line == line_of(text, "bearing_outer")


def test_check_command_reports_it_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "fast.yaml"
    path.write_text(recipe(100, "- {type: seasonal, period: 0.01}\n"))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert f"{path}:{line_of(path.read_text(), 'period')}:" in result.output
    assert "Nyquist" in result.output and "Traceback" not in result.output

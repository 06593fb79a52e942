"""Machine-fault events measured as a vibration analyst would: envelope spectra of bearing
defects peak at the frequencies computed from the bearing's geometry, shaft orders sit where
the fault kind puts them, gear mesh carries shaft-rate sidebands, severity grows, magnitudes
follow the local noise, and the fault stays inside its labelled window."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import signal

from synthlab.generators.timeseries.fault_frequencies import bearing_frequencies, impact_rate
from synthlab.generators.timeseries.params import BearingGeometry, TimeseriesParams
from synthlab.recipe import load_recipe

from .conftest import series

RATE = 12_000.0
POINTS = 24_000  # 2 s: spectral bins of 0.5 Hz
BIN = RATE / POINTS
SHAFT = 29.95  # CWRU: 1797 rpm
PUMP = "pump-bearing-degradation.yaml"


def machine(kind: str, *, noise: float = 1.0, **fault: Any) -> dict[str, Any]:
    """One accelerometer channel of white noise and one fault covering the whole series."""
    return {
        "rate_hz": RATE,
        "length": POINTS,
        "channels": [{"name": "acc", "components": [{"type": "gaussian", "std": noise}]}],
        "events": [
            {
                "kind": kind,
                "position": 0.0,
                "duration": POINTS / RATE,
                "magnitude": 1.0,
                "fault": {"shaft_hz": SHAFT, "growth": "constant", **fault},
            }
        ],
    }


def values(raw: dict[str, Any], seed: int = 3, **kwargs: Any) -> np.ndarray:
    return series(raw, seed=seed, **kwargs).values[:, 0].astype(np.float64)


def envelope_spectrum(x: np.ndarray, band: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Hilbert envelope of the band-passed signal, its amplitude spectrum (the textbook
    bearing diagnostic, Randall & Antoni 2011 section 3)."""
    sos = signal.butter(4, band, btype="bandpass", fs=RATE, output="sos")
    envelope = np.abs(signal.hilbert(signal.sosfiltfilt(sos, x)))
    envelope -= envelope.mean()
    return np.fft.rfftfreq(x.shape[0], 1 / RATE), np.abs(np.fft.rfft(envelope))


def spectrum(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.fft.rfftfreq(x.shape[0], 1 / RATE), np.abs(np.fft.rfft(x * np.hanning(x.shape[0])))


def peak(freqs: np.ndarray, amps: np.ndarray, low: float, high: float) -> float:
    inside = (freqs >= low) & (freqs <= high)
    return float(freqs[inside][np.argmax(amps[inside])])


def level(freqs: np.ndarray, amps: np.ndarray, at: float) -> float:
    """The largest amplitude within one bin of `at`."""
    return float(amps[np.abs(freqs - at) <= BIN].max())


def floor(freqs: np.ndarray, amps: np.ndarray, low: float, high: float) -> float:
    return float(np.median(amps[(freqs >= low) & (freqs <= high)]))


def test_cwru_6205_frequencies_match_the_published_table() -> None:
    # CWRU bearing data centre, 6205-2RS JEM SKF drive end, multiples of shaft speed:
    # BPFI 5.4152, BPFO 3.5848, FTF 0.39828, "BSF" 4.7135 (= 2 x ball spin, impacts per turn)
    lines = bearing_frequencies(BearingGeometry(), 1.0)
    assert lines["bpfi"] == pytest.approx(5.4152, abs=5e-4)
    assert lines["bpfo"] == pytest.approx(3.5848, abs=5e-4)
    assert lines["ftf"] == pytest.approx(0.39828, abs=5e-5)
    assert impact_rate("bearing_ball", BearingGeometry(), 1.0) == pytest.approx(4.7135, abs=5e-4)
    tilted = bearing_frequencies(BearingGeometry(contact_angle_deg=40.0), 1.0)
    assert tilted["bpfo"] > lines["bpfo"]  # cos(angle) shrinks d/D: more passes per turn


def test_outer_race_envelope_peaks_at_bpfo() -> None:
    bpfo = bearing_frequencies(BearingGeometry(), SHAFT)["bpfo"]
    freqs, amps = envelope_spectrum(values(machine("bearing_outer")), (2000, 4500))
    assert abs(peak(freqs, amps, 20, 400) - bpfo) <= BIN
    assert level(freqs, amps, 2 * bpfo) > 5 * floor(freqs, amps, 20, 400)  # harmonics too


def test_inner_race_envelope_peaks_at_bpfi_with_shaft_sidebands() -> None:
    bpfi = bearing_frequencies(BearingGeometry(), SHAFT)["bpfi"]
    freqs, amps = envelope_spectrum(values(machine("bearing_inner")), (2000, 4500))
    assert abs(peak(freqs, amps, bpfi - 10, bpfi + 10) - bpfi) <= BIN
    noise = floor(freqs, amps, 20, 400)
    for line in (bpfi - SHAFT, bpfi + SHAFT, SHAFT):  # load-zone modulation at shaft rate
        assert level(freqs, amps, line) > 5 * noise, line
    # the outer race's line is absent: the inner-race train is not mistaken for it
    bpfo = bearing_frequencies(BearingGeometry(), SHAFT)["bpfo"]
    assert level(freqs, amps, bpfo) < 3 * noise


def test_ball_defect_envelope_at_twice_bsf_modulated_by_the_cage() -> None:
    lines = bearing_frequencies(BearingGeometry(), SHAFT)
    freqs, amps = envelope_spectrum(values(machine("bearing_ball")), (2000, 4500))
    assert abs(peak(freqs, amps, 100, 200) - 2 * lines["bsf"]) <= BIN
    assert abs(peak(freqs, amps, 5, 25) - lines["ftf"]) <= BIN


def test_cage_defect_envelope_peaks_at_ftf() -> None:
    ftf = bearing_frequencies(BearingGeometry(), SHAFT)["ftf"]
    freqs, amps = envelope_spectrum(values(machine("bearing_cage")), (2000, 4500))
    assert abs(peak(freqs, amps, 5, 100) - ftf) <= BIN


def test_impacts_ring_the_given_resonance() -> None:
    for resonance in (2000.0, 4000.0):
        raw = machine("bearing_outer", noise=0.05, resonance_hz=resonance)
        freqs, amps = spectrum(values(raw))
        assert abs(peak(freqs, amps, 500, 5900) - resonance) < 0.03 * resonance


@pytest.mark.parametrize(
    ("kind", "strongest", "present"),
    [
        ("imbalance", 1.0, ()),
        ("misalignment", 2.0, (1.0, 3.0)),
        ("looseness", 1.0, (0.5, 1.5, 2.0, 2.5, 3.0, 5.0)),
    ],
)
def test_shaft_order_faults(kind: str, strongest: float, present: tuple[float, ...]) -> None:
    freqs, amps = spectrum(values(machine(kind)))
    assert abs(peak(freqs, amps, 5, 1000) - strongest * SHAFT) <= BIN
    noise = floor(freqs, amps, 5, 1000)
    for order in present:
        assert level(freqs, amps, order * SHAFT) > 10 * noise, order


def test_gear_mesh_sidebands_at_shaft_spacing() -> None:
    shaft, teeth = 25.0, 40
    freqs, amps = spectrum(values(machine("gear_mesh", shaft_hz=shaft, teeth=teeth)))
    mesh = teeth * shaft
    assert abs(peak(freqs, amps, 100, 5000) - mesh) <= BIN
    lower = peak(freqs, amps, mesh - 1.5 * shaft, mesh - 0.5 * shaft)
    upper = peak(freqs, amps, mesh + 0.5 * shaft, mesh + 1.5 * shaft)
    assert abs((mesh - lower) - shaft) <= BIN and abs((upper - mesh) - shaft) <= BIN
    noise = floor(freqs, amps, 100, 5000)
    assert min(level(freqs, amps, lower), level(freqs, amps, upper)) > 20 * noise
    assert level(freqs, amps, 2 * mesh) > 20 * noise  # the mesh's second harmonic


def test_cavitation_is_bursty_broadband_noise_in_its_band() -> None:
    clean = values(machine("cavitation", noise=0.01), forbid=frozenset({"cavitation"}))
    added = values(machine("cavitation", noise=0.01, band_hz=[2000, 5000])) - clean
    freqs, amps = spectrum(added)
    inside = (amps[(freqs > 2200) & (freqs < 4800)] ** 2).mean()
    outside = (amps[(freqs > 100) & (freqs < 1000)] ** 2).mean()
    assert inside > 100 * outside
    envelope = np.abs(signal.hilbert(added))
    kurtosis = ((envelope - envelope.mean()) ** 4).mean() / envelope.var() ** 2
    assert kurtosis > 4  # bursts, not steady noise (a steady envelope scores about 3)


def fault_only(raw: dict[str, Any], seed: int = 5) -> np.ndarray:
    name = raw["events"][0].get("name", raw["events"][0]["kind"])
    return values(raw, seed) - values(raw, seed, forbid=frozenset({name}))


def test_severity_grows_to_failure() -> None:
    added = fault_only(machine("bearing_outer", growth="exponential", growth_rate=4.0))
    fifths = [np.sqrt(np.mean(part**2)) for part in np.array_split(added, 5)]
    assert all(b > a for a, b in itertools.pairwise(fifths))
    assert fifths[-1] > 10 * fifths[0]
    linear = fault_only(machine("imbalance", growth="linear"))
    halves = [np.sqrt(np.mean(part**2)) for part in np.array_split(linear, 2)]
    assert halves[1] == pytest.approx(np.sqrt(7) * halves[0], rel=0.05)  # RMS of u per half


def quiet_then_loud(**event: Any) -> dict[str, Any]:
    """A channel whose std differs a lot between the series and the fault's neighbourhood."""
    return {
        "rate_hz": RATE,
        "length": POINTS,
        "channels": [
            {
                "name": "acc",
                "components": [
                    {"type": "gaussian", "std": 0.5},
                    {"type": "seasonal", "period": 0.5, "amplitude": 20.0, "shape": "square"},
                ],
            }
        ],
        "events": [
            {
                "kind": "imbalance",
                "position": 0.0,
                "duration": 0.2,
                "fault": {"growth": "constant"},
                **event,
            }
        ],
    }


def test_magnitude_relative_to_local_noise() -> None:
    # the square wave's first half-period (0.25 s) is flat: locally the std is the noise's 0.5
    local = quiet_then_loud(magnitude=2.0, relative_to="local", local_window=0.02)
    clean = values(local, forbid=frozenset({"imbalance"}))
    window = slice(0, round(0.2 * RATE))
    neighbourhood = clean[: round(0.22 * RATE)]
    rms = np.sqrt(np.mean(fault_only(local, seed=3)[window] ** 2))
    assert rms == pytest.approx(2.0 * neighbourhood.std(), rel=0.02)
    whole = quiet_then_loud(magnitude=2.0)
    assert np.sqrt(np.mean(fault_only(whole, seed=3)[window] ** 2)) > 20 * rms  # channel std


def test_snr_db_sets_the_ratio_to_local_std() -> None:
    raw = quiet_then_loud(snr_db=-6.0, relative_to="local", local_window=0.02)
    clean = values(raw, forbid=frozenset({"imbalance"}))
    rms = np.sqrt(np.mean(fault_only(raw, seed=3)[: round(0.2 * RATE)] ** 2))
    ratio_db = 20 * np.log10(rms / clean[: round(0.22 * RATE)].std())
    assert ratio_db == pytest.approx(-6.0, abs=0.2)


def test_fault_stays_in_its_window_and_labels_it() -> None:
    raw = machine("bearing_inner")
    raw["events"][0].update(position={"uniform": [0.2, 0.6]}, duration=0.5, name="inner")
    sample = series(raw, seed=9)
    clean = series(raw, seed=9, forbid=frozenset({"inner"}))
    (event,) = sample.events
    assert (event.kind, event.name) == ("bearing_inner", "inner")
    changed = np.flatnonzero(np.any(sample.values != clean.values, axis=1))
    assert changed.min() >= event.start and changed.max() < event.end
    assert changed.size > 0.9 * (event.end - event.start)
    assert np.all(sample.event_id[event.start : event.end] == event.event_id)
    assert event.params["defect_hz"] == pytest.approx(5.4152 * event.params["shaft_hz"], 1e-4)


def test_same_seed_same_bytes_other_seed_differs() -> None:
    raw = machine("bearing_ball", shaft_hz={"uniform": [25, 30]})
    raw["channels"][0]["components"].append({"type": "pink", "std": 0.3})
    first, again, other = series(raw, seed=1), series(raw, seed=1), series(raw, seed=2)
    assert first.values.tobytes() == again.values.tobytes()
    assert first.events == again.events
    assert first.values.tobytes() != other.values.tobytes()
    assert first.events[0].params["shaft_hz"] != other.events[0].params["shaft_hz"]


def test_events_without_fault_fields_draw_nothing_new(make: Any) -> None:
    # the new fields draw only when used, so recipes written before them keep their bytes
    raw = {
        "rate_hz": 10,
        "length": 300,
        "channels": [{"name": "a", "components": [{"type": "gaussian"}]}],
        "events": [{"kind": "spike", "duration": 1.0, "magnitude": 4.0}],
    }
    (event,) = make(raw, seed=4).events
    assert set(event.params) == {"magnitude", "direction", "onset_points", "relative"}
    local = {**raw, "events": [{**raw["events"][0], "relative_to": "local"}]}
    assert "local_points" in make(local, seed=4).events[0].params


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"kind": "spike", "fault": {"shaft_hz": 30}}, "`fault` describes a machine"),
        ({"kind": "imbalance", "magnitude": 2, "snr_db": 3}, "magnitude or snr_db, not both"),
        ({"kind": "imbalance", "snr_db": 3, "relative": False}, "snr_db is relative"),
        ({"kind": "imbalance", "fault": {"damping": 1.5}}, "damping is a ratio"),
        ({"kind": "imbalance", "fault": {"slip": -0.1}}, "slip is a fraction"),
        ({"kind": "bearing_outer", "fault": {"shaft_hz": 0}}, "shaft_hz must be > 0"),
        (
            {"kind": "bearing_outer", "fault": {"bearing": {"ball_diameter_mm": 50}}},
            "smaller than pitch_diameter_mm",
        ),
    ],
)
def test_fault_fields_refused(event: dict[str, Any], message: str) -> None:
    raw = {
        "rate_hz": RATE,
        "length": 2400,
        "channels": [{"name": "acc", "components": [{"type": "gaussian"}]}],
        "events": [{"duration": 0.05, **event}],
    }
    with pytest.raises(ValueError, match=message):
        TimeseriesParams.model_validate(raw)


def test_local_magnitude_applies_to_other_kinds_too() -> None:
    raw = quiet_then_loud()
    raw["events"] = [
        {"kind": "level_shift", "position": 0.0, "duration": 0.2, "magnitude": 3.0,
         "direction": "up", "relative_to": "local", "local_window": 0.02}
    ]  # fmt: skip
    shift = fault_only({**raw, "events": [{**raw["events"][0], "name": "shift"}]}, seed=3)
    clean = values(raw, seed=3, forbid=frozenset({"level_shift"}))
    assert shift[: round(0.2 * RATE)].mean() == pytest.approx(
        3.0 * clean[: round(0.22 * RATE)].std(), rel=1e-6
    )


def test_pump_recipe_bearing_degrades_to_failure() -> None:

    recipe = load_recipe(
        Path(__file__).resolve().parents[2] / "recipes/pump-bearing-degradation.yaml"
    )
    params = recipe.generator.params
    for seed in range(3):
        sample = series(params, seed=seed, require=frozenset({"outer_race"}))
        clean = series(params, seed=seed, forbid=frozenset(params.conditions()))
        (event,) = [e for e in sample.events if e.name == "outer_race"]
        column = sample.channels.index("drive_end")
        added = (sample.values - clean.values)[event.start : event.end, column].astype(float)
        quarters = [np.sqrt(np.mean(q**2)) for q in np.array_split(added, 4)]
        assert quarters[-1] > 5 * quarters[0], quarters
        assert event.params["defect_hz"] == pytest.approx(3.5848 * event.params["shaft_hz"], 1e-4)


def test_event_kinds_are_one_list_in_params_samples_and_faults() -> None:
    from typing import get_args

    from synthlab.generators.timeseries.fault_frequencies import FAULT_KINDS
    from synthlab.generators.timeseries.params import EventParams
    from synthlab.samples.timeseries import EVENT_KINDS

    # the recipe schema needs a literal list; the codes written in files come from the tuple
    assert get_args(EventParams.model_fields["kind"].annotation) == EVENT_KINDS
    assert set(FAULT_KINDS) <= set(EVENT_KINDS)

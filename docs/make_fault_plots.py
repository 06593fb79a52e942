"""Regenerate docs/timeseries-machine-faults.png and docs/timeseries-pump-degradation.png.

The first: one row per machine-fault kind (12 kHz accelerometer, white noise plus the fault
at constant severity): waveform, amplitude spectrum, and the envelope spectrum (Hilbert
envelope of the 2-4.5 kHz band) with the frequencies the fault should show marked. The
second: one series of recipes/pump-bearing-degradation.yaml whose bearing degrades to
failure, with its labelled window and the RMS per 50 ms.

Run: .venv/bin/python docs/make_fault_plots.py
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy import signal

import synthlab
from synthlab.generators.base import SamplePlan
from synthlab.generators.timeseries.fault_frequencies import FAULT_KINDS, bearing_frequencies
from synthlab.generators.timeseries.generator import make_series
from synthlab.generators.timeseries.params import BearingGeometry, TimeseriesParams
from synthlab.recipe import load_recipe

HERE = Path(__file__).resolve().parent
RATE = 12_000.0
POINTS = 24_000
SHAFT = 29.95
BAND = (2000.0, 4500.0)


def marks(kind: str) -> dict[str, float]:
    """The lines each fault should show (label -> Hz)."""
    lines = bearing_frequencies(BearingGeometry(), SHAFT)
    return {
        "bearing_outer": {"BPFO": lines["bpfo"], "2 BPFO": 2 * lines["bpfo"]},
        "bearing_inner": {
            "fr": SHAFT,
            "BPFI-fr": lines["bpfi"] - SHAFT,
            "BPFI": lines["bpfi"],
            "BPFI+fr": lines["bpfi"] + SHAFT,
        },
        "bearing_ball": {"FTF": lines["ftf"], "2 BSF": 2 * lines["bsf"]},
        "bearing_cage": {"FTF": lines["ftf"], "2 FTF": 2 * lines["ftf"]},
        "imbalance": {"1x": SHAFT},
        "misalignment": {"1x": SHAFT, "2x": 2 * SHAFT, "3x": 3 * SHAFT},
        "looseness": {"0.5x": SHAFT / 2, "1x": SHAFT, "1.5x": 1.5 * SHAFT, "2x": 2 * SHAFT},
        "gear_mesh": {"mesh-fr": 31 * SHAFT, "mesh": 32 * SHAFT, "2 mesh": 64 * SHAFT},
        "cavitation": {},
    }[kind]


def one(kind: str) -> np.ndarray:
    params = TimeseriesParams.model_validate(
        {
            "rate_hz": RATE,
            "length": POINTS,
            "channels": [{"name": "acc", "components": [{"type": "gaussian", "std": 0.5}]}],
            "events": [
                {
                    "kind": kind,
                    "position": 0.0,
                    "duration": POINTS / RATE,
                    "magnitude": 1.0,
                    "fault": {"shaft_hz": SHAFT, "growth": "constant"},
                }
            ],
        }
    )
    rng = np.random.default_rng(np.random.SeedSequence(1, spawn_key=(0,)))
    return make_series(params, 0, rng, SamplePlan(0)).values[:, 0].astype(np.float64)


def envelope_spectrum(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sos = signal.butter(4, BAND, btype="bandpass", fs=RATE, output="sos")
    envelope = np.abs(signal.hilbert(signal.sosfiltfilt(sos, x)))
    envelope -= envelope.mean()
    return np.fft.rfftfreq(x.shape[0], 1 / RATE), np.abs(np.fft.rfft(envelope)) / x.shape[0]


def faults_figure(out: Path) -> None:
    kinds = list(FAULT_KINDS)
    fig, axes = plt.subplots(len(kinds), 3, figsize=(13, 1.9 * len(kinds)), dpi=80)
    for row, kind in zip(axes, kinds, strict=True):
        x = one(kind)
        seconds = np.arange(x.shape[0]) / RATE
        shown = seconds < 0.2
        row[0].plot(seconds[shown], x[shown], lw=0.5, color="#264653")
        row[0].set_ylabel(kind, fontsize=9)
        freqs = np.fft.rfftfreq(x.shape[0], 1 / RATE)
        amps = np.abs(np.fft.rfft(x * np.hanning(x.shape[0]))) / x.shape[0]
        row[1].semilogy(freqs, amps, lw=0.4, color="#2a9d8f")
        row[1].set_xlim(0, RATE / 2)
        env_f, env_a = envelope_spectrum(x)
        top = 400.0 if kind != "gear_mesh" else 1200.0
        row[2].plot(env_f, env_a, lw=0.6, color="#e76f51")
        row[2].set_xlim(0, top)
        target = row[2] if kind.startswith("bearing") else row[1]
        if not kind.startswith("bearing"):
            row[1].set_xlim(*((700, 2100) if kind == "gear_mesh" else (0, 200)))
            if kind == "cavitation":
                row[1].set_xlim(0, RATE / 2)
        for label, hz in marks(kind).items():
            target.axvline(hz, color="#9d4edd", lw=0.8, ls="--", alpha=0.7)
            target.annotate(
                label,
                (hz, 0.97),
                xycoords=("data", "axes fraction"),
                fontsize=7,
                rotation=90,
                va="top",
                ha="right",
                color="#6a4c93",
            )
        for axis in row:
            axis.tick_params(labelsize=7)
    axes[0][0].set_title("waveform, first 0.2 s (g)", fontsize=9)
    axes[0][1].set_title("amplitude spectrum (Hz)", fontsize=9)
    axes[0][2].set_title(f"envelope spectrum of {BAND[0]:g}-{BAND[1]:g} Hz (Hz)", fontsize=9)
    fig.suptitle(
        "Machine faults at 12 kHz, shaft 29.95 Hz, CWRU 6205-2RS geometry (dashed: expected)",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def first_with(conditions: set[str]) -> Any:
    recipe = load_recipe(HERE.parent / "recipes" / "pump-bearing-degradation.yaml")
    for sample in synthlab.generate(recipe):
        if conditions & set(sample.conditions):
            return sample
    raise SystemExit("no degrading bearing in the recipe's series")


def degradation_figure(out: Path) -> None:
    sample = first_with({"outer_race"})
    x = sample.values[:, 0].astype(np.float64)
    seconds = np.arange(x.shape[0]) / sample.rate_hz
    block = round(0.05 * sample.rate_hz)
    blocks = x[: x.shape[0] // block * block].reshape(-1, block)
    fig, axes = plt.subplots(2, 1, figsize=(11, 4.2), dpi=80, sharex=True)
    axes[0].plot(seconds, x, lw=0.3, color="#264653")
    axes[0].set_ylabel(f"{sample.channels[0]} (g)", fontsize=9)
    axes[1].plot(
        (np.arange(blocks.shape[0]) + 0.5) * block / sample.rate_hz,
        np.sqrt((blocks**2).mean(axis=1)),
        color="#e76f51",
    )
    axes[1].set_ylabel("RMS per 50 ms (g)", fontsize=9)
    axes[1].set_xlabel("seconds", fontsize=9)
    for event in sample.events:
        for axis in axes:
            axis.axvspan(
                event.start / sample.rate_hz,
                event.end / sample.rate_hz,
                color="#e9c46a",
                alpha=0.3,
                lw=0,
            )
        axes[0].annotate(
            f"{event.name} ({event.kind})",
            (event.start / sample.rate_hz, 1.02),
            xycoords=("data", "axes fraction"),
            fontsize=8,
        )
    fig.suptitle(
        "recipes/pump-bearing-degradation.yaml: a bearing defect growing to failure",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


if __name__ == "__main__":
    faults_figure(HERE / "timeseries-machine-faults.png")
    degradation_figure(HERE / "timeseries-pump-degradation.png")
    print("wrote docs/timeseries-machine-faults.png and docs/timeseries-pump-degradation.png")

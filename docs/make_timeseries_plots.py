"""Regenerate docs/timeseries-*.png: one series of each example recipe, channels drawn
with their event windows shaded (fall phases in separate shades).

Run: .venv/bin/python docs/make_timeseries_plots.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import synthlab
from synthlab.recipe import load_recipe

HERE = Path(__file__).resolve().parent
RECIPES = HERE.parent / "recipes"
SHADES = {"pre_fall": "#f4a261", "impact": "#e63946", "lying": "#9d4edd"}


def first_with_event(name: str, wanted: str, sets: list[str]) -> synthlab.samples.Sample:
    recipe = load_recipe(RECIPES / f"{name}.yaml", sets=sets)
    for sample in synthlab.generate(recipe):
        if wanted in sample.conditions:
            return sample
    raise SystemExit(f"no sample of {name} carries {wanted}")


def plot(sample, title: str, out: Path) -> None:  # type: ignore[no-untyped-def]
    seconds = (sample.time_ns - sample.time_ns[0]) / 1e9
    fig, axes = plt.subplots(
        len(sample.channels), 1, figsize=(11, 1.6 * len(sample.channels)), sharex=True, dpi=90
    )
    for axis, (column, channel) in zip(axes, enumerate(sample.channels), strict=True):
        axis.plot(seconds, sample.values[:, column], lw=0.6, color="#264653")
        axis.set_ylabel(f"{channel}\n{sample.units[column]}", fontsize=8)
        for event in sample.events:
            if channel not in event.channels:
                continue
            lo = event.start / sample.rate_hz
            hi = event.end / sample.rate_hz
            axis.axvspan(lo, hi, color=SHADES.get(event.phase or "", "#e9c46a"), alpha=0.35, lw=0)
    for event in sample.events:
        if event.phase in (None, "pre_fall"):
            axes[0].annotate(
                event.name,
                (event.start / sample.rate_hz, 1.02),
                xycoords=("data", "axes fraction"),
                fontsize=7,
            )
    axes[-1].set_xlabel("seconds")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    falls = first_with_event("accelerometer-falls", "fall", ["count=200"])
    plot(
        falls,
        "accelerometer-falls: fall phases pre_fall / impact / lying shaded",
        HERE / "timeseries-accelerometer-falls.png",
    )
    machine = first_with_event("machine-sensors", "bearing_wear", ["count=100"])
    plot(
        machine,
        "machine-sensors: event windows shaded on the channels they touch",
        HERE / "timeseries-machine-sensors.png",
    )


if __name__ == "__main__":
    main()

"""Regenerate docs/wearable-placements.png (each placement's accelerometer and gyroscope
through standing, walking, running and stairs down) and, when sktime's BasicMotions is
installed, docs/wearable-basic-motions.png (real smartwatch cases beside synthetic ones).

Run: .venv/bin/python docs/make_wearable_plots.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from synthlab.generators.timeseries.activity import simulate_activity
from synthlab.generators.timeseries.params import TimeseriesParams

HERE = Path(__file__).resolve().parent
PLACEMENTS = ("waist", "chest", "thigh", "ankle", "wrist", "phone_in_hand")
ACTIVITIES = ("standing", "walking", "running", "stairs_down")
SECONDS = 5.0
RATE = 100.0
AXIS_COLOURS = ("#e63946", "#2a9d8f", "#264653")


def motion(placement: str, activity: str, rate: float, seconds: float, seed: int, **extra):  # type: ignore[no-untyped-def]
    """The model's accelerometer (g) and gyroscope (rad/s) for one activity, one person."""
    params = TimeseriesParams.model_validate(
        {
            "rate_hz": rate,
            "duration": seconds,
            "channels": [{"name": c} for c in ("ax", "ay", "az", "gx", "gy", "gz")],
            "activity": {
                "axes": ["ax", "ay", "az"],
                "gyro": ["gx", "gy", "gz"],
                "placement": placement,
                "states": [activity],
                "durations": {activity: 1000.0},
                "subject": {"height_m": 1.75, "cadence_factor": 1.0, "intensity": 1.0},
                "tilt": 0.05,
                **extra,
            },
        }
    )
    assert params.activity is not None
    t = np.arange(round(seconds * rate)) / rate
    return simulate_activity(params.activity, t, rate, np.random.default_rng(seed))


def placements_figure(out: Path) -> None:
    fig, axes = plt.subplots(len(PLACEMENTS), 2, figsize=(13, 2.0 * len(PLACEMENTS)), dpi=80)
    for row, placement in enumerate(PLACEMENTS):
        for column, sensor in enumerate(("accel", "gyro")):
            axis = axes[row, column]
            for number, activity in enumerate(ACTIVITIES):
                data = getattr(motion(placement, activity, RATE, SECONDS, seed=number), sensor)
                t = number * SECONDS + np.arange(data.shape[0]) / RATE
                for k, colour in enumerate(AXIS_COLOURS):
                    label = "xyz"[k] if number == 0 else None
                    axis.plot(t, data[:, k], lw=0.6, color=colour, label=label)
                axis.axvline(number * SECONDS, color="#999", lw=0.5)
                if row == 0:
                    axis.text(
                        number * SECONDS + 0.1,
                        1.02,
                        activity,
                        fontsize=8,
                        transform=axis.get_xaxis_transform(),
                    )
            axis.set_ylabel(f"{placement}\n{'g' if sensor == 'accel' else 'rad/s'}", fontsize=8)
            axis.tick_params(labelsize=7)
            if row == 0 and column == 0:
                axis.legend(fontsize=7, loc="upper left", ncol=3)
    axes[-1, 0].set_xlabel("seconds (accelerometer, gravity included)", fontsize=8)
    axes[-1, 1].set_xlabel("seconds (gyroscope)", fontsize=8)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def basic_motions_figure(out: Path) -> bool:
    sys.path.insert(0, str(HERE.parent / "tests" / "timeseries"))
    from realdata import basic_motions  # type: ignore[import-not-found]

    data = basic_motions()
    if data is None:
        return False
    fig, axes = plt.subplots(3, 4, figsize=(13, 7), dpi=80, sharex=True)
    for row, activity in enumerate(("standing", "walking", "running")):
        real = data.values[np.flatnonzero(data.labels == activity)[0]].T  # 100 x 6
        synth = motion("wrist", activity, 10.0, 10.0, seed=row, units="m/s2", gravity=False)
        synth_acc = synth.accel - synth.gravity  # g, gravity removed like the real watch
        pairs = (
            ("real acc", real[:, :3]),
            ("synthetic acc", synth_acc * 9.80665),
            ("real gyro", real[:, 3:]),
            ("synthetic gyro", synth.gyro),
        )
        for column, (title, values) in enumerate(pairs):
            axis = axes[row, column]
            t = np.arange(values.shape[0]) / 10.0
            for k, colour in enumerate(AXIS_COLOURS):
                axis.plot(t, values[:, k], lw=0.8, color=colour)
            axis.set_title(f"{activity}: {title}", fontsize=8)
            axis.tick_params(labelsize=7)
    for axis in axes[:, 0]:
        axis.set_ylabel("m/s² (acc) / rad/s (gyro)", fontsize=7)
    for axis in axes[-1]:
        axis.set_xlabel("seconds", fontsize=8)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return True


if __name__ == "__main__":
    placements_figure(HERE / "wearable-placements.png")
    print("wrote docs/wearable-placements.png")
    if basic_motions_figure(HERE / "wearable-basic-motions.png"):
        print("wrote docs/wearable-basic-motions.png")
    else:
        print("BasicMotions not installed (pip install --no-deps sktime==1.2.0): skipped")

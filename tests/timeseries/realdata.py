"""Real body-worn sensor recordings that an installed package ships, read for the tests.

BasicMotions (the UEA multivariate archive; sktime's wheel carries it as
`sktime/datasets/data/BasicMotions/BasicMotions_{TRAIN,TEST}.ts`): a smartwatch's 3-axis
accelerometer and 3-axis gyroscope, 10 Hz, 100 points (10 s) per case, four students, classes
Standing, Walking, Running, Badminton. Nothing is copied into the repository: the files are
found through `importlib.util.find_spec("sktime")` and parsed here. Install with
`.venv/bin/pip install --no-deps sktime==1.2.0` (scripts/setup.sh does).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "BASIC_MOTIONS_CHANNELS",
    "BasicMotions",
    "basic_motions",
    "basic_motions_dir",
    "fidelity_against_basic_motions",
    "read_ts",
    "write_basic_motions",
]

# dimension order of the .ts files: accelerometer x, y, z then gyroscope x, y, z
BASIC_MOTIONS_CHANNELS = ("acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z")
BASIC_MOTIONS_RATE_HZ = 10.0


@dataclass(frozen=True)
class BasicMotions:
    values: np.ndarray  # cases x channels x points, float64
    labels: np.ndarray  # cases, str (lower case: standing, walking, running, badminton)


def basic_motions_dir() -> Path | None:
    """The folder holding BasicMotions_*.ts, or None when sktime is not installed."""
    spec = importlib.util.find_spec("sktime")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "datasets" / "data" / "BasicMotions"
    return folder if (folder / "BasicMotions_TRAIN.ts").is_file() else None


def read_ts(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A .ts file of equal-length multivariate cases: (cases x dims x points, labels).

    The format: `#` comment lines, `@key value` header lines up to `@data`, then one case per
    line, its dimensions separated by `:` (values by `,`) and the class label last."""
    cases: list[list[list[float]]] = []
    labels: list[str] = []
    in_data = False
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            in_data = line.lower() == "@data"
            continue
        *dims, label = line.split(":")
        try:
            cases.append([[float(v) for v in dim.split(",")] for dim in dims])
        except ValueError as error:
            raise ValueError(f"{path}:{number}: {error}") from None
        labels.append(label.strip())
    return np.asarray(cases, dtype=float), np.asarray(labels)


def basic_motions(split: str = "both") -> BasicMotions | None:
    """BasicMotions' TRAIN, TEST or both splits, or None when the files are not installed."""
    folder = basic_motions_dir()
    if folder is None:
        return None
    parts = ["TRAIN", "TEST"] if split == "both" else [split.upper()]
    read = [read_ts(folder / f"BasicMotions_{part}.ts") for part in parts]
    values = np.concatenate([v for v, _ in read])
    labels = np.char.lower(np.concatenate([lab for _, lab in read]))
    return BasicMotions(values, labels)


def write_basic_motions(folder: Path, classes: tuple[str, ...]) -> int:
    """BasicMotions cases of `classes` as CSV files (timestamp at 10 Hz, the six channels,
    activity), one per case, the way a user would hand real recordings to `synthlab
    fidelity`. Returns the number of cases written."""
    data = basic_motions()
    if data is None:
        raise FileNotFoundError("BasicMotions is not installed (pip install --no-deps sktime)")
    folder.mkdir(parents=True, exist_ok=True)
    chosen = np.flatnonzero(np.isin(data.labels, classes))
    for number, case in enumerate(chosen):
        points = data.values.shape[2]
        seconds = np.arange(points) / BASIC_MOTIONS_RATE_HZ
        lines = ["timestamp," + ",".join(BASIC_MOTIONS_CHANNELS) + ",activity"]
        for p in range(points):
            stamp = f"2024-01-01T00:{number // 6:02d}:{(number % 6) * 10 + seconds[p]:06.3f}Z"
            row = ",".join(f"{v:.6f}" for v in data.values[case, :, p])
            lines.append(f"{stamp},{row},{data.labels[case]}")
        (folder / f"case{number:03d}.csv").write_text("\n".join(lines) + "\n")
    return int(chosen.size)


def fidelity_against_basic_motions(synth: Path, work: Path, *, window: int = 50, seed: int = 0):
    """`synthlab.fidelity.compare` of a rendered dataset against the real BasicMotions cases
    of standing, walking and running (the classes a wrist recipe can make)."""
    from synthlab.fidelity import FidelityOptions, compare

    real = work / "basic-motions"
    if not real.is_dir():
        write_basic_motions(real, ("standing", "walking", "running"))
    options = FidelityOptions(window=window, seed=seed, max_lag=16, figures=False)
    return compare(real, synth, options)

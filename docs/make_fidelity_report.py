"""Make docs/fidelity-report.png: a fidelity report opened in headless Chromium.

Real data: the bundled accelerometer-falls recipe (seed 1, 8 series). Synthetic data: the
same recipe with seed 2, walking cadence 3.4 steps/s and noisier gyroscopes, the kind of
mismatch the report should point at. Needs Debian's chromium.

    .venv/bin/python docs/make_fidelity_report.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import synthlab
from synthlab.fidelity import FidelityOptions, compare, write_report

DOCS = Path(__file__).resolve().parent
RECIPE = DOCS.parent / "recipes" / "accelerometer-falls.yaml"
SYNTH_SETS = [
    "generator.params.activity.cadence={walking: 3.4}",
    *(f"generator.params.channels[{k}].components[0].std=0.12" for k in (3, 4, 5)),
]


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs Debian's chromium (apt-get install chromium)")
    folder = Path(tempfile.mkdtemp(prefix="fidelity-shot-"))
    for name, seed, sets in (("real", 1, []), ("synth", 2, SYNTH_SETS)):
        recipe = synthlab.load_recipe(RECIPE, seed=seed, count=8, sets=sets)
        synthlab.render(recipe, folder / name, workers=2)
    report = compare(folder / "real", folder / "synth", FidelityOptions(window=256, seed=0))
    _, page = write_report(report, folder / "report")
    target = DOCS / "fidelity-report.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--hide-scrollbars",
            "--window-size=1240,1900",
            f"--user-data-dir={folder / 'profile'}",
            f"--screenshot={target}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    print(f"AUC {report.two_sample.auc:.3f}; wrote {target}")


if __name__ == "__main__":
    main()

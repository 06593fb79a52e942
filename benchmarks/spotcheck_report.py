"""Time building a spot-check (picks, overlays, static report) of a large dataset.

    .venv/bin/python benchmarks/spotcheck_report.py                      # debug, 10,000 samples
    .venv/bin/python benchmarks/spotcheck_report.py --recipe recipes/machine-sensors.yaml \
        --count 10000 --set generator.params.length=600

The dataset is rendered once into --out (kept between runs); only the spot-check is timed.
Target: 200 items of a 10,000-sample dataset in under 10 seconds.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import synthlab
import synthlab.readers
from synthlab.recipe.model import SpotcheckSection
from synthlab.spotcheck.plans import resolve_plan
from synthlab.spotcheck.workspace import build

DEBUG_RECIPE = """
version: 1
name: bench
seed: 1
count: 10000
generator:
  kind: debug
  params:
    values: {x: {uniform: [0, 1]}}
    labels: {cls: {choice: [cat, dog, bird, forklift], weights: [50, 40, 9, 1]}}
    conditions: [rare]
quotas: {rare: 5}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--set", dest="sets", action="append", default=[])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--planted", type=int, default=0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spotcheck-bench-"))
    recipe_path = args.recipe
    if recipe_path is None:
        recipe_path = work / "bench.yaml"
        recipe_path.write_text(DEBUG_RECIPE, encoding="utf-8")
    out = args.out or work / "out"
    if not (out / "manifest.json").is_file():
        recipe = synthlab.load_recipe(recipe_path, sets=[f"count={args.count}", *args.sets])
        started = time.perf_counter()
        synthlab.render(recipe, out)
        print(f"rendered {args.count} samples in {time.perf_counter() - started:.1f}s -> {out}")
    count = synthlab.readers.DatasetView.open(out).count
    plan = resolve_plan(SpotcheckSection(), count, n=args.n)
    load_before = os.getloadavg()
    cpu_before = os.times()
    started = time.perf_counter()
    workspace = build(out, plan, seed=0, planted=args.planted)
    elapsed = time.perf_counter() - started
    cpu_after = os.times()
    # CPU of this process and of the drawing workers it waited for
    cpu = sum(cpu_after[:4]) - sum(cpu_before[:4])
    size = (workspace.root / "index.html").stat().st_size / 1e6
    modality = workspace.plan_data["dataset"]["modality"]
    print(
        f"spot-check of {len(workspace.items)} items from {count} {modality} samples: "
        f"{elapsed:.2f}s wall, {cpu:.2f}s CPU incl. workers (report {size:.1f} MB); "
        f"{os.cpu_count()} CPUs, load average (1, 5, 15 min) before {_load(load_before)}, "
        f"after {_load(os.getloadavg())}"
    )


def _load(averages: tuple[float, float, float]) -> str:
    return "(" + ", ".join(f"{value:.2f}" for value in averages) + ")"


if __name__ == "__main__":
    main()

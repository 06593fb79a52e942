"""Scene memory over a long run: renders many small images through the engine and records
the resident memory (RSS) of the driver and of each worker every 250 images, then the
slope per 1,000 images after warm-up. Flat memory means a dataset of any length fits.

    .venv/bin/python benchmarks/scene_memory.py                 # 3,000 images, 2 workers
    .venv/bin/python benchmarks/scene_memory.py --count 1000 --workers 1

A watcher thread in the driver counts the images written so far and reads RSS with psutil
(driver plus every live worker process). Workers may be replaced between shards, so the
largest worker's RSS at each step is what to read. The slope is a least-squares line
through the steps after the first 500 images (start-up, shader compilation and the mesh
pool's first fill come before).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

import synthlab
from synthlab.recipe import load_recipe

RECIPE = """
version: 1
name: scene-memory
seed: 11
count: {count}
generator:
  kind: scene
  params:
    classes:
      crate: {{asset: crate, count: {{int: [2, 5]}}, material: {{texture: wood, color: wood}}}}
      pallet: {{asset: loaded_pallet, count: {{int: [0, 2]}}, material: {{color: wood}}}}
      barrel: {{asset: barrel, count: {{int: [0, 3]}}, material: {{color: blue}}}}
      person: {{asset: human, count: {{int: [0, 2]}}}}
    distractors: {{count: {{int: [0, 2]}}}}
    surface: {{spread: 3.5, material: {{texture: noise}}}}
    background: {{gradient: ["#5a6470", "#2e3238"]}}
    camera:
      resolution: [{width}, {height}]
      distance: {{uniform: [6, 9]}}
      azimuth: {{uniform: [0, 360]}}
output:
  formats: [image, coco]
"""

MIB = 1024 * 1024


def _written(images: Path) -> int:
    if not images.exists():
        return 0
    return sum(len([f for f in files if f.endswith(".png")]) for _, _, files in os.walk(images))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=3000, help="images to render")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=250, help="images between RSS readings")
    parser.add_argument("--size", default="160x120", help="image size, WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    driver = psutil.Process()
    steps: list[tuple[int, float, float, int]] = []  # images, driver MiB, worker MiB, workers
    done = threading.Event()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "memory.yaml"
        path.write_text(RECIPE.format(count=args.count, width=width, height=height))
        recipe = load_recipe(path)
        out = Path(tmp) / "out"

        def watch() -> None:
            target = args.every
            while not done.is_set() and target <= args.count:
                if _written(out / "images") >= target:
                    workers = []
                    for child in driver.children(recursive=True):
                        with contextlib.suppress(psutil.Error):  # a worker that just ended
                            if child.status() != psutil.STATUS_ZOMBIE:  # ended: RSS reads 0
                                workers.append(child.memory_info().rss / MIB)
                    rss = driver.memory_info().rss / MIB
                    steps.append((target, rss, max(workers, default=0.0), len(workers)))
                    target += args.every
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        print("load average before (1/5/15 min):", os.getloadavg(), "cpus:", os.cpu_count())
        started = time.perf_counter()
        watcher.start()
        synthlab.render(recipe, out, workers=args.workers)
        done.set()
        watcher.join()
        seconds = time.perf_counter() - started
    print(f"{args.count} images ({width}x{height}) in {seconds:.0f} s with {args.workers} workers")
    print("images  driver MiB  largest worker MiB  live workers")
    for images, rss, worker, count in steps:
        print(f"{images:6d}  {rss:10.1f}  {worker:18.1f}  {count:12d}")
    later = [s for s in steps if s[0] > 500 and s[2] > 0]
    if len(later) >= 3:
        x = np.array([s[0] for s in later], float) / 1000
        for name, column in (("driver", 1), ("largest worker", 2)):
            slope = np.polyfit(x, np.array([s[column] for s in later]), 1)[0]
            print(f"slope after 500 images, {name}: {slope:+.2f} MiB per 1,000 images")
    print("load average after (1/5/15 min):", os.getloadavg())


if __name__ == "__main__":
    main()

"""Engine overhead and memory with a trivial generator.

    .venv/bin/python benchmarks/foundation_overhead.py --count 1000000 --workers 2

Renders `count` samples of the `debug` generator (two numbers, one label, no payload) and
prints samples/s and the peak resident memory of the driver and of the largest worker.
The generator does almost nothing, so the rate is the engine's own cost per sample:
stream derivation, quota plan, exporter calls, stream parts, commit and finalize.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import synthlab

RECIPE = """\
version: 1
name: trivial
seed: 1
count: {count}
generator:
  kind: debug
  params:
    values: {{x: {{uniform: [0, 1]}}, y: {{normal: {{mean: 0, std: 1}}}}}}
    labels: {{tag: {{choice: [a, b, c]}}}}
    conditions: [rare]
quotas: {{rare: 0.01}}
output: {{shard_size: {shard}}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-size", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        recipe_path = Path(scratch) / "trivial.yaml"
        recipe_path.write_text(RECIPE.format(count=args.count, shard=args.shard_size))
        recipe = synthlab.load_recipe(recipe_path)
        started = time.perf_counter()
        synthlab.render(recipe, Path(scratch) / "out", workers=args.workers)
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in (Path(scratch) / "out").rglob("*") if p.is_file())
    driver = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = {
        "count": args.count,
        "workers": args.workers,
        "shard_size": args.shard_size,
        "seconds": round(seconds, 2),
        "samples_per_s": round(args.count / seconds),
        "peak_rss_driver_mib": round(driver, 1),
        "peak_rss_largest_worker_mib": round(worker, 1),
        "dataset_mib": round(size / 2**20, 1),
        "python": sys.version.split()[0],
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

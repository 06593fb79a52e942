"""Single-machine rates behind the 100-million-sample estimate in docs/scaling.md.

    .venv/bin/python benchmarks/engine_scaling.py            # all measurements
    .venv/bin/python benchmarks/engine_scaling.py --no-ray   # local executor only

Measures, on this machine:
  1. engine throughput with the `debug` generator (no payload, and a 1 KiB payload), one
     worker and all cores: the engine's own cost per sample and per byte written;
  2. the fixed cost of one shard (commit, fsyncs, shard record), from two shard sizes;
  3. the Ray executor on a local instance: start-up, throughput and per-task overhead;
  4. any example recipe given with --recipe (e.g. recipes/accelerometer-falls.yaml):
     samples/s and bytes per sample, the numbers a real dataset's estimate needs.
Prints one JSON object per measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import synthlab.engine.render as render_module
from synthlab.engine.render import default_workers, render_dataset
from synthlab.recipe import load_recipe, load_recipe_text

RECIPE = """\
version: 1
name: engine-bench
seed: 1
count: {count}
generator:
  kind: debug
  params:
    values: {{x: {{uniform: [0, 1]}}, y: {{normal: {{mean: 0, std: 1}}}}}}
    labels: {{tag: {{choice: [a, b, c]}}}}
    payload_bytes: {payload}
"""


def dataset_bytes(out: Path) -> int:
    return sum(
        p.stat().st_size for p in out.rglob("*") if p.is_file() and ".synthlab" not in p.parts
    )


_finalize_seconds: list[float] = []
_finalize = render_module.finalize


def _timed_finalize(*args: Any, **kwargs: Any) -> Any:
    # The merge of record streams and the manifest run once, on the driver, after every
    # shard: the one serial step of a run, so it is timed on its own.
    started = time.perf_counter()
    try:
        return _finalize(*args, **kwargs)
    finally:
        _finalize_seconds.append(time.perf_counter() - started)


render_module.finalize = _timed_finalize  # type: ignore[assignment]


def run(label: str, recipe: Any, scratch: Path, **kwargs: Any) -> dict[str, Any]:
    out = scratch / f"{label}-{time.monotonic_ns()}"
    started = time.perf_counter()
    render_dataset(recipe, out, **kwargs)
    seconds = time.perf_counter() - started
    finalize_s = _finalize_seconds.pop() if _finalize_seconds else float("nan")
    size = dataset_bytes(out)
    row = {
        "measure": label,
        "samples": recipe.count,
        "seconds": round(seconds, 3),
        "samples_per_s": round(recipe.count / seconds, 1),
        "bytes_per_sample": round(size / recipe.count, 1),
        "finalize_s": round(finalize_s, 3),
        **{k: v for k, v in kwargs.items() if k in ("workers", "shard_size", "executor")},
    }
    print(json.dumps(row), flush=True)
    return row


def debug_recipe(count: int, payload: int) -> Any:
    return load_recipe_text(RECIPE.format(count=count, payload=payload), "<bench>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--recipe", action="append", default=[], help="also time this recipe")
    args = parser.parse_args()
    cores = default_workers()
    print(json.dumps({"machine": {"cores": cores, "load_avg_1m": os.getloadavg()[0]}}))

    with tempfile.TemporaryDirectory(prefix="synthlab-bench-") as folder:
        scratch = Path(folder)
        plain = debug_recipe(args.count, 0)
        payload = debug_recipe(args.count, 1024)
        run("debug-1-worker", plain, scratch, workers=1, shard_size=512)
        run(f"debug-{cores}-workers", plain, scratch, workers=cores, shard_size=512)
        run(f"debug-1KiB-{cores}-workers", payload, scratch, workers=cores, shard_size=512)

        # Fixed cost per shard: the same samples in many small shards and in few large ones.
        small = run("shards-of-8", debug_recipe(4096, 0), scratch, workers=1, shard_size=8)
        large = run("shards-of-4096", debug_recipe(4096, 0), scratch, workers=1, shard_size=4096)
        extra = (small["seconds"] - large["seconds"]) / (4096 / 8 - 1)
        print(json.dumps({"measure": "per-shard-overhead", "ms_per_shard": round(extra * 1000, 2)}))

        if not args.no_ray:
            import ray

            started = time.perf_counter()
            ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False)
            init = time.perf_counter() - started
            print(json.dumps({"measure": "ray-init-local", "seconds": round(init, 2)}))
            try:
                ray_large = run("ray", plain, scratch, executor="ray", shard_size=512)
                ray_small = run("ray-shards-of-32", plain, scratch, executor="ray", shard_size=32)
                tasks = args.count / 32 - args.count / 512
                per_task = (ray_small["seconds"] - ray_large["seconds"]) / tasks * cores
                print(
                    json.dumps(
                        {
                            "measure": "ray-per-task-overhead",
                            "ms_per_task_per_slot": round(per_task * 1000, 2),
                        }
                    )
                )
            finally:
                ray.shutdown()

        for path in args.recipe:
            recipe = load_recipe(path)
            run(f"recipe:{recipe.name}", recipe, scratch, workers=cores)


if __name__ == "__main__":
    main()

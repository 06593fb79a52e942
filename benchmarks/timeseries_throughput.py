"""Throughput of the `timeseries` generator end to end, next to TimeSynth and GutenTAG.

synthlab: N series x 3 channels x P points (AR(1) + Gaussian noise + seasonality, with
spikes, level shifts and dropouts), rendered to Parquet with per-point labels and the
event table. Reports labeled points per second and peak memory (largest process), plus
the CPU seconds the render used and the load average around it: on a shared machine the
wall-clock rate follows the load, while points per CPU-second (the per-core rate) does not
nearly as much, so both are printed.

The anchors run in their own virtual environments (never this project's dependencies):

    python3 -m venv /tmp/bench-timesynth
    /tmp/bench-timesynth/bin/pip install numpy scipy sympy jitcdde
    /tmp/bench-timesynth/bin/pip install --no-deps timesynth   # it pins a symengine that fails
    python3 -m venv /tmp/bench-gutentag
    /tmp/bench-gutentag/bin/pip install timeeval-gutentag "scipy<1.15"

Run:  .venv/bin/python benchmarks/timeseries_throughput.py [--series 1000] [--points 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

RECIPE = """\
version: 1
name: ts-bench
seed: 1
count: {series}
generator:
  kind: timeseries
  params:
    rate_hz: 100
    length: {points}
    channels:
{channels}
    events:
      - {{kind: spike, count: {{int: [1, 3]}}, duration: 0.05, magnitude: {{uniform: [4, 8]}}}}
      - {{kind: level_shift, duration: {{uniform: [5, 20]}}, probability: 0.5}}
      - {{kind: dropout, duration: 2, probability: 0.2, pick: 1}}
output:
  shard_size: 8
"""
CHANNEL = """\
      - name: c{i}
        components:
          - {{type: arma, ar: [0.9], std: 1.0}}
          - {{type: gaussian, std: 0.3}}
          - {{type: seasonal, period: 60}}
"""

TIMESYNTH = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    import timesynth as ts

    class AR1(ts.signals.AutoRegressive):
        # NumPy 2: sample_next returns shape-(1,) arrays; hand TimeSynth scalars instead
        def sample_next(self, time, samples, errors):
            return float(np.asarray(super().sample_next(time, samples, errors)).ravel()[0])

    class Gaussian(ts.noise.GaussianNoise):
        def sample_next(self, t, samples, errors):
            return float(np.asarray(super().sample_next(t, samples, errors)).ravel()[0])

    series, points = int(sys.argv[1]), int(sys.argv[2])
    np.random.seed(0)  # TimeSynth only draws from numpy's global generator
    started = time.perf_counter()
    for _ in range(series):
        sampler = ts.TimeSampler(stop_time=points)
        times = sampler.sample_regular_time(num_points=points)
        signal = ts.TimeSeries(AR1(ar_param=[0.9], sigma=1.0),
                               noise_generator=Gaussian(std=0.3))
        values, _, _ = signal.sample(times)
    seconds = time.perf_counter() - started
    print(json.dumps({"points": series * points, "seconds": seconds}))
    """
)

GUTENTAG = textwrap.dedent(
    """
    import json, sys, time, tempfile
    from gutenTAG import GutenTAG

    series, points, channels, jobs = (int(a) for a in sys.argv[1:5])
    config = {"timeseries": [
        {"name": f"ts{i}", "length": points,
         "base-oscillations": [{"kind": "sine", "frequency": 0.01, "variance": 0.3}
                               for _ in range(channels)],
         "anomalies": [{"position": "middle", "length": 1, "channel": 0,
                        "kinds": [{"kind": "extremum", "min": False, "local": False}]}]}
        for i in range(series)]}
    with tempfile.TemporaryDirectory() as out:
        generator = GutenTAG.from_dict(config, seed=1, n_jobs=jobs)
        started = time.perf_counter()
        generator.generate(output_folder=out)
        seconds = time.perf_counter() - started
    print(json.dumps({"points": series * points * channels, "seconds": seconds}))
    """
)


def run_synthlab(series: int, points: int, channels: int, workers: int) -> dict[str, float]:
    import synthlab

    with tempfile.TemporaryDirectory() as tmp:
        recipe = Path(tmp) / "bench.yaml"
        body = "".join(CHANNEL.format(i=i) for i in range(channels))
        recipe.write_text(RECIPE.format(series=series, points=points, channels=body.rstrip("\n")))
        load_before = os.getloadavg()[0]
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        synthlab.render(recipe, Path(tmp) / "out", workers=workers)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before  # the driver and its (reaped) workers
        size = sum(f.stat().st_size for f in (Path(tmp) / "out").rglob("*") if f.is_file())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    total = series * points * channels
    return {
        "points": total,
        "seconds": seconds,
        "points_per_s": total / seconds,
        "peak_rss_mib": max(own, children) / 1024,
        "output_mib": size / 2**20,
        "cpu_seconds": cpu,
        "points_per_cpu_s": total / cpu,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_anchor(python: str, script: str, *args: int) -> dict[str, float] | None:
    if not Path(python).exists():
        print(f"  (skipped: {python} not found; see the set-up in this script's docstring)")
        return None
    done = subprocess.run(
        [python, "-c", script, *map(str, args)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"  (failed: {done.stderr.strip().splitlines()[-1:]})")
        return None
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["points_per_s"] = result["points"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--anchor-series", type=int, default=3, help="series per anchor run")
    parser.add_argument("--timesynth-python", default="/tmp/bench-timesynth/bin/python")
    parser.add_argument("--gutentag-python", default="/tmp/bench-gutentag/bin/python")
    args = parser.parse_args()

    print(
        f"synthlab: {args.series} series x {args.channels} ch x {args.points} points, "
        f"{args.workers} workers, Parquet with labels"
    )
    ours = run_synthlab(args.series, args.points, args.channels, args.workers)
    print(
        f"  {ours['points_per_s'] / 1e6:.1f} M labeled points/s ({ours['seconds']:.1f} s), "
        f"peak RSS {ours['peak_rss_mib']:.0f} MiB, output {ours['output_mib']:.0f} MiB"
    )
    print(
        f"  {ours['points_per_cpu_s'] / 1e6:.1f} M points per CPU-second (per core), "
        f"{ours['cpu_seconds']:.1f} CPU-s; load average {ours['load_before']:.1f} before, "
        f"{ours['load_after']:.1f} after"
    )

    print(f"TimeSynth: AR(1) + Gaussian noise, {args.anchor_series} x {args.points} points")
    synth = run_anchor(args.timesynth_python, TIMESYNTH, args.anchor_series, args.points)
    if synth:
        print(
            f"  {synth['points_per_s'] / 1e3:.0f} k points/s (no labels); synthlab is "
            f"{ours['points_per_s'] / synth['points_per_s']:.0f}x"
        )

    print(
        f"GutenTAG: {args.anchor_series} series x {args.channels} ch x {args.points} points "
        f"to CSV, n_jobs={args.workers}"
    )
    tag = run_anchor(
        args.gutentag_python, GUTENTAG, args.anchor_series, args.points, args.channels, args.workers
    )
    if tag:
        print(
            f"  {tag['points_per_s'] / 1e3:.0f} k labeled points/s; synthlab is "
            f"{ours['points_per_s'] / tag['points_per_s']:.0f}x"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    json.dump({"synthlab": ours, "timesynth": synth, "gutentag": tag}, sys.stdout)
    print()


if __name__ == "__main__":
    main()

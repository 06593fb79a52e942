"""Scene benchmark: 640x480 images with 10 objects -> RGB PNG + depth PNG + instance masks
+ COCO, end to end through the engine; then a per-stage breakdown in one process.

    .venv/bin/python benchmarks/scene_throughput.py --count 200 --workers 2
    .venv/bin/python benchmarks/scene_throughput.py --count 200 --workers 2 --people 2

Each worker pays a start-up of about 1.5 CPU-seconds (importing trimesh and pyrender,
opening EGL, llvmpipe compiling shaders on first draw), so short runs show a lower rate:
the default count spreads it the way a real dataset does. The machine is shared: compare
CPU-ms per image between runs, and read wall-clock rates beside the load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import synthlab
from synthlab.exporters.base import Layout, get_exporter
from synthlab.generators.base import GeneratorContext, SamplePlan, label_set_of
from synthlab.generators.scene import SPEC
from synthlab.recipe import load_recipe
from synthlab.seeding import sample_rng

RECIPE = """
version: 1
name: scene-bench
seed: 1
count: {count}
generator:
  kind: scene
  params:
    classes:
      crate: {{asset: crate, count: 4, material: {{texture: wood, color: wood}}}}
      barrel: {{asset: barrel, count: 3, material: {{color: blue}}}}
      traffic_cone: {{asset: traffic_cone, count: 3, material: {{color: orange}}}}
{people}    surface: {{spread: 4}}
    camera:
      {{resolution: [640, 480], distance: {{uniform: [8, 10]}}, azimuth: {{uniform: [0, 360]}}}}
output:
  formats: [image, coco]
"""


class _Sink:
    def file(self, relpath: str, data: bytes) -> None:
        self.size = len(data)

    def record(self, stream: str, line: str) -> None:
        pass


def _cpu_seconds() -> float:
    """User + system time of this process and its finished children (the workers): on a
    shared machine this, unlike wall time, does not count other people's load."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--people", type=int, default=0, help="add this many people (articulated, posed)"
    )
    args = parser.parse_args()
    # the machine is shared: the load average says how much of it this run really had
    print("load average before (1/5/15 min):", os.getloadavg(), "cpus:", os.cpu_count())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        people = f"      person: {{asset: human, count: {args.people}}}\n" if args.people else ""
        path.write_text(RECIPE.format(count=args.count, people=people))
        recipe = load_recipe(path)
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        synthlab.render(recipe, Path(tmp) / "out", workers=args.workers)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        print(
            f"end to end: {args.count} images in {seconds:.1f} s = "
            f"{args.count / seconds:.2f} images/s with {args.workers} workers; "
            f"{cpu:.1f} CPU-s (driver + workers, incl. start-up) = "
            f"{args.count / cpu:.2f} images per CPU-second ({cpu / args.count * 1000:.0f} "
            "CPU-ms per image)"
        )
        # stage breakdown, one process
        generator = SPEC.create()
        generator.setup(recipe.generator.params, GeneratorContext(Path(tmp), 1, args.count))
        exporters = [get_exporter("image"), get_exporter("coco")]
        layout = Layout(args.count, labels=label_set_of(recipe))
        n = min(args.count, 20)
        encode = 0.0
        generator.generate(n, sample_rng(1, n), SamplePlan(n))  # warm: context, shaders
        generator.timings.clear()
        for index in range(n):
            sample = generator.generate(index, sample_rng(1, index), SamplePlan(index))
            t = time.process_time()
            for exporter in exporters:
                exporter.write_sample(sample, _Sink(), layout)
            encode += time.process_time() - t
        stages = {k: v / n * 1000 for k, v in generator.timings.items()}
        stages["encode(png+rle+json)"] = encode / n * 1000
        print("per image, CPU ms:", {k: round(v, 1) for k, v in stages.items()})
        print(f"one process, all stages: {sum(stages.values()):.0f} ms per image")
    print("load average after (1/5/15 min):", os.getloadavg())
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: driver {peak_self:.0f} MiB, largest worker {peak_children:.0f} MiB")


if __name__ == "__main__":
    main()

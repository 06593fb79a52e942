"""Scene benchmark: 640x480 images with 10 objects -> RGB PNG + depth PNG + instance masks
+ COCO, end to end through the engine; then a per-stage breakdown in one process.

    .venv/bin/python benchmarks/scene_throughput.py --count 200 --workers 2
    .venv/bin/python benchmarks/scene_throughput.py --count 200 --workers 2 --people 2
    .venv/bin/python benchmarks/scene_throughput.py --count 200 --workers 2 --physics
    .venv/bin/python benchmarks/scene_throughput.py --count 200 --workers 1,2 --recipe warehouse

--recipe takes a recipe file (its count is replaced by --count) or `warehouse`, the bundled
recipes/warehouse-rare-person.yaml (quotas, lens, camera effects, people, gradient
background). The stage split (one process, CPU ms per image) separates layout (scene build
and upload), physics settling (with --physics), the label pass, masks and solo passes, the
colour pass (shadow maps included), the read-backs of each (resolve and copy, after
glFinish), camera effects, PNG encoding and the rest of the export (RLE, JSON, COCO).

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
from collections import defaultdict
from pathlib import Path

import yaml

import synthlab
from synthlab.exporters.base import Layout, get_exporter
from synthlab.exporters.image import canonical
from synthlab.generators.base import GeneratorContext, SamplePlan, label_set_of
from synthlab.generators.scene import SPEC
from synthlab.recipe import load_recipe
from synthlab.seeding import sample_rng

WAREHOUSE = Path(__file__).resolve().parents[1] / "recipes" / "warehouse-rare-person.yaml"

RECIPE = """
version: 1
name: scene-bench
seed: 1
count: {count}
generator:
  kind: scene
  params:
    classes:
{classes}{people}    surface: {{spread: 4}}
{physics}    camera:
      {{resolution: [640, 480], distance: {{uniform: [8, 10]}}, azimuth: {{uniform: [0, 360]}}}}
output:
  formats: [image, coco]
"""

# The benchmark's ten objects: the first assets (--assets first), or ten of the assets made
# for warehouse scenes (--assets new: loaded pallets, racking, a forklift, box stacks, a
# stretch-wrapped load, a posed person), up to 1,700 triangles each against the first ones'
# few hundred.
CLASSES = {
    "first": """\
      crate: {asset: crate, count: 4, material: {texture: wood, color: wood}}
      barrel: {asset: barrel, count: 3, material: {color: blue}}
      traffic_cone: {asset: traffic_cone, count: 3, material: {color: orange}}
""",
    "new": """\
      crate: {asset: crate, count: 2, material: {texture: wood, color: wood}}
      pallet: {asset: loaded_pallet, count: 2, material: {texture: wood, color: wood}}
      racking: {asset: racking_loaded, count: 1, material: {color: "#2b5fb3", metallic: 0.3}}
      forklift: {asset: forklift, count: 1, material: {color: yellow}}
      boxes: {asset: box_stack, count: 1, material: {color: "#b08a5c"}}
      wrapped_load: {asset: wrapped_pallet, count: 1, material: {color: "#d6dce2", roughness: 0.2}}
      barrel: {asset: barrel, count: 1, material: {color: steel, metallic: 0.6}}
      person: {asset: human, count: 1, material: {color: orange}}
""",
}


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


def _recipe_text(args: argparse.Namespace) -> str:
    if args.recipe is None:
        people = f"      person: {{asset: human, count: {args.people}}}\n" if args.people else ""
        physics = "    physics: {}\n" if args.physics else ""  # settled by its defaults
        classes = CLASSES[args.assets].replace("{", "{{").replace("}", "}}")
        text = RECIPE.replace("{classes}", classes)
        return text.format(count=args.count, people=people, physics=physics)
    path = WAREHOUSE if args.recipe == "warehouse" else Path(args.recipe)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["count"] = args.count
    return yaml.safe_dump(data, sort_keys=False)


def _end_to_end(recipe_path: Path, out: Path, count: int, workers: int) -> None:
    recipe = load_recipe(recipe_path)
    print("load average before (1/5/15 min):", os.getloadavg(), "cpus:", os.cpu_count())
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    synthlab.render(recipe, out, workers=workers)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    print(
        f"end to end: {count} images in {seconds:.1f} s = "
        f"{count / seconds:.2f} images/s with {workers} workers; "
        f"{cpu:.1f} CPU-s (driver + workers, incl. start-up) = "
        f"{count / cpu:.2f} images per CPU-second ({cpu / count * 1000:.0f} CPU-ms per image)"
    )
    print("load average after (1/5/15 min):", os.getloadavg())


def _stage_split(recipe_path: Path, tmp: Path, count: int) -> None:
    """Per-stage CPU time in this process, over up to 20 images after one warm-up."""
    recipe = load_recipe(recipe_path)
    generator = SPEC.create()
    generator.setup(recipe.generator.params, GeneratorContext(tmp, recipe.seed, count))
    print("shadows:", generator.params.shadows)
    exporters = [get_exporter(name) for name in recipe.output.formats]
    layout = Layout(count, labels=label_set_of(recipe))
    n = min(count, 20)
    generator.generate(n, sample_rng(recipe.seed, n), SamplePlan(n))  # warm: context, shaders
    from OpenGL import GL  # after the renderer opened its context (render.py sets EGL first)

    # which rasteriser drew: llvmpipe on a CPU, the NVIDIA driver on a GPU machine
    print("OpenGL renderer:", GL.glGetString(GL.GL_RENDERER).decode())
    generator.timings.clear()
    readback = generator.rasterizer._renderer.readback_seconds
    readback.clear()
    png = [0.0]
    encode_png = canonical.encode_png

    def timed_png(array):  # type: ignore[no-untyped-def]
        t = time.process_time()
        data = encode_png(array)
        png[0] += time.process_time() - t
        return data

    canonical.encode_png = timed_png
    export = 0.0
    try:
        for index in range(n):
            sample = generator.generate(index, sample_rng(recipe.seed, index), SamplePlan(index))
            t = time.process_time()
            for exporter in exporters:
                exporter.write_sample(sample, _Sink(), layout)
            export += time.process_time() - t
    finally:
        canonical.encode_png = encode_png
        generator.close()
    ms = defaultdict(float, {k: v / n * 1000 for k, v in generator.timings.items()})
    back = {k: v / n * 1000 for k, v in readback.items()}
    stages = {
        "layout (scene build + upload)": ms["scene"],
        "physics (settling)": ms["physics"],
        "render labels (draw)": ms["render_labels"] - back.get("labels", 0.0),
        "masks + solo passes (draw, NumPy)": ms["masks"] - back.get("solo", 0.0),
        "render colour (shadow maps + draw)": ms["render_color"] - back.get("color", 0.0),
        "readback (labels, solo, colour)": sum(back.values()),
        "effects": ms["effects"],
        "PNG encode": png[0] / n * 1000,
        "export (RLE, JSON, COCO, ...)": (export - png[0]) / n * 1000,
    }
    print(f"stage split, one process, CPU ms per image ({n} images):")
    for name, value in stages.items():
        print(f"  {name:38s} {value:6.1f}")
    print("  readback by pass:", {k: round(v, 1) for k, v in back.items()})
    print(f"  {'all stages':38s} {sum(stages.values()):6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200, help="images per end-to-end run")
    parser.add_argument(
        "--workers", default="2", help="worker counts, comma-separated: one run each (e.g. 1,2)"
    )
    parser.add_argument(
        "--people", type=int, default=0, help="add this many people (articulated, posed)"
    )
    parser.add_argument(
        "--physics", action="store_true", help="place objects by physics (default settings)"
    )
    parser.add_argument(
        "--assets",
        choices=sorted(CLASSES),
        default="first",
        help="the ten objects: the first assets, or ten of the warehouse assets",
    )
    parser.add_argument(
        "--recipe", default=None, help="a recipe file, or `warehouse` for the bundled one"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(_recipe_text(args), encoding="utf-8")
        for workers in (int(w) for w in args.workers.split(",")):
            _end_to_end(path, Path(tmp) / f"out-{workers}", args.count, workers)
        _stage_split(path, Path(tmp), args.count)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: driver {peak_self:.0f} MiB, largest worker {peak_children:.0f} MiB")


if __name__ == "__main__":
    main()

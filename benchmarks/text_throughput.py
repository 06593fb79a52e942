# ruff: noqa: E501  (templates read better on one line)
"""Text generator throughput, end to end: JSONL with spans and BIO tags written.

A realistic recipe (three entities per sentence: PERSON, EMAIL, IBAN or PHONE; four
locales; pooled Faker values) rendered with the real engine. Prints samples/s for 1 and 2
workers and the peak memory (max RSS of this process and of its worker processes).

    .venv/bin/python benchmarks/text_throughput.py --count 200000
    .venv/bin/python benchmarks/text_throughput.py --count 1000000 --workers 2   # memory
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from synthlab.engine.render import render_dataset
from synthlab.recipe import load_recipe_text

RECIPE = {
    "version": 1,
    "name": "text-bench",
    "seed": 1,
    "count": 1000,
    "generator": {
        "kind": "text",
        "params": {
            "locales": {"en_US": 3, "de_DE": 1, "fr_FR": 1, "es_ES": 1},
            "pool_size": 2000,
            "values": {
                "name": {"identity": "name"},
                "email": {"identity": "email"},
                "iban": {"faker": "iban"},
                "phone": {"faker": "phone_number"},
            },
            "templates": [
                {
                    "id": "a",
                    "text": "Please refund {{name:PERSON}} ({{email:EMAIL}}) to {{iban:IBAN}}.",
                },
                {
                    "id": "b",
                    "text": "Hi, I am {{name:PERSON}}; call me at {{phone:PHONE}} or mail {{email:EMAIL}}.",
                },
                {
                    "id": "c",
                    "text": "[[Dear|Hello]] {{name:PERSON}}, we sent {{iban:IBAN}} details to {{email:EMAIL}}.",
                },
                {
                    "id": "d",
                    "text": "Contact {{name:PERSON}} on {{phone:PHONE}} about account {{iban:IBAN}}[[? today]].",
                },
            ],
        },
    },
    "output": {"formats": ["text-jsonl"], "shard_size": 2000},
}


def run(count: int, workers: int, out: Path) -> float:
    data = dict(RECIPE, count=count)
    recipe = load_recipe_text(json.dumps(data), "<bench>")
    started = time.perf_counter()
    render_dataset(recipe, out, workers=workers, overwrite=True)
    return time.perf_counter() - started


def generator_only(count: int) -> None:
    """The generator and the JSONL row alone, in this process: separates the text
    generator's cost from the engine's per-sample cost (stream, digest, index line)."""
    from synthlab.engine.sampling import SampleMaker
    from synthlab.exporters.text.common import dumps
    from synthlab.exporters.text.jsonl import jsonl_row
    from synthlab.seeding import sample_rng

    recipe = load_recipe_text(json.dumps(dict(RECIPE, count=count)), "<bench>")
    maker = SampleMaker.open(recipe)
    generator = maker.generator
    rngs = [sample_rng(recipe.seed, i) for i in range(count)]
    for i in range(min(count, 2000)):  # build the value pools first
        generator.generate(i, sample_rng(recipe.seed, i), maker.plan(i))
    started = time.perf_counter()
    for i in range(count):
        dumps(jsonl_row(generator.generate(i, rngs[i], maker.plan(i))))
    seconds = time.perf_counter() - started
    print(f"generator+row only, 1 process: {count / seconds:,.0f} samples/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--generator-only", type=int, default=20_000, metavar="N")
    args = parser.parse_args()
    if args.generator_only:
        generator_only(args.generator_only)
    scratch = Path(tempfile.mkdtemp(prefix="text-bench-"))
    try:
        for workers in args.workers:
            seconds = run(args.count, workers, scratch / f"w{workers}")
            lines = (scratch / f"w{workers}" / "text" / "train.jsonl").open().readline()
            spans = len(json.loads(lines)["spans"])
            print(
                f"workers={workers} count={args.count} seconds={seconds:.2f} "
                f"samples/s={args.count / seconds:,.0f} (entities in sample 0: {spans})"
            )
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS: main {own:.0f} MB, largest worker {children:.0f} MB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

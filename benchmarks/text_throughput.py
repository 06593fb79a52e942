# ruff: noqa: E501  (templates read better on one line)
"""Text generator throughput, end to end: JSONL with spans and BIO tags written.

A realistic recipe (three entities per sentence: PERSON, EMAIL, IBAN or PHONE; four
locales; pooled Faker values) rendered with the real engine (`render_dataset`, shards,
digests, index lines, finalize; the text generator's batch path). CPU seconds count this
process and its workers, set-up and finalize included. Prints, each with
`os.getloadavg()` (the machine is shared):

- samples/s with 1 worker, and of the in-memory generator (`synthlab.generate`, every
  sample's text and spans read), side by side with presidio-evaluator's
  `PresidioSentenceFaker` on the same templates (alternatives expanded), alternating rounds
  in this one run; presidio's set-up is timed apart and not counted, ours is counted, and
  the 1-worker rate is also given with our set-up (`SampleMaker.open`, timed on its own)
  left out, to compare like with like;
- samples/s with 2 workers;
- optionally the peak memory of a large run (max RSS of this process and of its largest
  worker; the run happens in a child process so earlier rounds do not count).

presidio-evaluator lives in its own environment, never in synthlab's dependencies::

    python3 -m venv /tmp/presidio-venv && /tmp/presidio-venv/bin/pip install presidio-evaluator==0.3.2
    .venv/bin/python benchmarks/text_throughput.py --memory-count 1000000
    .venv/bin/python benchmarks/text_throughput.py --count 100000 --rounds 3

The default count is a million sentences, the size the memory target is set for: a rate
there is the generator's own. At 100,000 our fixed cost (pools, the first spelling of each
distinct value, finalize: ~1.1 s) is a quarter of the run, while presidio's set-up
(1.1-1.8 s) is left out of its rate, so the ratio is lower; docs/text.md gives both.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synthlab
from synthlab.engine.render import render_dataset
from synthlab.engine.sampling import SampleMaker
from synthlab.recipe import load_recipe_text

TEMPLATES = {
    "a": "Please refund {{name:PERSON}} ({{email:EMAIL}}) to {{iban:IBAN}}.",
    "b": "Hi, I am {{name:PERSON}}; call me at {{phone:PHONE}} or mail {{email:EMAIL}}.",
    "c": "[[Dear|Hello]] {{name:PERSON}}, we sent {{iban:IBAN}} details to {{email:EMAIL}}.",
    "d": "Contact {{name:PERSON}} on {{phone:PHONE}} about account {{iban:IBAN}}[[? today]].",
}
# The same sentences in presidio's syntax: its templates have no alternatives, so each
# alternative is its own template (presidio picks templates uniformly).
PRESIDIO_TEMPLATES = [
    "Please refund {{name}} ({{email}}) to {{iban}}.",
    "Hi, I am {{name}}; call me at {{phone_number}} or mail {{email}}.",
    "Dear {{name}}, we sent {{iban}} details to {{email}}.",
    "Hello {{name}}, we sent {{iban}} details to {{email}}.",
    "Contact {{name}} on {{phone_number}} about account {{iban}}.",
    "Contact {{name}} on {{phone_number}} about account {{iban}} today.",
]

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
            "templates": [{"id": key, "text": text} for key, text in TEMPLATES.items()],
        },
    },
    "output": {"formats": ["text-jsonl"], "shard_size": 5000},
}

# Runs inside presidio's environment; times generation (its set-up is timed apart).
PRESIDIO_SCRIPT = """
import json, os, sys, time, warnings
warnings.simplefilter("ignore")
count, templates = int(sys.argv[1]), json.loads(sys.argv[2])
sys.stdout, real = open(os.devnull, "w"), sys.stdout  # its set-up and tqdm print a lot
sys.stderr = sys.stdout
from presidio_evaluator.data_generator import PresidioSentenceFaker
setup = time.perf_counter()
faker = PresidioSentenceFaker("en_US", lower_case_ratio=0.0, sentence_templates=templates,
                              random_seed=1)
setup = time.perf_counter() - setup
wall, cpu = time.perf_counter(), time.process_time()
made = faker.generate_new_fake_sentences(count)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
spans = sum(len(s.spans) for s in made) / count
real.write(json.dumps({"wall": wall, "cpu": cpu, "spans": spans, "setup": setup}) + "\\n")
"""


TOUCH_TOKENS = False  # --touch-tokens


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def setup_seconds(count: int) -> float:
    """Our set-up alone, as a worker does it before its first shard (Faker factories, the
    catalog, compiling the templates; value pools are not set-up, they fill as drawn)."""
    recipe = load_recipe_text(json.dumps(dict(RECIPE, count=count)), "<bench>")
    wall = time.perf_counter()
    SampleMaker.open(recipe).close()
    return time.perf_counter() - wall


def render_rate(count: int, workers: int, out: Path) -> tuple[float, float, float]:
    """(samples/s wall, samples/s per CPU second, entities per sentence) of one render."""
    recipe = load_recipe_text(json.dumps(dict(RECIPE, count=count)), "<bench>")
    wall, cpu = time.perf_counter(), cpu_seconds()
    render_dataset(recipe, out, workers=workers, overwrite=True)
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    with (out / "text" / "train.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for _, line in zip(range(1000), lines, strict=False)]
    spans = sum(len(row["spans"]) for row in rows) / len(rows)
    assert all(row["tags"] and row["tokens"] for row in rows)  # BIO tags really written
    shutil.rmtree(out, ignore_errors=True)
    return count / wall, count / cpu, spans


def generate_rate(count: int) -> tuple[float, float]:
    """(samples/s wall, entities per sentence) of the in-memory generator, `synthlab.generate`,
    with every sample's text and spans read: what presidio's `generate_new_fake_sentences`
    returns (its sentences with spans, no tokens or tags), in a list. Set-up (Faker, pools)
    included; no files. Tokens and tags are made when read: `--touch-tokens` reads them too."""
    recipe = load_recipe_text(json.dumps(dict(RECIPE, count=count)), "<bench>")
    spans = 0
    wall = time.perf_counter()
    for sample in synthlab.generate(recipe):
        assert sample.text  # type: ignore[attr-defined]
        spans += len(sample.spans)  # type: ignore[attr-defined]
        if TOUCH_TOKENS:
            assert len(sample.tags) == len(sample.tokens)  # type: ignore[attr-defined]
    wall = time.perf_counter() - wall
    return count / wall, spans / count


def presidio_rate(python: str, count: int) -> tuple[float, float, float, float]:
    """(samples/s wall, samples/s per CPU second, entities per sentence, set-up seconds):
    the rates time generation only; its set-up is reported, not counted."""
    done = subprocess.run(
        [python, "-c", PRESIDIO_SCRIPT, str(count), json.dumps(PRESIDIO_TEMPLATES)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return count / result["wall"], count / result["cpu"], result["spans"], result["setup"]


def side_by_side(count: int, rounds: int, python: str | None, scratch: Path) -> None:
    """Alternating rounds: synthlab end to end with one worker (files written), synthlab's
    in-memory generator, presidio's in-memory generator. Presidio's rate leaves its set-up
    out; ours is given both ways: all counted, and with our set-up (timed on its own just
    before the render) left out like presidio's."""
    ours: list[float] = []
    ours_like_theirs: list[float] = []
    in_memory: list[float] = []
    theirs: list[float] = []
    for round_number in range(rounds):
        setup = setup_seconds(count)
        rate, per_cpu, spans = render_rate(count, 1, scratch / "w1")
        ours.append(rate)
        ours_like_theirs.append(count / (count / rate - setup))
        print(f"[{round_number}] synthlab render, workers=1: {rate:,.0f} samples/s "
              f"({per_cpu:,.0f}/CPU-s = {1e6 / per_cpu:.0f} µs CPU each, "
              f"{spans:.2f} entities/sentence); set-up {setup:.2f} s, without it "
              f"{ours_like_theirs[-1]:,.0f}/s {load()}")  # fmt: skip
        rate, spans = generate_rate(count)
        in_memory.append(rate)
        print(f"[{round_number}] synthlab.generate (in memory): {rate:,.0f} samples/s "
              f"({spans:.2f} entities/sentence) {load()}")  # fmt: skip
        if python:
            rate, per_cpu, spans, setup = presidio_rate(python, count)
            theirs.append(rate)
            print(f"[{round_number}] presidio-evaluator (in memory): {rate:,.0f} samples/s "
                  f"({per_cpu:,.0f}/CPU-s, {spans:.2f} entities/sentence; its set-up "
                  f"{setup:.2f} s not counted) {load()}")  # fmt: skip
    if theirs:
        presidio = statistics.median(theirs)
        print(f"median ratios to presidio (target >= 3x): render with one worker "
              f"{statistics.median(ours) / presidio:.2f}x all counted, "
              f"{statistics.median(ours_like_theirs) / presidio:.2f}x with set-up left out "
              f"on both sides; in-memory generator "
              f"{statistics.median(in_memory) / presidio:.2f}x {load()}")  # fmt: skip


def own_peak_mb() -> float:
    """This process's peak RSS. Linux's `ru_maxrss` also counts the process image before
    `exec` (here a fork of the large benchmark process, ~200 MB after the in-memory
    rounds), so the high-water mark of this address space is read where there is one."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_run(count: int, workers: int) -> None:
    """A large render in a fresh child process; its peak RSS and its largest worker's."""
    code = (
        "import sys, json, resource, tempfile, shutil, time\n"
        "sys.path.insert(0, sys.argv[3])\n"
        "from pathlib import Path\n"
        "from text_throughput import render_rate\n"
        "out = Path(tempfile.mkdtemp(prefix='text-mem-'))\n"
        "rate, _, _ = render_rate(int(sys.argv[1]), int(sys.argv[2]), out / 'd')\n"
        "shutil.rmtree(out, ignore_errors=True)\n"
        "from text_throughput import own_peak_mb\n"
        "own = own_peak_mb()\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'rate': rate, 'main': own, 'worker': kids}))\n"
    )
    here = str(Path(__file__).parent)
    done = subprocess.run(
        [sys.executable, "-c", code, str(count), str(workers), here],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    total = result["main"] + result["worker"] * workers
    print(f"memory: count={count:,} workers={workers}: {result['rate']:,.0f} samples/s, "
          f"peak RSS main {result['main']:.0f} MB, largest worker {result['worker']:.0f} MB, "
          f"at most {total:.0f} MB together (target < 500 MB) {load()}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="alternating 1-worker rounds")
    parser.add_argument("--workers", type=int, nargs="*", default=[2], help="then these runs")
    default_python = "/tmp/presidio-venv/bin/python"
    parser.add_argument(
        "--presidio-python",
        default=default_python if Path(default_python).exists() else None,
        help="python of an environment with presidio-evaluator 0.3.2",
    )
    parser.add_argument("--memory-count", type=int, default=0, metavar="N")
    parser.add_argument(
        "--touch-tokens", action="store_true", help="the in-memory rounds read tokens and tags too"
    )
    args = parser.parse_args()
    global TOUCH_TOKENS
    TOUCH_TOKENS = args.touch_tokens
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {load()}")
    scratch = Path(tempfile.mkdtemp(prefix="text-bench-"))
    try:
        if args.rounds:
            side_by_side(args.count, args.rounds, args.presidio_python, scratch)
        for workers in args.workers:
            rate, per_cpu, spans = render_rate(args.count, workers, scratch / f"w{workers}")
            print(f"synthlab workers={workers} count={args.count:,}: {rate:,.0f} samples/s "
                  f"({per_cpu:,.0f}/CPU-s = {1e6 / per_cpu:.0f} µs CPU each, {spans:.2f} "
                  f"entities/sentence; target >= 30,000 with 2 workers) {load()}")  # fmt: skip
        if args.memory_count:
            memory_run(args.memory_count, max(args.workers or [2]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

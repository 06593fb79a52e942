"""Fault injection: a real render process is SIGKILLed at chosen and at random points,
finalize included, and `--resume` must end byte-identical to an uninterrupted render, with
`verify` passing and none of the engine's temporaries left (issue 18).

Kills come from two sources. `SYNTHLAB_FAULT_AT=<point>:<n>` makes the render SIGKILL
itself at a named point (`commit`: a shard's files in place, its record not yet written;
`finalize`: a file finalize writes still in its temporary, and once more after the last
file, before the run is marked complete), which a timed kill rarely hits; timed kills
land wherever the run happens to be. Every choice comes from one seeded generator.

The killed render is a forked copy of this process running the `synthlab` command (the
same code as the console script, without the second of imports a fresh interpreter costs
per trial); resumes and checks run in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main
from synthlab.engine.storage import FAULT_VARIABLE, is_temp_name
from synthlab.engine.verify import check_files

pytestmark = pytest.mark.slow

DEBUG_RECIPE = """\
version: 1
name: faults
seed: 18
count: 36
generator:
  kind: debug
  params:
    values: {x: {uniform: [0, 1]}, n: {int: [1, 6]}}
    labels: {color: {choice: [red, green, blue]}}
    conditions: [rare]
    condition_rate: 0.2
    payload_bytes: 16
    delay_ms: 5
quotas: {rare: 0.1}
output: {shard_size: 6}
"""

# Finalize writes samples.jsonl, text/<split>.jsonl and conll/<split>.conll for every split.
TEXT_RECIPE = """\
version: 1
name: faults-text
seed: 18
count: 24
generator:
  kind: text
  params:
    templates:
      - {id: a, text: "Hi {{who:PERSON}}, see you in {{city:CITY}}."}
      - {id: b, text: "Refund {{who:PERSON}}[[? today]]!"}
      - {id: c, text: "{{city:CITY}} is where {{who:PERSON}} lives."}
    values:
      who: {words: [Ann, Bo, "Zoë", "東京"]}
      city: {words: [Oslo, Lima, "São Paulo"]}
    splits: {train: 0.6, test: 0.4}
output: {formats: [text-jsonl, conll], shard_size: 5}
"""

KILLED = -signal.SIGKILL
WORKER_DIED = 1  # a worker killed itself at a commit point: the driver stops, exit 1


@dataclass
class Tally:
    """What the suite did, printed at the end (and readable with -s)."""

    kills: int = 0
    trials: int = 0
    finished_before_kill: int = 0

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.trials} trials, {self.kills} kills, all resumed byte-identical "
            f"and verified ({self.finished_before_kill} runs ended before their timed kill)"
        )


def _child(args: Sequence[str], fault: str | None) -> None:
    if fault:
        os.environ[FAULT_VARIABLE] = fault
    else:
        os.environ.pop(FAULT_VARIABLE, None)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # the interrupted run's messages are not the point here
    main([*args], prog_name="synthlab")  # exits through SystemExit


def _start(args: Sequence[str], fault: str | None = None) -> multiprocessing.Process:
    process = multiprocessing.get_context("fork").Process(target=_child, args=(args, fault))
    process.start()
    return process


def _wait(process: multiprocessing.Process) -> int:
    process.join(timeout=120)
    if process.exitcode is None:
        process.kill()
        pytest.fail("a render under test hung")
    return int(process.exitcode)


def _cli(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


def _leftovers(out: Path) -> list[str]:
    return [str(p.relative_to(out)) for p in out.rglob("*") if is_temp_name(p.name)]


class Bench:
    """One recipe: its uninterrupted render, and trials that kill, resume and compare."""

    def __init__(self, tmp_path: Path, text: str, digest: Callable[[Path], dict[str, str]]):
        self.tmp = tmp_path
        self.recipe = tmp_path / "recipe.yaml"
        self.recipe.write_text(text)
        self.digest = digest
        clean = tmp_path / "clean"
        started = time.monotonic()
        _cli("render", str(self.recipe), "-o", str(clean), "-q", "-j", "1")
        self.seconds = time.monotonic() - started
        self.expected = digest(clean)
        self.tally = Tally()

    def args(self, out: Path, workers: int, *extra: str) -> list[str]:
        return ["render", str(self.recipe), "-o", str(out), "-q", "-j", str(workers), *extra]

    def kill(self, out: Path, workers: int, fault: str, *extra: str) -> int:
        """One run ended by `fault`: a point `name:n`, or `after:<seconds>` (timed)."""
        if fault.startswith("after:"):
            process = _start(self.args(out, workers, *extra))
            time.sleep(float(fault.partition(":")[2]))
            if process.exitcode is None:
                os.kill(process.pid, signal.SIGKILL)
            code = _wait(process)
            if code == 0:
                self.tally.finished_before_kill += 1
            else:
                assert code == KILLED
            return code
        code = _wait(_start(self.args(out, workers, *extra), fault))
        assert code in (KILLED, WORKER_DIED, 0), f"{fault}: exit {code}"
        return code

    def check_resumes(self, out: Path, workers: int = 1) -> None:
        """Resume (and resume again if nothing was there to resume), then compare."""
        had_state = (out / ".synthlab" / "run.json").exists()
        _cli(*self.args(out, workers, "--resume" if had_state else "--overwrite"))
        assert self.digest(out) == self.expected, f"{out.name}: bytes differ from a clean run"
        assert not _leftovers(out), _leftovers(out)
        report = check_files(out)
        assert report.ok, (report.missing, report.changed, report.extra)
        _cli("verify", str(out))
        self.tally.trials += 1


@pytest.fixture
def debug_bench(tmp_path: Path, digest_tree) -> Bench:
    return Bench(tmp_path, DEBUG_RECIPE, digest_tree)


@pytest.fixture
def text_bench(tmp_path: Path, digest_tree) -> Bench:
    return Bench(tmp_path, TEXT_RECIPE, digest_tree)


def _every_finalize_point(bench: Bench, workers: int) -> int:
    """Kill at finalize point 1, 2, ... until a run no longer reaches the next point."""
    point = 0
    while True:
        point += 1
        out = bench.tmp / f"finalize-{workers}-{point}"
        code = bench.kill(out, workers, f"finalize:{point}")
        if code == 0:  # past the last point: an uninterrupted run, checked all the same
            bench.check_resumes(out, workers)
            return point - 1
        assert code == KILLED
        assert not (out / ".synthlab" / "run.json").read_text().count('"complete": true')
        bench.tally.kills += 1
        bench.check_resumes(out, workers)


def announce(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Show the suite's tally in CI's quiet output too (the issue asks how much it tried)."""
    with capsys.disabled():
        print(f"\n[faults] {line}")


def test_a_kill_at_every_finalize_point_resumes_byte_identical(
    debug_bench: Bench, capsys: pytest.CaptureFixture[str]
) -> None:
    points = _every_finalize_point(debug_bench, workers=1)
    # samples.jsonl, records.jsonl, manifest.json, then "after finalize"
    assert points == 4
    announce(capsys, debug_bench.tally.line("debug, every finalize point"))


def test_a_text_render_killed_at_every_finalize_point_resumes_byte_identical(
    text_bench: Bench, capsys: pytest.CaptureFixture[str]
) -> None:
    points = _every_finalize_point(text_bench, workers=1)
    # samples.jsonl, text/{train,test}.jsonl, conll/{train,test}.conll, manifest, after
    assert points == 7
    announce(capsys, text_bench.tally.line("text, every finalize point"))


def _random_fault(rng: random.Random, bench: Bench, shards: int, workers: int) -> str:
    kind = rng.choice(["commit", "finalize", "after"])
    if kind == "commit":
        return f"commit:{rng.randint(1, shards if workers == 1 else shards // workers)}"
    if kind == "finalize":
        return f"finalize:{rng.randint(1, 4)}"
    return f"after:{rng.uniform(0.05, 1.0) * bench.seconds:.3f}"


def test_seeded_random_faults_resume_byte_identical(
    debug_bench: Bench, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each trial: one to three kills in a row (a resumed run killed again), at points and
    times drawn from a seeded generator, with one or two workers; then a last resume."""
    rng = random.Random(18_2026)
    shards = 6
    for trial in range(8):
        workers = rng.choice([1, 2])
        out = debug_bench.tmp / f"random-{trial}"
        resume: tuple[str, ...] = ()
        for _ in range(rng.randint(1, 3)):
            fault = _random_fault(rng, debug_bench, shards, workers)
            code = debug_bench.kill(out, workers, fault, *resume)
            if code == 0:
                break
            debug_bench.tally.kills += 1
            resume = ("--resume",) if (out / ".synthlab" / "run.json").exists() else ()
        debug_bench.check_resumes(out, workers)
    assert debug_bench.tally.kills >= 8
    announce(capsys, debug_bench.tally.line("debug, seeded random faults"))

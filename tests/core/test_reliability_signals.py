"""`kill -INT <driver pid>` stops a two-worker render promptly, resumably (issue 18 item 10).

The signal reaches the driver alone (a terminal's Ctrl-C would reach the workers too). The
hostile case is a render started as a shell script's background job: such a process starts
with SIGINT ignored, and the render used to run on to its end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main

RECIPE = """\
version: 1
name: slow
seed: 5
count: 200
generator:
  kind: debug
  params:
    values: {x: {uniform: [0, 1]}}
    conditions: [rare]
    payload_bytes: 32
    delay_ms: 20
quotas: {rare: 0.05}
output: {shard_size: 5}
"""

STOP_WITHIN_S = 5.0


def _synthlab(*args: str) -> list[str]:
    return [sys.executable, "-m", "synthlab", *args]


def _ignore_sigint() -> None:  # what `synthlab render ... &` in a script starts with
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    """Running, not a zombie (a container's init may be slow to reap orphans)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("inherited", ["default", "ignored"])
def test_sigint_to_the_driver_stops_two_workers_promptly(
    tmp_path: Path, digest_tree, inherited: str
) -> None:
    recipe = tmp_path / "slow.yaml"
    recipe.write_text(RECIPE)
    out, clean = tmp_path / "out", tmp_path / "clean"
    process = subprocess.Popen(
        _synthlab("render", str(recipe), "-o", str(out), "-j", "2", "-q"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ignore_sigint if inherited == "ignored" else None,
    )
    shards = out / ".synthlab" / "shards"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if shards.exists() and len(list(shards.glob("*.json"))) >= 2:
            break
        time.sleep(0.02)
    workers = _children(process.pid)
    assert len(workers) >= 2, "the run should be mid-way, with its two workers"
    sent = time.monotonic()
    os.kill(process.pid, signal.SIGINT)  # the driver only, as `kill -INT <pid>` does
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    took = time.monotonic() - sent
    print(f"SIGINT ({inherited} at start) stopped the render in {took:.2f} s")
    assert process.returncode == 130, stderr
    assert took < STOP_WITHIN_S, f"stopping took {took:.1f} s"
    assert "interrupted" in stderr and "--resume" in stderr and "Traceback" not in stderr
    assert not (out / "manifest.json").exists()
    time.sleep(0.3)
    assert not [pid for pid in workers if _alive(pid)], "workers left behind"

    # resumed and compared in this process (a fresh interpreter per step only costs time)
    resumed = CliRunner().invoke(
        main, ["render", str(recipe), "-o", str(out), "-j", "2", "--resume", "-q"]
    )
    assert resumed.exit_code == 0, resumed.output
    made = CliRunner().invoke(main, ["render", str(recipe), "-o", str(clean), "-j", "1", "-q"])
    assert made.exit_code == 0, made.output
    assert digest_tree(out) == digest_tree(clean)

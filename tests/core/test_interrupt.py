"""A real `synthlab render` killed with SIGKILL mid-run resumes to the same bytes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

RECIPE = """\
version: 1
name: slow
seed: 5
count: 120
generator:
  kind: debug
  params:
    values: {x: {uniform: [0, 1]}}
    conditions: [rare]
    payload_bytes: 32
    delay_ms: 15
quotas: {rare: 0.05}
output: {shard_size: 6}
"""


def _synthlab(*args: str) -> list[str]:
    return [sys.executable, "-m", "synthlab", *args]


def _processes_writing(out: Path) -> list[int]:
    """Processes whose command line names `out` (forked workers share the driver's)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(out).encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_sigkill_then_resume_is_byte_identical(tmp_path: Path, digest_tree) -> None:
    recipe = tmp_path / "slow.yaml"
    recipe.write_text(RECIPE)
    killed, clean = tmp_path / "killed", tmp_path / "clean"

    process = subprocess.Popen(
        _synthlab("render", str(recipe), "-o", str(killed), "-j", "2", "-q"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    shards = killed / ".synthlab" / "shards"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if shards.exists() and len(list(shards.glob("*.json"))) >= 3:
            break
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(list(shards.glob("*.json")))
    time.sleep(0.5)
    assert _processes_writing(killed) == [], "workers must die with their driver"
    assert 3 <= done_before < 20, "the kill should land mid-run"
    assert not (killed / "manifest.json").exists()

    # the lock died with the driver, and a plain re-run refuses to mix runs
    again = subprocess.run(
        _synthlab("render", str(recipe), "-o", str(killed), "-q"), capture_output=True, text=True
    )
    assert again.returncode == 2 and "--resume" in again.stderr

    resumed = subprocess.run(
        _synthlab("render", str(recipe), "-o", str(killed), "-j", "2", "--resume", "-q"),
        capture_output=True,
        text=True,
    )
    assert resumed.returncode == 0, resumed.stderr
    subprocess.run(_synthlab("render", str(recipe), "-o", str(clean), "-j", "1", "-q"), check=True)

    assert digest_tree(killed) == digest_tree(clean)
    verify = subprocess.run(_synthlab("verify", str(killed)), capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_resumes(tmp_path: Path, digest_tree) -> None:
    recipe = tmp_path / "slow.yaml"
    recipe.write_text(RECIPE)
    out, clean = tmp_path / "out", tmp_path / "clean"
    process = subprocess.Popen(
        _synthlab("render", str(recipe), "-o", str(out), "-j", "2", "-q"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    shards = out / ".synthlab" / "shards"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if shards.exists() and len(list(shards.glob("*.json"))) >= 2:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr and "--resume" in stderr
    assert "Traceback" not in stderr
    time.sleep(0.5)
    assert _processes_writing(out) == []

    resumed = subprocess.run(
        _synthlab("render", str(recipe), "-o", str(out), "--resume", "-q"), capture_output=True
    )
    assert resumed.returncode == 0
    subprocess.run(_synthlab("render", str(recipe), "-o", str(clean), "-q"), check=True)
    assert digest_tree(out) == digest_tree(clean)

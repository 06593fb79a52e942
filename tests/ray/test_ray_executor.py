"""The Ray executor on a real local Ray instance: same bytes as the local executor, a worker
killed mid-shard is retried without changing a byte, a killed driver resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from synthlab.engine.ray_executor import run_ray
from synthlab.engine.render import render_dataset
from synthlab.engine.shard import Job, ShardTask
from synthlab.errors import RuntimeFailure
from synthlab.recipe import load_recipe as load

pytestmark = pytest.mark.ray

RecipeFactory = Callable[..., Path]


def dataset_bytes(out_dir: Path) -> dict[str, bytes]:
    """Every file of a dataset but the engine's private state, by relative path."""
    found = {}
    for path in sorted(out_dir.rglob("*")):
        relative = path.relative_to(out_dir)
        if path.is_file() and relative.parts[0] != ".synthlab":
            found[relative.as_posix()] = path.read_bytes()
    return found


def pids_writing_under(folder: Path) -> set[int]:
    """Processes holding a file open below `folder` (a shard being written has its stream
    parts open in the staging folder)."""
    prefix = str(folder.resolve()) + os.sep
    holders = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{entry}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(prefix):
                holders.add(int(entry))
                break
    return holders


def test_ray_output_is_byte_identical_to_local(
    ray_address: str, tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    recipe = load(debug_recipe(count=30, shard_size=4))
    local = render_dataset(recipe, tmp_path / "local", workers=1, shard_size=16)
    distributed = render_dataset(recipe, tmp_path / "ray", executor="ray")
    assert local.made == distributed.made == 30
    expected = dataset_bytes(tmp_path / "local")
    assert "manifest.json" in expected and "samples.jsonl" in expected
    assert len([p for p in expected if p.startswith("payload/")]) == 30
    assert dataset_bytes(tmp_path / "ray") == expected

    other_seed = load(debug_recipe(count=30, seed=4, shard_size=4))
    render_dataset(other_seed, tmp_path / "ray-seed4", executor="ray")
    assert dataset_bytes(tmp_path / "ray-seed4")["records.jsonl"] != expected["records.jsonl"]


class _KillFirstWriter(threading.Thread):
    """SIGKILLs the first process (other than us) seen writing a shard of `out_dir`."""

    def __init__(self, out_dir: Path):
        super().__init__(daemon=True)
        self.staging = out_dir / ".synthlab" / "staging"
        self.killed: int | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and self.killed is None:
            if self.staging.is_dir():
                for pid in pids_writing_under(self.staging) - {os.getpid()}:
                    os.kill(pid, signal.SIGKILL)
                    self.killed = pid
                    return
            time.sleep(0.02)


def test_worker_killed_mid_shard_is_retried_and_output_unchanged(
    ray_address: str, tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    recipe = load(debug_recipe(count=24, shard_size=6, delay_ms=60))
    render_dataset(recipe, tmp_path / "local", workers=1)

    killer = _KillFirstWriter(tmp_path / "ray")
    killer.start()
    try:
        result = render_dataset(recipe, tmp_path / "ray", executor="ray")
    finally:
        killer.stop.set()
        killer.join()
    assert killer.killed is not None, "no Ray worker was caught mid-shard"
    with pytest.raises(ProcessLookupError):
        os.kill(killer.killed, 0)  # it really is gone
    assert result.made == 24
    assert dataset_bytes(tmp_path / "ray") == dataset_bytes(tmp_path / "local")
    # the killed attempt's half-written shard does not linger
    assert not (tmp_path / "ray" / ".synthlab" / "staging").exists()


def test_worker_killed_beyond_the_retry_limit_asks_for_resume(
    ray_address: str, tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    recipe = load(debug_recipe(count=6, shard_size=6, delay_ms=60))
    job = Job(recipe=recipe, out_dir=tmp_path / "out", formats=("jsonl",), job_id="retry-limit")
    job.state_dir.mkdir(parents=True)
    killer = _KillFirstWriter(job.out_dir)
    killer.start()
    try:
        with pytest.raises(RuntimeFailure, match="run again with --resume"):
            run_ray(job, [ShardTask(range(0, 6))], on_done=lambda result: None, max_retries=0)
    finally:
        killer.stop.set()
        killer.join()
    assert killer.killed is not None
    assert not (job.state_dir / "shards").exists()  # the shard was never recorded as done


def test_killed_driver_resumes_to_identical_output(
    ray_address: str, tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    recipe_path = debug_recipe(count=40, shard_size=4, delay_ms=40)
    out = tmp_path / "ray"
    driver = textwrap.dedent(
        f"""
        import ray
        from synthlab.engine.render import render_dataset
        from synthlab.recipe import load_recipe
        ray.init(address={ray_address!r}, log_to_driver=False)
        render_dataset(load_recipe({str(recipe_path)!r}), {str(out)!r}, executor="ray")
        """
    )
    process = subprocess.Popen([sys.executable, "-c", driver], stderr=subprocess.PIPE)
    shards = out / ".synthlab" / "shards"
    deadline = time.monotonic() + 120
    while not (shards.is_dir() and len(list(shards.glob("*.json"))) >= 2):
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the driver made no shard in time"
        time.sleep(0.05)
    process.kill()
    process.wait()
    # Ray ends a dead driver's tasks itself; wait for that so nothing writes behind the resume.
    deadline = time.monotonic() + 30
    while pids_writing_under(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not (out / "manifest.json").exists()

    recipe = load(recipe_path)
    resumed = render_dataset(recipe, out, executor="ray", resume=True)
    assert 0 < resumed.reused < 40
    assert resumed.made + resumed.reused == 40
    render_dataset(recipe, tmp_path / "local", workers=1)
    assert dataset_bytes(out) == dataset_bytes(tmp_path / "local")


def test_generator_error_stops_the_run_without_retries(
    ray_address: str, tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    recipe = load(debug_recipe(count=12, shard_size=4, fail_at=5))
    with pytest.raises(RuntimeFailure, match="told to fail at sample 5"):
        render_dataset(recipe, tmp_path / "ray", executor="ray")
    assert not (tmp_path / "ray" / "manifest.json").exists()


def test_cli_executor_ray_joins_the_cluster(
    ray_address: str, tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    from click.testing import CliRunner

    from synthlab.cli import main

    path = debug_recipe(count=12, shard_size=4)
    runner = CliRunner()
    local = runner.invoke(main, ["render", str(path), "-o", str(tmp_path / "l"), "-j", "1", "-q"])
    assert local.exit_code == 0, local.output
    on_ray = runner.invoke(
        main,
        [
            "render",
            str(path),
            "-o",
            str(tmp_path / "r"),
            "--executor",
            "ray",
            "--address",
            ray_address,
            "-q",
        ],
    )
    assert on_ray.exit_code == 0, on_ray.output
    assert dataset_bytes(tmp_path / "r") == dataset_bytes(tmp_path / "l")

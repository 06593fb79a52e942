"""A full disk stops the run with a clear message; after space is freed, --resume finishes
it and the result equals an uninterrupted run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 192 KiB tmpfs (needs root, as on CI and the dev machines; skipped elsewhere)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_full_disk_then_resume(write_recipe, tmp_path: Path, tiny_disk: Path, digest_tree) -> None:
    recipe = write_recipe(count=60)
    recipe.write_text(recipe.read_text().replace("payload_bytes: 8", "payload_bytes: 4096"))
    out = tiny_disk / "out"
    args = ["render", str(recipe), "-o", str(out), "-j", "1", "-q"]

    full = CliRunner().invoke(main, args)
    assert full.exit_code == 1, full.output
    assert "no space left on the device" in full.output
    assert "--resume" in full.output and "Traceback" not in full.output
    assert not (out / "manifest.json").exists()

    subprocess.run(["mount", "-o", "remount,size=8m", str(tiny_disk)], check=True)
    resumed = CliRunner().invoke(main, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output

    clean = tmp_path / "clean"
    assert CliRunner().invoke(main, ["render", str(recipe), "-o", str(clean), "-q"]).exit_code == 0
    assert digest_tree(out) == digest_tree(clean)


def test_failed_background_flush_fails_the_shard_then_resumes(
    write_recipe, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, digest_tree
) -> None:
    """Staged files are fsynced by a thread beside the worker; a flush that fails (a disk
    error surfacing only at fsync) must still stop the run before the shard is recorded."""
    from synthlab.engine import shard

    real_fsync = shard.fsync_path

    def failing_fsync(path: Path) -> None:
        if "staging" in path.parts and path.name.endswith(".bin"):
            raise OSError(5, "Input/output error", str(path))
        real_fsync(path)

    recipe = write_recipe(count=12)
    out = tmp_path / "out"
    args = ["render", str(recipe), "-o", str(out), "-j", "1", "-q"]
    monkeypatch.setattr(shard, "fsync_path", failing_fsync)
    failed = CliRunner().invoke(main, args)
    assert failed.exit_code == 1, failed.output
    assert "Input/output error" in failed.output and "--resume" in failed.output
    assert not list((out / ".synthlab" / "shards").glob("*.json"))

    monkeypatch.setattr(shard, "fsync_path", real_fsync)
    assert CliRunner().invoke(main, [*args, "--resume"]).exit_code == 0
    clean = tmp_path / "clean"
    assert CliRunner().invoke(main, ["render", str(recipe), "-o", str(clean), "-q"]).exit_code == 0
    assert digest_tree(out) == digest_tree(clean)

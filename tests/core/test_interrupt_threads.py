"""An interrupted multi-worker run leaves no executor thread behind."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import synthlab
from synthlab.engine import local


def test_an_interrupted_pool_has_finished_its_thread(write_recipe, tmp_path: Path, monkeypatch):
    """CPython 3.11 wakes a running executor thread at exit through a pipe that thread may be
    closing at the same moment; the pool's thread must have ended when the interrupt leaves
    `run_local`, so nothing is left to race (seen once in CI as a traceback after Ctrl-C)."""
    real_run_pool = local._run_pool

    def interrupted(job, tasks, workers, context, lock_fd, on_done):  # type: ignore[no-untyped-def]
        def stop(result):  # type: ignore[no-untyped-def]
            raise KeyboardInterrupt

        real_run_pool(job, tasks, workers, context, lock_fd, stop)

    monkeypatch.setattr(local, "_run_pool", interrupted)
    recipe = synthlab.load_recipe(write_recipe())
    with pytest.raises(KeyboardInterrupt):
        synthlab.render(recipe, tmp_path / "out", workers=2)
    executor_threads = [
        thread
        for thread in threading.enumerate()
        if type(thread).__name__ == "_ExecutorManagerThread" and thread.is_alive()
    ]
    assert executor_threads == []

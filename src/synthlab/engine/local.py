"""The local executor: shards run in worker processes (or in this process for -j 1)."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from synthlab.engine.sampling import THREADS
from synthlab.engine.shard import (
    Job,
    ShardResult,
    ShardTask,
    close_worker,
    prepare_in_driver,
    run_shard,
)
from synthlab.errors import RuntimeFailure
from synthlab.generators.base import get_generator_spec

__all__ = ["run_local"]

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the driver dies (kill -9 leaves no orphans that
    would go on writing shards behind a resumed run)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the driver died before prctl took effect
        os._exit(1)


def _init_worker(lock_fd: int | None, parent: int) -> None:
    _die_with_parent(parent)
    # Libraries that start their thread pools later read these when they load.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(THREADS)
    # The driver handles Ctrl-C and stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker shares the driver's lock file; close our copy so that the lock dies
    # with the driver (kill -9) instead of living on in orphaned workers.
    if lock_fd is not None:
        with contextlib.suppress(OSError):
            os.close(lock_fd)
    # at exit: close the generator, but leave its memory to the OS (see close_worker)
    multiprocessing.util.Finalize(
        None, close_worker, kwargs={"collect": False, "release": False}, exitpriority=10
    )


def _context() -> multiprocessing.context.BaseContext:
    # fork starts workers fast and lets generators registered at run time (tests, notebooks)
    # reach them; where fork does not exist, spawn is the portable choice.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_local(
    job: Job,
    tasks: Iterable[ShardTask],
    *,
    workers: int,
    lock_fd: int | None,
    on_done: Callable[[ShardResult], None],
) -> None:
    if workers <= 1:
        try:
            for task in tasks:
                on_done(run_shard(job, task))
        finally:
            close_worker()
        return
    context = _context()
    shared = (
        context.get_start_method() == "fork"
        and get_generator_spec(job.recipe.generator.kind).setup_before_fork
    )
    if shared:
        prepare_in_driver(job, workers)
    try:
        _run_pool(job, tasks, workers, context, lock_fd, on_done)
    finally:
        if shared:
            close_worker()


def _run_pool(
    job: Job,
    tasks: Iterable[ShardTask],
    workers: int,
    context: multiprocessing.context.BaseContext,
    lock_fd: int | None,
    on_done: Callable[[ShardResult], None],
) -> None:
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(lock_fd, os.getpid())
    )
    pending: set[Future[ShardResult]] = set()
    queue = iter(tasks)
    try:
        # Keep only a few shards in flight so memory does not grow with the number of shards.
        for task in queue:
            pending.add(pool.submit(run_shard, job, task))
            if len(pending) >= 2 * workers:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    on_done(future.result())
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                on_done(future.result())
    except BrokenProcessPool:
        raise RuntimeFailure(
            "a worker process died (killed, or out of memory); finished shards are kept: "
            "run again with --resume"
        ) from None
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        manager = getattr(pool, "_executor_manager_thread", None)  # shutdown forgets it
        pool.shutdown(wait=False, cancel_futures=True)
        if manager is not None:
            # Let the executor's thread see its dead workers and close its pipe before we
            # go on: at exit, Python 3.11's concurrent.futures writes to that pipe without
            # a lock, and if the thread is closing it then, Ctrl-C ends with "Exception
            # ignored in threading._shutdown ... Bad file descriptor" (fixed in 3.12).
            manager.join(timeout=10)
        raise
    pool.shutdown(wait=True)

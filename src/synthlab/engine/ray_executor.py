"""The Ray executor: every shard becomes a Ray task that runs `run_shard` on some node.

Shards are already self-contained units (a worker sets up the generator once, writes the
shard into a private staging folder of the shared output directory and commits it with a
rename), so Ray only has to place them and run them again when a worker or node dies. A
retried shard writes its files afresh under the same names with the same bytes, which is
why a killed worker cannot change the dataset. The driver keeps a bounded window of shards
in flight, so memory on the driver does not grow with the number of shards.

Ray is an optional extra and is imported only here, only when this executor is chosen.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from synthlab.engine.shard import Job, ShardResult, ShardTask, run_shard
from synthlab.errors import RuntimeFailure, UsageError
from synthlab.generators.base import get_generator_spec
from synthlab.recipe import Recipe

__all__ = ["RAY_INSTALL_HINT", "import_ray", "run_ray", "shard_task_options"]

RAY_INSTALL_HINT = 'pip install "synthlab[ray]"'
DEFAULT_MAX_RETRIES = 3  # per shard, for worker or node deaths (never for generator errors)


def import_ray() -> Any:
    """Import Ray, or say how to install it."""
    try:
        import ray
    except ImportError:
        raise UsageError(
            f"--executor ray needs Ray, which is not installed; run: {RAY_INSTALL_HINT}"
        ) from None
    return ray


def shard_task_options(recipe: Recipe, *, max_retries: int = DEFAULT_MAX_RETRIES) -> dict[str, Any]:
    """Ray task options for one shard: the generator's resource request plus retry policy."""
    spec = get_generator_spec(recipe.generator.kind)
    wanted = dict(spec.resources(recipe.generator.params))
    for name, amount in wanted.items():
        if not isinstance(amount, (int, float)) or amount < 0:
            raise RuntimeFailure(
                f"generator {spec.kind!r} asks for resource {name}={amount!r}; "
                "amounts must be numbers >= 0"
            )
    options: dict[str, Any] = {
        "num_cpus": float(wanted.pop("CPU", 1.0)),
        "num_gpus": float(wanted.pop("GPU", 0.0)),
        # A worker that dies (SIGKILL, OOM killer, lost node) is a system failure: Ray runs
        # the shard again. An exception from the generator is deterministic: retrying would
        # only fail again, so it stops the run instead.
        "max_retries": max_retries,
        "retry_exceptions": False,
    }
    if "memory" in wanted:
        options["memory"] = float(wanted.pop("memory"))
    if wanted:
        options["resources"] = {name: float(amount) for name, amount in wanted.items()}
    return options


class SharedStorageMissing(RuntimeFailure):
    """A Ray worker cannot see the output directory the driver prepared."""


def _run_shard_on_worker(job: Job, task: ShardTask) -> ShardResult:
    # The driver created `.synthlab/` before submitting anything. A node that does not see
    # it is not on the shared filesystem: writing there would scatter the dataset over local
    # disks and lose it, so refuse loudly instead.
    if not job.state_dir.is_dir():
        raise SharedStorageMissing(
            f"the Ray worker on {socket.gethostname()} cannot see {job.out_dir}: the output "
            "directory must be on a filesystem that every Ray node mounts at the same path"
        )
    return run_shard(job, task)


def _connect(ray: Any, address: str | None) -> bool:
    """Join or start a Ray instance; returns True when this call started the connection."""
    if ray.is_initialized():
        return False  # a notebook or a test already connected: use that
    kwargs: dict[str, Any] = {"address": address, "log_to_driver": False}
    if address is None and "RAY_ADDRESS" not in os.environ:
        kwargs["include_dashboard"] = False  # a throwaway local instance needs no dashboard
    try:
        ray.init(**kwargs)
    except ConnectionError as err:
        raise RuntimeFailure(f"cannot connect to the Ray cluster at {address!r}: {err}") from None
    return True


def _check_cluster_fits(ray: Any, options: Mapping[str, Any]) -> None:
    """Warn when no node could ever run a shard (Ray would otherwise wait silently)."""
    total = ray.cluster_resources()
    asked = {"CPU": options["num_cpus"], "GPU": options["num_gpus"], **options.get("resources", {})}
    if "memory" in options:
        asked["memory"] = options["memory"]
    short = [
        f"{k}={v:g} (cluster has {total.get(k, 0):g})"
        for k, v in asked.items()
        if v > total.get(k, 0)
    ]
    if short:
        sys.stderr.write(
            "synthlab: warning: each shard asks for " + ", ".join(short) + "; the shards wait "
            "until the cluster has such a node (an autoscaler may add one)\n"
        )


def _window(ray: Any, options: Mapping[str, Any], workers: int | None) -> int:
    if workers:
        return max(1, workers)
    cpus = ray.cluster_resources().get("CPU", 1.0)
    parallel = int(cpus // options["num_cpus"]) if options["num_cpus"] else int(cpus)
    return 2 * max(1, parallel)  # two per slot keeps every slot busy while results come back


def _result_of(ray: Any, ref: Any, shard_id: str) -> ShardResult:
    exceptions = ray.exceptions
    try:
        result: ShardResult = ray.get(ref)
        return result
    except exceptions.RayTaskError as err:
        cause = getattr(err, "cause", None)
        if isinstance(cause, BaseException):
            raise cause from err  # the generator's own error, as the local executor shows it
        raise RuntimeFailure(f"shard {shard_id} failed on a Ray worker: {err}") from None
    except exceptions.RayError as err:
        # A worker or node lost more often than max_retries allows, Ray's memory monitor, a
        # cancelled task: nothing wrong with the recipe, so the finished shards stay valid.
        raise RuntimeFailure(
            f"shard {shard_id} could not be finished on the Ray cluster "
            f"({type(err).__name__}: {str(err).splitlines()[0] if str(err) else 'no detail'}); "
            "finished shards are kept: run again with --resume"
        ) from None


def run_ray(
    job: Job,
    tasks: Iterable[ShardTask],
    *,
    on_done: Callable[[ShardResult], None],
    address: str | None = None,
    workers: int | None = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
) -> None:
    """Run `tasks` as Ray tasks; `workers` caps the shards in flight (default: the cluster's
    slots, twice over). `address`: None starts a local instance (or honours RAY_ADDRESS),
    "auto" joins the cluster on this machine, "ray://host:10001" uses Ray Client."""
    ray = import_ray()
    # Workers on other nodes resolve paths in their own working directory: make them absolute.
    job = dataclasses.replace(job, out_dir=job.out_dir.resolve())
    options = shard_task_options(job.recipe, max_retries=max_retries)
    started_here = _connect(ray, address)
    try:
        _check_cluster_fits(ray, options)
        remote = ray.remote(_run_shard_on_worker).options(**options)
        job_ref = ray.put(job)  # shipped to the object store once, not once per shard
        window = _window(ray, options, workers)
        pending: dict[Any, str] = {}
        queue = iter(tasks)
        try:
            for task in queue:
                pending[remote.remote(job_ref, task)] = task.shard_id
                while len(pending) >= window:
                    _collect(ray, pending, on_done)
            while pending:
                _collect(ray, pending, on_done)
        except BaseException:
            for ref in pending:
                ray.cancel(ref, force=True)
            raise
        # Every task has ended: what is left in staging belongs to attempts whose worker was
        # killed (their retries committed elsewhere), so it can go.
        shutil.rmtree(job.state_dir / "staging", ignore_errors=True)
    finally:
        if started_here:
            ray.shutdown()


def _collect(ray: Any, pending: dict[Any, str], on_done: Callable[[ShardResult], None]) -> None:
    ready, _ = ray.wait(list(pending), num_returns=1)
    for ref in ready:
        shard_id = pending.pop(ref)
        on_done(_result_of(ray, ref, shard_id))

"""The parts of the Ray executor that need no running Ray: the install hint, resource
requests taken from the generator, and the shared-storage check on workers."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from synthlab.engine.ray_executor import (
    SharedStorageMissing,
    _run_shard_on_worker,
    shard_task_options,
)
from synthlab.engine.render import render_dataset
from synthlab.engine.shard import Job, ShardTask
from synthlab.errors import RuntimeFailure, UsageError
from synthlab.generators.base import get_generator_spec, register_generator
from synthlab.recipe import load_recipe as load

RecipeFactory = Callable[..., Path]


def test_without_ray_the_error_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_recipe: RecipeFactory
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` sees when it is absent
    recipe = load(debug_recipe(count=4))
    with pytest.raises(UsageError, match=r'pip install "synthlab\[ray\]"'):
        render_dataset(recipe, tmp_path / "out", executor="ray")
    assert not (tmp_path / "out").exists()  # refused before touching the output


def test_unknown_executor_and_stray_address_are_usage_errors(
    tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    recipe = load(debug_recipe(count=4))
    with pytest.raises(UsageError, match="unknown executor 'dask'"):
        render_dataset(recipe, tmp_path / "out", executor="dask")
    with pytest.raises(UsageError, match="--address only applies to --executor ray"):
        render_dataset(recipe, tmp_path / "out", address="auto")


def test_default_request_is_one_cpu_and_no_retry_on_errors(
    tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    options = shard_task_options(load(debug_recipe(count=4)), max_retries=5)
    assert options == {
        "num_cpus": 1.0,
        "num_gpus": 0.0,
        "max_retries": 5,
        "retry_exceptions": False,
    }


def test_generator_resources_become_task_options(
    tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    debug = get_generator_spec("debug")
    register_generator(
        dataclasses.replace(
            debug,
            kind="debug-gpu",
            resources=lambda params: {"CPU": 2, "GPU": 0.5, "memory": 2**30, "H100": 1},
        )
    )
    text = debug_recipe(count=4).read_text().replace("kind: debug", "kind: debug-gpu")
    (tmp_path / "gpu.yaml").write_text(text)
    options = shard_task_options(load(tmp_path / "gpu.yaml"))
    assert options["num_cpus"] == 2.0
    assert options["num_gpus"] == 0.5
    assert options["memory"] == float(2**30)
    assert options["resources"] == {"H100": 1.0}

    register_generator(
        dataclasses.replace(debug, kind="debug-bad", resources=lambda p: {"GPU": -1})
    )
    (tmp_path / "bad.yaml").write_text(text.replace("kind: debug-gpu", "kind: debug-bad"))
    with pytest.raises(RuntimeFailure, match="GPU=-1"):
        shard_task_options(load(tmp_path / "bad.yaml"))


def test_worker_that_cannot_see_the_output_refuses(
    tmp_path: Path, debug_recipe: RecipeFactory
) -> None:
    recipe = load(debug_recipe(count=4))
    job = Job(recipe=recipe, out_dir=tmp_path / "not-mounted", formats=("jsonl",), job_id="x")
    with pytest.raises(SharedStorageMissing, match="filesystem that every Ray node mounts"):
        _run_shard_on_worker(job, ShardTask(range(0, 4)))
    assert not (tmp_path / "not-mounted").exists()  # nothing scattered onto a local disk

"""One real local Ray instance for the whole folder (start-up is slow on small machines),
and a factory for debug-generator recipes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def ray_address() -> Iterator[str]:
    """The GCS address of a 2-CPU local Ray instance (a second driver can join it)."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()


@pytest.fixture
def debug_recipe(tmp_path: Path) -> Callable[..., Path]:
    """Factory: write a debug-generator recipe into tmp_path and return its path."""
    return functools.partial(write_debug_recipe, tmp_path)


def write_debug_recipe(
    folder: Path,
    *,
    count: int,
    seed: int = 3,
    shard_size: int = 4,
    delay_ms: float = 0,
    fail_at: int | None = None,
) -> Path:
    """A debug-generator recipe with a drawn number, a drawn label and a payload file."""
    fail = f"\n    fail_at: {fail_at}" if fail_at is not None else ""
    text = f"""\
version: 1
name: ray-check
seed: {seed}
count: {count}
generator:
  kind: debug
  params:
    values:
      x: {{normal: {{mean: 0, std: 1}}}}
    labels:
      colour: {{choice: [red, green, blue]}}
    conditions: [rare]
    condition_rate: 0.2
    payload_bytes: 24
    delay_ms: {delay_ms}{fail}
quotas:
  rare: 3
output:
  shard_size: {shard_size}
"""
    path = folder / f"recipe-{seed}-{count}-{shard_size}.yaml"
    path.write_text(text)
    return path

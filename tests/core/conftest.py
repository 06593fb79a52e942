"""Helpers for the engine tests: recipes of the small `debug` generator written to tmp."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

DEBUG_RECIPE = """\
version: 1
name: tiny
seed: {seed}
count: {count}
generator:
  kind: debug
  params:
    values:
      x: {{uniform: [0, 1]}}
      y: {{normal: {{mean: 0, std: 2, min: -1, max: 3}}}}
      n: {{int: [1, 6]}}
    labels:
      color: {{choice: [red, green, blue], weights: [1, 2, 3]}}
    conditions: [rare, common]
    condition_rate: 0.3
    payload_bytes: 8
quotas:
  rare: 0.1
output:
  shard_size: 7
"""


@pytest.fixture
def write_recipe(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str | None = None, *, name: str = "recipe.yaml", **fmt: object) -> Path:
        values = {"seed": 11, "count": 40, **fmt}
        path = tmp_path / name
        path.write_text(text if text is not None else DEBUG_RECIPE.format(**values))
        return path

    return write


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every dataset file under root, excluding the engine's own state folder."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".synthlab" not in p.relative_to(root).parts
    }


@pytest.fixture
def digest_tree() -> Callable[[Path], dict[str, str]]:
    return tree_digest

"""Geometry kept uploaded between images: what a worker drew before (and which copies or
evictions that left in its pool) never changes an image."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synthlab.generators.base import GeneratorContext, SamplePlan
from synthlab.generators.scene import SPEC
from synthlab.recipe import load_recipe
from synthlab.seeding import sample_rng

pytestmark = pytest.mark.scene

RECIPE = """
version: 1
name: pool
seed: 11
count: 4
generator:
  kind: scene
  params:
    classes:
      crate: {asset: crate, count: {int: [1, 3]}, scale: {uniform: [0.6, 1.6]},
              material: {texture: {choice: [wood, checker]}, texture_scale: {uniform: [1, 4]}}}
      barrel: {asset: barrel, count: {int: [0, 2]}}
      person: {asset: human, count: {int: [0, 1]}}
    distractors: {count: 2}
    surface: {spread: 2.5}
    camera: {resolution: [80, 60], distance: {uniform: [5, 7]}, azimuth: {uniform: [0, 360]}}
"""


def _images(tmp_path: Path, order: list[int]) -> dict[int, tuple[np.ndarray, ...]]:
    path = tmp_path / "pool.yaml"
    path.write_text(RECIPE, encoding="utf-8")
    recipe = load_recipe(path)
    generator = SPEC.create()
    generator.setup(recipe.generator.params, GeneratorContext(tmp_path, 11, 4))
    try:
        out = {}
        for index in order:
            sample = generator.generate(index, sample_rng(11, index), SamplePlan(index))
            out[index] = (sample.image, sample.instance_mask, sample.depth)
        return out
    finally:
        generator.close()


def test_images_do_not_depend_on_what_the_worker_drew_before(tmp_path, monkeypatch):
    first = _images(tmp_path, [0, 1, 2, 3])
    # the other way round, and with a pool that forgets all but one geometry per scene
    monkeypatch.setattr("synthlab.generators.scene.gpu_meshes.MAX_GEOMETRIES", 1)
    second = _images(tmp_path, [3, 2, 1, 0, 2])
    for index, arrays in first.items():
        for a, b in zip(arrays, second[index], strict=True):
            assert np.array_equal(a, b)
    assert not np.array_equal(first[0][0], first[1][0])  # the images do differ

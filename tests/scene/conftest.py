from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

TINY = """
version: 1
name: tiny-scene
seed: {seed}
count: 6
generator:
  kind: scene
  params:
    classes:
      crate: {{asset: crate, count: {{int: [2, 4]}}, material: {{texture: wood, color: wood}}}}
      person: {{asset: human, count: {{int: [0, 1]}}}}
    distractors: {{count: 1}}
    surface: {{spread: 2.5}}
    camera: {{resolution: [64, 48], distance: {{uniform: [5, 7]}}, azimuth: {{uniform: [0, 360]}}}}
    effects: {{noise_std: 2}}
    conditions:
      hidden_person: {{class: person, visible_fraction: [0.2, 0.8]}}
quotas:
  hidden_person: 2
output:
  formats: [image, coco, yolo, label-studio]
"""


@pytest.fixture
def tiny_recipe(tmp_path: Path):
    def write(seed: int = 3) -> Path:
        path = tmp_path / f"tiny-{seed}.yaml"
        path.write_text(TINY.format(seed=seed), encoding="utf-8")
        return path

    return write


def _mask_box(mask: np.ndarray) -> tuple[float, float, float, float]:
    """The tight box (x, y, width, height; pixel edges) of a mask's pixels, written out here
    apart from the library's own, to check its boxes against."""
    rows, cols = np.nonzero(mask)
    x, y = int(cols.min()), int(rows.min())
    return (float(x), float(y), float(cols.max() + 1 - x), float(rows.max() + 1 - y))


@pytest.fixture(scope="session")
def mask_box():
    return _mask_box

"""The diffusion generator keeps the contracts a plugin's generator must keep
(`synthlab.testing.check_generator`), with a tiny random pipeline built here, offline."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from synthlab.testing import check_generator

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


@pytest.mark.slow
def test_prompted_diffusion_conforms(tiny_t2i: Path, tmp_path: Path) -> None:
    params = yaml.safe_load((RECIPES / "diffusion-tiny.yaml").read_text())["generator"]["params"]
    params.update(model=str(tiny_t2i), width=16, height=16, steps=1)
    report = check_generator("diffusion", params, count=4, workdir=tmp_path)
    assert report.ok, report.problems
    assert len(report.checks) == 7

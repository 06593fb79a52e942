"""`synthlab.testing`: every bundled generator and format passes the conformance checks a
plugin author runs, and the checks catch a generator that breaks the contracts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from synthlab.exporters.base import available_exporters
from synthlab.generators.base import Generator, GeneratorSpec, SamplePlan
from synthlab.recipe.model import RecipeModel
from synthlab.samples import RecordSample
from synthlab.testing import check_exporter, check_generator

ROOT = Path(__file__).resolve().parents[2]

TIMESERIES_PARAMS = {
    "rate_hz": 10,
    "length": 200,
    "channels": [
        {"name": "a", "components": [{"type": "arma", "ar": [0.7], "std": 1.0}]},
        {"name": "b", "components": [{"type": "seasonal", "period": 3.0}]},
    ],
    "events": [{"kind": "spike", "duration": 0.5}, {"kind": "level_shift", "duration": 4.0}],
}

SCENE_PARAMS = {
    "classes": {
        "crate": {"asset": "crate", "count": {"int": [1, 3]}},
        "person": {"asset": "human", "count": {"int": [0, 1]}},
    },
    "camera": {"resolution": [48, 32], "distance": {"uniform": [5, 7]}},
    "conditions": {"person_seen": {"class": "person", "visible_fraction": [0.05, 1.0]}},
}


# -- a third-party generator, as a plugin author would write it -------------------------------


class CoinParams(RecipeModel):
    bias: float = 0.5


class CoinGenerator(Generator):
    """Flips a coin per sample (`heads` is a quota condition) and rolls a number."""

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> RecordSample:
        roll = float(rng.random())
        heads = "heads" in plan.require or ("heads" not in plan.forbid and roll < self.params.bias)
        values = {"heads": heads, "roll": roll}
        return RecordSample(
            index=index,
            conditions=frozenset({"heads"} if heads else ()),
            metadata={"values": values},
            values=values,
        )


class LeakyGenerator(CoinGenerator):
    """Breaks determinism on purpose: draws from a stream shared across samples."""

    shared = np.random.default_rng(0)

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> RecordSample:
        return super().generate(index, self.shared, plan)


def _spec(kind: str, implementation: str) -> GeneratorSpec:
    return GeneratorSpec(
        kind=kind,
        description="a coin for the conformance tests",
        modality="record",
        params_model=CoinParams,
        implementation=implementation,
        default_formats=("jsonl",),
        quota_conditions=lambda params: ("heads",),
    )


COIN = _spec("test-coin", f"{__name__}:CoinGenerator")
LEAKY = _spec("test-leaky-coin", f"{__name__}:LeakyGenerator")


def test_a_plugin_generator_passes(tmp_path: Path) -> None:
    report = check_generator(COIN, {"bias": 0.3}, quotas={"heads": 3}, workdir=tmp_path)
    assert report.ok, report.problems
    assert len(report.checks) == 7


def test_the_checks_catch_a_generator_with_shared_random_state(tmp_path: Path) -> None:
    report = check_generator(LEAKY, {"bias": 0.5}, count=16, workdir=tmp_path)
    assert not report.ok
    assert any("made alone" in problem for problem in report.problems), report.problems


# -- synthlab's own generators ----------------------------------------------------------------


def test_debug_generator_conforms(tmp_path: Path) -> None:
    params = {"values": {"x": {"uniform": [0, 1]}}, "conditions": ["rare"], "payload_bytes": 4}
    report = check_generator("debug", params, quotas={"rare": 2}, workdir=tmp_path)
    assert report.ok, report.problems


def test_timeseries_generator_conforms(tmp_path: Path) -> None:
    report = check_generator(
        "timeseries", TIMESERIES_PARAMS, quotas={"spike": 2}, count=8, workdir=tmp_path
    )
    assert report.ok, report.problems


def test_text_generator_conforms(tmp_path: Path) -> None:
    recipe = yaml.safe_load((ROOT / "recipes" / "support-tickets-pii.yaml").read_text())
    report = check_generator("text", recipe["generator"]["params"], count=10, workdir=tmp_path)
    assert report.ok, report.problems


def test_text_sessions_conform(tmp_path: Path) -> None:
    recipe = yaml.safe_load((ROOT / "recipes" / "log-sessions.yaml").read_text())
    report = check_generator(
        "text", recipe["generator"]["params"], quotas={"brute_force": 2}, count=10, workdir=tmp_path
    )
    assert report.ok, report.problems


@pytest.mark.slow
def test_scene_generator_conforms(tmp_path: Path) -> None:
    pytest.importorskip("pyrender")
    report = check_generator(
        "scene", SCENE_PARAMS, quotas={"person_seen": 2}, count=6, workdir=tmp_path
    )
    assert report.ok, report.problems


# -- every format ----------------------------------------------------------------------------


def _recipe_for(modality: str, folder: Path, name: str = "") -> Path:
    if name == "log-stream":  # writes documents of timed lines: a sessions recipe
        return ROOT / "recipes" / "log-sessions.yaml"
    if modality == "text":
        return ROOT / "recipes" / "support-tickets-pii.yaml"
    kind, params = {
        "record": ("debug", {"values": {"x": {"uniform": [0, 1]}}}),
        "timeseries": ("timeseries", TIMESERIES_PARAMS),
        "image": ("scene", SCENE_PARAMS),
    }[modality]
    recipe = {"version": 1, "name": f"fmt-{modality}", "seed": 1, "count": 6}
    recipe["generator"] = {"kind": kind, "params": params}
    path = folder / f"{modality}.yaml"
    path.write_text(yaml.safe_dump(recipe, sort_keys=False), encoding="utf-8")
    return path


def _formats() -> list[object]:
    found = []
    for name, exporter in sorted(available_exporters().items()):
        modality = sorted(exporter.modalities)[0]
        marks = [pytest.mark.slow] if modality == "image" else []
        found.append(pytest.param(name, modality, id=name, marks=marks))
    return found


@pytest.mark.parametrize(("name", "modality"), _formats())
def test_every_format_conforms(name: str, modality: str, tmp_path: Path) -> None:
    if modality == "image":
        pytest.importorskip("pyrender")
    recipe = _recipe_for(modality, tmp_path, name)
    report = check_exporter(name, recipe, count=6, workdir=tmp_path / "runs")
    assert report.ok, report.problems

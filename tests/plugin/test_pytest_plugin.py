"""The synthlab_dataset fixture, run inside real pytest sessions (pytester, subprocesses):
first run renders, second run renders nothing, a changed recipe renders anew, and
pytest-xdist workers share one render."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

RECIPE = """\
version: 1
name: tiny
seed: 0
count: 5
generator:
  kind: debug
  params:
    values:
      x: {uniform: {low: 0, high: 1}}
    payload_bytes: 8
"""

# Each test records what it got: the dataset path, the manifest's inode (a new render
# replaces the manifest, so a new inode means a new render) and the manifest's seed/count.
TEST_FILE = """\
import json, os

def _record(path, tag):
    manifest = path / "manifest.json"
    data = json.loads(manifest.read_text())
    entry = {"tag": tag, "path": str(path), "inode": os.stat(manifest).st_ino,
             "seed": data["seed"], "count": data["count"], "pid": os.getpid()}
    with open(os.environ["SYNTHLAB_LOG"], "a") as log:
        log.write(json.dumps(entry) + "\\n")

def test_a(synthlab_dataset):
    _record(synthlab_dataset("recipes/tiny.yaml", count=20, seed=1), "a")

def test_b(synthlab_dataset):
    _record(synthlab_dataset("recipes/tiny.yaml", count=20, seed=1), "b")
"""


def _plugin_args() -> list[str]:
    """Load the plugin by name until its pytest11 entry point is installed (loading it both
    ways would register it twice)."""
    installed = any(e.value == "synthlab.pytest_plugin" for e in entry_points(group="pytest11"))
    return [] if installed else ["-p", "synthlab.pytest_plugin"]


@pytest.fixture(scope="module", autouse=True)
def _import_synthlab_first() -> None:
    """In-process runs drop the modules they imported when they end; numpy refuses to be
    imported twice in one process, so load synthlab (and every registered generator and
    exporter) out here, where the modules stay."""
    import synthlab.engine.verify
    import synthlab.fixtures
    import synthlab.pytest_plugin  # noqa: F401
    from synthlab.exporters.base import available_exporters
    from synthlab.generators.base import available_generators

    available_generators()
    available_exporters()


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makeini("[pytest]\n")
    (pytester.path / "recipes").mkdir()
    (pytester.path / "recipes" / "tiny.yaml").write_text(RECIPE)
    monkeypatch.setenv("SYNTHLAB_LOG", str(pytester.path / "log.jsonl"))
    return pytester


def _run(project: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, list[dict]]:
    log = project.path / "log.jsonl"
    log.unlink(missing_ok=True)
    # In-process is seconds faster per run; xdist needs a real process to start workers.
    run = project.runpytest_subprocess if "-n" in args else project.runpytest_inprocess
    result = run(*_plugin_args(), *args)
    entries = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result, entries


def test_second_run_renders_nothing(project: pytest.Pytester) -> None:
    project.makepyfile(test_data=TEST_FILE)
    first, got = _run(project)
    first.assert_outcomes(passed=2)
    first.stdout.fnmatch_lines(["synthlab datasets: 1 rendered, 0 from cache"])
    assert len({e["path"] for e in got}) == 1 and len({e["inode"] for e in got}) == 1
    assert got[0]["seed"] == 1 and got[0]["count"] == 20  # overrides applied
    dataset = Path(got[0]["path"])
    assert dataset.is_relative_to(project.path / ".pytest_cache")
    assert len(list((dataset / "payload").rglob("*.bin"))) == 20

    second, again = _run(project)
    second.assert_outcomes(passed=2)
    second.stdout.fnmatch_lines(["synthlab datasets: 0 rendered, 1 from cache"])
    assert {e["inode"] for e in again} == {got[0]["inode"]}

    marker = dataset / "manifest.json"
    before = marker.stat().st_mtime_ns
    forced, redone = _run(project, "--synthlab-rerender")
    forced.stdout.fnmatch_lines(["synthlab datasets: 1 rendered, 0 from cache"])
    assert {e["path"] for e in redone} == {got[0]["path"]}
    # written anew (an inode number can be reused once the old file is gone; a time cannot)
    assert marker.stat().st_mtime_ns != before


def test_changed_recipe_or_overrides_render_anew(project: pytest.Pytester) -> None:
    project.makepyfile(test_data=TEST_FILE)
    _, before = _run(project)
    recipe = project.path / "recipes" / "tiny.yaml"
    recipe.write_text(RECIPE.replace("high: 1", "high: 2"))
    changed, after = _run(project)
    changed.assert_outcomes(passed=2)
    changed.stdout.fnmatch_lines(["synthlab datasets: 1 rendered, 0 from cache"])
    assert after[0]["path"] != before[0]["path"]
    old = (Path(before[0]["path"]) / "records.jsonl").read_bytes()
    assert (Path(after[0]["path"]) / "records.jsonl").read_bytes() != old

    # A comment changes the file but not what it makes: still a cache hit.
    recipe.write_text("# tuned\n" + recipe.read_text())
    comment, _ = _run(project)
    comment.stdout.fnmatch_lines(["synthlab datasets: 0 rendered, 1 from cache"])

    project.makepyfile(test_data=TEST_FILE.replace('seed=1), "b"', 'seed=2), "b"'))
    reseeded, both = _run(project)
    reseeded.stdout.fnmatch_lines(["synthlab datasets: 1 rendered, 1 from cache"])
    assert sorted(e["seed"] for e in both) == [1, 2]


@pytest.mark.slow  # two pytest-xdist sessions, each starting two worker processes
def test_xdist_workers_share_one_render(project: pytest.Pytester) -> None:
    many = TEST_FILE + "".join(
        f"\ndef test_{n}(synthlab_dataset):\n"
        f"    _record(synthlab_dataset('recipes/tiny.yaml', count=20, seed=1), '{n}')\n"
        for n in ("c", "d", "e", "f")
    )
    project.makepyfile(test_data=many)
    first, got = _run(project, "-n", "2")
    first.assert_outcomes(passed=6)
    assert len({e["pid"] for e in got}) == 2, "both xdist workers should have taken tests"
    assert len({e["path"] for e in got}) == 1
    assert len({e["inode"] for e in got}) == 1  # rendered once, never replaced under a reader
    # the workers' tallies reach the controller: one render in all, the other worker waited
    first.stdout.fnmatch_lines(["synthlab datasets: 1 rendered, 0 from cache"])

    second, again = _run(project, "-n", "2")
    second.assert_outcomes(passed=6)
    assert {e["inode"] for e in again} == {got[0]["inode"]}
    second.stdout.fnmatch_lines(["synthlab datasets: 0 rendered, 1 from cache"])


def test_bad_recipe_fails_the_test_with_the_recipe_error(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_data="""
def test_x(synthlab_dataset):
    synthlab_dataset("recipes/tiny.yaml", sets=["generator.params.payload_byte=3"])
"""
    )
    result, _ = _run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*payload_byte*did you mean*payload_bytes*"])

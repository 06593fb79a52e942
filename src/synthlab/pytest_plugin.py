"""pytest plugin: datasets rendered from recipes as fixtures, cached between test runs.

    def test_loader(synthlab_dataset):
        path = synthlab_dataset("recipes/falls.yaml", count=20, seed=1)
        ...

`synthlab_dataset(recipe, count=None, seed=None, sets=(), workers=1)` returns the path of
the rendered dataset (treat it as read-only: it is shared by every test that asks for the
same thing). Datasets live under pytest's cache directory (`.pytest_cache/d/synthlab/`),
keyed by the recipe's resolved content, the overrides, and the synthlab and library
versions, so a second run renders nothing and a changed recipe renders anew. pytest-xdist
workers wait on a file lock instead of rendering the same dataset twice. `pytest
--cache-clear` drops the datasets; `--synthlab-rerender` renders them again.

This module is loaded by every pytest run in an environment where synthlab is installed,
so it imports nothing heavy at import time: synthlab itself is imported by the fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

__all__ = ["synthlab_dataset"]

CACHE_FOLDER = "synthlab"


@dataclass
class _Tally:
    """What the fixture did in this process, for the terminal summary."""

    rendered: list[Path] = field(default_factory=list)
    cached: list[Path] = field(default_factory=list)
    rerendered_keys: set[str] = field(default_factory=set)


_TALLY = pytest.StashKey[_Tally]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("synthlab")
    group.addoption(
        "--synthlab-rerender",
        action="store_true",
        default=False,
        help="render synthlab_dataset fixtures again even when a cached copy is current",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_TALLY] = _Tally()


def _resolve_recipe(recipe: str | Path, rootpath: Path) -> Path:
    path = Path(recipe)
    if path.is_absolute():
        return path
    return rootpath / path


def _cache_root(config: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir(CACHE_FOLDER))
    # Without the cache plugin (-p no:cacheprovider) datasets still work, for this run only.
    return tmp_path_factory.mktemp(CACHE_FOLDER)


@pytest.fixture(scope="session")
def synthlab_dataset(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Path]:
    """Factory: `synthlab_dataset("recipes/x.yaml", count=20, seed=1)` -> dataset path.

    Relative recipe paths are read from pytest's rootdir. `sets` takes `--set` style
    overrides ("generator.params.rate=5").
    """
    config = request.config
    root = _cache_root(config, tmp_path_factory)
    tally = config.stash[_TALLY]
    rerender = bool(config.getoption("synthlab_rerender", default=False))

    def make(
        recipe: str | Path,
        *,
        count: int | None = None,
        seed: int | None = None,
        sets: Sequence[str] = (),
        workers: int = 1,
    ) -> Path:
        from synthlab.fixtures import ensure_fixture, fixture_key
        from synthlab.recipe import load_recipe

        loaded = load_recipe(
            _resolve_recipe(recipe, config.rootpath), seed=seed, count=count, sets=list(sets)
        )
        key = fixture_key(loaded)
        force = rerender and key not in tally.rerendered_keys
        out = root / f"{loaded.name}-{key[:16]}"
        result = ensure_fixture(
            loaded, out, workers=workers, force=force, lock_path=root / f"{key[:16]}.lock"
        )
        tally.rerendered_keys.add(key)
        (tally.rendered if result.rendered else tally.cached).append(out)
        return out

    return make


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Under pytest-xdist, hand this worker's tally to the controller, which prints the summary.
    workeroutput = getattr(session.config, "workeroutput", None)
    tally = session.config.stash.get(_TALLY, None)
    if workeroutput is not None and tally is not None:
        workeroutput["synthlab_tally"] = {
            "rendered": [str(p) for p in tally.rendered],
            "cached": [str(p) for p in tally.cached],
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    received = getattr(node, "workeroutput", {}).get("synthlab_tally")
    config = getattr(node, "config", None)
    if received and config is not None:
        tally = config.stash[_TALLY]
        tally.rendered.extend(Path(p) for p in received["rendered"])
        tally.cached.extend(Path(p) for p in received["cached"])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    tally = terminalreporter.config.stash.get(_TALLY, None)
    if tally is None or not (tally.rendered or tally.cached):
        return
    # Renders are counted as events (two xdist workers rendering one dataset would show 2);
    # cache hits as datasets that were not rendered anywhere in this run.
    rendered = len(tally.rendered)
    cached = len(set(tally.cached) - set(tally.rendered))
    terminalreporter.write_line(f"synthlab datasets: {rendered} rendered, {cached} from cache")

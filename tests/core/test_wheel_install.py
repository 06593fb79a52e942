"""synthlab built as a wheel from this repository and installed in a fresh virtualenv renders
`recipes/intent-rare.yaml` (which names `asset:` word lists) byte for byte as the source tree
does: the assets travel inside the package. Run alone with
`pytest -m slow tests/core/test_wheel_install.py`.

Offline: the wheel is built with the main virtualenv's setuptools (no build isolation) and
installed without dependencies; the fresh virtualenv sees the main one's libraries through a
.pth file, whose own .pth files (the editable install of synthlab) Python does not run, and it
runs from a folder outside the repository, so only the wheel's synthlab can be imported.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import synthlab

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
COUNT = 40
SKIP = shutil.ignore_patterns(
    ".git", ".venv*", "__pycache__", "*.egg-info", "build", "dist", ".*_cache", "out"
)


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".synthlab" not in p.relative_to(root).parts
    }


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    # without PYTHONPATH, which could put a source tree before the installed wheel
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def test_a_wheel_renders_an_asset_recipe_as_the_source_tree_does(tmp_path) -> None:
    # build from a copy, so the repository gets no build/ or egg-info of the wheel's
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=SKIP)
    shutil.rmtree(source / "tests")
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", tmp_path / "dist", source)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("synthlab-*.whl")

    venv = tmp_path / "fresh"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=tmp_path).strip())  # fmt: skip
    (site / "main-venv-libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
         "--no-index", wheel)  # fmt: skip

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(REPO / "recipes" / "intent-rare.yaml", elsewhere / "intent-rare.yaml")
    where = _run(python, "-c", "import synthlab.recipe.files as f; print(f.ASSETS_DIR)",
                 cwd=elsewhere).strip()  # fmt: skip
    assert Path(where).is_relative_to(venv), where  # the wheel's own package and assets
    _run(python, "-m", "synthlab", "render", "intent-rare.yaml", "-o", "from-wheel", "-q",
         "--set", f"count={COUNT}", "-j", "1", cwd=elsewhere)  # fmt: skip

    recipe = synthlab.load_recipe(REPO / "recipes" / "intent-rare.yaml", count=COUNT)
    synthlab.render(recipe, tmp_path / "from-source", workers=1)
    from_wheel = _digests(elsewhere / "from-wheel")
    assert any(name.startswith("text/") for name in from_wheel)
    assert from_wheel == _digests(tmp_path / "from-source")

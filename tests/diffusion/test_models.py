"""Finding models: local folders, hub ids with no network, and the errors a user reads."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import synthlab
from synthlab.errors import RuntimeFailure
from synthlab.generators.diffusion.models import folder_digest, resolve_model
from synthlab.recipe import load_recipe

pytestmark = pytest.mark.diffusion

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def test_missing_hub_model_offline_says_what_to_download(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # an empty cache
    recipe = load_recipe(
        RECIPES / "diffusion-tiny.yaml", sets=["generator.params.model=synthlab-tests/not-a-model"]
    )
    started = time.monotonic()
    with pytest.raises(RuntimeFailure) as caught:
        synthlab.Dataset(recipe)[0]
    message = caught.value.show()
    assert "'synthlab-tests/not-a-model' is not available here" in message
    assert "HF_HUB_OFFLINE" in message
    assert "hf download synthlab-tests/not-a-model" in message
    assert "set `model:` to its path" in message
    assert time.monotonic() - started < 60


def test_a_failed_download_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    # A real attempt against a closed local port: the connection is refused at once.
    code = (
        "from pathlib import Path\n"
        "from synthlab.errors import RuntimeFailure\n"
        "from synthlab.generators.diffusion.models import resolve_model\n"
        "try:\n"
        "    resolve_model('synthlab-tests/not-a-model', None, Path('.'))\n"
        "except RuntimeFailure as err:\n"
        "    print(err)\n"
    )
    env = {
        **os.environ,
        "HF_ENDPOINT": "http://127.0.0.1:9",
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_HUB_OFFLINE": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert "the download failed" in result.stdout, result.stderr[-2000:]
    assert "hf download synthlab-tests/not-a-model" in result.stdout


def test_missing_local_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(RuntimeFailure, match=r"model folder .*models/absent does not exist"):
        resolve_model("./models/absent", None, tmp_path)


def test_a_folder_that_is_not_a_pipeline_is_refused(tmp_path: Path) -> None:
    (tmp_path / "weights").mkdir()
    with pytest.raises(RuntimeFailure, match=r"no model_index\.json"):
        resolve_model("weights", None, tmp_path)


def test_local_models_are_identified_by_content(tiny_t2i: Path, tiny_inpaint: Path) -> None:
    source = resolve_model(str(tiny_t2i), None, Path("/"))
    assert source.identity == {"sha256": folder_digest(tiny_t2i)}
    assert folder_digest(tiny_t2i) != folder_digest(tiny_inpaint)


def test_an_inpainting_model_cannot_draw_prompted_images(tiny_inpaint: Path) -> None:
    recipe = load_recipe(
        RECIPES / "diffusion-tiny.yaml", sets=[f"generator.params.model={tiny_inpaint}"]
    )
    with pytest.raises(RuntimeFailure, match="is an inpainting model"):
        synthlab.Dataset(recipe)[0]

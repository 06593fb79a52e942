"""`synthlab fixture RECIPE -o DIR`: renders only when the content hash changed."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from synthlab.cli import main

RECIPE = """\
version: 1
name: ci-fixture
seed: 5
count: 12
generator:
  kind: debug
  params:
    values:
      x: {normal: {mean: 0, std: 1}}
    payload_bytes: 4
"""


def _fixture(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["fixture", *args])
    return result.exit_code, result.output


def test_renders_once_then_only_when_the_content_changes(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(RECIPE)
    out = tmp_path / "fixture"
    code, text = _fixture(str(recipe), "-o", str(out))
    assert code == 0, text
    assert "rendered" in text
    inode = os.stat(out / "manifest.json").st_ino
    records = (out / "records.jsonl").read_bytes()

    code, text = _fixture(str(recipe), "-o", str(out))
    assert code == 0 and "up to date" in text
    assert os.stat(out / "manifest.json").st_ino == inode

    code, text = _fixture(str(recipe), "-o", str(out), "--seed", "6")
    assert code == 0 and "rendered" in text
    assert (out / "records.jsonl").read_bytes() != records

    recipe.write_text(RECIPE.replace("std: 1", "std: 3"))
    code, text = _fixture(str(recipe), "-o", str(out), "--seed", "6")
    assert code == 0 and "rendered" in text
    code, text = _fixture(str(recipe), "-o", str(out), "--seed", "6")
    assert code == 0 and "up to date" in text


def test_check_files_renders_again_after_tampering(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(RECIPE)
    out = tmp_path / "fixture"
    assert _fixture(str(recipe), "-o", str(out))[0] == 0
    original = (out / "records.jsonl").read_bytes()
    (out / "records.jsonl").write_bytes(b"{}\n")

    code, text = _fixture(str(recipe), "-o", str(out))
    assert "up to date" in text  # the cheap check trusts the stamp
    code, text = _fixture(str(recipe), "-o", str(out), "--check-files")
    assert code == 0 and "rendered" in text
    assert (out / "records.jsonl").read_bytes() == original


def test_never_replaces_a_directory_that_is_not_a_dataset(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(RECIPE)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, text = _fixture(str(recipe), "-o", str(out))
    assert code == 2
    assert "holds no synthlab dataset" in text
    assert (out / "notes.txt").read_text() == "keep me"


def test_bad_recipe_exits_2_with_the_field(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(RECIPE.replace("count: 12", "count: -1"))
    code, text = _fixture(str(recipe), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "count" in text
    assert not (tmp_path / "out").exists()

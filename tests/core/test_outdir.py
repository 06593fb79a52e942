"""One writer per output directory; other datasets and foreign files are never clobbered."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main
from synthlab.engine.outdir import OutputDir


def _render(*args: str):
    return CliRunner().invoke(main, ["render", *args, "-q", "-j", "1"])


def test_a_second_run_on_a_locked_directory_is_refused(write_recipe, tmp_path: Path) -> None:
    recipe = write_recipe()
    out = tmp_path / "out"
    holder = OutputDir(out)
    holder.acquire()  # as a concurrent run would
    try:
        result = _render(str(recipe), "-o", str(out))
        assert result.exit_code == 1
        assert "being written by another synthlab run" in result.output
        assert f"pid {__import__('os').getpid()}" in result.output
    finally:
        holder.release()
    assert _render(str(recipe), "-o", str(out)).exit_code == 0


def test_another_recipe_is_refused_unless_overwrite(write_recipe, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _render(str(write_recipe()), "-o", str(out)).exit_code == 0
    other = write_recipe(name="other.yaml", seed=99)
    refused = _render(str(other), "-o", str(out))
    assert refused.exit_code == 2
    assert "holds a dataset of another recipe" in refused.output and "--overwrite" in refused.output
    before = (out / "records.jsonl").read_bytes()
    assert _render(str(other), "-o", str(out), "--overwrite").exit_code == 0
    assert (out / "records.jsonl").read_bytes() != before


def test_overrides_count_as_another_recipe(write_recipe, tmp_path: Path) -> None:
    recipe, out = write_recipe(), tmp_path / "out"
    assert _render(str(recipe), "-o", str(out)).exit_code == 0
    assert _render(str(recipe), "-o", str(out), "--seed", "3").exit_code == 2


def test_the_same_complete_dataset_is_left_alone(write_recipe, tmp_path: Path) -> None:
    recipe, out = write_recipe(), tmp_path / "out"
    assert _render(str(recipe), "-o", str(out)).exit_code == 0
    stamp = (out / "manifest.json").stat().st_mtime_ns
    again = CliRunner().invoke(main, ["render", str(recipe), "-o", str(out), "-j", "1"])
    assert again.exit_code == 0 and "nothing to do" in again.output
    assert (out / "manifest.json").stat().st_mtime_ns == stamp


def test_a_foreign_directory_is_never_written(write_recipe, tmp_path: Path) -> None:
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"precious")
    for extra in ([], ["--overwrite"]):
        result = _render(str(write_recipe()), "-o", str(out), *extra)
        assert result.exit_code == 2
        assert "holds no synthlab dataset" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["holiday.jpg"]


def test_output_path_that_is_a_file(write_recipe, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = _render(str(write_recipe()), "-o", str(target))
    assert result.exit_code == 2


@pytest.mark.parametrize("bad", ["../up.txt", "/etc/passwd", "a/../../b", ".synthlab/x", ""])
def test_exporters_cannot_write_outside_the_dataset(bad: str) -> None:
    from synthlab.engine.storage import safe_relpath

    with pytest.raises(ValueError):
        safe_relpath(bad)
    assert safe_relpath("images/000001.png") == "images/000001.png"

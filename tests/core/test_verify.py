"""`synthlab verify` finds missing, changed and extra files, and re-renders samples."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import synthlab
from synthlab.cli import main


def _dataset(write_recipe, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    synthlab.render(synthlab.load_recipe(write_recipe()), out, workers=1)
    return out


def test_an_untouched_dataset_verifies(write_recipe, tmp_path: Path) -> None:
    out = _dataset(write_recipe, tmp_path)
    result = CliRunner().invoke(main, ["verify", str(out), "--regenerate", "5", "--pick-seed", "1"])
    assert result.exit_code == 0, result.output
    assert "all files match" in result.output and "identical to the files on disk" in result.output


def test_missing_changed_and_extra_files_are_listed(write_recipe, tmp_path: Path) -> None:
    out = _dataset(write_recipe, tmp_path)
    (out / "payload/000003.bin").unlink()
    (out / "records.jsonl").write_text("tampered\n")
    (out / "stray.txt").write_text("?")
    (out / "spotcheck").mkdir()
    (out / "spotcheck/verdicts.jsonl").write_text("{}\n")  # review output is not content
    result = CliRunner().invoke(main, ["verify", str(out)])
    assert result.exit_code == 1
    assert "missing: payload/000003.bin" in result.output
    assert "changed: records.jsonl" in result.output
    assert "extra: stray.txt" in result.output
    assert "verdicts" not in result.output


def test_regenerate_catches_a_changed_sample(write_recipe, tmp_path: Path) -> None:
    out = _dataset(write_recipe, tmp_path)
    target = out / "payload/000007.bin"
    target.write_bytes(b"\x00" * len(target.read_bytes()))
    result = CliRunner().invoke(main, ["verify", str(out), "--regenerate", "40"])
    assert result.exit_code == 1
    assert "sample 7: payload/000007.bin differs from the regenerated file" in result.output


def test_verify_of_a_non_dataset(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["verify", str(tmp_path)])
    assert result.exit_code == 1 and "no manifest.json" in result.output


def test_regenerate_warns_when_a_value_library_changed(write_recipe, tmp_path: Path) -> None:
    import json

    out = _dataset(write_recipe, tmp_path)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["libraries"]["numpy"] = "0.0.1"
    manifest_path.write_text(json.dumps(manifest))
    result = CliRunner().invoke(main, ["verify", str(out), "--regenerate", "2"])
    assert "warning: numpy" in result.output
    assert "made with numpy 0.0.1" in result.output
    assert "regenerated samples may not match" in result.output

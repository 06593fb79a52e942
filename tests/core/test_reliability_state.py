"""The output directory's state is never misread: an unreadable run.json is not "no dataset",
a resumed run removes the engine's own leftover temporaries, a complete dataset whose files
changed is not "nothing to do", and a read-only directory gets a clear error (issue 18)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main
from synthlab.engine import storage


def _render(*args: str):
    return CliRunner().invoke(main, ["render", *args, "-q", "-j", "1"])


def _dataset(write_recipe, tmp_path: Path, name: str = "out") -> Path:
    out = tmp_path / name
    result = _render(str(write_recipe()), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


# -- item 1: an unreadable state file ------------------------------------------------------
@pytest.mark.parametrize(
    "state",
    [b"", b'{"content_sha256": "ab', b"[]", b'{"name": "tiny"}', b"\xff\xfe", b"null"],
    ids=["empty", "truncated", "a-list", "no-hash", "not-utf8", "null"],
)
def test_an_unreadable_state_file_is_never_read_as_no_dataset(
    write_recipe, tmp_path: Path, digest_tree, state: bytes
) -> None:
    out = _dataset(write_recipe, tmp_path)
    before = digest_tree(out)
    (out / ".synthlab" / "run.json").write_bytes(state)
    other = write_recipe(name="other.yaml", seed=99)
    for extra in ([], ["--resume"]):
        for recipe in (other, write_recipe()):
            refused = _render(str(recipe), "-o", str(out), *extra)
            assert refused.exit_code == 2, refused.output
            assert "run.json" in refused.output and "--overwrite" in refused.output
            assert "delete" in refused.output and "Traceback" not in refused.output
            assert digest_tree(out) == before, "nothing may be removed"
    replaced = _render(str(other), "-o", str(out), "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert digest_tree(out) != before


def test_a_state_file_that_is_a_directory_is_refused_too(write_recipe, tmp_path: Path) -> None:
    out = _dataset(write_recipe, tmp_path)
    (out / ".synthlab" / "run.json").unlink()
    (out / ".synthlab" / "run.json").mkdir()
    refused = _render(str(write_recipe(seed=5)), "-o", str(out))
    assert refused.exit_code == 2 and "run.json" in refused.output
    assert (out / "manifest.json").is_file()


# -- item 2: leftover temporaries of a run killed during finalize --------------------------
def test_temp_names_match_only_what_storage_writes() -> None:
    is_temp_name, temp_name = storage.is_temp_name, storage.temp_name
    for target in ("samples.jsonl", "text/train.jsonl", "a.b.c", ".hidden"):
        assert is_temp_name(temp_name(Path(target)).name)
    for name in (
        "samples.jsonl",
        ".samples.jsonl.tmp",
        ".samples.jsonl.0123456789ab.tmp~",
        "samples.jsonl.0123456789ab.tmp",  # no leading dot
        ".samples.jsonl.0123456789AB.tmp",  # uuid hex is lower case
        ".samples.jsonl.0123456789a.tmp",  # 11 digits
        "..0123456789ab.tmp",  # no target name
    ):
        assert not is_temp_name(name), name


def _as_killed_in_finalize(out: Path) -> None:
    """What SIGKILL during finalize leaves: the run not marked complete, half-written
    temporaries beside the files finalize writes, and an unfinished manifest's temporary."""
    state_path = out / ".synthlab" / "run.json"
    state = json.loads(state_path.read_text())
    state["complete"] = False
    state_path.write_text(json.dumps(state))
    (out / ".samples.jsonl.0a1b2c3d4e5f.tmp").write_bytes(b'{"index":0,"trunc')
    (out / ".records.jsonl.00112233aabb.tmp").write_bytes(b"")
    (out / "payload" / ".000001.bin.ffffffffffff.tmp").write_bytes(b"x")
    (out / ".manifest.json.abcdefabcdef.tmp").write_bytes(b"{\n")
    (out / ".synthlab" / ".run.json.0123456789ab.tmp").write_bytes(b"{")


def test_resume_removes_the_temporaries_a_kill_in_finalize_left(
    write_recipe, tmp_path: Path, digest_tree
) -> None:
    clean = _dataset(write_recipe, tmp_path, "clean")
    out = _dataset(write_recipe, tmp_path, "out")
    _as_killed_in_finalize(out)
    resumed = _render(str(write_recipe()), "-o", str(out), "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert digest_tree(out) == digest_tree(clean)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    verified = CliRunner().invoke(main, ["verify", str(out)])
    assert verified.exit_code == 0, verified.output


# -- item 8: a complete dataset that no longer matches its manifest ------------------------
@pytest.mark.parametrize("damage", ["deleted", "resized", "manifest-gone"])
def test_render_over_a_damaged_dataset_says_so(write_recipe, tmp_path: Path, damage: str) -> None:
    out = _dataset(write_recipe, tmp_path)
    if damage == "deleted":
        (out / "payload" / "000003.bin").unlink()
        named = "payload/000003.bin"
    elif damage == "resized":
        with open(out / "records.jsonl", "ab") as handle:
            handle.write(b"\n")
        named = "records.jsonl"
    else:
        (out / "manifest.json").unlink()
        named = "manifest.json"
    result = CliRunner().invoke(main, ["render", str(write_recipe()), "-o", str(out), "-j", "1"])
    assert result.exit_code == 2, result.output
    assert "nothing to do" not in result.output
    assert named in result.output
    assert "--overwrite" in result.output and "synthlab verify" in result.output
    again = _render(str(write_recipe()), "-o", str(out), "--overwrite")
    assert again.exit_code == 0, again.output
    assert CliRunner().invoke(main, ["verify", str(out)]).exit_code == 0


def test_a_file_changed_in_place_at_the_same_size_is_left_to_verify(
    write_recipe, tmp_path: Path
) -> None:
    """The check before "nothing to do" is cheap on purpose (presence and sizes): hashing
    every file is what `synthlab verify` is for."""
    out = _dataset(write_recipe, tmp_path)
    path = out / "payload" / "000003.bin"
    path.write_bytes(bytes(len(path.read_bytes())))
    result = CliRunner().invoke(main, ["render", str(write_recipe()), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0 and "nothing to do" in result.output


# -- item 7 (part): a read-only output directory -------------------------------------------
@pytest.fixture
def read_only_place(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], None]]]:
    """A folder that can be made read-only: a remounted tmpfs as root (root ignores mode
    bits), plain permissions otherwise. Yields the folder and a function that locks it."""
    place = tmp_path / "ro"
    place.mkdir()
    if os.geteuid() == 0:
        made = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(place)], capture_output=True
        )
        if made.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")

        def lock() -> None:
            subprocess.run(["mount", "-o", "remount,ro", str(place)], check=True)

        try:
            yield place, lock
        finally:
            subprocess.run(["umount", "-l", str(place)], check=False)
    else:

        def lock() -> None:
            for path in [place, *place.rglob("*")]:
                if path.is_dir():
                    path.chmod(0o555)

        try:
            yield place, lock
        finally:
            for path in [place, *place.rglob("*")]:
                if path.is_dir():
                    path.chmod(0o755)


def test_a_read_only_output_directory_gets_a_clear_error(
    write_recipe, read_only_place, digest_tree
) -> None:
    place, lock = read_only_place
    recipe = str(write_recipe())
    assert _render(recipe, "-o", str(place / "done")).exit_code == 0
    (place / "empty").mkdir()
    lock()
    before = digest_tree(place / "done")
    for out, extra in [
        (place / "new", []),  # cannot be made
        (place / "empty", []),  # exists, empty, cannot be written
        (place / "done", ["--overwrite"]),  # a dataset that cannot be replaced
        (place / "done", ["--seed", "3"]),  # another recipe: refused before any write
    ]:
        result = _render(recipe, "-o", str(out), *extra)
        assert result.exit_code in (1, 2), result.output
        assert "internal error" not in result.output and "Traceback" not in result.output
        assert str(out) in result.output, result.output
    # read-only storage still holds a finished dataset: rendering it again is a no-op
    again = CliRunner().invoke(main, ["render", recipe, "-o", str(place / "done"), "-j", "1"])
    assert again.exit_code == 0 and "nothing to do" in again.output, again.output
    assert digest_tree(place / "done") == before


# -- an --overwrite cut short ----------------------------------------------------------------
def test_an_overwrite_cut_short_leaves_a_consistent_folder(
    write_recipe, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clearing a big dataset takes a while; a kill in the middle must leave neither a
    folder that lost its state file but kept data (refused as foreign, even with
    --overwrite) nor shard records whose files are gone (a resume would trust them). The
    clear is stopped after each of its removals in turn."""
    from synthlab.engine import outdir
    from synthlab.engine.finalize import read_shard_records

    real_remove = outdir._remove
    other = write_recipe(name="other.yaml", seed=99)
    steps = 1
    while True:
        out = _dataset(write_recipe, tmp_path, f"out-{steps}")
        removed: list[Path] = []

        def remove_then_stop(path: Path, removed: list[Path] = removed, steps: int = steps) -> None:
            if len(removed) == steps:
                raise KeyboardInterrupt  # stands in for the kill: nothing after this runs
            removed.append(path)
            real_remove(path)

        monkeypatch.setattr(outdir, "_remove", remove_then_stop)
        _render(str(other), "-o", str(out), "--overwrite")
        monkeypatch.setattr(outdir, "_remove", real_remove)
        if len(removed) < steps:  # the clear ran to its end
            break
        assert (out / ".synthlab" / "run.json").is_file(), f"stopped after {steps}"
        for record in read_shard_records(out / ".synthlab"):
            for relpath, _, _ in record.files():
                assert (out / relpath).is_file(), f"stopped after {steps}: {relpath} gone"
        again = _render(str(other), "-o", str(out), "--overwrite")
        assert again.exit_code == 0, again.output
        steps += 1
    assert steps >= 5  # shards, parts?, manifest.json, payload, records.jsonl, samples.jsonl

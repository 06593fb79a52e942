"""Containment: every file or folder a recipe names stays inside the recipe's folder.

For each file-reading field of every generator, `synthlab check` is run on a recipe whose
field names something it must refuse: a symbolic link out of the folder, `../x`, an absolute
path, a device (through a link, and by its absolute name), a FIFO, a folder where a file is
expected (or a file where a folder is), a missing, an empty and a binary file. Each must end
with exit 2 and one message naming recipe.yaml:line and the field, and nothing outside the
folder may be opened or listed while it runs: an audit hook records every open and listing
of a forbidden path (and refuses it, so a FIFO cannot hang the test; an alarm backs that up).
Positive controls: the same fields with a real file inside the folder, and with a link that
stays inside, are accepted.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synthlab.cli import main

HEAD = "version: 1\nname: contained\nseed: 1\ncount: 2\ngenerator:\n"


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A tiny valid RGB PNG, written by hand so the test needs no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + bytes([200, 100, 50]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


OBJ = b"v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 2 3\nf 1 2 4\nf 1 3 4\nf 2 3 4\n"
COCO = {
    "images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 3}],
    "categories": [{"id": 1, "name": "car"}],
    "annotations": [],
}


@dataclass(frozen=True)
class Field:
    """One file-reading field: a recipe with PATH where the field's value goes."""

    id: str
    recipe: str  # generator section; PATH marks the field's value
    dotted: str  # the field as the error names it
    folder: bool  # names a folder (of images) rather than a file
    suffix: str = ""  # what a valid file of this field is called after
    content: bytes = b""  # a valid file's bytes
    text: bool = False  # read as UTF-8 text: a binary file must be refused
    prepare: Callable[[Path], None] = lambda recipe_dir: None  # siblings a valid recipe needs

    @property
    def line(self) -> int:
        """1-based line of the field's value in the written recipe."""
        lines = (HEAD + self.recipe).splitlines()
        return next(n for n, text in enumerate(lines, start=1) if "PATH" in text)


def _images(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.png").write_bytes(png_bytes())


def _variant_sources(recipe_dir: Path) -> None:
    _images(recipe_dir / "source")
    (recipe_dir / "coco.json").write_text(json.dumps(COCO))


TEXT = """\
  kind: text
  params:
    templates: [{id: t, text: "Buy {{w:PRODUCT}} now"}]
    values:
"""
SCENE = "  kind: scene\n  params:\n    classes:\n"
DIFFUSION = """\
  kind: diffusion
  params:
    model: models/tiny
    width: 32
    height: 32
    steps: 4
    prompt: {template: "a street"}
"""
INPAINT = (
    DIFFUSION
    + """\
    mode: inpaint
    inpaint:
      category: cat
      region: {width: 0.5, height: 0.5}
      background: {folder: PATH}
"""
)

SERIES = """\
  kind: timeseries
  params:
    rate_hz: 1
    base: {files: PATH, time: t, channels: [x]}
    events: [{kind: spike, duration: 1}]
"""
SERIES_CSV = b"t,x\n0,1.5\n1,2.5\n2,0.5\n3,1.0\n"


def _parquet_bytes() -> bytes:
    import io

    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame({"t": [0.0, 1.0, 2.0, 3.0], "x": [1.5, 2.5, 0.5, 1.0]}).to_parquet(buffer)
    return buffer.getvalue()


FIELDS = [
    Field(
        "text-word-list",
        TEXT + "      w: {file: PATH}\n",
        "generator.params.values.w.file",
        folder=False,
        suffix=".txt",
        content=b"kettle\ntoaster\n",
        text=True,
    ),
    Field(
        "text-csv",
        TEXT + "      w: {csv: PATH, column: name}\n",
        "generator.params.values.w.csv",
        folder=False,
        suffix=".csv",
        content=b"name,price\nkettle,3\n",
        text=True,
    ),
    Field(
        "text-template-file",
        "  kind: text\n  params:\n    template_files: [PATH]\n    values:\n"
        "      w: {words: [kettle]}\n",
        "generator.params.template_files[0]",
        folder=False,
        suffix=".yaml",
        content=b"- id: filed\n  text: 'Buy {{w:PRODUCT}} today'\n",
        text=True,
    ),
    Field(
        "timeseries-base-csv",
        SERIES,
        "generator.params.base.files",
        folder=False,
        suffix=".csv",
        content=SERIES_CSV,
    ),
    Field(
        "timeseries-base-parquet",
        SERIES,
        "generator.params.base.files",
        folder=False,
        suffix=".parquet",
        content=_parquet_bytes(),
    ),
    Field(
        "scene-mesh",
        SCENE + "      thing: {mesh: PATH}\n",
        "generator.params.classes.thing.mesh",
        folder=False,
        suffix=".obj",
        content=OBJ,
    ),
    Field(
        "scene-background-folder",
        SCENE + "      thing: {primitive: box}\n    background: {folder: PATH}\n",
        "generator.params.background.folder",
        folder=True,
    ),
    Field(
        "diffusion-inpaint-background-folder",
        INPAINT,
        "generator.params.inpaint.background.folder",
        folder=True,
    ),
    Field(
        "diffusion-img2img-annotations",
        DIFFUSION
        + "    mode: img2img\n    img2img:\n      images: source\n      annotations: PATH\n"
        "      strength: 0.3\n",
        "generator.params.img2img.annotations",
        folder=False,
        suffix=".json",
        content=json.dumps(COCO).encode(),
        text=True,
        prepare=lambda recipe_dir: _images(recipe_dir / "source"),
    ),
    Field(
        "diffusion-img2img-images",
        DIFFUSION
        + "    mode: img2img\n    img2img:\n      images: PATH\n      annotations: coco.json\n"
        "      strength: 0.3\n",
        "generator.params.img2img.images",
        folder=True,
        prepare=lambda recipe_dir: (recipe_dir / "coco.json").write_text(json.dumps(COCO)),
    ),
    Field(
        "diffusion-controlnet-scene-mesh",
        DIFFUSION.replace("    steps: 4\n", "")
        + "    mode: controlnet\n    controlnet:\n      model: models/control\n"
        "      scene:\n        camera: {resolution: [32, 32]}\n        classes:\n"
        "          thing: {mesh: PATH}\n",
        "generator.params.controlnet.scene.classes.thing.mesh",
        folder=False,
        suffix=".obj",
        content=OBJ,
    ),
    Field(
        "text-labelled-sentences",
        "  kind: text\n  params:\n    labelled_sentences: {files: [PATH]}\n    values:\n"
        "      product: {words: [kettle]}\n",
        "generator.params.labelled_sentences.files[0]",
        folder=False,
        suffix=".jsonl",
        content=b'{"text": "Buy a toaster today", "spans": [[6, 13, "PRODUCT"]]}\n',
        text=True,
    ),
]
FIELD_BY_ID = {field.id: field for field in FIELDS}


# -- watching what is opened ---------------------------------------------------------------
_forbidden: set[str] = set()
_hits: list[str] = []
_WATCHED_EVENTS = {"open", "os.scandir", "os.listdir"}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _forbidden or event not in _WATCHED_EVENTS or not args:
        return
    target = args[0]
    if not isinstance(target, (str, bytes, os.PathLike)):
        return  # a file descriptor (os.scandir(fd)), already opened and checked
    try:
        real = os.path.realpath(os.fsdecode(target))
    except (OSError, ValueError):
        return
    if real in _forbidden or any(real.startswith(f + os.sep) for f in _forbidden):
        _hits.append(f"{event} {real}")
        # refuse it here: a FIFO opened for reading would block the test forever
        raise PermissionError(f"test audit: {real} is outside the recipe's folder")


sys.addaudithook(_audit)


@pytest.fixture
def watch() -> Iterator[set[str]]:
    """Paths that must never be opened or listed; an alarm stops anything that hangs."""

    def timed_out(signum: int, frame: Any) -> None:
        raise TimeoutError("synthlab check hung (a FIFO or device was opened?)")

    previous = signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(30)
    _hits.clear()
    try:
        yield _forbidden
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        _forbidden.clear()


# -- the bad paths ---------------------------------------------------------------------------
def _secret(field: Field, outside: Path) -> Path:
    """A perfectly valid file or folder of the field's kind, outside the recipe's folder."""
    if field.folder:
        _images(outside / "secret")
        return outside / "secret"
    path = outside / f"secret{field.suffix}"
    path.write_bytes(field.content)
    return path


def _bad_path(case: str, field: Field, recipe_dir: Path, outside: Path, forbid: set[str]) -> str:
    """Make the thing `case` names; return the path the recipe gives; add to `forbid` what
    must never be opened."""
    name = f"x{field.suffix}"
    if case in ("symlink-out", "dotdot", "absolute"):
        secret = _secret(field, outside)
        forbid.add(os.path.realpath(secret))
        if case == "symlink-out":
            (recipe_dir / name).symlink_to(secret)
            return name
        return f"../{outside.name}/{secret.name}" if case == "dotdot" else str(secret)
    if case == "device-link":
        (recipe_dir / name).symlink_to("/dev/zero")
        forbid.add("/dev/zero")
        return name
    if case == "device-absolute":
        forbid.add("/dev/zero")
        return "/dev/zero"
    if case == "fifo":
        os.mkfifo(recipe_dir / name)
        forbid.add(os.path.realpath(recipe_dir / name))
        return name
    if case == "wrong-kind":  # a folder where a file belongs, or a file where a folder does
        if field.folder:
            (recipe_dir / name).write_bytes(png_bytes())
        else:
            (recipe_dir / name).mkdir()
        return name
    if case == "missing":
        return name
    if case == "empty":
        if field.folder:
            (recipe_dir / name).mkdir()
        else:
            (recipe_dir / name).write_bytes(b"")
        return name
    if case == "binary":
        (recipe_dir / name).write_bytes(bytes(range(256)) * 8)
        return name
    if case == "not-utf8":
        (recipe_dir / name).write_bytes("kettle\ncafé crème\n".encode("latin-1"))
        return name
    if case == "entry-link-out":  # a folder inside whose image is a link out
        secret = outside / "secret.png"
        secret.write_bytes(png_bytes())
        forbid.add(os.path.realpath(secret))
        (recipe_dir / name).mkdir()
        (recipe_dir / name / "a.png").symlink_to(secret)
        return name
    raise AssertionError(case)


FILE_CASES = [
    "symlink-out",
    "dotdot",
    "absolute",
    "device-link",
    "device-absolute",
    "fifo",
    "wrong-kind",
    "missing",
    "empty",
]
FOLDER_CASES = [*FILE_CASES, "entry-link-out"]


def _cases() -> Iterator[Any]:
    for field in FIELDS:
        cases = FOLDER_CASES if field.folder else FILE_CASES
        if field.text:
            cases = [*cases, "binary", "not-utf8"]
        elif not field.folder:
            cases = [*cases, "binary"]  # a mesh of random bytes holds no mesh
        for case in cases:
            yield pytest.param(field, case, id=f"{field.id}-{case}")


def _write_recipe(field: Field, recipe_dir: Path, path: str) -> Path:
    field.prepare(recipe_dir)
    recipe = recipe_dir / "recipe.yaml"
    recipe.write_text(HEAD + field.recipe.replace("PATH", json.dumps(path)))
    return recipe


def _check(recipe_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(recipe_dir)
    return CliRunner().invoke(main, ["check", "recipe.yaml"])


def _expected_field(field: Field, case: str) -> tuple[str, int]:
    """Where the error must point. The img2img source folder is checked through the images
    its COCO file lists, so a folder without them is reported at `annotations`."""
    if field.id == "diffusion-img2img-images" and case in ("empty", "entry-link-out"):
        lines = (HEAD + field.recipe).splitlines()
        line = next(n for n, t in enumerate(lines, start=1) if "annotations:" in t)
        return "generator.params.img2img.annotations", line
    return field.dotted, field.line


@pytest.mark.parametrize(("field", "case"), list(_cases()))
def test_check_refuses_paths_that_leave_or_break_containment(
    field: Field, case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watch: set[str]
) -> None:
    recipe_dir, outside = tmp_path / "recipe", tmp_path / "outside"
    recipe_dir.mkdir()
    outside.mkdir()
    forbid: set[str] = set()
    path = _bad_path(case, field, recipe_dir, outside, forbid)
    _write_recipe(field, recipe_dir, path)
    watch |= forbid
    result = _check(recipe_dir, monkeypatch)
    dotted, line = _expected_field(field, case)
    assert result.exit_code == 2, result.output
    assert f"recipe.yaml:{line}:" in result.output, result.output
    assert dotted in result.output, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert _hits == [], f"opened outside the recipe's folder: {_hits}"


@pytest.mark.parametrize("how", ["plain", "link-inside"])
@pytest.mark.parametrize("field", FIELDS, ids=[f.id for f in FIELDS])
def test_valid_files_inside_the_folder_are_accepted(
    field: Field, how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recipe_dir = tmp_path / "recipe"
    recipe_dir.mkdir()
    name = f"data/real{field.suffix}"
    (recipe_dir / "data").mkdir()
    if field.folder:
        _images(recipe_dir / name)
        (recipe_dir / "coco.json").write_text(json.dumps(COCO))  # lists a.png
    else:
        (recipe_dir / name).write_bytes(field.content)
    if how == "link-inside":  # a link that stays inside is fine, even via '..' in its target
        (recipe_dir / "sub").mkdir()
        (recipe_dir / "sub" / f"link{field.suffix}").symlink_to(Path("..") / name)
        name = f"sub/link{field.suffix}"
    _write_recipe(field, recipe_dir, name)
    result = _check(recipe_dir, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_a_gltf_buffer_that_points_out_is_refused_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watch: set[str]
) -> None:
    """A mesh refers to other files (a glTF's buffers, an OBJ's materials): those go through
    the same containment, so a buffer URI of '../outside/secret.bin' is never read."""
    recipe_dir, outside = tmp_path / "recipe", tmp_path / "outside"
    recipe_dir.mkdir()
    outside.mkdir()
    secret = outside / "secret.bin"
    secret.write_bytes(struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0))
    gltf = {
        "asset": {"version": "2.0"},
        "buffers": [{"uri": "../outside/secret.bin", "byteLength": 36}],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": 36}],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": 3,
                "type": "VEC3",
                "min": [0, 0, 0],
                "max": [1, 1, 0],
            }
        ],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "nodes": [{"mesh": 0}],
        "scenes": [{"nodes": [0]}],
        "scene": 0,
    }
    (recipe_dir / "thing.gltf").write_text(json.dumps(gltf))
    field = FIELD_BY_ID["scene-mesh"]
    _write_recipe(field, recipe_dir, "thing.gltf")
    watch.add(os.path.realpath(secret))
    result = _check(recipe_dir, monkeypatch)
    assert result.exit_code == 2, result.output
    assert f"recipe.yaml:{field.line}:" in result.output and field.dotted in result.output
    assert _hits == []


@pytest.mark.parametrize("file_name", ["../../outside/secret.png", "/etc/hostname"])
def test_coco_file_names_stay_inside_the_recipe_folder(
    file_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watch: set[str]
) -> None:
    """The img2img source images are named by the user's COCO file: those names are
    contained too (an absolute one would otherwise replace the folder when joined)."""
    recipe_dir, outside = tmp_path / "recipe", tmp_path / "outside"
    recipe_dir.mkdir()
    outside.mkdir()
    (outside / "secret.png").write_bytes(png_bytes())
    _images(recipe_dir / "source")
    coco = {**COCO, "images": [{**COCO["images"][0], "file_name": file_name}]}
    (recipe_dir / "coco.json").write_text(json.dumps(coco))
    field = FIELD_BY_ID["diffusion-img2img-annotations"]
    _write_recipe(field, recipe_dir, "coco.json")
    watch.update({os.path.realpath(outside / "secret.png"), "/etc/hostname"})
    result = _check(recipe_dir, monkeypatch)
    assert result.exit_code == 2, result.output
    assert field.dotted in result.output
    assert "outside" in result.output or "absolute" in result.output
    assert _hits == []


def test_the_audit_hook_sees_and_stops_an_open_of_a_watched_path(
    tmp_path: Path, watch: set[str]
) -> None:
    """The guard of the tests above can fail: opening a watched file is recorded and refused."""
    secret = tmp_path / "secret.txt"
    secret.write_text("password\n")
    (tmp_path / "link.txt").symlink_to(secret)
    watch.add(os.path.realpath(secret))
    with pytest.raises(PermissionError):
        (tmp_path / "link.txt").read_text()
    assert _hits == [f"open {os.path.realpath(secret)}"]


@pytest.mark.parametrize("case", ["folder-link-out", "entry-link-out", "recursive-link-out"])
def test_a_series_glob_never_lists_or_reads_outside_the_folder(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watch: set[str]
) -> None:
    """`base.files: 'data/**/*.csv'`: the folder before the wildcard is contained, a match
    that is a link out is refused, and the walk below never follows a folder link out."""
    recipe_dir, outside = tmp_path / "recipe", tmp_path / "outside"
    recipe_dir.mkdir()
    outside.mkdir()
    (outside / "secret.csv").write_bytes(SERIES_CSV)
    if case == "folder-link-out":
        (recipe_dir / "data").symlink_to(outside)
    else:
        (recipe_dir / "data").mkdir()
        (recipe_dir / "data" / "ok.csv").write_bytes(SERIES_CSV)
        if case == "entry-link-out":
            (recipe_dir / "data" / "evil.csv").symlink_to(outside / "secret.csv")
        else:
            (recipe_dir / "data" / "sub").symlink_to(outside)
    watch.add(os.path.realpath(outside))
    field = Field("glob", SERIES, "generator.params.base.files", folder=False)
    _write_recipe(field, recipe_dir, "data/**/*.csv")
    result = _check(recipe_dir, monkeypatch)
    if case == "recursive-link-out":  # not followed: only data/ok.csv is matched
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2, result.output
        assert f"recipe.yaml:{field.line}:" in result.output and field.dotted in result.output
        assert "outside" in result.output
    assert _hits == [], f"opened outside the recipe's folder: {_hits}"

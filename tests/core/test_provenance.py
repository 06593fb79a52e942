"""Provenance of the user's input files: the manifest lists each with its sha256, the digests
are part of the run's identity (a changed input is refused by --resume), and `synthlab
verify` reports an input that changed or went missing since the dataset was made."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import synthlab
from synthlab.cli import main
from synthlab.engine.render import content_sha256
from synthlab.errors import OutputDirError
from synthlab.generators.base import Generator, GeneratorSpec, SamplePlan, register_generator
from synthlab.recipe.files import resolve_recipe_file
from synthlab.recipe.model import RecipeModel
from synthlab.samples import RecordSample


class LinesParams(RecipeModel):
    """A plugin that reads a word list from the recipe's folder."""

    words: str

    def input_files(self, base_dir: Path) -> list[Path]:
        return [resolve_recipe_file(base_dir, self.words, what="words")]


class LinesGenerator(Generator):
    def setup(self, params, context) -> None:  # type: ignore[no-untyped-def]
        super().setup(params, context)
        path = resolve_recipe_file(context.recipe_dir, params.words)
        self.words = path.read_text().split()

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> RecordSample:
        word = self.words[int(rng.integers(len(self.words)))]
        return RecordSample(
            index=index,
            conditions=frozenset(),
            metadata={"values": {"w": word}},
            values={"w": word},
        )


SPEC = register_generator(
    GeneratorSpec(
        kind="test-lines",
        description="picks a word from the recipe's word list",
        modality="record",
        params_model=LinesParams,
        implementation=f"{__name__}:LinesGenerator",
        default_formats=("jsonl",),
    )
)

RECIPE = """\
version: 1
name: lines
seed: 3
count: 12
generator:
  kind: test-lines
  params:
    words: data/words.txt
output:
  shard_size: 5
"""


@pytest.fixture
def recipe_path(tmp_path: Path) -> Path:
    folder = tmp_path / "recipe"
    (folder / "data").mkdir(parents=True)
    (folder / "data/words.txt").write_text("alpha beta gamma delta\n")
    path = folder / "recipe.yaml"
    path.write_text(RECIPE)
    return path


def _render(recipe_path: Path, out: Path, **options: object) -> None:
    synthlab.render(synthlab.load_recipe(recipe_path), out, workers=1, **options)  # type: ignore[arg-type]


def test_the_manifest_lists_each_input_with_its_hash(recipe_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(recipe_path, out)
    manifest = json.loads((out / "manifest.json").read_text())
    data = (recipe_path.parent / "data/words.txt").read_bytes()
    assert manifest["inputs"] == [
        {"path": "data/words.txt", "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    ]


def test_a_recipe_without_inputs_records_an_empty_list(write_recipe, tmp_path: Path) -> None:
    out = tmp_path / "out"
    synthlab.render(synthlab.load_recipe(write_recipe()), out, workers=1)
    assert json.loads((out / "manifest.json").read_text())["inputs"] == []


def test_equal_inputs_in_two_folders_give_equal_bytes(recipe_path: Path, tmp_path: Path) -> None:
    """The manifest names inputs relative to the recipe's folder, never by a host path."""
    other = tmp_path / "elsewhere"
    (other / "data").mkdir(parents=True)
    (other / "data/words.txt").write_bytes((recipe_path.parent / "data/words.txt").read_bytes())
    (other / "recipe.yaml").write_text(RECIPE)
    _render(recipe_path, tmp_path / "a")
    _render(other / "recipe.yaml", tmp_path / "b")
    for name in ("manifest.json", "records.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_the_input_digest_is_part_of_the_content_identity(recipe_path: Path) -> None:
    before = content_sha256(synthlab.load_recipe(recipe_path), range(12), ("jsonl",))
    (recipe_path.parent / "data/words.txt").write_text("alpha beta gamma epsilon\n")
    after = content_sha256(synthlab.load_recipe(recipe_path), range(12), ("jsonl",))
    assert before != after


def test_resume_refuses_a_changed_input(recipe_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(recipe_path, out, only=range(5))
    (recipe_path.parent / "data/words.txt").write_text("one two three\n")
    with pytest.raises(OutputDirError, match="input files that have changed"):
        _render(recipe_path, out, only=range(5), resume=True)


def test_verify_passes_when_inputs_are_unchanged(recipe_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(recipe_path, out)
    result = CliRunner().invoke(main, ["verify", str(out), "--regenerate", "3"])
    assert result.exit_code == 0, result.output
    assert "1 input file(s)" in result.output and "all input files match" in result.output


def test_verify_reports_a_changed_input(recipe_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(recipe_path, out)
    (recipe_path.parent / "data/words.txt").write_text("alpha beta gamma deltA\n")
    result = CliRunner().invoke(main, ["verify", str(out)])
    assert result.exit_code == 1, result.output
    assert "all files match" in result.output  # the dataset itself is intact
    assert "input changed: data/words.txt" in result.output


def test_verify_reports_a_missing_input(recipe_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(recipe_path, out)
    (recipe_path.parent / "data/words.txt").unlink()
    result = CliRunner().invoke(main, ["verify", str(out)])
    assert result.exit_code == 1, result.output
    assert "input missing: data/words.txt" in result.output


def test_verify_checks_inputs_in_a_folder_given_on_the_command_line(
    recipe_path: Path, tmp_path: Path
) -> None:
    """A recipe folder that moved: --recipe-dir says where; without it, a warning only."""
    out = tmp_path / "out"
    _render(recipe_path, out)
    moved = recipe_path.parent.rename(tmp_path / "moved")
    result = CliRunner().invoke(main, ["verify", str(out)])
    assert result.exit_code == 0, result.output
    assert "input files not checked" in result.output
    (moved / "data/words.txt").write_text("changed\n")
    result = CliRunner().invoke(main, ["verify", str(out), "--recipe-dir", str(moved)])
    assert result.exit_code == 1, result.output
    assert "input changed: data/words.txt" in result.output


def test_a_scene_recipe_lists_its_meshes_and_background_images(tmp_path: Path) -> None:
    """The bundled scene generator declares its user files (no rendering needed)."""
    trimesh = pytest.importorskip("trimesh")
    from PIL import Image

    from synthlab.engine.inputs import hash_inputs

    (tmp_path / "meshes").mkdir()
    trimesh.creation.box(extents=(1, 1, 1)).export(tmp_path / "meshes/box.obj")
    (tmp_path / "backgrounds").mkdir()
    for name in ("b.png", "a.png"):
        Image.new("RGB", (8, 6), (10, 20, 30)).save(tmp_path / "backgrounds" / name)
    (tmp_path / "notes.txt").write_text("not an input")
    (tmp_path / "scene.yaml").write_text(
        "version: 1\nname: s\nseed: 1\ncount: 2\ngenerator:\n  kind: scene\n  params:\n"
        "    classes:\n      box: {mesh: meshes/box.obj}\n"
        "    background: {folder: backgrounds}\n"
    )
    inputs = hash_inputs(synthlab.load_recipe(tmp_path / "scene.yaml"))
    assert [entry["path"] for entry in inputs] == [
        "backgrounds/a.png",
        "backgrounds/b.png",
        "meshes/box.obj",
    ]
    data = (tmp_path / "meshes/box.obj").read_bytes()
    assert inputs[2]["sha256"] == hashlib.sha256(data).hexdigest()


def test_diffusion_params_list_their_images_and_coco_file(tmp_path: Path) -> None:
    """Background images (inpaint) and img2img's COCO file with the images it lists."""
    from PIL import Image

    from synthlab.generators.diffusion import DiffusionParams

    for folder in ("bg", "src"):
        (tmp_path / folder).mkdir()
    for name in ("bg/one.png", "bg/two.jpg", "src/a.png", "src/unlisted.png"):
        Image.new("RGB", (8, 8)).save(tmp_path / name)
    (tmp_path / "coco.json").write_text(json.dumps({"images": [{"id": 1, "file_name": "a.png"}]}))
    common = {"model": "models/tiny", "width": 32, "height": 32, "steps": 2}
    inpaint = DiffusionParams.model_validate(
        {
            **common,
            "mode": "inpaint",
            "prompt": {"template": "a {category}"},
            "inpaint": {
                "category": "cat",
                "region": {"width": 0.5, "height": 0.5},
                "background": {"folder": "bg"},
            },
        }
    )
    assert [p.name for p in inpaint.input_files(tmp_path)] == ["one.png", "two.jpg"]
    img2img = DiffusionParams.model_validate(
        {
            **common,
            "mode": "img2img",
            "prompt": {"template": "a photo"},
            "img2img": {"images": "src", "annotations": "coco.json", "strength": 0.5},
        }
    )
    assert [p.name for p in img2img.input_files(tmp_path)] == ["coco.json", "a.png"]

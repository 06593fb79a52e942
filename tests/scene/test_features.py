"""Features end to end at tiny sizes: user meshes in four formats, background image
folders, several cameras per scene, float depth (.npy)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import trimesh
from PIL import Image

import synthlab
from synthlab.recipe import load_recipe

pytestmark = pytest.mark.scene

CAMERA = "{resolution: [64, 48], distance: {uniform: [4, 5]}, azimuth: {uniform: [0, 360]}}"


def _render(tmp_path: Path, params: str, count: int = 2, formats: str = "[image]") -> Path:
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        f"version: 1\nname: features\nseed: 5\ncount: {count}\n"
        f"generator:\n  kind: scene\n  params:\n{params}\n"
        f"output:\n  formats: {formats}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    synthlab.render(load_recipe(recipe), out, workers=1)
    return out


def _annotations(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "annotations").glob("*.json"))]


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "samples.jsonl").open()]


def test_user_meshes_in_every_format_render_with_labels_and_keypoints(tmp_path):
    folder = tmp_path / "meshes"
    folder.mkdir()
    # centimetre units, so mesh_units and the keypoint's scaling are exercised too
    shapes = {
        "obj": trimesh.creation.box(extents=(60, 40, 80)),
        "glb": trimesh.creation.cylinder(radius=30, height=70),
        "ply": trimesh.creation.icosphere(subdivisions=2, radius=35),
        "stl": trimesh.creation.cone(radius=30, height=90),
    }
    for suffix, mesh in shapes.items():
        mesh.export(folder / f"thing.{suffix}")
    classes = "\n".join(
        f"      {suffix}_thing: {{mesh: meshes/thing.{suffix}, mesh_units: 0.01, "
        f"keypoints: {{tip: [0, 0, 200]}}}}"
        for suffix in shapes
    )
    params = f"    classes:\n{classes}\n    surface: {{spread: 1.5}}\n    camera: {CAMERA}"
    out = _render(tmp_path, params)
    seen = set()
    for doc in _annotations(out):
        instance = np.asarray(Image.open(out / doc["files"]["instance_mask"]))
        for obj in doc["objects"]:
            seen.add(obj["category"])
            mask = instance == obj["instance_id"]
            assert mask.sum() == obj["attributes"]["visible_pixels"]
            if obj["bbox"] is not None:
                x, y, w, h = obj["bbox"]
                rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
                assert (x, y, w, h) == (
                    cols[0],
                    rows[0],
                    cols[-1] + 1 - cols[0],
                    rows[-1] + 1 - rows[0],
                )
            assert [k[0] for k in obj["keypoints"]] == ["tip"]
    assert seen == {f"{suffix}_thing" for suffix in shapes}


def test_background_images_show_where_nothing_was_hit(tmp_path):
    folder = tmp_path / "backgrounds"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name in ("a.png", "b.jpg"):
        pixels = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / name)
    expected = [
        np.asarray(Image.open(folder / name).convert("RGB").resize((64, 48), Image.BILINEAR))
        for name in ("a.png", "b.jpg")
    ]
    params = (
        "    classes:\n      crate: {asset: crate}\n"
        "    surface: {size: [3, 3], spread: 0.5}\n"
        "    background: {folder: backgrounds}\n"
        "    camera: {resolution: [64, 48], distance: 6, elevation: 10}"
    )
    out = _render(tmp_path, params, count=4)
    picks = set()
    for record, doc in zip(_records(out), _annotations(out), strict=True):
        pick = record["metadata"]["scene"]["background_image"]
        picks.add(pick)
        image = np.asarray(Image.open(out / doc["files"]["image"]))
        depth = np.asarray(Image.open(out / doc["files"]["depth"]))
        # where nothing was hit, away from anti-aliased edges (all 8 neighbours empty too)
        padded = np.pad(depth == 0, 1)
        empty = np.ones_like(depth, bool)
        for dy in (0, 1, 2):
            for dx in (0, 1, 2):
                empty &= padded[dy : dy + 48, dx : dx + 64]
        assert empty.sum() > 100  # the low camera sees sky above the small surface
        np.testing.assert_array_equal(image[empty], expected[pick][empty])
    assert picks <= {0, 1}


def test_background_folder_without_images_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    params = "    classes:\n      crate: {asset: crate}\n    background: {folder: empty}"
    with pytest.raises(synthlab.SynthlabError, match="holds no images"):
        _render(tmp_path, params)


def test_several_cameras_see_one_scene(tmp_path):
    params = (
        "    classes:\n      crate: {asset: crate, count: {int: [2, 3]}}\n"
        "      barrel: {asset: barrel, count: {int: [1, 2]}}\n"
        f"    surface: {{spread: 1.5}}\n    camera: {CAMERA[:-1]}, per_scene: 2}}"
    )
    out = _render(tmp_path, params, count=4)
    records, docs = _records(out), _annotations(out)
    for first in (0, 2):
        a, b = records[first]["metadata"], records[first + 1]["metadata"]
        assert a["scene_key"] == b["scene_key"]
        assert a["scene"]["objects"] == b["scene"]["objects"]
        assert a["scene"]["camera"] != b["scene"]["camera"]
        cams = [np.asarray(docs[i]["camera"]["extrinsics"]) for i in (first, first + 1)]
        poses = [
            {
                o["instance_id"]: np.linalg.inv(cam) @ np.asarray(o["pose"])
                for o in docs[i]["objects"]
            }
            for cam, i in zip(cams, (first, first + 1), strict=True)
        ]
        for ident in poses[0].keys() & poses[1].keys():  # same object, same place in the world
            np.testing.assert_allclose(poses[0][ident], poses[1][ident], atol=1e-5)
    assert records[0]["metadata"]["scene"]["objects"] != records[2]["metadata"]["scene"]["objects"]


def test_depth_npy_is_float_metres_matching_the_png(tmp_path):
    params = f"    classes:\n      crate: {{asset: crate, count: 2}}\n    camera: {CAMERA}"
    out = _render(tmp_path, params, formats="[image, depth-npy]")
    for doc in _annotations(out):
        png = np.asarray(Image.open(out / doc["files"]["depth"])).astype(np.float64)
        npy = np.load(out / doc["files"]["depth"].replace(".png", ".npy"))
        assert npy.dtype == np.float32 and npy.shape == (48, 64)
        assert ((npy == 0) == (png == 0)).all()
        assert np.abs(npy * 1000 - png).max() <= 0.5 + 1e-3

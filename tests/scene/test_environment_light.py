"""Image-based light: lights and ambient estimated from an image, checked on synthetic
environments with a known sun and on scikit-image's bundled photographs, and used by a
scene (`environment: from_background`) deterministically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import synthlab
from synthlab.generators.scene.environment_light import estimate_environment
from synthlab.recipe import load_recipe

pytestmark = pytest.mark.scene


def _panorama(sun_el: float, sun_az: float, sky=(90, 120, 170), sun=(255, 240, 200)):
    """A 2:1 equirectangular sky with a small bright sun at (elevation, azimuth)."""
    height, width = 64, 128
    image = np.empty((height, width, 3), np.uint8)
    image[:] = sky
    image[height // 2 :] = (70, 65, 60)  # ground
    row = int((90 - sun_el) / 180 * height)
    col = int((sun_az + 180) / 360 * width)
    image[row - 1 : row + 2, col - 1 : col + 2] = sun
    return image


@pytest.mark.parametrize("where", [(40.0, 30.0), (20.0, -120.0), (65.0, 170.0)])
def test_key_light_comes_from_the_sun(where: tuple[float, float]) -> None:
    estimate = estimate_environment(_panorama(*where))
    assert estimate.panorama
    key = estimate.lights[0]
    assert key.elevation_deg == pytest.approx(where[0], abs=4.0)
    assert (key.azimuth_deg - where[1] + 180) % 360 - 180 == pytest.approx(0.0, abs=4.0)
    # warm sun, blue sky: the key is warm, the ambient (the sky and ground's mean) is not
    assert key.color[0] > key.color[2]
    assert estimate.ambient[2] / estimate.ambient[0] > key.color[2] / key.color[0]


def test_clear_sky_gives_a_stronger_key_and_less_ambient_than_overcast() -> None:
    clear = estimate_environment(_panorama(45.0, 0.0))
    overcast = np.full((64, 128, 3), 150, np.uint8)
    flat = estimate_environment(overcast)
    assert clear.lights[0].intensity > 2 * flat.lights[0].intensity
    assert max(flat.ambient) > max(clear.ambient)
    assert flat.ambient[0] == pytest.approx(flat.ambient[2])  # grey light from a grey sky


@pytest.mark.parametrize("name", ["astronaut", "coffee", "chelsea", "rocket"])
def test_bundled_photographs_light_in_their_own_colour(name: str) -> None:
    data = pytest.importorskip("skimage.data")
    photo = getattr(data, name)()
    estimate = estimate_environment(photo)
    assert not estimate.panorama
    # the ambient's colour follows the photo's own mean colour (in linear light)
    linear = (photo.astype(float) / 255) ** 2.2
    mean = linear.reshape(-1, 3).mean(axis=0)
    assert np.argmax(estimate.ambient) == np.argmax(mean)
    assert np.argmin(estimate.ambient) == np.argmin(mean)
    # the key comes from the side of the photo its brightest upper-half region is on
    upper = linear[: photo.shape[0] // 2].mean(axis=2)
    columns = upper.mean(axis=0)
    bright_col = float(np.argmax(np.convolve(columns, np.ones(15) / 15, mode="same")))
    side = bright_col / photo.shape[1] - 0.5
    key = estimate.lights[0]
    assert key.elevation_deg >= 5.0
    if abs(side) > 0.15:
        assert np.sign(key.azimuth_deg) == np.sign(side)
    # a pure function of the image
    again = estimate_environment(photo.copy())
    assert again.describe() == estimate.describe()


def _render(tmp_path: Path, name: str, gradient: tuple[str, str], seed: int = 3) -> Path:
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text(
        f"version: 1\nname: {name}\nseed: {seed}\ncount: 3\n"
        "generator:\n  kind: scene\n  params:\n"
        "    classes:\n      crate: {asset: crate, count: 3, material: {color: white}}\n"
        "    surface: {spread: 1.5}\n"
        f"    background: {{gradient: ['{gradient[0]}', '{gradient[1]}']}}\n"
        "    environment: from_background\n"
        "    camera: {resolution: [64, 48], distance: 5, azimuth: {uniform: [0, 360]}}\n"
        "output:\n  formats: [image, coco]\n",
        encoding="utf-8",
    )
    out = tmp_path / name
    synthlab.render(load_recipe(recipe), out, workers=1)
    return out


def _pixels(out: Path) -> list[np.ndarray]:
    return [np.asarray(Image.open(p)) for p in sorted((out / "images").glob("*.png"))]


def test_scene_lit_from_its_background_is_deterministic_and_takes_its_colour(
    tmp_path: Path,
) -> None:
    warm = _render(tmp_path, "warm", ("#ffb060", "#803010"))
    again = _render(tmp_path, "again", ("#ffb060", "#803010"))
    other = _render(tmp_path, "other", ("#ffb060", "#803010"), seed=4)
    cool = _render(tmp_path, "cool", ("#60a0ff", "#103080"))
    assert all(np.array_equal(a, b) for a, b in zip(_pixels(warm), _pixels(again), strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(_pixels(warm), _pixels(other), strict=True))

    # white crates: under a warm sky they come out redder than under a cool one
    def crate_tint(out: Path) -> float:
        coco = json.loads((out / "coco.json").read_text())
        ratios = []
        for image, info in zip(_pixels(out), coco["images"], strict=True):
            for ann in coco["annotations"]:
                if ann["image_id"] == info["id"]:
                    x, y, w, h = (round(v) for v in ann["bbox"])
                    patch = image[y : y + max(h, 1), x : x + max(w, 1)].reshape(-1, 3)
                    ratios.append(patch[:, 0].mean() / max(patch[:, 2].mean(), 1.0))
        return float(np.mean(ratios))

    assert crate_tint(warm) > 1.2 * crate_tint(cool)


def _sky_recipe(tmp_path: Path, source: str) -> Path:
    recipe = tmp_path / "sky.yaml"
    recipe.write_text(
        "version: 1\nname: sky\nseed: 1\ncount: 2\n"
        "generator:\n  kind: scene\n  params:\n"
        "    classes:\n      crate: {asset: crate, count: 2}\n"
        "    surface: {spread: 1.5}\n"
        f"    environment: {source}\n"
        "    camera: {resolution: [48, 36], distance: 5}\n"
        "output:\n  formats: [image]\n",
        encoding="utf-8",
    )
    return recipe


def test_an_environment_image_by_path_lights_the_scene_and_is_an_input_file(
    tmp_path: Path,
) -> None:
    Image.fromarray(_panorama(35.0, 60.0)).save(tmp_path / "sky.png")
    recipe = load_recipe(_sky_recipe(tmp_path, "sky.png"))
    assert [p.name for p in recipe.generator.params.input_files(tmp_path)] == ["sky.png"]
    out = tmp_path / "out"
    synthlab.render(recipe, out, workers=1)
    record = json.loads((out / "samples.jsonl").read_text().splitlines()[0])
    found = json.dumps(record)
    assert '"panorama": true' in found
    estimate = estimate_environment(_panorama(35.0, 60.0)).describe()
    assert json.dumps(estimate["lights"][0]["elevation_deg"]) in found


@pytest.mark.parametrize("source", ["../sky.png", "/etc/sky.png", "sky.txt", "missing.png"])
def test_an_environment_path_outside_the_recipe_or_missing_is_refused(
    tmp_path: Path, source: str
) -> None:
    from synthlab.errors import RecipeError

    with pytest.raises(RecipeError, match=r"sky.yaml:11:.*environment"):  # file, line, field
        load_recipe(_sky_recipe(tmp_path, source))

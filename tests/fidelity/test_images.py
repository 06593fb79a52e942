"""Image fidelity on real photographs scikit-image bundles (astronaut, coffee, chelsea,
rocket, the left motorcycle of the stereo pair; no downloads): random crops of them make
two independent real samples, and pushing one away (darker, blurred, noisier, boxes scaled)
must move the matching metric in order. Boxes on the photos are drawn by the test (no
bundled photo has annotations); what is checked is that object statistics follow them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("skimage")

from PIL import Image, ImageDraw, ImageFilter

from synthlab.errors import RuntimeFailure, UsageError
from synthlab.fidelity.image_inputs import load_images
from synthlab.fidelity.images import FEATURE_NAMES, compare
from synthlab.fidelity.options import FidelityOptions
from synthlab.fidelity.twosample import two_sample_test

FAST = FidelityOptions(seed=2, folds=3, figures=False)
CROP = 64


def _photos() -> list[np.ndarray]:
    import skimage.data as data

    return [
        data.astronaut(),
        data.coffee(),
        data.chelsea(),
        data.rocket(),
        data.stereo_motorcycle()[0],
    ]


PHOTOS = _photos()


def crops(count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    found = []
    for i in range(count):
        photo = PHOTOS[i % len(PHOTOS)]
        y = int(rng.integers(0, photo.shape[0] - CROP))
        x = int(rng.integers(0, photo.shape[1] - CROP))
        found.append(photo[y : y + CROP, x : x + CROP])
    return found


def write(folder: Path, images: list[np.ndarray]) -> Path:
    folder.mkdir(parents=True)
    for i, image in enumerate(images):
        Image.fromarray(np.asarray(image, np.uint8)).save(folder / f"{i:04d}.png")
    return folder


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("real") / "photos", crops(90, seed=0))


@pytest.fixture(scope="module")
def held_out() -> list[np.ndarray]:
    return crops(90, seed=1)


def run(real: Path, synth: Path, options: FidelityOptions = FAST):
    return compare(real, synth, options, np.random.default_rng(0))


def metric(result, name: str, condition: str | None = None):
    return next(m for m in result.metrics if m.name == name and m.condition == condition)


def auc(result) -> float:
    return two_sample_test(
        result.feature_names, result.real_features, result.synth_features, folds=3, seed=0
    ).auc


def test_other_crops_of_the_same_photos_are_indistinguishable(real, held_out, tmp_path):
    result = run(real, write(tmp_path / "synth", held_out))
    assert abs(auc(result) - 0.5) < 0.12
    assert [m.name for m in result.metrics if m.far] == []
    assert result.real_features.shape == (90, len(FEATURE_NAMES))
    assert np.isfinite(result.real_features).all() and np.isfinite(result.synth_features).all()


def _flat_render(seed: int) -> np.ndarray:
    """What a naive renderer makes: flat colours, hard edges, no noise."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (CROP, CROP), tuple(int(v) for v in rng.integers(60, 200, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        x, y = (int(v) for v in rng.integers(0, CROP - 16, 2))
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        draw.rectangle((x, y, x + int(rng.integers(8, 30)), y + int(rng.integers(8, 30))), colour)
    return np.asarray(image)


def test_flat_renders_are_far_off_with_scene_advice(real, tmp_path):
    result = run(real, write(tmp_path / "flat", [_flat_render(i) for i in range(90)]))
    assert auc(result) > 0.95
    far = {m.name: m for m in result.metrics if m.far}
    assert {"noise.sigma", "spectrum.log_psd_distance", "edges.orientation_entropy"} <= set(far)
    assert "generator.params.effects.noise_std" in far["noise.sigma"].advice


def test_darker_images_move_luminance_monotonically_and_ask_for_exposure(real, held_out, tmp_path):
    distances, stops = [], []
    for scale in (1.0, 0.8, 0.6, 0.4):
        pushed = [np.clip(image * scale, 0, 255) for image in held_out]
        result = run(real, write(tmp_path / f"dark{scale}", pushed))
        distances.append(metric(result, "luminance.histogram_wasserstein").value)
        stops.append(metric(result, "luminance.mean").advice)
    assert distances == sorted(distances) and distances[-1] > 40, distances
    assert stops[0] is None
    assert "generator.params.effects.exposure by about +1.3 stops" in stops[-1]


def test_blur_moves_the_spectrum_monotonically(real, held_out, tmp_path):
    spectrum, sharpness = [], []
    for radius in (0.0, 0.5, 1.0, 2.0):
        pushed = [
            np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius)))
            for image in held_out
        ]
        result = run(real, write(tmp_path / f"blur{radius}", pushed))
        spectrum.append(metric(result, "spectrum.log_psd_distance").value)
        sharpness.append(metric(result, "sharpness.laplacian").synth)
    assert spectrum == sorted(spectrum) and spectrum[-1] > 1.0, spectrum
    assert sharpness == sorted(sharpness, reverse=True), sharpness
    assert "blur_sigma" in metric(result, "spectrum.log_psd_distance").advice


def test_added_noise_is_measured_in_recipe_units(real, held_out, tmp_path):
    rng = np.random.default_rng(4)
    sigmas = []
    for std in (0.0, 4.0, 8.0, 16.0):
        pushed = [np.clip(i + rng.normal(0, std, i.shape), 0, 255) for i in held_out]
        result = run(real, write(tmp_path / f"noise{std}", pushed))
        sigmas.append(metric(result, "noise.sigma").synth)
    assert sigmas == sorted(sigmas), sigmas
    # the estimate tracks the noise_std that was added (per channel, 0..255 units)
    assert 12 < sigmas[-1] < 20, sigmas
    assert "synthetic images are noisier" in metric(result, "noise.sigma").advice


def test_deterministic_for_a_seed(real, held_out, tmp_path):
    synth = write(tmp_path / "synth", held_out)
    options = FidelityOptions(seed=2, folds=3, max_items=40, figures=True, examples=2)

    def once(seed: int):
        return compare(real, synth, options, np.random.default_rng(seed))

    first, again, other = once(7), once(7), once(8)
    assert first.metrics == again.metrics
    assert np.array_equal(first.real_features, again.real_features)
    assert [f.png for f in first.figures] == [f.png for f in again.figures]
    assert not np.array_equal(first.real_features, other.real_features)
    assert first.real_features.shape[0] == 40 and "40 of 90 images" in first.notes[0]
    titles = [f.title for f in first.figures]
    assert "Radially averaged power spectrum" in titles and "Examples" in titles


# ---------------------------------------------------------------- objects from COCO files


def _coco(folder: Path, boxes_per_image: list[list[tuple[str, float, float, float, float]]]):
    names = sorted({box[0] for boxes in boxes_per_image for box in boxes})
    images = sorted(folder.glob("*.png"))
    annotations = []
    for image_id, boxes in enumerate(boxes_per_image, start=1):
        for category, x, y, w, h in boxes:
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": image_id,
                    "category_id": names.index(category) + 1,
                    "bbox": [x, y, w, h],
                    "area": w * h,
                    "iscrowd": 0,
                }
            )
    document = {
        "images": [
            {"id": i + 1, "file_name": p.name, "width": CROP, "height": CROP}
            for i, p in enumerate(images)
        ],
        "annotations": annotations,
        "categories": [{"id": i + 1, "name": n} for i, n in enumerate(names)],
    }
    (folder / "instances.json").write_text(json.dumps(document), encoding="utf-8")


def _boxes(
    count: int, seed: int, scale: float
) -> list[list[tuple[str, float, float, float, float]]]:
    rng = np.random.default_rng(seed)
    found = []
    for _ in range(count):
        boxes = []
        for _ in range(int(rng.integers(1, 4))):
            side = float(rng.uniform(8, 20)) * scale
            x, y = (float(v) for v in rng.uniform(0, CROP - side, 2))
            boxes.append((str(rng.choice(["cup", "cat"])), x, y, side, side * 0.8))
        found.append(boxes)
    return found


def test_object_sizes_follow_the_boxes(real, held_out, tmp_path):
    real_folder = write(tmp_path / "real", crops(60, seed=0))
    _coco(real_folder, _boxes(60, seed=0, scale=1.0))
    sizes = []
    for scale in (1.0, 1.5, 2.0, 3.0):
        folder = write(tmp_path / f"synth{scale}", held_out[:60])
        _coco(folder, _boxes(60, seed=1, scale=scale))
        result = run(real_folder, folder)
        sizes.append(metric(result, "objects.size").value)
        assert metric(result, "objects.size", "cat").real is not None
    assert sizes == sorted(sizes) and sizes[-1] > 0.8, sizes
    advice = metric(result, "objects.size").advice
    assert "larger" in advice and "generator.params.camera.distance" in advice
    assert not metric(result, "objects.count").far


def test_readers_report_bad_input_clearly(tmp_path):
    folder = write(tmp_path / "imgs", crops(2, seed=0))
    (folder / "instances.json").write_text('{"images": [], "annotations": [,]}', encoding="utf-8")
    with pytest.raises(UsageError, match=r"instances\.json:1:32: not JSON"):
        load_images(folder, 10, np.random.default_rng(0))
    (folder / "instances.json").unlink()
    (folder / "broken.png").write_bytes(b"not a png")
    with pytest.raises(RuntimeFailure, match=r"broken\.png: cannot decode the image"):
        run(folder, folder)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="holds no images"):
        load_images(tmp_path / "empty", 10, np.random.default_rng(0))


# ---------------------------------------------------------------- a rendered scene dataset

TINY_SCENE = """
version: 1
name: tiny-fidelity
seed: 3
count: 4
generator:
  kind: scene
  params:
    classes:
      crate: {asset: crate, count: {int: [1, 3]}, material: {texture: wood, color: wood}}
    surface: {spread: 2.5}
    camera: {resolution: [64, 48], distance: {uniform: [5, 7]}, azimuth: {uniform: [0, 360]}}
    effects: {noise_std: 1}
output:
  formats: [image, coco]
"""


@pytest.mark.slow
def test_against_a_rendered_scene_dataset(real, tmp_path):
    pytest.importorskip("pyrender")
    import synthlab

    recipe_path = tmp_path / "tiny.yaml"
    recipe_path.write_text(TINY_SCENE, encoding="utf-8")
    synthlab.render(synthlab.load_recipe(recipe_path), tmp_path / "scene", workers=1)
    result = compare(
        real, tmp_path / "scene", FidelityOptions(seed=1, folds=3), np.random.default_rng(0)
    )
    assert result.modality == "image"
    assert result.synth_features.shape == (4, len(FEATURE_NAMES))
    assert "synthlab image dataset" in result.notes[0]
    assert any("64x48" in note and "camera.resolution" in note for note in result.notes)
    assert all("generator.params" in m.advice for m in result.metrics if m.far and m.advice)
    # the rendered side's boxes are read back from its label files
    synth = load_images(tmp_path / "scene", 10, np.random.default_rng(0))
    assert synth.boxes is not None and sum(len(b) for _, _, b in synth.boxes) >= 4

"""Objects pasted into real photographs (scikit-image's bundled ones, written by the test to
a folder at 128x96 with a COCO file of the test's own): exact masks, the photos'
annotations occluded exactly, the photo's pixels kept, determinism, clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

import synthlab
from synthlab.errors import SynthlabError
from synthlab.exporters.image.reader import READER
from synthlab.generators.scene.appearance import composite, estimate_noise
from synthlab.generators.scene.paste import real_object_labels
from synthlab.generators.scene.photos import RealAnnotation
from synthlab.readers import DatasetView

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ("chelsea", "coffee", "rocket")
WIDTH, HEIGHT = 128, 96
HORIZON = 0.3
REGION_TOP = 0.5
PIXEL_HEIGHT = (30.0, 60.0)

# the cat's points: eyes (the right one marked hidden), a tail not marked, and a grid of
# marked points over the ground where objects are pasted, so some get covered
GRID = [(10.5 + 20 * i, 52.5 + 12 * j) for j in range(3) for i in range(6)]
KEYPOINT_NAMES = ["left_eye", "right_eye", "tail"] + [f"spot{k}" for k in range(len(GRID))]
KEYPOINTS = [30, 30, 2, 70, 28, 1, 0, 0, 0] + [c for x, y in GRID for c in (x, y, 2)]
# our own annotations of the downscaled photos (x, y pairs in 128x96 pixels)
ANNOTATIONS = [
    {"id": 11, "image_id": 1, "category_id": 1, "bbox": [15, 8, 95, 87],
     "segmentation": [[20, 8, 100, 8, 110, 50, 95, 95, 30, 95, 15, 50]],
     "keypoints": KEYPOINTS, "num_keypoints": 2 + len(GRID)},
    {"id": 21, "image_id": 2, "category_id": 2, "bbox": [40, 5, 60, 70],
     "segmentation": [[40, 5, 95, 5, 100, 60, 70, 75, 40, 60]]},
    # box only, overlapping the cup: it stands behind every segmented annotation
    {"id": 22, "image_id": 2, "category_id": 3, "bbox": [85.0, 15.5, 20.0, 60.0],
     "segmentation": []},
    {"id": 31, "image_id": 3, "category_id": 4, "bbox": [60, 30, 8, 60],
     "segmentation": [[60, 30, 68, 30, 68, 90, 60, 90]]},
    # an RLE (pycocotools' compressed string) of a 4x4 square; filled in by write_photos
    {"id": 32, "image_id": 3, "category_id": 4, "bbox": [10, 85, 4, 4], "segmentation": "rle"},
]  # fmt: skip


def square_rle() -> dict:
    square = np.zeros((HEIGHT, WIDTH), np.uint8, order="F")
    square[85:89, 10:14] = 1
    rle = mask_utils.encode(square)
    return {"size": rle["size"], "counts": rle["counts"].decode("ascii")}


RECIPE = """
version: 1
name: paste-test
seed: {seed}
count: 6
generator:
  kind: scene
  params:
    classes:
      crate: {{asset: crate, count: {{int: [2, 3]}}}}
      cone: {{asset: traffic_cone, count: {{int: [0, 1]}}}}
    camera: {{resolution: [{width}, {height}]}}
    background:
      folder: photos
      annotations: photos/coco.json
      paste:
        ground: {{horizon: {horizon}, region: [[0, {top}], [1, {top}], [1, 1], [0, 1]]}}
        pixel_height: [{low}, {high}]
quotas:
  cone: 2
output:
  formats: [image, coco]
"""


def write_photos(folder: Path, annotations: list[dict] | None = None) -> dict[str, np.ndarray]:
    """The photos at 128x96 as PNG, and a COCO file about them; their pixels by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    pixels = {}
    for name in PHOTOS:
        image = Image.fromarray(getattr(skimage.data, name)())
        image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
        image.save(folder / f"{name}.png")
        pixels[f"{name}.png"] = np.asarray(image)
    coco = {
        "images": [
            {"id": i + 1, "file_name": f"{name}.png", "width": WIDTH, "height": HEIGHT}
            for i, name in enumerate(PHOTOS)
        ],
        "categories": [
            {"id": 1, "name": "cat", "keypoints": KEYPOINT_NAMES, "skeleton": [[1, 2]]},
            {"id": 2, "name": "cup"},
            {"id": 3, "name": "spoon"},
            {"id": 4, "name": "rocket"},
        ],
        "annotations": [
            {**a, "area": 1.0, "iscrowd": 0}
            | ({"segmentation": square_rle()} if a["segmentation"] == "rle" else {})
            for a in (ANNOTATIONS if annotations is None else annotations)
        ],
    }
    (folder / "coco.json").write_text(json.dumps(coco, indent=1), encoding="utf-8")
    return pixels


def write_recipe(folder: Path, seed: int = 1) -> Path:
    path = folder / f"paste-{seed}.yaml"
    text = RECIPE.format(
        seed=seed,
        width=WIDTH,
        height=HEIGHT,
        horizon=HORIZON,
        top=REGION_TOP,
        low=PIXEL_HEIGHT[0],
        high=PIXEL_HEIGHT[1],
    )
    path.write_text(text, encoding="utf-8")
    return path


def box_pixels(x: float, y: float, w: float, h: float) -> np.ndarray:
    """The documented box-only rule: pixels whose centres lie inside the box."""
    rows, cols = np.arange(HEIGHT) + 0.5, np.arange(WIDTH) + 0.5
    return ((rows >= y) & (rows < y + h))[:, None] & ((cols >= x) & (cols < x + w))[None, :]


def original_masks(coco_path: Path) -> dict[int, np.ndarray]:
    """Each input annotation's pixels, by pycocotools (box-only: the box rule), with the
    documented overlap rule applied (a box-only annotation stands behind segmented ones)."""
    coco = COCO(str(coco_path))
    masks = {}
    for ann in coco.dataset["annotations"]:
        if ann["segmentation"]:
            masks[ann["id"]] = coco.annToMask(ann).astype(bool)
        else:
            masks[ann["id"]] = box_pixels(*ann["bbox"])
    for ann in coco.dataset["annotations"]:
        if not ann["segmentation"]:
            for other in coco.dataset["annotations"]:
                same = other["image_id"] == ann["image_id"]
                if same and other["segmentation"]:
                    masks[ann["id"]] &= ~masks[other["id"]]
    return masks


def render(recipe: Path, out: Path, workers: int = 1) -> Path:
    result = synthlab.render(synthlab.load_recipe(recipe), out, workers=workers)
    assert result.manifest["conditions"]["cone"] == 2  # the quota holds in pasted images too
    return out


@pytest.fixture(scope="module")
def pasted(tmp_path_factory):
    root = tmp_path_factory.mktemp("paste")
    photos = write_photos(root / "photos")
    recipe = write_recipe(root)
    return root, photos, recipe, render(recipe, root / "out")


def sample_files(out: Path, index: int) -> tuple[np.ndarray, np.ndarray, dict]:
    image = np.asarray(Image.open(out / "images" / f"{index:06d}.png").convert("RGB"))
    instance = np.asarray(Image.open(out / "masks" / "instance" / f"{index:06d}.png"))
    labels = json.loads((out / "annotations" / f"{index:06d}.json").read_text())
    return image, instance, labels


def pasted_mask(instance: np.ndarray, labels: dict) -> np.ndarray:
    ids = [o["instance_id"] for o in labels["objects"] if o["attributes"]["source"] == "pasted"]
    return np.isin(instance, ids)


@pytest.mark.scene
def test_only_the_pasted_objects_pixels_change(pasted):
    _, photos, _, out = pasted
    for index in range(6):
        image, instance, labels = sample_files(out, index)
        photo = photos[f"{PHOTOS[index % 3]}.png"]
        mask = pasted_mask(instance, labels)
        assert mask.any(), f"sample {index}: nothing was pasted"
        changed = (image != photo).any(axis=-1)
        assert not (changed & ~mask).any(), f"sample {index}: a pixel outside the masks changed"
        assert np.array_equal(image[~mask], photo[~mask])
        # the mask is what the paste changed (a few pixels may land on the photo's value)
        assert changed.sum() >= 0.9 * mask.sum(), (index, int(changed.sum()), int(mask.sum()))


@pytest.mark.scene
def test_the_photos_annotations_are_occluded_exactly(pasted, mask_box):
    root, _, _, out = pasted
    before = original_masks(root / "photos" / "coco.json")
    exported = COCO(str(out / "coco.json"))  # loads in pycocotools
    names = [c["name"] for c in exported.dataset["categories"]]
    assert names == ["crate", "cone", "cat", "cup", "spoon", "rocket"]
    partly = fully = hidden = 0
    cat = exported.loadCats(exported.getCatIds(catNms=["cat"]))[0]
    assert cat["keypoints"] == KEYPOINT_NAMES and cat["skeleton"] == [[1, 2]]
    for index in range(6):
        _, instance, labels = sample_files(out, index)
        mask = pasted_mask(instance, labels)
        real = {
            o["attributes"]["coco_id"]: o
            for o in labels["objects"]
            if o["attributes"]["source"] == "photo"
        }
        image_id = index % 3 + 1
        wanted = [a["id"] for a in ANNOTATIONS if a["image_id"] == image_id]
        assert sorted(real) == sorted(wanted)  # nothing dropped, fully covered or not
        by_instance = {
            a["synthlab_instance_id"]: a
            for a in exported.dataset["annotations"]
            if a["image_id"] == index + 1
        }
        for coco_id, label in real.items():
            old = before[coco_id]
            new = old & ~mask
            attrs = label["attributes"]
            assert attrs["pixels_before_paste"] == int(old.sum())
            assert attrs["visible_pixels"] == int(new.sum())
            assert label["visible_fraction"] == pytest.approx(new.sum() / old.sum(), abs=1e-6)
            assert np.array_equal(instance == label["instance_id"], new)
            if not new.any():
                fully += 1
                assert label["bbox"] is None and attrs["fully_occluded"] is True
                assert label["instance_id"] not in by_instance
                continue
            partly += 0 < new.sum() < old.sum()
            assert attrs["fully_occluded"] is False
            assert label["bbox"] == list(mask_box(new))
            entry = by_instance[label["instance_id"]]
            assert np.array_equal(exported.annToMask(entry).astype(bool), new)
            assert entry["area"] == float(new.sum())
            assert entry["bbox"] == list(mask_box(new))
            assert names[entry["category_id"] - 1] == label["category"]
            if label["category"] == "cat":  # a visible point a paste covers becomes hidden
                wanted_points = []
                for k, name in enumerate(KEYPOINT_NAMES):
                    x, y, v = KEYPOINTS[3 * k : 3 * k + 3]
                    if v == 2 and mask[int(y), int(x)]:
                        v = 1
                        hidden += 1
                    wanted_points.append([name, x, y, v] if v else [name, 0.0, 0.0, 0])
                assert label["keypoints"] == wanted_points
                flat = [c for _, x, y, v in wanted_points for c in ((x, y, v) if v else (0, 0, 0))]
                assert entry["keypoints"] == flat
        for label in labels["objects"]:  # the pasted objects' COCO masks are their id maps
            if label["attributes"]["source"] == "pasted":
                entry = by_instance[label["instance_id"]]
                own = instance == label["instance_id"]
                assert np.array_equal(exported.annToMask(entry).astype(bool), own)
                assert entry["area"] == float(own.sum()) and entry["bbox"] == list(mask_box(own))
    assert partly > 0, "no annotation was partly covered: the check above proved nothing"
    assert hidden > 0, "no keypoint was covered: the keypoint check proved only the copy"
    assert fully + partly > 0


@pytest.mark.scene
def test_the_dataset_passes_the_label_checks_and_placement_rules(pasted):
    _, _, _, out = pasted
    view = DatasetView.open(out)
    for index in range(6):
        sample = view.load_sample(index)
        assert READER.check_sample(sample) == []
        objects = sample.metadata["scene"]["objects"]
        assert objects
        for drawn in objects:
            _, v = drawn["contact_pixel"]
            assert v >= REGION_TOP * HEIGHT  # inside the ground region, below the horizon
            assert PIXEL_HEIGHT[0] * 0.95 <= drawn["pixel_height"] <= PIXEL_HEIGHT[1] * 1.05


@pytest.mark.scene
@pytest.mark.slow
def test_equal_seeds_are_byte_identical_with_any_workers_and_seeds_differ(pasted, tmp_path):
    root, _, recipe, out = pasted
    again = render(recipe, tmp_path / "j2", workers=2)
    other = render(write_recipe(root, seed=2), tmp_path / "s2")
    for index in range(6):
        for part in ("images", "masks/instance", "masks/semantic"):
            name = f"{part}/{index:06d}.png"
            assert (out / name).read_bytes() == (again / name).read_bytes(), name
    assert (out / "coco.json").read_bytes() == (again / "coco.json").read_bytes()
    differs = [
        (out / f"images/{i:06d}.png").read_bytes() != (other / f"images/{i:06d}.png").read_bytes()
        for i in range(6)
    ]
    assert all(differs)


def _annotation(coco_id: int, mask: np.ndarray, kind: str = "polygon") -> RealAnnotation:
    return RealAnnotation(coco_id, "thing", kind, mask, (0.0, 0.0, 4.0, 4.0), 0)


def test_a_fully_covered_annotation_is_kept_and_reported():
    small = np.zeros((8, 8), bool)
    small[2:4, 2:4] = True
    big = np.zeros((8, 8), bool)
    big[1:7, 1:7] = True
    pasted = np.zeros((8, 8), bool)
    pasted[0:5, 0:5] = True  # hides `small` wholly and `big` in part
    instance = np.where(pasted, 1, 0).astype(np.uint16)
    labels, merged = real_object_labels(
        (_annotation(7, small), _annotation(8, big)), 2, instance, pasted
    )
    hidden, partial = labels
    assert hidden.bbox is None and hidden.visible_fraction == 0.0
    assert hidden.attributes["fully_occluded"] and hidden.attributes["coco_id"] == 7
    assert not (merged == 2).any()
    # `small` stood in front of `big`, so `big` held 36 - 4 pixels before the paste
    assert partial.attributes["pixels_before_paste"] == 32
    assert partial.attributes["visible_pixels"] == int((big & ~pasted).sum())
    assert partial.bbox == (1.0, 1.0, 6.0, 6.0)
    assert np.array_equal(merged == 3, big & ~pasted)
    assert np.array_equal(merged == 1, pasted)


def test_noise_level_is_estimated_from_the_photo():
    rng = np.random.default_rng(0)
    flat = np.full((96, 128, 3), 120.0)
    for sigma in (2.0, 6.0):
        noisy = np.clip(np.rint(flat + rng.normal(0, sigma, flat.shape)), 0, 255).astype(np.uint8)
        assert estimate_noise(noisy) == pytest.approx([sigma] * 3, rel=0.15)
    photo = np.asarray(Image.fromarray(skimage.data.chelsea()).resize((128, 96)))
    assert (estimate_noise(photo) < 6).all()


def _layer() -> tuple[np.ndarray, np.ndarray]:
    rgba = np.zeros((96, 128, 4), np.uint8)
    rgba[30:70, 40:90] = (200, 40, 40, 255)
    rgba[40:60, 55:75, :3] = (250, 250, 250)
    return rgba, rgba[..., 3] > 0


def test_blur_and_colour_follow_the_photo_and_stay_inside_the_mask():
    from scipy import ndimage

    sharp = np.asarray(Image.fromarray(skimage.data.coffee()).resize((128, 96)))
    soft = np.stack([ndimage.gaussian_filter(sharp[..., c], 2.5) for c in range(3)], -1)
    rgba, mask = _layer()
    results = {}
    for name, photo in (("sharp", sharp), ("soft", soft)):
        out, drawn = composite(photo, rgba, mask, np.random.default_rng(1), 0.0, True, False)
        assert np.array_equal(out[~mask], photo[~mask])
        results[name] = drawn["blur_sigma"]
    assert results["soft"] > results["sharp"]
    kept, _ = composite(sharp, rgba, mask, np.random.default_rng(1), 0.0, False, False)
    matched, _ = composite(sharp, rgba, mask, np.random.default_rng(1), 1.0, False, False)
    ring = ndimage.binary_dilation(mask, iterations=20) & ~mask
    target = sharp[ring].mean(axis=0)
    inner = ndimage.binary_erosion(mask, iterations=2)
    assert (
        np.abs(matched[inner].mean(axis=0) - target).max()
        < np.abs(kept[inner].mean(axis=0) - target).max()
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: _edit(f, lambda c: c["images"][0].update(file_name="tabby.png")),
            r"coco\.json'.*images\[0\] \(id 1\).*'tabby\.png' matches no photo",
        ),
        (
            lambda f: _edit(f, lambda c: c["annotations"][0].update(image_id=99)),
            r"annotations\[0\] \(id 11\).*image_id 99, which no entry under images has",
        ),
        (
            lambda f: _edit(
                f, lambda c: c["annotations"][1].update(segmentation=[[1, 2, 3, 4, 5]])
            ),
            r"annotations\[1\] \(id 21\).*bad segmentation",
        ),
        (
            lambda f: _edit(
                f,
                lambda c: c["annotations"][1].update(segmentation={"size": [9, 9], "counts": ""}),
            ),
            r"annotations\[1\] \(id 21\).*RLE size \[9, 9\]",
        ),
        (
            lambda f: _edit(f, lambda c: c["annotations"][1].update(keypoints=[1, 2, 2])),
            r"annotations\[1\] \(id 21\): has keypoints but its category names none",
        ),
        (
            lambda f: _edit(f, lambda c: c["annotations"][0].update(keypoints=[1, 2, 2])),
            r"annotations\[0\] \(id 11\): keypoints must be 63 finite numbers",
        ),
        (
            lambda f: _edit(f, lambda c: c["images"][2].update(width=100)),
            r"images\[2\] \(id 3\): says 100x96 but 'rocket\.png' is 128x96",
        ),
        (
            lambda f: _edit(f, lambda c: c["images"].pop()),
            r"has no entry for photo\(s\) rocket\.png",
        ),
        (
            lambda f: (f / "coco.json").write_text('{"images": [\n  {"id": 1,,}\n]}'),
            r"coco\.json':2:\d+: not valid JSON",
        ),
        (
            lambda f: (f / "coffee.png").write_text("not a picture"),
            r"coffee\.png.*not an image",
        ),
    ],
)
def test_bad_photos_and_coco_files_fail_at_load_naming_file_and_entry(tmp_path, change, message):
    write_photos(tmp_path / "photos")
    change(tmp_path / "photos")
    with pytest.raises(SynthlabError, match=message):
        synthlab.load_recipe(write_recipe(tmp_path))


def _edit(folder: Path, edit) -> None:
    coco = json.loads((folder / "coco.json").read_text())
    edit(coco)
    (folder / "coco.json").write_text(json.dumps(coco, indent=1))


def test_paste_settings_are_checked_when_the_recipe_loads():
    from synthlab.generators.scene.params import SceneParams

    base = {"classes": {"a": {"primitive": "box"}}}
    with pytest.raises(ValueError, match=r"holds no photo 'cofee'.*did you mean"):
        SceneParams.model_validate(
            {**base, "background": {"bundled": "skimage", "images": ["cofee"]}}
        )
    with pytest.raises(ValueError, match="cannot be used when pasting"):
        SceneParams.model_validate(
            {**base, "background": {"bundled": "skimage"}, "effects": {"noise_std": 2}}
        )
    with pytest.raises(ValueError, match="pixel_height"):
        SceneParams.model_validate(
            {**base, "background": {"bundled": "skimage", "paste": {"pixel_height": [9, 3]}}}
        )
    with pytest.raises(ValueError, match="annotations describe photos"):
        SceneParams.model_validate({**base, "background": {"annotations": "a.json"}})


@pytest.mark.scene
def test_example_recipe_renders_with_bundled_photos(tmp_path):
    recipe = synthlab.load_recipe(
        ROOT / "recipes" / "real-photos-paste.yaml",
        sets=["count=2", "generator.params.camera.resolution=[96,72]"],
    )
    result = synthlab.render(recipe, tmp_path / "out", workers=1)
    assert result.made == 2
    assert [entry["path"] for entry in result.manifest["inputs"]] == ["real-photos/coco.json"]
    view = DatasetView.open(tmp_path / "out")
    for index in range(2):
        sample = view.load_sample(index)
        assert READER.check_sample(sample) == []
        sources = {o.attributes["source"] for o in sample.objects}
        assert sources == {"pasted", "photo"}


@pytest.mark.scene
def test_with_nothing_pasted_the_photo_and_its_annotations_are_unchanged(tmp_path):
    photos = write_photos(tmp_path / "photos")
    text = (
        write_recipe(tmp_path).read_text().replace("[2, 3]", "[0, 0]").replace("[0, 1]", "[0, 0]")
    )
    text = text.replace("count: 6", "count: 3").replace("quotas:\n  cone: 2\n", "")
    (tmp_path / "none.yaml").write_text(text)
    synthlab.render(synthlab.load_recipe(tmp_path / "none.yaml"), tmp_path / "out", workers=1)
    before = original_masks(tmp_path / "photos" / "coco.json")
    for index in range(3):
        image, instance, labels = sample_files(tmp_path / "out", index)
        assert np.array_equal(image, photos[f"{PHOTOS[index]}.png"])
        for label in labels["objects"]:
            assert label["attributes"]["source"] == "photo"
            mask = before[label["attributes"]["coco_id"]]
            assert np.array_equal(instance == label["instance_id"], mask)
            assert label["visible_fraction"] == 1.0


@pytest.mark.scene
def test_verify_regenerates_samples_alone_and_sees_a_changed_coco_file(pasted, tmp_path):
    from click.testing import CliRunner

    from synthlab.cli import main

    root, _, recipe, out = pasted
    same = CliRunner().invoke(main, ["verify", str(out), "--regenerate", "2"])
    assert same.exit_code == 0, same.output
    assert "4 input file(s)" in same.output and "all input files match" in same.output
    moved = tmp_path / "moved"
    shutil.copytree(root / "photos", moved / "photos")
    shutil.copy(recipe, moved / recipe.name)
    _edit(moved / "photos", lambda c: c["annotations"][0]["bbox"].__setitem__(0, 16))
    changed = CliRunner().invoke(main, ["verify", str(out), "--recipe-dir", str(moved)])
    assert changed.exit_code == 1, changed.output
    assert "input changed: photos/coco.json" in changed.output


def test_random_photo_picks_are_seeded_and_per_photo_keys_must_name_photos(tmp_path):
    from synthlab.generators.scene.paste import PhotoPaster

    write_photos(tmp_path / "photos")
    recipe = write_recipe(tmp_path)
    text = recipe.read_text().replace("pixel_height:", "pick: random\n        pixel_height:")
    recipe.write_text(text)
    params = synthlab.load_recipe(recipe).generator.params

    def picks(seed: int) -> list[str]:
        paster = PhotoPaster(params, {}, tmp_path, None, seed)
        return [paster._photo(index).name for index in range(12)]

    assert picks(1) == picks(1)
    assert picks(1) != picks(2)
    assert set(picks(1)) == {f"{name}.png" for name in PHOTOS}
    recipe.write_text(text.replace("pick: random", "per_photo: {tabby: {pixel_height: [9, 20]}}"))
    with pytest.raises(
        SynthlabError, match=r"per_photo names 'tabby', which is none of the photos"
    ):
        synthlab.load_recipe(recipe)


@pytest.mark.scene
def test_contact_shadows_only_darken_the_photos_ground(tmp_path):
    photos = write_photos(tmp_path / "photos")
    text = write_recipe(tmp_path).read_text().replace("count: 6", "count: 3")
    text = text.replace("quotas:\n  cone: 2\n", "").replace(
        "pixel_height:", "match: {shadow: 0.8}\n        pixel_height:"
    )
    (tmp_path / "shadow.yaml").write_text(text)
    out = tmp_path / "out"
    synthlab.render(synthlab.load_recipe(tmp_path / "shadow.yaml"), out, workers=1)
    view = DatasetView.open(out)
    shaded = 0
    for index in range(3):
        image, instance, labels = sample_files(out, index)
        photo = photos[f"{PHOTOS[index]}.png"]
        outside = ~pasted_mask(instance, labels)
        changed = (image != photo).any(axis=-1) & outside
        assert (image[changed] <= photo[changed]).all()  # darker, never brighter
        rows = np.flatnonzero(changed.any(axis=1))
        assert rows.size == 0 or rows[0] >= HORIZON * HEIGHT  # on the ground only
        metadata = view.load_sample(index).metadata
        assert metadata["shadow_pixels"] == int(changed.sum())
        shaded += int(changed.sum())
    assert shaded > 0, "no shadow fell on the photo: the checks above proved nothing"


@pytest.mark.scene
def test_ambient_occlusion_darkens_the_photos_ground_round_pasted_objects(tmp_path):
    # contact shadows on in both runs: what differs is the ambient light the objects take
    # from the ground round their feet, which only ambient_occlusion counts
    write_photos(tmp_path / "photos")
    text = write_recipe(tmp_path).read_text().replace("count: 6", "count: 3")
    text = text.replace("quotas:\n  cone: 2\n", "").replace(
        "pixel_height:", "match: {shadow: 0.8}\n        pixel_height:"
    )
    images, masks = {}, {}
    for switch in ("true", "false"):
        recipe = tmp_path / f"occlusion-{switch}.yaml"
        recipe.write_text(
            text.replace("  params:\n", f"  params:\n    ambient_occlusion: {switch}\n", 1)
        )
        assert synthlab.load_recipe(recipe).generator.params.ambient_occlusion is (switch == "true")
        out = tmp_path / f"out-{switch}"
        synthlab.render(synthlab.load_recipe(recipe), out, workers=1)
        samples = [sample_files(out, index) for index in range(3)]
        images[switch] = [image for image, _, _ in samples]
        masks[switch] = [
            (instance, pasted_mask(instance, labels)) for _, instance, labels in samples
        ]
    darker = 0
    for on, off, (instance, pasted), (instance_off, _) in zip(
        images["true"], images["false"], masks["true"], masks["false"], strict=True
    ):
        assert np.array_equal(instance, instance_off)  # labels never move
        ground = ~pasted
        assert (on[ground] <= off[ground]).all()  # the photo only ever darkens
        darker += int(((on != off).any(axis=-1) & ground).sum())
    assert darker > 0, "no pixel of the photo darkened: the check above proved nothing"


def test_photo_keypoints_of_a_recipe_class_are_carried_only_under_the_same_names(tmp_path):
    from synthlab.generators.base import label_set_of
    from synthlab.generators.scene.declared_labels import ASSET_KEYPOINTS
    from synthlab.generators.scene.paste import PhotoPaster

    coco_names = list(ASSET_KEYPOINTS["human"])  # COCO's 17 person keypoints
    annotations = [
        {**a, "category_id": 5, "keypoints": [0] * 51} if a["id"] == 31 else a for a in ANNOTATIONS
    ]
    write_photos(tmp_path / "photos", annotations)
    _edit(
        tmp_path / "photos",
        lambda c: c["categories"].extend(
            [
                {"id": 5, "name": "person", "keypoints": coco_names},
                {"id": 6, "name": "crate", "keypoints": ["a", "b"]},
            ]
        ),
    )
    recipe = write_recipe(tmp_path)
    text = recipe.read_text().replace("cone: {asset: traffic_cone", "person: {asset: human")
    recipe.write_text(text.replace("cone: 2", "person: 2"))
    loaded = synthlab.load_recipe(recipe)
    labels = label_set_of(loaded)
    assert labels.categories == ("crate", "person", "cat", "cup", "spoon", "rocket")
    assert labels.keypoint_schema("person").names == tuple(coco_names)
    assert labels.keypoint_schema("crate").names == ASSET_KEYPOINTS["crate"]
    paster = PhotoPaster(loaded.generator.params, {}, tmp_path, None, 1)
    assert set(paster.keypoint_names) == {"person", "cat"}  # crate's names differ: left out

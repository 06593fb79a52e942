"""The articulated human: kinematics against the published proportions, COCO-17 keypoints
against an independent projection of the recorded pose, and the quota conditions
`occluded_by:` and `pose:` checked from what was exported (id masks, labels)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import synthlab
from synthlab.errors import SynthlabError
from synthlab.generators.base import GeneratorContext, SamplePlan
from synthlab.generators.scene import SPEC
from synthlab.generators.scene.human import (
    COCO_KEYPOINTS,
    LIMITS,
    POSES,
    Body,
    Posture,
    draw_posture,
    pose_body,
)
from synthlab.generators.scene.human_params import POSE_NAMES
from synthlab.recipe import load_recipe
from synthlab.seeding import sample_rng

pytestmark = pytest.mark.scene

BODY = Body(1.70, 1.0, (200, 150, 120), (40, 40, 60), (30, 30, 30), False)


def test_pose_names_are_the_schemas_and_keypoints_are_cocos_in_order():
    assert POSE_NAMES == POSES
    shape, _ = pose_body(BODY, draw_posture("standing", np.random.default_rng(0)))
    assert tuple(k.name for k in shape.keypoints) == COCO_KEYPOINTS
    assert len(COCO_KEYPOINTS) == 17


@pytest.mark.parametrize("pose", POSES)
def test_limbs_keep_their_published_lengths_in_every_pose(pose):
    """Drillis & Contini's segment lengths (fractions of stature) hold however the joints
    are bent: the kinematics move segments rigidly. The body rests on z = 0."""
    posture = draw_posture(pose, np.random.default_rng(3), variation=1.5)
    shape, joints = pose_body(BODY, posture)
    H = BODY.stature
    for side in ("left", "right"):
        for a, b, share in (
            ("shoulder", "elbow", 0.186),
            ("elbow", "wrist", 0.146),
            ("hip", "knee", 0.245),
            ("knee", "ankle", 0.246),
        ):
            length = np.linalg.norm(joints[f"{side}_{a}"] - joints[f"{side}_{b}"])
            assert length == pytest.approx(share * H, abs=1e-9)
    assert shape.local_bounds[0][2] == pytest.approx(0.0, abs=1e-12)
    # the keypoints are the joints, in the shape's frame
    for point in shape.keypoints:
        assert np.allclose(point.position, joints[point.name])
    for name, value in posture.angles.items():
        joint = name.split("_", 1)[1] if name.startswith(("left_", "right_")) else name
        low, high = LIMITS[joint]
        assert low <= value <= high


def test_poses_differ_and_are_deterministic():
    heights = {}
    for pose in POSES:
        first = pose_body(BODY, draw_posture(pose, np.random.default_rng(9)))[0]
        again = pose_body(BODY, draw_posture(pose, np.random.default_rng(9)))[0]
        other = pose_body(BODY, draw_posture(pose, np.random.default_rng(10)))[0]
        assert first.keypoints == again.keypoints
        assert first.keypoints != other.keypoints  # the random variation
        heights[pose] = float(first.local_bounds[1][2])
    assert heights["standing"] > 1.6 and heights["reaching"] > heights["standing"]
    assert heights["crouching"] < 1.3 and heights["sitting"] < 1.1
    assert heights["lying"] < 0.5


def test_walking_legs_alternate_with_the_gait_phase():
    """At heel strike of the left foot (phase 0) the left ankle is ahead (-y is forward);
    half a cycle later the right one is."""
    from synthlab.generators.scene.human import _gait

    ahead = []
    for phase in (0.0, 0.5):
        _, joints = pose_body(BODY, Posture("walking", _gait(phase, False), phase=phase))
        ahead.append(joints["left_ankle"][1] < joints["right_ankle"][1])
    assert ahead == [True, False]


RECIPE = """
version: 1
name: people
seed: {seed}
count: {count}
generator:
  kind: scene
  params:
    classes:
      pallet:
        asset: loaded_pallet
        count: {{int: [1, 2]}}
        material: {{color: wood, texture: wood}}
      crate: {{asset: crate, count: {{int: [0, 2]}}}}
      person:
        asset: human
        count: {{int: [1, 2]}}
        material: {{color: {{choice: [orange, teal]}}}}
    surface: {{spread: 3.0}}
    shadows: false
    camera:
      resolution: [96, 72]
      fov: 55
      distance: {{uniform: [7, 9]}}
      elevation: {{uniform: [15, 30]}}
      azimuth: {{uniform: [0, 360]}}
      {lens}
    conditions:
      behind_pallet: {{class: person, occluded_by: pallet, visible_fraction: [0.1, 0.9]}}
      fallen: {{class: person, pose: lying}}
quotas:
  behind_pallet: {behind}
  fallen: {fallen}
output:
  formats: [image, coco]
"""


def _recipe(tmp_path: Path, seed=4, count=8, behind=1, fallen=1, lens="") -> Path:
    path = tmp_path / f"people-{seed}-{count}.yaml"
    text = RECIPE.format(seed=seed, count=count, behind=behind, fallen=fallen, lens=lens)
    path.write_text(text, encoding="utf-8")
    return path


def _distort(uv: np.ndarray, camera: dict) -> np.ndarray:
    """Brown-Conrady written out here (OpenCV's k1 k2 p1 p2), independent of lens.py."""
    model = camera["distortion"]
    c = model["coefficients"]
    K, Ko = np.asarray(model["render_K"]), np.asarray(camera["K"])
    x, y = (uv[:, 0] - K[0, 2]) / K[0, 0], (uv[:, 1] - K[1, 2]) / K[1, 1]
    r2 = x * x + y * y
    radial = 1 + c["k1"] * r2 + c["k2"] * r2 * r2
    xd = x * radial + 2 * c["p1"] * x * y + c["p2"] * (r2 + 2 * x * x)
    yd = y * radial + c["p1"] * (r2 + 2 * y * y) + 2 * c["p2"] * x * y
    return np.stack([xd * Ko[0, 0] + Ko[0, 2], yd * Ko[1, 1] + Ko[1, 2]], axis=1)


@pytest.mark.parametrize("lens", ["", "lens: {k1: -0.15, k2: 0.05}"])
def test_people_labels_are_exact_and_keypoints_are_the_recorded_joints_projected(
    tmp_path, lens, mask_box
):
    recipe = load_recipe(_recipe(tmp_path, count=6, lens=lens))
    generator = SPEC.create()
    generator.setup(recipe.generator.params, GeneratorContext(tmp_path, 4, 6))
    people = 0
    try:
        for index in range(6):
            sample = generator.generate(index, sample_rng(4, index), SamplePlan(index))
            drawn = {
                i + 1: o for i, o in enumerate(sample.metadata["scene"]["objects"]) if "class" in o
            }
            K = np.asarray(sample.camera["distortion"]["render_K"] if lens else sample.camera["K"])
            for label in sample.objects:
                mask = sample.instance_mask == label.instance_id
                # the box is the tight bound of the mask; the amodal box contains it
                assert label.bbox == mask_box(mask)
                ax, ay, aw, ah = label.amodal_bbox
                x, y, w, h = label.bbox
                # a pixel is the object's when its centre is: edges within half a pixel (a
                # lens's nearest-neighbour warp moves a mask pixel by up to one more half)
                slack = (1.0 if lens else 0.5) + 1e-6
                assert ax - slack <= x and ay - slack <= y
                assert x + w <= ax + aw + slack and y + h <= ay + ah + slack
                if label.category != "person":
                    continue
                people += 1
                record = drawn[label.instance_id]
                body = record["body"]
                assert label.attributes["pose"] == body["pose"]
                rebuilt = Body(body["stature"], body["girth"], (0, 0, 0), (0, 0, 0), (0, 0, 0),
                               False)  # fmt: skip
                posture = Posture(body["pose"], body["angles"], body.get("lie"))
                _, joints = pose_body(rebuilt, posture)
                pose = np.asarray(label.pose)
                for point in label.keypoints:
                    xyz = pose[:3, :3] @ (joints[point.name] * record["scale"]) + pose[:3, 3]
                    uv = np.array([[K[0, 0] * xyz[0] / xyz[2] + K[0, 2],
                                    K[1, 1] * xyz[1] / xyz[2] + K[1, 2]]])  # fmt: skip
                    if lens:
                        uv = _distort(uv, sample.camera)
                    # angles are recorded to 3 decimals of a degree, stature to 0.1 mm
                    assert (point.x, point.y) == pytest.approx(tuple(uv[0]), abs=0.02)
                    if point.visibility == 2:  # visible: on its own person's pixel
                        assert mask[math.floor(point.y), math.floor(point.x)]
                    inside = 0 <= point.x < 96 and 0 <= point.y < 72
                    assert (point.visibility == 0) == (not inside)
    finally:
        generator.close()
    assert people >= 4


@pytest.mark.slow
def test_occluded_by_pallet_and_lying_quotas_are_met_exactly_and_seen_in_the_exports(tmp_path):
    """100 images, 6 with a person hidden mostly by a pallet and 4 with a fallen person.
    Checked from the written files: the id masks, the label files' occluder records."""
    recipe = load_recipe(_recipe(tmp_path, seed=11, count=100, behind=6, fallen=4))
    out = tmp_path / "out"
    synthlab.render(recipe, out, workers=1)
    behind, fallen = [], []
    for index in range(100):
        document = json.loads((out / "annotations" / f"{index:06d}.json").read_text())
        ids = np.asarray(_png(out / document["files"]["instance_mask"]))
        objects = {o["instance_id"]: o for o in document["objects"]}
        category = {i: o["category"] for i, o in objects.items()}
        for person in (o for o in objects.values() if o["category"] == "person"):
            mask = ids == person["instance_id"]
            assert int(mask.sum()) == person["attributes"]["visible_pixels"]
            if person["attributes"].get("pose") == "lying":
                fallen.append(index)
            shares: dict[str, int] = {}
            for ident, pixels in person["attributes"].get("occluders", []):
                name = category.get(ident, "(unlabeled)") if ident else "(unlabeled)"
                shares[name] = shares.get(name, 0) + pixels
            mine = shares.get("pallet", 0)
            if not (mine and mine == max(shares.values())):
                continue
            if not 0.1 <= person["visible_fraction"] <= 0.9:
                continue
            behind.append(index)
            # what the record says is seen in the id mask: the pallets it names show up
            # inside the person's whole (amodal) box, nearer the camera than the person
            hidden = (
                person["attributes"]["unoccluded_pixels"] - person["attributes"]["visible_pixels"]
            )
            # every hidden pixel is accounted for by what hides it (no lens here)
            assert sum(n for _, n in person["attributes"]["occluders"]) == hidden
            ax, ay, aw, ah = person["amodal_bbox"]
            window = ids[max(int(ay), 0) : math.ceil(ay + ah), max(int(ax), 0) : math.ceil(ax + aw)]
            pallets = [
                i for i, _ in person["attributes"]["occluders"] if category.get(i) == "pallet"
            ]
            assert pallets
            for ident in pallets:
                assert np.count_nonzero(window == ident) > 0
                assert objects[ident]["pose"][2][3] < person["pose"][2][3]
        assert ("behind_pallet" in document["conditions"]) == (index in behind)
        assert ("fallen" in document["conditions"]) == (index in fallen)
    assert len(behind) == 6 and len(set(behind)) == 6
    assert len(set(fallen)) == 4
    # the COCO file carries the person's 17 keypoints and COCO's skeleton
    coco = json.loads((out / "coco.json").read_text())
    (person,) = [c for c in coco["categories"] if c["name"] == "person"]
    assert person["keypoints"] == list(COCO_KEYPOINTS) and len(person["skeleton"]) == 19
    annotations = [a for a in coco["annotations"] if a["category_id"] == person["id"]]
    assert annotations and all(len(a["keypoints"]) == 51 for a in annotations)
    for a in annotations:
        assert a["num_keypoints"] == sum(1 for v in a["keypoints"][2::3] if v > 0)


def _png(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image)


def _digests(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file()
        and p.suffix in (".png", ".json")
        and ".synthlab" not in p.parts
        and p.name != "manifest.json"  # run records hold timings and shard layout
    }


def test_people_runs_are_byte_identical_for_a_seed_with_any_worker_count(tmp_path):
    one = tmp_path / "one"
    two = tmp_path / "two"
    other = tmp_path / "other"
    synthlab.render(load_recipe(_recipe(tmp_path, seed=5, count=6)), one, workers=1)
    synthlab.render(load_recipe(_recipe(tmp_path, seed=5, count=6)), two, workers=2)
    synthlab.render(load_recipe(_recipe(tmp_path, seed=6, count=6)), other, workers=1)
    first = _digests(one)
    assert first and first == _digests(two)
    differing = _digests(other)
    assert first.keys() == differing.keys() and first != differing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("asset: loaded_pallet", "cannot hide"),  # a bare pallet is 12 cm tall
        ("occluded_by: pallet", "'forklift'"),
        ("pose: lying}", "not a person"),
    ],
)
def test_conditions_that_cannot_be_met_are_refused_with_the_reason(tmp_path, change, message):
    text = _recipe(tmp_path).read_text()
    text = {
        "asset: loaded_pallet": text.replace("asset: loaded_pallet", "asset: pallet").replace(
            "[0.1, 0.9]", "[0.1, 0.6]"
        ),
        "occluded_by: pallet": text.replace("occluded_by: pallet", "occluded_by: forklift"),
        "pose: lying}": text.replace("class: person, pose: lying}", "class: crate, pose: lying}"),
    }[change]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SynthlabError, match=message):
        load_recipe(path)


def test_pose_conditions_are_refused_where_people_cannot_be_posed():
    from synthlab.generators.scene.params import SceneParams

    photos = {"bundled": "skimage"}  # pasting into photos: poses only from the class's choices
    with pytest.raises(ValueError, match="never draws"):
        SceneParams.model_validate(
            {
                "classes": {"person": {"asset": "human"}},  # default: anything but lying
                "background": photos,
                "conditions": {"fallen": {"class": "person", "pose": "lying"}},
            }
        )
    SceneParams.model_validate(  # drawn there by chance, so redraws can meet the quota
        {
            "classes": {"person": {"asset": "human", "human": {"pose": {"choice": ["lying"]}}}},
            "background": photos,
            "conditions": {"fallen": {"class": "person", "pose": "lying"}},
        }
    )
    with pytest.raises(ValueError, match="unknown pose 'lyng'"):
        SceneParams.model_validate(
            {"classes": {"person": {"asset": "human", "human": {"pose": "lyng"}}}}
        )

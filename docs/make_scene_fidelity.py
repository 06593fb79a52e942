"""Measure how close rendered scenes look to real photographs, before and after the camera
model and shadows (lens, sensor noise, white balance, blur, JPEG), and draw
docs/scene-camera-realism.png (before | after, two images per recipe).

    .venv/bin/python docs/make_scene_fidelity.py

Real side: random 320x240 crops of the photographs scikit-image ships with its package
(astronaut, coffee, chelsea, rocket, the left stereo motorcycle), written to a temporary
folder (nothing is copied into the repository and nothing is downloaded). Synthetic side:
the bundled tabletop and warehouse recipes at 320x240, "after" as they are, "before"
with the camera model stripped, shadows and ambient occlusion off and their earlier
effects. Both go through `synthlab fidelity`; the AUC and the image metrics it reports are
printed as a table.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageDraw, ImageFont
from skimage import data

import synthlab

ROOT = Path(__file__).resolve().parent.parent
RECIPES = ("tabletop", "warehouse-rare-person")
SIZE = (320, 240)
COUNT = 48  # images a side (the two-sample test needs 40+ a side to split at all)
CROPS_PER_PHOTO = 10
CAMERA_MODEL = ("sensor", "white_balance", "motion_blur", "motion_angle", "defocus")
# the effects each recipe had before the camera model (git history: the recipes' files)
EARLIER_EFFECTS = {"tabletop": {}, "warehouse-rare-person": {"noise_std": {"uniform": [0, 3]}}}
METRICS = (
    "noise.sigma",
    "spectrum.slope",
    "spectrum.high_frequency",
    "luminance.mean",
    "luminance.contrast",
    "sharpness.laplacian",
)


def _photos() -> list[np.ndarray]:
    left, _right, _disparity = data.stereo_motorcycle()
    return [data.astronaut(), data.coffee(), data.chelsea(), data.rocket(), left]


def _write_real(folder: Path) -> None:
    rng = np.random.default_rng(0)
    width, height = SIZE
    for number, photo in enumerate(_photos()):
        # a crop of a quarter of the photo's width, reduced to the render size, so crops
        # show whole things at a scale near the renders'
        crop_w = max(width, photo.shape[1] // 3)
        crop_h = crop_w * height // width
        for k in range(CROPS_PER_PHOTO):
            y = int(rng.integers(0, photo.shape[0] - crop_h + 1))
            x = int(rng.integers(0, photo.shape[1] - crop_w + 1))
            piece = Image.fromarray(photo[y : y + crop_h, x : x + crop_w])
            piece = piece.resize(SIZE, Image.Resampling.LANCZOS)
            piece.save(folder / f"photo{number}-{k}.png")


def _variant(name: str, after: bool, size: tuple[int, int], count: int, folder: Path) -> Path:
    raw = yaml.safe_load((ROOT / "recipes" / f"{name}.yaml").read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    raw["count"] = count
    raw.pop("quotas", None)  # a few images: the rare-event quota is not what is measured
    raw["output"] = {"formats": ["image", "coco"]}
    params = raw["generator"]["params"]
    params["camera"]["resolution"] = list(size)
    if not after:
        params["camera"].pop("lens", None)
        params["shadows"] = False
        params["ambient_occlusion"] = False  # added later than the rest: also "before"
        effects = {
            key: value
            for key, value in params.get("effects", {}).items()
            if key not in CAMERA_MODEL and key not in ("jpeg_quality", "exposure")
        }
        params["effects"] = effects | EARLIER_EFFECTS[name]
    tag = f"{name}-{'after' if after else 'before'}-{size[0]}-{count}"
    path = folder / f"{tag}.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    out = folder / tag
    synthlab.render(synthlab.load_recipe(path), out, workers=1)
    return out


def _fidelity(real: Path, synth: Path, report: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "synthlab", "fidelity", str(real), str(synth), "-o", str(report)],
        check=False,
        capture_output=True,
        text=True,
    )
    if not (report / "fidelity.json").exists():
        raise SystemExit(f"synthlab fidelity failed:\n{done.stdout}\n{done.stderr}")
    document = json.loads((report / "fidelity.json").read_text(encoding="utf-8"))
    test = document["two_sample"]
    found: dict[str, float] = {"auc": float(test["auc"]), "auc_low": test["low"]}
    for item in test["telling_features"][:3]:  # the single features that tell most
        found["telling " + item["feature"]] = item["auc"]
    for metric in document["metrics"]:
        if metric["name"] in METRICS and not metric["condition"]:
            found[metric["name"] + " real"] = metric.get("real")
            found[metric["name"] + " synth"] = metric.get("synthetic")
    return found


def _sheet(folder: Path) -> None:
    tile = (320, 240)
    sheet = Image.new("RGB", (tile[0] * 4, (tile[1] + 24) * len(RECIPES)), (255, 255, 255))
    pen = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=15)
    for row, name in enumerate(RECIPES):
        top = row * (tile[1] + 24)
        for column, after in enumerate((False, True)):
            out = _variant(name, after, tile, 2, folder)
            for k, path in enumerate(sorted((out / "images").glob("*"))):
                left = (2 * column + k) * tile[0]
                caption = f"{name} {'after' if after else 'before'} #{k}"
                pen.text((left + 6, top + 4), caption, fill=(0, 0, 0), font=font)
                sheet.paste(Image.open(path).convert("RGB"), (left, top + 24))
    target = ROOT / "docs" / "scene-camera-realism.png"
    sheet.save(target, format="PNG", optimize=True)
    print(f"wrote {target}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        real = folder / "real"
        real.mkdir()
        _write_real(real)
        rows = {}
        for name in RECIPES:
            for after in (False, True):
                synth = _variant(name, after, SIZE, COUNT, folder)
                label = f"{name} {'after' if after else 'before'}"
                rows[label] = _fidelity(real, synth, folder / f"report-{label.replace(' ', '-')}")
        print(json.dumps(rows, indent=1))
        _sheet(folder)


if __name__ == "__main__":
    main()

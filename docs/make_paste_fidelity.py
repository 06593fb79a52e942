"""Measure objects pasted into real photographs against a from-scratch scene, both compared
with real photographs by `synthlab fidelity` (the numbers in docs/scene.md, real photos).

    .venv/bin/python docs/make_paste_fidelity.py

Real side A: random 160x120 crops of the photographs scikit-image ships (astronaut, coffee,
chelsea, rocket, the left stereo motorcycle), written to a temporary folder (nothing copied
into the repository, nothing downloaded). Backgrounds B: other random crops of the same
photos (another seed). Synthetic sets, each 48 images:

* B as it is (a paste recipe with no objects): the real-versus-real baseline;
* objects pasted into B with appearance matching (colour 0.5, blur, noise);
* the same pastes with matching off (colour 0, no blur, no noise);
* matched, with contact shadows of strength 0.6;
* the bundled warehouse recipe rendered from scratch at 160x120.

Each is compared with A; the two paste sets also with B itself, which asks only whether the
pasted objects give an image away (the backgrounds are the same photos).
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
from PIL import Image
from skimage import data

import synthlab

ROOT = Path(__file__).resolve().parent.parent
SIZE = (160, 120)
CROPS_PER_PHOTO = 10  # 50 images a side (the two-sample test needs 40+ a side)
COUNT = 48

PASTE = """
version: 1
name: paste-{tag}
seed: 7
count: {count}
generator:
  kind: scene
  params:
    classes:
      crate: {{asset: crate, count: {{int: [0, {n}]}}, material: {{texture: wood, color: wood}}}}
      traffic_cone: {{asset: traffic_cone, count: {{int: [0, {n}]}}}}
      person: {{asset: human, count: {{int: [{one}, {n}]}}}}
    camera: {{resolution: [{width}, {height}], fov: 50}}
    lights:
      - {{type: directional, intensity: {{uniform: [2.0, 4.0]}}, elevation: {{uniform: [30, 70]}},
         azimuth: {{uniform: [0, 360]}}}}
    ambient: {{uniform: [0.3, 0.5]}}
    background:
      folder: backgrounds
      paste:
        ground: {{horizon: 0.4}}
        pixel_height: [30, 80]
        match: {match}
output:
  formats: [image, coco]
"""


def _photos() -> list[np.ndarray]:
    left, _right, _disparity = data.stereo_motorcycle()
    return [data.astronaut(), data.coffee(), data.chelsea(), data.rocket(), left]


def _write_crops(folder: Path, seed: int) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    width, height = SIZE
    for number, photo in enumerate(_photos()):
        crop_w = max(width, photo.shape[1] // 3)
        crop_h = crop_w * height // width
        for k in range(CROPS_PER_PHOTO):
            y = int(rng.integers(0, photo.shape[0] - crop_h + 1))
            x = int(rng.integers(0, photo.shape[1] - crop_w + 1))
            piece = Image.fromarray(photo[y : y + crop_h, x : x + crop_w])
            piece.resize(SIZE, Image.Resampling.LANCZOS).save(folder / f"p{number}-{k}.png")


def _paste(folder: Path, tag: str, objects: bool, match: str) -> Path:
    text = PASTE.format(
        tag=tag, count=COUNT, n=2 if objects else 0, one=1 if objects else 0,
        width=SIZE[0], height=SIZE[1], match=match,
    )  # fmt: skip
    path = folder / f"{tag}.yaml"
    path.write_text(text, encoding="utf-8")
    out = folder / tag
    synthlab.render(synthlab.load_recipe(path), out, workers=1)
    return out


def _scratch(folder: Path) -> Path:
    raw = yaml.safe_load((ROOT / "recipes" / "warehouse-rare-person.yaml").read_text())
    raw = copy.deepcopy(raw)
    raw["count"] = COUNT
    raw.pop("quotas", None)
    raw["output"] = {"formats": ["image", "coco"]}
    raw["generator"]["params"]["camera"]["resolution"] = list(SIZE)
    path = folder / "scratch.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    out = folder / "scratch"
    synthlab.render(synthlab.load_recipe(path), out, workers=1)
    return out


def _fidelity(real: Path, synth: Path, report: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "synthlab", "fidelity", str(real), str(synth), "-o", str(report),
         "--no-plots"],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    if not (report / "fidelity.json").exists():
        raise SystemExit(f"synthlab fidelity failed:\n{done.stdout}\n{done.stderr}")
    document = json.loads((report / "fidelity.json").read_text(encoding="utf-8"))
    test = document["two_sample"]
    return {
        "auc": round(float(test["auc"]), 3),
        "ci": [round(float(test["low"]), 3), round(float(test["high"]), 3)],
        "telling": [(t["feature"], round(t["auc"], 3)) for t in test["telling_features"][:3]],
    }


def _haar_sigma(grey: np.ndarray, where: np.ndarray) -> float:
    """Noise std from the finest diagonal Haar coefficients of the 2x2 blocks inside `where`."""
    h, w = grey.shape[0] - grey.shape[0] % 2, grey.shape[1] - grey.shape[1] % 2
    g = grey[:h, :w]
    diagonal = (g[0::2, 0::2] - g[0::2, 1::2] - g[1::2, 0::2] + g[1::2, 1::2]) / 2
    inside = where[:h, :w].reshape(h // 2, 2, w // 2, 2).all(axis=(1, 3))
    values = np.abs(diagonal[inside])
    return float(np.median(values) / 0.6745) if values.size >= 16 else float("nan")


def _edge_ratio(grey: np.ndarray, where: np.ndarray) -> float:
    from scipy import ndimage

    gy, gx = np.gradient(grey)
    gradient = np.hypot(gx, gy)[where]
    if where.sum() < 16 or gradient.mean() < 1e-6:
        return float("nan")
    return float(np.abs(ndimage.laplace(grey))[where].mean() / gradient.mean())


def _local(out: Path) -> dict[str, float]:
    """How the pasted objects' own pixels differ from the photo around them, per image: the
    median over images of |log2(inside / ring)| for noise and for edge sharpness (0: equal),
    and of the gap in mean luma over the ring's luma spread."""
    from scipy import ndimage

    noise, sharp, luma = [], [], []
    for labels_file in sorted((out / "annotations").glob("*.json")):
        labels = json.loads(labels_file.read_text(encoding="utf-8"))
        ids = [o["instance_id"] for o in labels["objects"] if o["attributes"]["source"] == "pasted"]
        if not ids:
            continue
        name = labels_file.stem
        rgb = np.asarray(Image.open(out / "images" / f"{name}.png").convert("RGB"), np.float64)
        grey = rgb @ np.array([0.299, 0.587, 0.114])
        mask = np.isin(np.asarray(Image.open(out / "masks" / "instance" / f"{name}.png")), ids)
        inner = ndimage.binary_erosion(mask, iterations=1)
        ring = ndimage.binary_dilation(mask, iterations=6) & ~mask
        pairs = ((_haar_sigma, noise), (_edge_ratio, sharp))
        for measure, into in pairs:
            a, b = measure(grey, inner), measure(grey, ring)
            if np.isfinite(a) and np.isfinite(b) and a > 0 and b > 0:
                into.append(abs(float(np.log2(a / b))))
        if inner.sum() >= 16 and ring.sum() >= 16:
            luma.append(abs(grey[inner].mean() - grey[ring].mean()) / max(grey[ring].std(), 1.0))
    return {
        "noise |log2 inside/ring|": round(float(np.median(noise)), 3),
        "sharpness |log2 inside/ring|": round(float(np.median(sharp)), 3),
        "luma gap / ring spread": round(float(np.median(luma)), 3),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        real_a, real_b = folder / "real-a", folder / "backgrounds"
        _write_crops(real_a, 0)
        _write_crops(real_b, 1)
        matched = "{color: 0.5, blur: true, noise: true}"
        plain = "{color: 0.0, blur: false, noise: false}"
        sets = {
            "B unchanged (real vs real)": _paste(folder, "none", False, matched),
            "pasted, matched": _paste(folder, "matched", True, matched),
            "pasted, not matched": _paste(folder, "plain", True, plain),
            "pasted, matched + shadow 0.6": _paste(
                folder, "shadow", True, "{color: 0.5, blur: true, noise: true, shadow: 0.6}"
            ),
            "from scratch (warehouse)": _scratch(folder),
        }
        rows = {}
        for label, synth in sets.items():
            report = folder / f"report-{len(rows)}"
            rows[f"{label} vs A"] = _fidelity(real_a, synth, report)
        for label in ("pasted, matched", "pasted, not matched", "pasted, matched + shadow 0.6"):
            report = folder / f"report-b-{len(rows)}"
            rows[f"{label} vs B"] = _fidelity(real_b, sets[label], report)
        for label in ("pasted, matched", "pasted, not matched"):
            rows[f"{label}: local"] = _local(sets[label])
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

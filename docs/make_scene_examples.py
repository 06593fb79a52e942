"""Draw docs/scene-examples.png: three outputs of each example scene recipe, with their
labels drawn over them by the spot-check overlay (instance masks tinted, visible boxes with
class names and instance ids, keypoints: filled = visible, hollow = hidden).

    .venv/bin/python docs/make_scene_examples.py

For the warehouse recipe the first images carrying its rare conditions are shown (a person
hidden mostly by a loaded pallet, a fallen person), so the picture includes the rare events.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import synthlab
from synthlab.samples.image import ImageSample
from synthlab.spotcheck.overlays import draw

ROOT = Path(__file__).resolve().parent.parent
RECIPES = ("warehouse-rare-person", "pedestrian-dusk", "tabletop")
PER_RECIPE = 3
TILE = (480, 360)  # each 640x480 overlay is shrunk to this
TITLE_HEIGHT = 26
SCAN_LIMIT = 80  # how far to look for the rare condition
RARE = {"warehouse-rare-person": ("person_behind_pallet", "person_fallen")}


def _pick(dataset: synthlab.Dataset, rare: tuple[str, ...]) -> list[tuple[int, ImageSample]]:
    chosen: list[tuple[int, ImageSample]] = []
    for condition in rare:
        for index in range(min(SCAN_LIMIT, len(dataset))):
            sample = dataset[index]
            if condition in sample.conditions:
                chosen.append((index, sample))  # type: ignore[arg-type]
                break
    index = 0
    while len(chosen) < PER_RECIPE:
        if all(index != i for i, _ in chosen):
            chosen.append((index, dataset[index]))  # type: ignore[arg-type]
        index += 1
    return chosen


def _tile(sample: ImageSample) -> Image.Image:
    overlay = draw(sample)
    encoded = overlay.png or overlay.jpeg  # camera-sized overlays come as JPEG
    assert encoded is not None
    picture = Image.open(io.BytesIO(encoded)).convert("RGB")
    return picture.resize(TILE, Image.Resampling.LANCZOS)


def main() -> None:
    width = TILE[0] * PER_RECIPE
    row_height = TILE[1] + TITLE_HEIGHT
    sheet = Image.new("RGB", (width, row_height * len(RECIPES)), (255, 255, 255))
    pen = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=16)
    for row, name in enumerate(RECIPES):
        recipe = synthlab.load_recipe(ROOT / "recipes" / f"{name}.yaml")
        rare = RARE.get(name, ())
        dataset = synthlab.Dataset(recipe)
        try:
            picks = _pick(dataset, rare)
        finally:
            dataset.close()
        top = row * row_height
        for column, (index, sample) in enumerate(picks):
            left = column * TILE[0]
            caption = f"{name}.yaml  #{index}"
            rare_here = sorted(set(sample.conditions) - set(sample.category_names))
            if rare_here:  # class-presence conditions are visible in the picture already
                caption += "  [" + ", ".join(rare_here) + "]"
            pen.text((left + 6, top + 4), caption, fill=(0, 0, 0), font=font)
            sheet.paste(_tile(sample), (left, top + TITLE_HEIGHT))
    out = ROOT / "docs" / "scene-examples.png"
    sheet.save(out, format="PNG", optimize=True)
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()

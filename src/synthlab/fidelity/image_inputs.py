"""Reading the two sides of an image comparison: image files and, when given, their boxes.

Accepted: a synthlab image dataset (scene or diffusion: `images/` with the canonical label
files under `annotations/`, or `coco.json`), a folder of PNG/JPEG images (searched
recursively) with an optional COCO instances JSON inside it, or a COCO JSON file whose
images lie beside it (or under `images/` beside it). Only paths and boxes are held; pixels
are decoded one image at a time by `images.py`, so memory does not grow with the count.
A seeded subsample keeps at most `max_items` images.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from synthlab.errors import UsageError

__all__ = ["IMAGE_SUFFIXES", "Box", "ImageSet", "load_images"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class Box:
    category: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class ImageSet:
    paths: tuple[Path, ...]
    # per path: (image width, image height, boxes); None when the side has no annotations
    boxes: tuple[tuple[int, int, tuple[Box, ...]], ...] | None
    source: str
    seen: int  # images found before subsampling


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UsageError(f"{path}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None


def _is_coco(data: Any) -> bool:
    return isinstance(data, dict) and "images" in data and "annotations" in data


def _coco_boxes(path: Path, data: dict[str, Any]) -> dict[str, tuple[int, int, tuple[Box, ...]]]:
    """file_name -> (width, height, boxes) from a COCO instances file."""
    try:
        names = {int(c["id"]): str(c["name"]) for c in data.get("categories", [])}
        images = {int(i["id"]): i for i in data["images"]}
        found: dict[int, list[Box]] = {key: [] for key in images}
        for number, entry in enumerate(data["annotations"]):
            if entry.get("iscrowd"):
                continue
            x, y, w, h = (float(v) for v in entry["bbox"])
            category = names.get(int(entry["category_id"]), str(entry["category_id"]))
            if int(entry["image_id"]) not in found:
                raise UsageError(
                    f"{path}: annotations[{number}] names image_id {entry['image_id']}, "
                    "which is not under images"
                )
            found[int(entry["image_id"])].append(Box(category, x, y, w, h))
        return {
            str(image["file_name"]): (
                int(image["width"]),
                int(image["height"]),
                tuple(found[key]),
            )
            for key, image in images.items()
        }
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(
            f"{path}: not a COCO instances file ({type(error).__name__}: {error})"
        ) from None


def _canonical_boxes(root: Path) -> dict[str, tuple[int, int, tuple[Box, ...]]]:
    """image path relative to the dataset -> boxes, from synthlab's annotations/*.json."""
    found = {}
    for label_file in sorted((root / "annotations").rglob("*.json")):
        document = _read_json(label_file)
        boxes = tuple(
            Box(str(o["category"]), *(float(v) for v in o["bbox"]))
            for o in document.get("objects", [])
            if o.get("bbox") is not None
        )
        found[document["files"]["image"]] = (
            int(document["width"]),
            int(document["height"]),
            boxes,
        )
    return found


def _match(
    paths: list[Path], base: Path, table: dict[str, tuple[int, int, tuple[Box, ...]]]
) -> tuple[tuple[int, int, tuple[Box, ...]], ...]:
    """Boxes per path: the COCO file_name may be relative to `base`, to `base/images`, or a
    bare file name; images the annotations do not mention have no objects."""
    by_name = {Path(name).name: value for name, value in table.items()}
    matched = []
    for path in paths:
        keys = [path.relative_to(base).as_posix()]
        if (base / "images") in path.parents:
            keys.append(path.relative_to(base / "images").as_posix())
        value = next((table[k] for k in keys if k in table), None) or by_name.get(path.name)
        matched.append(value if value is not None else (0, 0, ()))
    return tuple(matched)


def _image_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )


def _discover(path: Path) -> tuple[list[Path], Path, dict[str, Any] | None, str]:
    """(image paths, folder annotations are relative to, box table or None, description)."""
    if path.is_file():
        data = _read_json(path) if path.suffix.lower() == ".json" else None
        if data is None or not _is_coco(data):
            raise UsageError(
                f"{path}: give a folder of images, a synthlab image dataset or a COCO JSON file"
            )
        base = path.parent
        table = _coco_boxes(path, data)
        paths = []
        for name in sorted(table):
            for candidate in (base / name, base / "images" / name):
                if candidate.is_file():
                    paths.append(candidate)
                    break
            else:
                raise UsageError(
                    f"{path}: image {name!r} is neither in {base} nor in {base / 'images'}"
                )
        return paths, base, table, f"COCO file {path.name}"
    if not path.is_dir():
        raise UsageError(f"{path} does not exist")
    if (path / "manifest.json").is_file():
        manifest = _read_json(path / "manifest.json")
        modality = manifest.get("generator", {}).get("modality")
        if modality != "image":
            raise UsageError(f"{path} is a synthlab {modality} dataset, not images")
        paths = _image_files(path / "images")
        if (path / "annotations").is_dir():
            return paths, path, _canonical_boxes(path), "synthlab image dataset"
        if (path / "coco.json").is_file():
            return (
                paths,
                path,
                _coco_boxes(path / "coco.json", _read_json(path / "coco.json")),
                ("synthlab image dataset (coco.json)"),
            )
        return paths, path, None, "synthlab image dataset (no labels)"
    paths = _image_files(path)
    for candidate in sorted(path.glob("*.json")) + sorted(path.glob("annotations/*.json")):
        data = _read_json(candidate)
        if _is_coco(data):
            table = _coco_boxes(candidate, data)
            base = candidate.parent if candidate.parent.name != "annotations" else path
            return paths, base, table, f"image folder with COCO {candidate.name}"
    return paths, path, None, "image folder"


def load_images(path: Path, max_items: int, rng: np.random.Generator) -> ImageSet:
    paths, base, table, source = _discover(Path(path))
    if not paths:
        raise UsageError(f"{path} holds no images ({', '.join(IMAGE_SUFFIXES)})")
    seen = len(paths)
    if seen > max_items:
        keep = np.sort(rng.choice(seen, size=max_items, replace=False))
        paths = [paths[i] for i in keep]
    boxes = None if table is None else _match(paths, base, table)
    return ImageSet(paths=tuple(paths), boxes=boxes, source=source, seen=seen)

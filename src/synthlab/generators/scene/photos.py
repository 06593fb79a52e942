"""The user's photos (a recipe folder, or a package's bundled photographs) and their COCO
annotations, checked completely before anything is pasted into them.

A photo is decoded only when a sample uses it (memory stays flat however many photos the
folder holds); the COCO file is parsed once into a small index. Every problem names the
file and the entry (`images[3] (id 7)`, `annotations[12] (id 40)`) and what to do.

Annotation masks follow pycocotools, the reader users check COCO files with: a polygon or
RLE annotation's pixel set is `pycocotools.mask.decode` of it. A box-only annotation
(no segmentation, or an empty one) is taken to fill its box: its pixel set is the pixels
whose centres lie inside the box (x <= col + 0.5 < x + w, likewise rows).
"""

from __future__ import annotations

import importlib.util
import json
import math
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard

import numpy as np

from synthlab.errors import did_you_mean
from synthlab.generators.scene.paste_params import BUNDLED_PHOTOS
from synthlab.recipe.files import RecipeFileError, list_recipe_folder, resolve_recipe_file

__all__ = [
    "CocoIndex",
    "Photo",
    "PhotoSource",
    "RealAnnotation",
    "fit_photo",
    "photo_problems",
    "read_coco",
]

PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


@dataclass(frozen=True)
class PhotoSource:
    name: str  # the file's name: what a COCO `file_name` must end in
    path: Path


@dataclass(frozen=True)
class CocoAnnotation:
    coco_id: int
    category: str
    bbox: tuple[float, float, float, float]
    segmentation: Any  # polygons (list of lists), an RLE dict, or None (box only)
    iscrowd: int
    where: str  # "annotations[12] (id 40)", for messages
    keypoints: tuple[tuple[float, float, int], ...] = ()  # (x, y, v) in the category's order


@dataclass(frozen=True)
class CocoIndex:
    categories: tuple[str, ...]  # in the file's order
    annotations: dict[str, tuple[CocoAnnotation, ...]]  # by photo file name
    # per category with keypoints: (names, skeleton edges 0-based)
    keypoints: dict[str, tuple[tuple[str, ...], tuple[tuple[int, int], ...]]] = field(
        default_factory=dict
    )


@dataclass(frozen=True, eq=False)
class RealAnnotation:
    """One annotation of the photo, in the output image's pixels."""

    coco_id: int
    category: str
    kind: str  # "polygon", "rle" or "box"
    mask: np.ndarray  # bool HxW: the annotated pixel set
    bbox: tuple[float, float, float, float]  # the file's box, mapped into the output image
    iscrowd: int
    # (name, x, y, v) mapped into the output image; v = 0 where the point left it
    keypoints: tuple[tuple[str, float, float, int], ...] = ()


@dataclass(frozen=True, eq=False)
class Photo:
    name: str
    pixels: np.ndarray  # HxWx3 uint8, at the output resolution
    annotations: tuple[RealAnnotation, ...]
    fit: dict[str, Any]  # how the photo was scaled and cropped to the output size


def _bundled_folder(bundled: str) -> Path:
    if bundled == "skimage":
        spec = importlib.util.find_spec("skimage")
        if spec is None or not spec.submodule_search_locations:
            raise RecipeFileError(
                "background bundled: skimage needs scikit-image (pip install "
                "'synthlab[fidelity]' or scikit-image); or give a folder of photos"
            )
        return Path(next(iter(spec.submodule_search_locations))) / "data"
    raise RecipeFileError(f"unknown bundled photos {bundled!r}")  # the schema refused it


def photo_sources(background: Any, base_dir: Path) -> list[PhotoSource]:
    """The photos a recipe names, in a fixed order (by file name, or the bundled order)."""
    if background.bundled is not None:
        bundled = BUNDLED_PHOTOS[background.bundled]
        names = background.images or tuple(bundled)
        folder = _bundled_folder(background.bundled)
        sources = [PhotoSource(bundled[n], folder / bundled[n]) for n in names]
        for source in sources:
            if not source.path.is_file():
                raise RecipeFileError(
                    f"bundled photo {source.name!r} is not in {folder} (is the "
                    f"{background.bundled} installation complete?)"
                )
        return sources
    files = list_recipe_folder(
        base_dir,
        background.folder,
        PHOTO_SUFFIXES,
        what="background folder",
        noun="images",
        allow_assets=False,
    )
    return [PhotoSource(path.name, path) for path in files]


def _image_size(source: PhotoSource) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(source.path) as image:
            return image.size
    except (UnidentifiedImageError, OSError) as err:
        raise RecipeFileError(
            f"photo {source.name!r} ({source.path}) is not an image Pillow can read: {err}"
        ) from None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _numbers(value: Any) -> TypeGuard[list[float]]:
    return isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value
    )


class _Checker:
    """Builds messages that name the file and the entry."""

    def __init__(self, label: str):
        self.label = label

    def fail(self, where: str, what: str) -> RecipeFileError:
        return RecipeFileError(f"annotations file {self.label}: {where}: {what}")

    def entry(self, section: str, i: int, entry: Any) -> str:
        """`section[i] (id N)`, for messages about the entry, once it is an object with an
        integer id."""
        if not isinstance(entry, dict) or not _is_int(entry.get("id")):
            raise self.fail(f"{section}[{i}]", "needs an integer id")
        return f"{section}[{i}] (id {entry['id']})"


def _load_json(path: Path, label: str) -> Any:
    text = path.read_bytes().decode("utf-8-sig", errors="strict")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise RecipeFileError(
            f"annotations file {label}:{err.lineno}:{err.colno}: not valid JSON ({err.msg})"
        ) from None


def _check_segmentation(seg: Any, where: str, size: tuple[int, int], check: _Checker) -> Any:
    width, height = size
    if seg is None or seg == [] or seg == {}:
        return None
    if isinstance(seg, list):
        for k, polygon in enumerate(seg):
            if not _numbers(polygon) or len(polygon) < 6 or len(polygon) % 2:
                raise check.fail(
                    where,
                    f"bad segmentation: polygon {k} must be a list of at least 3 x, y pairs "
                    "of finite numbers (an even count, 6 or more)",
                )
            xs, ys = polygon[0::2], polygon[1::2]
            if min(xs) < -1 or min(ys) < -1 or max(xs) > width + 1 or max(ys) > height + 1:
                raise check.fail(
                    where,
                    f"bad segmentation: polygon {k} leaves the {width}x{height} image",
                )
        return seg
    if isinstance(seg, dict):
        rle_size, counts = seg.get("size"), seg.get("counts")
        if rle_size != [height, width]:
            raise check.fail(
                where,
                f"bad segmentation: RLE size {rle_size} must be [height, width] = "
                f"[{height}, {width}] of its image",
            )
        if not (isinstance(counts, str) or (_numbers(counts) and all(_is_int(c) for c in counts))):
            raise check.fail(
                where, "bad segmentation: RLE counts must be a string or a list of integers"
            )
        if isinstance(counts, list) and (
            sum(counts) != width * height or min(counts, default=0) < 0
        ):
            raise check.fail(
                where,
                f"bad segmentation: RLE counts sum to {sum(counts)}, not the image's "
                f"{width * height} pixels",
            )
        return seg
    raise check.fail(where, "bad segmentation: expected a list of polygons or an RLE object")


def read_coco(path: Path, label: str, sources: list[PhotoSource]) -> CocoIndex:
    """Parse and check a COCO instances file against the photos it is about."""
    check = _Checker(label)
    document = _load_json(path, label)
    if not isinstance(document, dict):
        raise check.fail("top level", "must be a JSON object with images, annotations, categories")
    for key in ("images", "annotations", "categories"):
        if not isinstance(document.get(key), list):
            raise check.fail("top level", f"needs a list under {key!r}")
    by_name = {source.name: source for source in sources}
    categories: dict[int, str] = {}
    schemas: dict[str, tuple[tuple[str, ...], tuple[tuple[int, int], ...]]] = {}
    for i, entry in enumerate(document["categories"]):
        where = check.entry("categories", i, entry)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise check.fail(where, "needs a non-empty name")
        if entry["id"] in categories:
            raise check.fail(where, "id used twice")
        if name in categories.values():
            raise check.fail(where, f"name {name!r} used twice")
        categories[entry["id"]] = name
        points = entry.get("keypoints") or []
        if points:
            if not all(isinstance(n, str) and n for n in points) or len(set(points)) != len(points):
                raise check.fail(where, "keypoints must be distinct non-empty names")
            edges = []
            for pair in entry.get("skeleton") or []:
                if (
                    not isinstance(pair, list)
                    or len(pair) != 2
                    or not all(_is_int(k) and 1 <= k <= len(points) for k in pair)
                ):
                    raise check.fail(
                        where,
                        f"skeleton edge {pair!r} must be two keypoint numbers 1..{len(points)}",
                    )
                edges.append((pair[0] - 1, pair[1] - 1))
            schemas[name] = (tuple(points), tuple(edges))
    images: dict[int, tuple[str, tuple[int, int]]] = {}
    named: dict[str, str] = {}
    for i, entry in enumerate(document["images"]):
        where = check.entry("images", i, entry)
        if entry["id"] in images:
            raise check.fail(where, "id used twice")
        file_name = entry.get("file_name")
        if not isinstance(file_name, str) or not file_name:
            raise check.fail(where, "needs a file_name")
        name = PurePosixPath(file_name.replace("\\", "/")).name
        if PurePosixPath(name).suffix.lower() not in PHOTO_SUFFIXES:
            raise check.fail(
                where,
                f"file_name {file_name!r} is not a format synthlab reads as a photo "
                f"(accepted: {', '.join(PHOTO_SUFFIXES)}); convert it to PNG or JPEG",
            )
        if name not in by_name:
            raise check.fail(
                where,
                f"file_name {file_name!r} matches no photo{did_you_mean(name, by_name)} "
                f"(the photos are: {', '.join(sorted(by_name)[:8])}"
                f"{', ...' if len(by_name) > 8 else ''})",
            )
        if name in named:
            raise check.fail(where, f"photo {name!r} is listed twice (also {named[name]})")
        named[name] = where
        size = _image_size(by_name[name])
        if (entry.get("width"), entry.get("height")) != size:
            raise check.fail(
                where,
                f"says {entry.get('width')}x{entry.get('height')} but {name!r} is "
                f"{size[0]}x{size[1]} pixels; is this file about these photos?",
            )
        images[entry["id"]] = (name, size)
    unlisted = sorted(set(by_name) - set(named))
    if unlisted:
        raise check.fail(
            "images",
            f"has no entry for photo(s) {', '.join(unlisted[:8])}: list every photo (with "
            "no annotations if it has none) or remove it from the folder, so that an "
            "unannotated object is never taken for background",
        )
    found: dict[str, list[CocoAnnotation]] = {name: [] for name, _ in images.values()}
    seen: set[int] = set()
    for i, entry in enumerate(document["annotations"]):
        where = check.entry("annotations", i, entry)
        if entry["id"] in seen:
            raise check.fail(where, "id used twice")
        seen.add(entry["id"])
        if entry.get("image_id") not in images:
            raise check.fail(
                where,
                f"refers to image_id {entry.get('image_id')!r}, which no entry under images has",
            )
        if entry.get("category_id") not in categories:
            raise check.fail(
                where,
                f"refers to category_id {entry.get('category_id')!r}, which no entry "
                "under categories has",
            )
        name, (width, height) = images[entry["image_id"]]
        bbox = entry.get("bbox")
        if not _numbers(bbox) or len(bbox) != 4 or bbox[2] < 0 or bbox[3] < 0:
            raise check.fail(where, "bbox must be [x, y, width, height], finite, sizes >= 0")
        x, y, w, h = bbox
        if x < -1 or y < -1 or x + w > width + 1 or y + h > height + 1:
            raise check.fail(where, f"bbox {bbox} leaves the {width}x{height} image")
        seg = _check_segmentation(entry.get("segmentation"), where, (width, height), check)
        if seg is None and (w <= 0 or h <= 0):
            raise check.fail(where, "has no segmentation and an empty bbox: nothing to keep")
        iscrowd = entry.get("iscrowd", 0)
        category = categories[entry["category_id"]]
        keypoints = _check_keypoints(entry.get("keypoints"), schemas.get(category), where, check)
        found[name].append(
            CocoAnnotation(
                entry["id"],
                categories[entry["category_id"]],
                (float(x), float(y), float(w), float(h)),
                seg,
                1 if iscrowd else 0,
                where,
                keypoints,
            )
        )
    return CocoIndex(
        tuple(categories.values()),
        {name: tuple(items) for name, items in found.items()},
        schemas,
    )


def _check_keypoints(
    raw: Any,
    schema: tuple[tuple[str, ...], Any] | None,
    where: str,
    check: _Checker,
) -> tuple[tuple[float, float, int], ...]:
    if raw is None or raw == []:
        return ()
    if schema is None:
        raise check.fail(where, "has keypoints but its category names none")
    count = len(schema[0])
    if not _numbers(raw) or len(raw) != 3 * count:
        raise check.fail(
            where, f"keypoints must be {3 * count} finite numbers (x, y, v for {count} points)"
        )
    triples = []
    for k in range(count):
        x, y, v = raw[3 * k : 3 * k + 3]
        if v not in (0, 1, 2):
            raise check.fail(where, f"keypoint {schema[0][k]!r} has visibility {v}, not 0, 1 or 2")
        triples.append((float(x), float(y), int(v)))
    return tuple(triples)


def coco_for(background: Any, base_dir: Path) -> CocoIndex | None:
    if background.annotations is None:
        return None
    path = resolve_recipe_file(
        base_dir, background.annotations, what="annotations file", allow_assets=False
    )
    return read_coco(path, repr(background.annotations), photo_sources(background, base_dir))


def _readable_coco(background: Any, base_dir: Path) -> CocoIndex | None:
    """`coco_for`, or None when the file cannot be read (the recipe check reports why)."""
    try:
        return coco_for(background, base_dir)
    except (RecipeFileError, OSError, UnicodeDecodeError):
        return None


def coco_categories(background: Any, base_dir: Path) -> tuple[str, ...]:
    """The COCO file's category names, for the label set; () when it cannot be read."""
    index = _readable_coco(background, base_dir)
    return index.categories if index is not None else ()


def coco_keypoint_schemas(
    background: Any, base_dir: Path
) -> dict[str, tuple[tuple[str, ...], tuple[tuple[int, int], ...]]]:
    """The COCO file's keypoint names and skeletons by category; {} when unreadable."""
    index = _readable_coco(background, base_dir)
    return dict(index.keypoints) if index is not None else {}


def photo_overrides(paste: Any, sources: list[PhotoSource]) -> dict[str, Any]:
    """The recipe's per-photo settings by photo file name; a key that names no photo
    (by file name, or by bundled name) raises."""
    aliases = {name: name for name in (s.name for s in sources)}
    for files in BUNDLED_PHOTOS.values():
        aliases |= {short: file for short, file in files.items() if file in aliases}
    found = {}
    for key, override in paste.per_photo.items():
        if key not in aliases:
            raise RecipeFileError(
                f"paste.per_photo names {key!r}, which is none of the photos"
                f"{did_you_mean(key, aliases)} ({', '.join(sorted(aliases)[:8])})"
            )
        found[aliases[key]] = override
    return found


def photo_problems(background: Any, base_dir: Path) -> list[tuple[tuple[str | int, ...], str]]:
    """Why the photos or their COCO file cannot be used; [] when they can."""
    where: tuple[str | int, ...] = ("background", "annotations")
    try:
        sources = photo_sources(background, base_dir)
        where = ("background", "folder" if background.folder is not None else "bundled")
        for source in sources:
            _image_size(source)
        where = ("background", "paste", "per_photo")
        photo_overrides(background.paste_spec(), sources)
        if background.annotations is not None:
            where = ("background", "annotations")
            coco_for(background, base_dir)
    except RecipeFileError as err:
        return [(where, str(err))]
    except (OSError, UnicodeDecodeError) as err:
        return [(where, f"cannot be read: {err}")]
    return []


def _box_pixels(bbox: tuple[float, ...], size: tuple[int, int]) -> np.ndarray:
    width, height = size
    x, y, w, h = bbox
    cols = np.arange(width) + 0.5
    rows = np.arange(height) + 0.5
    return ((rows >= y) & (rows < y + h))[:, None] & ((cols >= x) & (cols < x + w))[None, :]


def annotation_pixels(annotation: CocoAnnotation, size: tuple[int, int]) -> tuple[str, np.ndarray]:
    """(kind, bool HxW) in the photo's own pixels."""
    width, height = size
    seg = annotation.segmentation
    if seg is None:
        return "box", _box_pixels(annotation.bbox, size)
    from pycocotools import mask as mask_utils

    try:
        if isinstance(seg, list):
            rle = mask_utils.merge(mask_utils.frPyObjects(seg, height, width))
            kind = "polygon"
        else:
            rle = (
                seg
                if isinstance(seg["counts"], str)
                else mask_utils.frPyObjects(seg, height, width)
            )
            if isinstance(rle.get("counts"), str):
                rle = {"size": rle["size"], "counts": rle["counts"].encode("ascii")}
            kind = "rle"
        return kind, mask_utils.decode(rle).astype(bool)
    except Exception as err:  # pycocotools raises bare Exceptions and ValueErrors
        raise RecipeFileError(
            f"annotation {annotation.where}: bad segmentation, pycocotools cannot decode it ({err})"
        ) from None


def fit_photo(
    rgb: np.ndarray, size: tuple[int, int]
) -> tuple[np.ndarray, tuple[float, int, int, int, int]]:
    """Scale the photo to cover `size` (width, height) and crop its centre: (pixels,
    (scale, scaled width, scaled height, crop x, crop y)). Same size: the photo itself."""
    from PIL import Image

    height, width = rgb.shape[:2]
    out_w, out_h = size
    if (width, height) == (out_w, out_h):
        return rgb, (1.0, width, height, 0, 0)
    scale = max(out_w / width, out_h / height)
    scaled = (max(out_w, round(width * scale)), max(out_h, round(height * scale)))
    x0, y0 = (scaled[0] - out_w) // 2, (scaled[1] - out_h) // 2
    image = Image.fromarray(rgb).resize(scaled, Image.Resampling.LANCZOS)
    pixels = np.asarray(image)[y0 : y0 + out_h, x0 : x0 + out_w]
    return np.ascontiguousarray(pixels), (scale, scaled[0], scaled[1], x0, y0)


def _fit_mask(
    mask: np.ndarray, fit: tuple[float, int, int, int, int], size: tuple[int, int]
) -> np.ndarray:
    from PIL import Image

    scale, sw, sh, x0, y0 = fit
    if scale == 1.0 and (sw, sh) == size:
        return mask
    image = Image.fromarray(mask.astype(np.uint8) * 255).resize((sw, sh), Image.Resampling.NEAREST)
    return np.asarray(image)[y0 : y0 + size[1], x0 : x0 + size[0]] > 127


def load_photo(
    source: PhotoSource,
    annotations: tuple[CocoAnnotation, ...],
    size: tuple[int, int],
    keypoint_names: dict[str, tuple[str, ...]] | None = None,
) -> Photo:
    """Decode one photo (fully: a truncated file fails here, named) and its annotations."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(source.path) as image:
            image.load()
            rgb = np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError) as err:
        raise RecipeFileError(
            f"photo {source.name!r} ({source.path}) cannot be decoded: {err}"
        ) from None
    keypoint_names = keypoint_names or {}
    pixels, fit = fit_photo(rgb, size)
    own_size = (rgb.shape[1], rgb.shape[0])
    scale, _, _, x0, y0 = fit
    real = []
    for annotation in annotations:
        kind, mask = annotation_pixels(annotation, own_size)
        x, y, w, h = annotation.bbox
        names = keypoint_names.get(annotation.category, ())
        points = []
        for name, (px, py, v) in zip(names, annotation.keypoints, strict=False):
            u, t = px * scale - x0, py * scale - y0
            inside = 0 <= u < size[0] and 0 <= t < size[1]
            points.append((name, u, t, v if v and inside else 0))
        real.append(
            RealAnnotation(
                annotation.coco_id,
                annotation.category,
                kind,
                _fit_mask(mask, fit, size),
                (x * scale - x0, y * scale - y0, w * scale, h * scale),
                annotation.iscrowd,
                tuple(points),
            )
        )
    described = {
        "photo": source.name,
        "source_size": list(own_size),
        "scale": round(scale, 9),
        "crop": [x0, y0],
    }
    return Photo(source.name, pixels, tuple(real), described)

"""The label set of a diffusion recipe, per mode: the categories its objects and semantic
masks are numbered by (also its image-level classes).

- prompted: the options of the prompt's class slot, in recipe order;
- inpaint: the options of the inpainted category, in recipe order;
- img2img: the source COCO file's categories, by their id there;
- controlnet: the scene's label set (its classes, keypoints and category ids).
"""

from __future__ import annotations

import json
from pathlib import Path

from synthlab.errors import RuntimeFailure
from synthlab.generators.diffusion.params import DiffusionParams, value_options
from synthlab.samples.labels import LabelSet

__all__ = ["diffusion_label_set"]


def _coco_categories(path: Path) -> tuple[str, ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        categories = {int(c["id"]): str(c["name"]) for c in data["categories"]}
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise RuntimeFailure(f"cannot read the categories of {path}: {err}") from None
    return tuple(categories[key] for key in sorted(categories))


def diffusion_label_set(params: DiffusionParams, base_dir: Path) -> LabelSet:
    if params.controlnet is not None:
        from synthlab.generators.scene.declared_labels import scene_label_set

        scene = scene_label_set(params.controlnet.scene, base_dir)
        return LabelSet(
            categories=scene.categories,
            category_id_start=scene.category_id_start,
            keypoints=scene.keypoints,
            classes=scene.categories,
        )
    if params.inpaint is not None:
        names = value_options(params.inpaint.category)
    elif params.img2img is not None:
        names = _coco_categories(base_dir / params.img2img.annotations)
    else:
        slot = params.prompt.class_slot
        names = value_options(params.prompt.slots[slot]) if slot is not None else ()
    return LabelSet(categories=names, classes=names)

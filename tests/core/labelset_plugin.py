"""A generator from "another package": it makes image samples with boxes, masks and keypoints
but no `category_names`, and declares its label set through its spec alone. The label-set
tests render it into COCO and YOLO to show that exporters need nothing else from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from synthlab.generators.base import Generator, GeneratorSpec, SamplePlan
from synthlab.recipe.model import RecipeModel
from synthlab.samples.image import ImageSample, Keypoint, ObjectLabel
from synthlab.samples.labels import KeypointSchema, LabelSet

__all__ = ["SPEC", "BoxesGenerator", "BoxesParams"]

SIZE = 24
POINTS = ("head", "tail")


class BoxesParams(RecipeModel):
    classes: tuple[str, ...] = ("wide", "tall")
    first_id: int = 1


class BoxesGenerator(Generator):
    """Each image holds one box of every class, drawn in reverse class order, so the first
    category a sample shows is the last one declared (first-seen numbering would differ)."""

    params: BoxesParams

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> ImageSample:
        image = np.zeros((SIZE, SIZE, 3), np.uint8)
        mask = np.zeros((SIZE, SIZE), np.uint16)
        objects = []
        for number, name in enumerate(reversed(self.params.classes), start=1):
            x, y = int(rng.integers(0, SIZE - 8)), int(rng.integers(0, SIZE - 8))
            w, h = int(rng.integers(2, 8)), int(rng.integers(2, 8))
            mask[y : y + h, x : x + w] = number
            image[y : y + h, x : x + w] = (40 * number, 200, 90)
            objects.append((number, name, (x, y, w, h)))
        labels = []
        for number, name, _ in objects:
            rows, cols = np.nonzero(mask == number)
            if not len(rows):
                continue  # covered by a later box
            x0, y0 = int(cols.min()), int(rows.min())
            box = (float(x0), float(y0), float(cols.max() + 1 - x0), float(rows.max() + 1 - y0))
            points = (
                Keypoint(POINTS[0], box[0] + 0.5, box[1] + 0.5, 2),
                Keypoint(POINTS[1], box[0] + box[2] - 0.5, box[1] + box[3] - 0.5, 1),
            )
            labels.append(ObjectLabel(number, name, bbox=box, keypoints=points))
        return ImageSample(index=index, image=image, objects=tuple(labels), instance_mask=mask)


def boxes_label_set(params: BoxesParams, base_dir: Path) -> LabelSet:
    schemas = tuple(KeypointSchema(name, POINTS, ((0, 1),)) for name in params.classes)
    return LabelSet(categories=params.classes, category_id_start=params.first_id, keypoints=schemas)


def _no_conditions(params: Any) -> tuple[str, ...]:
    return ()


SPEC = GeneratorSpec(
    kind="labelset-boxes",
    description="test plugin: boxes with keypoints, label set declared by the spec",
    modality="image",
    params_model=BoxesParams,
    implementation="labelset_plugin:BoxesGenerator",
    default_formats=("coco",),
    quota_conditions=_no_conditions,
    label_set=boxes_label_set,
)

"""Generators from "another package": image samples with boxes, masks and keypoints but no
`category_names`, and text samples made without the text generator's modules; each declares
its label set through its spec alone. The label-set tests render them into COCO, YOLO and
the text formats to show that exporters need nothing else from a generator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from synthlab.generators.base import Generator, GeneratorSpec, SamplePlan
from synthlab.recipe.model import RecipeModel
from synthlab.samples.image import ImageSample, Keypoint, ObjectLabel
from synthlab.samples.labels import KeypointSchema, LabelSet
from synthlab.samples.text import EntitySpan, TextSample, Token

__all__ = ["SPEC", "TEXT_SPEC", "BoxesGenerator", "BoxesParams", "GreetingGenerator"]

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


class GreetingParams(RecipeModel):
    names: tuple[str, ...] = ("Ann", "Bo")


class GreetingGenerator(Generator):
    """'Hello <name> !' with the name as a PERSON entity: a text sample made without any of
    the text generator's modules."""

    params: GreetingParams

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> TextSample:
        name = self.params.names[int(rng.integers(len(self.params.names)))]
        text = f"Hello {name} !"
        tokens = (Token(0, 5, "Hello"), Token(6, 6 + len(name), name))
        tokens += (Token(len(text) - 1, len(text), "!"),)
        span = EntitySpan(6, 6 + len(name), "PERSON", name)
        return TextSample(
            index=index,
            text=text,
            spans=(span,),
            classes=("greeting",),
            tokens=tokens,
            tags=("O", "B-PERSON", "O"),
            split="train",
        )


TEXT_SPEC = GeneratorSpec(
    kind="labelset-greetings",
    description="test plugin: greetings with a PERSON entity, label set declared by the spec",
    modality="text",
    params_model=GreetingParams,
    implementation="labelset_plugin:GreetingGenerator",
    default_formats=("text-jsonl",),
    quota_conditions=_no_conditions,
    label_set=lambda params, base_dir: LabelSet(
        entities=("PERSON", "PLACE"), classes=("greeting", "farewell")
    ),
)

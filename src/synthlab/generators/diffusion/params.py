"""The diffusion generator's recipe params: cheap to import (no torch, no diffusers).

Everything that can be checked before a sample is drawn is checked here: template slots
that no value fills, image sizes the VAE cannot take, batching with per-sample settings,
img2img strengths above the level where carried-over labels stay valid.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from synthlab.generators.scene.params import BACKGROUND_SUFFIXES, SceneParams
from synthlab.recipe.distributions import Choice, Const, FloatValue, IntValue, StrValue, Value
from synthlab.recipe.files import (
    RecipeFileError,
    check_relative_path,
    list_recipe_folder,
    read_recipe_text,
    resolve_recipe_file,
)
from synthlab.recipe.model import RecipeModel

__all__ = [
    "BackgroundParams",
    "ControlParams",
    "DiffusionParams",
    "InpaintParams",
    "PromptParams",
    "RegionParams",
    "VariantParams",
    "template_slots",
    "value_options",
]

# `{name}` and nothing else: templates are data, so there is no attribute access, indexing or
# format spec that str.format would evaluate.
SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
STRAY_BRACE = re.compile(r"[{}]")


def template_slots(template: str) -> list[str]:
    """The slot names a template uses, in order of first use."""
    names: list[str] = []
    for name in SLOT.findall(template):
        if name not in names:
            names.append(name)
    return names


def _check_template(template: str, where: str) -> None:
    leftover = STRAY_BRACE.search(SLOT.sub("", template))
    if leftover:
        raise ValueError(
            f"{where} {template!r} has a stray {leftover.group()!r}: slots are written "
            "{name} with letters, digits and '_'"
        )


def value_options(value: Value[str] | None) -> tuple[str, ...]:
    """The strings a recipe value can draw, in recipe order (for checks and category ids)."""
    if isinstance(value, Const):
        return (str(value.value),)
    if isinstance(value, Choice):
        found: list[str] = []
        for option in value.options:
            found += [name for name in value_options(option) if name not in found]
        return tuple(found)
    return ()


def _bounds_within(value: Value[float], low: float, high: float, what: str) -> None:
    lo, hi = value.bounds()
    if lo <= low or hi > high:
        raise ValueError(f"{what} must lie in ({low}, {high}], but it can draw {lo}..{hi}")


class PromptParams(RecipeModel):
    template: str = Field(
        description="prompt with {slot} placeholders, e.g. 'a photo of a {class}'"
    )
    negative: str = Field(default="", description="negative prompt (may use the same slots)")
    slots: dict[str, StrValue] = Field(
        default_factory=dict, description="slot name -> value or distribution drawn per sample"
    )
    class_slot: str | None = Field(
        default=None, description="the slot whose value is the image-level class label"
    )

    @model_validator(mode="after")
    def _slots_filled(self) -> PromptParams:
        _check_template(self.template, "template")
        _check_template(self.negative, "negative")
        if self.class_slot is not None and self.class_slot not in self.slots:
            raise ValueError(
                f"class_slot {self.class_slot!r} is not one of the slots "
                f"({', '.join(self.slots) or 'none'})"
            )
        return self

    def missing_slots(self, provided: set[str]) -> list[str]:
        """Slots the templates use that neither `slots` nor `provided` fill."""
        used = template_slots(self.template) + template_slots(self.negative)
        return [name for name in used if name not in self.slots and name not in provided]


class RegionParams(RecipeModel):
    shape: StrValue = Field(default=Const("box"), description="box or ellipse (may be drawn)")
    width: FloatValue = Field(description="region width as a fraction of the image width")
    height: FloatValue = Field(description="region height as a fraction of the image height")

    @model_validator(mode="after")
    def _fractions(self) -> RegionParams:
        unknown = [name for name in value_options(self.shape) if name not in ("box", "ellipse")]
        if unknown:
            raise ValueError(f"region shape {unknown[0]!r} is not one of box, ellipse")
        _bounds_within(self.width, 0.0, 1.0, "region width")
        _bounds_within(self.height, 0.0, 1.0, "region height")
        return self


class BackgroundParams(RecipeModel):
    folder: str | None = Field(
        default=None, description="folder of background images (png/jpg), relative to the recipe"
    )
    prompt: PromptParams | None = Field(default=None, description="generate backgrounds instead")
    model: str | None = Field(
        default=None,
        description="text-to-image model for generated backgrounds (default: the main model)",
    )

    @model_validator(mode="after")
    def _one_source(self) -> BackgroundParams:
        if (self.folder is None) == (self.prompt is None):
            raise ValueError("background takes exactly one of folder or prompt")
        if self.model is not None and self.prompt is None:
            raise ValueError("background.model is only used with background.prompt")
        if self.prompt is not None and self.prompt.missing_slots(set()):
            missing = ", ".join(self.prompt.missing_slots(set()))
            raise ValueError(f"background prompt uses slots that no value fills: {missing}")
        return self


class InpaintParams(RecipeModel):
    category: StrValue = Field(description="object class painted into the region ({category})")
    region: RegionParams
    background: BackgroundParams


class VariantParams(RecipeModel):
    images: str = Field(description="folder of the source images, relative to the recipe")
    annotations: str = Field(description="COCO instances JSON for the source images")
    strength: FloatValue = Field(description="img2img strength (0..1]: how much may change")
    max_label_strength: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="highest strength at which boxes are still carried over",
    )

    @model_validator(mode="after")
    def _labels_stay_valid(self) -> VariantParams:
        _bounds_within(self.strength, 0.0, 1.0, "strength")
        high = self.strength.bounds()[1]
        if high > self.max_label_strength:
            raise ValueError(
                f"strength can reach {high}, above max_label_strength={self.max_label_strength}: "
                "at that strength objects move or vanish, so the source boxes would no longer "
                "be valid labels (lower strength, or raise max_label_strength knowingly)"
            )
        return self


class ControlParams(RecipeModel):
    model: str = Field(description="ControlNet folder (save_pretrained) or hub id")
    revision: str | None = Field(default=None, description="hub revision of the ControlNet")
    conditioning: Literal["depth", "segmentation"] = Field(
        default="depth", description="which scene render conditions the ControlNet"
    )
    scale: FloatValue = Field(
        default=Const(1.0), description="controlnet_conditioning_scale: how strictly to follow"
    )
    scene: SceneParams = Field(description="the scene generator's params (geometry and labels)")


class DiffusionParams(RecipeModel):
    model: str = Field(
        description="a local save_pretrained folder (relative to the recipe) or a hub id"
    )
    revision: str | None = Field(default=None, description="hub revision (branch, tag, commit)")
    mode: Literal["prompted", "inpaint", "img2img", "controlnet"] = Field(default="prompted")
    prompt: PromptParams
    width: int = Field(default=512, ge=8, description="image width in pixels (multiple of 8)")
    height: int = Field(default=512, ge=8, description="image height in pixels (multiple of 8)")
    steps: IntValue = Field(default=Const(30), description="denoising steps")
    guidance_scale: FloatValue = Field(
        default=Const(7.5), description="classifier-free guidance scale"
    )
    batch_size: int = Field(
        default=1, ge=1, description="images per pipeline call (blocks of consecutive indices)"
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto", description="auto: CUDA (fp16) when available, else CPU (fp32)"
    )
    inpaint: InpaintParams | None = None
    img2img: VariantParams | None = None
    controlnet: ControlParams | None = None

    def quota_conditions(self) -> tuple[str, ...]:
        """In controlnet mode, the scene's conditions (its labels decide them); else none."""
        return self.controlnet.scene.quota_conditions() if self.controlnet is not None else ()

    def _background_images(self, base_dir: Path) -> list[Path]:
        """inpaint's background folder's images (contained; RecipeFileError if not)."""
        assert self.inpaint is not None and self.inpaint.background.folder is not None
        return list_recipe_folder(
            base_dir,
            self.inpaint.background.folder,
            BACKGROUND_SUFFIXES,
            what="background folder",
            noun="images",
            allow_assets=False,
        )

    def file_problems(self, base_dir: Path) -> list[tuple[tuple[str | int, ...], str]]:
        """What is wrong with the files named here, found before any model loads: background
        and source-image folders and the COCO file (each image it lists included) are
        resolved and contained by synthlab.recipe.files, and in controlnet mode the scene's
        own files are checked. `model:` folders are not: they may live outside the recipe's
        folder (a shared model store), and are checked when the pipeline is loaded."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.inpaint is not None and self.inpaint.background.folder is not None:
            try:
                self._background_images(base_dir)
            except RecipeFileError as error:
                problems.append((("inpaint", "background", "folder"), str(error)))
        if self.img2img is not None:
            problems += _variant_file_problems(self.img2img, base_dir)
        if self.controlnet is not None:
            problems += [
                (("controlnet", "scene", *where), message)
                for where, message in self.controlnet.scene.file_problems(base_dir)
            ]
        return problems

    def input_files(self, base_dir: Path) -> list[Path]:
        """The user's files this recipe reads, for provenance: background images, img2img's
        COCO file and the images it lists, the controlnet scene's meshes and backgrounds.
        (`model:` weights are not: they are recorded by the generator's provenance.)"""
        files: list[Path] = []
        if self.inpaint is not None and self.inpaint.background.folder is not None:
            files += self._background_images(base_dir)
        if self.img2img is not None:
            variant = self.img2img
            files.append(resolve_recipe_file(base_dir, variant.annotations, allow_assets=False))
            data = json.loads(read_recipe_text(base_dir, variant.annotations, allow_assets=False))
            for entry in data.get("images", []):
                name = f"{variant.images.rstrip('/')}/{entry['file_name']}"
                files.append(resolve_recipe_file(base_dir, name, allow_assets=False))
        if self.controlnet is not None:
            files += self.controlnet.scene.input_files(base_dir)
        return files

    @model_validator(mode="after")
    def _consistent(self) -> DiffusionParams:
        for name in ("width", "height"):
            if getattr(self, name) % 8:
                raise ValueError(f"{name}={getattr(self, name)} must be a multiple of 8")
        if self.steps.bounds()[0] < 1:
            raise ValueError(f"steps must be >= 1, but it can draw {self.steps.bounds()[0]}")
        if self.guidance_scale.bounds()[0] < 0:
            raise ValueError("guidance_scale must be >= 0")
        wanted = {"inpaint": self.inpaint, "img2img": self.img2img, "controlnet": self.controlnet}
        for mode, section in wanted.items():
            if mode == self.mode and section is None:
                raise ValueError(f"mode {mode} needs an {mode}: section")
            if mode != self.mode and section is not None:
                raise ValueError(f"the {mode}: section is only used with mode: {mode}")
        provided = {"inpaint": {"category"}, "controlnet": {"objects"}}.get(self.mode, set())
        missing = self.prompt.missing_slots(provided)
        if missing:
            raise ValueError(f"prompt uses slots that no value fills: {', '.join(missing)}")
        if self.img2img is not None:
            fewest = self.steps.bounds()[0] * self.img2img.strength.bounds()[0]
            if fewest < 1:
                raise ValueError(
                    "img2img denoises int(steps * strength) steps, which can be 0 here "
                    f"(steps down to {self.steps.bounds()[0]:g}, strength down to "
                    f"{self.img2img.strength.bounds()[0]:g}): raise steps or strength"
                )
        if self.controlnet is not None:
            scene_size = tuple(self.controlnet.scene.camera.resolution)
            if scene_size != (self.width, self.height):
                raise ValueError(
                    f"controlnet.scene.camera.resolution {list(scene_size)} must equal "
                    f"[width, height] = [{self.width}, {self.height}]: the labels are the scene's"
                )
            if self.batch_size > 1:
                raise ValueError(
                    "controlnet mode makes one image per call (batch_size: 1): each scene's "
                    "quota plan is only known when its index is asked for"
                )
        if self.batch_size > 1:
            varying = [n for n in ("steps", "guidance_scale") if not getattr(self, n).is_constant]
            if self.img2img is not None and not self.img2img.strength.is_constant:
                varying.append("img2img.strength")
            if varying:
                raise ValueError(
                    f"batch_size > 1 needs one value for the whole batch, but {', '.join(varying)} "
                    "is drawn per sample (make it a constant or use batch_size: 1)"
                )
        return self


def _variant_file_problems(
    variant: VariantParams, base_dir: Path
) -> list[tuple[tuple[str | int, ...], str]]:
    """The source folder, the COCO file, and every image file that file names (a
    `file_name` may not lead out of the recipe's folder either)."""
    try:
        resolve_recipe_file(
            base_dir, variant.images, what="source image folder", folder=True, allow_assets=False
        )
    except RecipeFileError as error:
        return [(("img2img", "images"), str(error))]
    try:
        text = read_recipe_text(
            base_dir, variant.annotations, what="COCO annotations file", allow_assets=False
        )
        data: Any = json.loads(text)
    except RecipeFileError as error:
        return [(("img2img", "annotations"), str(error))]
    except ValueError as error:
        return [(("img2img", "annotations"), f"{variant.annotations!r} is not JSON: {error}")]
    entries = data.get("images") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return [(("img2img", "annotations"), f"{variant.annotations!r} has no images list")]
    for entry in entries:
        name = entry.get("file_name") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            return [(("img2img", "annotations"), f"an image in {variant.annotations!r} has no "
                     "file_name")]  # fmt: skip
        try:  # spelled alone first: the loader joins it to the folder, where "/x" is absolute
            check_relative_path(name, what=f"{variant.annotations!r}: image")
            resolve_recipe_file(
                base_dir,
                f"{variant.images.rstrip('/')}/{name}",
                what=f"{variant.annotations!r}: image",
                allow_assets=False,
            )
        except RecipeFileError as error:
            return [(("img2img", "annotations"), str(error))]
    return []

"""The diffusion generator: draws what a sample asks for, runs the pipeline, attaches labels.

Each sample first draws everything it needs from its own stream (slot values, steps,
guidance, region, background, source image, and last the torch seed), then the pipeline
runs. With `batch_size: B` the indices are grouped in fixed blocks [kB, (k+1)B) that are
always denoised together, whichever index of the block is asked for first, so the bytes do
not depend on shard size or worker count (only on B, which the recipe fixes). The other
members of a block draw from their own streams, derived exactly as the engine derives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch
from PIL import Image

from synthlab.errors import RuntimeFailure
from synthlab.generators.base import (
    Generator,
    GeneratorContext,
    SamplePlan,
    get_generator_spec,
)
from synthlab.generators.diffusion.controlnet import depth_condition, segmentation_condition
from synthlab.generators.diffusion.inpaint import (
    Region,
    composite,
    fit_image,
    list_images,
    plan_region,
)
from synthlab.generators.diffusion.models import (
    ModelSource,
    Placement,
    choose_placement,
    load_pipeline,
    resolve_model,
)
from synthlab.generators.diffusion.params import DiffusionParams, value_options
from synthlab.generators.diffusion.prompts import FilledPrompt, fill_prompt
from synthlab.generators.diffusion.variants import CocoSource, SourceImage, carry_labels
from synthlab.samples.image import ImageSample, ObjectLabel
from synthlab.seeding import library_seed, sample_rng

__all__ = ["DiffusionGenerator"]


@dataclass
class Request:
    """Everything one sample drew before the pipeline runs."""

    index: int
    prompt: FilledPrompt
    steps: int
    guidance: float
    seed: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    region: Region | None = None
    category: str | None = None
    background: np.ndarray | None = None  # HxWx3 uint8, known or generated
    background_prompt: FilledPrompt | None = None
    background_seed: int | None = None
    source: SourceImage | None = None
    source_pixels: np.ndarray | None = None
    strength: float | None = None


def to_uint8(images: np.ndarray) -> np.ndarray:
    """Pipeline floats in [0, 1] to bytes, rounding half to even like numpy does everywhere."""
    return np.clip(np.rint(images.astype(np.float64) * 255.0), 0, 255).astype(np.uint8)


def _pil(array: np.ndarray) -> Image.Image:
    return Image.fromarray(array)


class DiffusionGenerator(Generator):
    params: DiffusionParams

    def setup(self, params: DiffusionParams, context: GeneratorContext) -> None:
        super().setup(params, context)
        self.placement: Placement = choose_placement(params.device, context.threads)
        self.model: ModelSource = resolve_model(params.model, params.revision, context.recipe_dir)
        task = {"inpaint": "inpaint", "img2img": "img2img"}.get(params.mode, "text2image")
        self.scene: Generator | None = None
        self.controlnet_model: ModelSource | None = None
        if params.controlnet is not None:
            control = params.controlnet
            self.controlnet_model = resolve_model(
                control.model, control.revision, context.recipe_dir, kind="controlnet"
            )
            self.scene = get_generator_spec("scene").create()
            self.scene.setup(control.scene, context)
        self.pipeline = load_pipeline(self.model, task, self.placement, self.controlnet_model)
        self.background_pipeline: Any = None
        self.background_model: ModelSource | None = None
        self.background_files: list[Any] = []
        self.coco: CocoSource | None = None
        if params.inpaint is not None:
            background = params.inpaint.background
            if background.folder is not None:
                self.background_files = list_images(context.recipe_dir / background.folder)
            else:
                name = background.model or params.model
                self.background_model = (
                    self.model
                    if name == params.model
                    else resolve_model(name, None, context.recipe_dir)
                )
                self.background_pipeline = load_pipeline(
                    self.background_model, "text2image", self.placement
                )
        if params.img2img is not None:
            self.coco = CocoSource.load(
                context.recipe_dir / params.img2img.annotations,
                context.recipe_dir / params.img2img.images,
            )
        self._block: dict[int, ImageSample] = {}
        self.category_names = self._category_names()

    def _category_names(self) -> tuple[str, ...]:
        params = self.params
        if params.inpaint is not None:
            return value_options(params.inpaint.category)
        if self.coco is not None:
            return tuple(self.coco.categories[key] for key in sorted(self.coco.categories))
        slot = params.prompt.class_slot
        return value_options(params.prompt.slots[slot]) if slot is not None else ()

    # -- drawing --------------------------------------------------------------------------

    def _draw(self, index: int, rng: np.random.Generator) -> Request:
        params = self.params
        given: dict[str, str] = {}
        category = None
        if params.inpaint is not None:
            category = str(params.inpaint.category.sample(rng))
            given["category"] = category
        prompt = fill_prompt(params.prompt, rng, given)
        request = Request(
            index=index,
            prompt=prompt,
            steps=int(params.steps.sample(rng)),
            guidance=float(params.guidance_scale.sample(rng)),
            category=category,
        )
        if params.inpaint is not None:
            self._draw_inpaint(request, rng)
        if params.img2img is not None and self.coco is not None:
            request.source = self.coco.pick(rng)
            request.strength = float(params.img2img.strength.sample(rng))
            if int(request.steps * request.strength) < 1:
                raise RuntimeFailure(
                    f"steps={request.steps} at strength={request.strength} leaves no denoising "
                    "step: raise steps or strength"
                )
        request.seed = library_seed(rng)  # last, so adding a setting above never reseeds torch
        return request

    def _draw_inpaint(self, request: Request, rng: np.random.Generator) -> None:
        inpaint = self.params.inpaint
        assert inpaint is not None
        width, height = self.params.width, self.params.height
        request.region = plan_region(inpaint.region, rng, width, height)
        if self.background_files:
            path = self.background_files[int(rng.integers(0, len(self.background_files)))]
            request.background = fit_image(path, width, height)
            request.metadata["background"] = {"file": path.name}
        else:
            assert inpaint.background.prompt is not None
            request.background_prompt = fill_prompt(inpaint.background.prompt, rng)
            request.background_seed = library_seed(rng)

    # -- running the pipelines ------------------------------------------------------------

    def _generators(self, seeds: list[int]) -> list[torch.Generator]:
        return [torch.Generator(self.placement.device).manual_seed(s) for s in seeds]

    def _common(self, requests: list[Request]) -> dict[str, Any]:
        first = requests[0]
        return {
            "prompt": [r.prompt.text for r in requests],
            "negative_prompt": [r.prompt.negative for r in requests],
            "num_inference_steps": first.steps,
            "guidance_scale": first.guidance,
            "generator": self._generators([r.seed for r in requests]),
            "output_type": "np",
        }

    def _run(self, pipeline: Any, **kwargs: Any) -> tuple[np.ndarray, list[bool]]:
        with torch.inference_mode():
            output = pipeline(**kwargs)
        flagged = getattr(output, "nsfw_content_detected", None) or []
        images = to_uint8(np.asarray(output.images))
        return images, [bool(f) for f in flagged] or [False] * len(images)

    def _make_backgrounds(self, requests: list[Request]) -> None:
        # One call per background: each is a sample of its own seed, not a batch member.
        size = {"height": self.params.height, "width": self.params.width}
        for request in requests:
            assert request.background_prompt is not None
            assert request.background_seed is not None
            images, _ = self._run(
                self.background_pipeline,
                prompt=request.background_prompt.text,
                negative_prompt=request.background_prompt.negative,
                num_inference_steps=request.steps,
                guidance_scale=request.guidance,
                generator=self._generators([request.background_seed])[0],
                output_type="np",
                **size,
            )
            request.background = images[0]
            request.metadata["background"] = {
                "prompt": request.background_prompt.text,
                "negative_prompt": request.background_prompt.negative,
                "slots": request.background_prompt.slots,
                "torch_seed": request.background_seed,
            }

    def _denoise(self, requests: list[Request]) -> tuple[np.ndarray, list[bool]]:
        params = self.params
        kwargs = self._common(requests)
        if params.mode == "img2img":
            for request in requests:
                assert request.source is not None
                with Image.open(request.source.path) as opened:
                    resized = opened.convert("RGB").resize(
                        (params.width, params.height), Image.Resampling.LANCZOS
                    )
                request.source_pixels = np.asarray(resized, dtype=np.uint8)
            kwargs["image"] = [_pil(r.source_pixels) for r in requests]  # type: ignore[arg-type]
            kwargs["strength"] = requests[0].strength
            return self._run(self.pipeline, **kwargs)
        kwargs.update(height=params.height, width=params.width)
        if params.mode == "inpaint":
            if self.background_pipeline is not None:
                self._make_backgrounds(requests)
            kwargs["image"] = [_pil(r.background) for r in requests]  # type: ignore[arg-type]
            kwargs["mask_image"] = [
                _pil(r.region.mask.astype(np.uint8) * 255)  # type: ignore[union-attr]
                for r in requests
            ]
        return self._run(self.pipeline, **kwargs)

    # -- labels ---------------------------------------------------------------------------

    def _finish(self, request: Request, image: np.ndarray, flagged: bool) -> ImageSample:
        params = self.params
        metadata: dict[str, Any] = {
            "mode": params.mode,
            "model": {"name": self.model.name, **self.model.identity},
            **self.placement.describe(),
            "prompt": request.prompt.text,
            "negative_prompt": request.prompt.negative,
            "slots": request.prompt.slots,
            "steps": request.steps,
            "guidance_scale": request.guidance,
            "torch_seed": request.seed,
            "batch_size": params.batch_size,
            "safety_checker_flagged": flagged,
            **request.metadata,
        }
        if self.background_model is not None and self.background_model is not self.model:
            metadata["background_model"] = {
                "name": self.background_model.name,
                **self.background_model.identity,
            }
        common: dict[str, Any] = {
            "index": request.index,
            "metadata": metadata,
            "category_names": self.category_names,
        }
        if request.region is not None and request.background is not None:
            region = request.region
            metadata["region"] = region.describe()
            instance_mask = region.mask.astype(np.uint16)
            category = str(request.category)
            value = self.category_names.index(category) + 1
            label = ObjectLabel(
                instance_id=1,
                category=category,
                bbox=region.bbox,
                amodal_bbox=region.bbox,
                visible_fraction=1.0,
                truncation=0.0,
                attributes={"region_shape": region.shape},
            )
            return ImageSample(
                **common,
                image=composite(image, request.background, region.mask),
                objects=(label,),
                instance_mask=instance_mask,
                semantic_mask=instance_mask * np.uint16(value),
                classes=(category,),
            )
        if request.source is not None and self.coco is not None:
            objects = carry_labels(
                request.source, self.coco.categories, params.width, params.height
            )
            metadata["source"] = {
                "image_id": request.source.image_id,
                "file": request.source.path.name,
                "strength": request.strength,
            }
            classes = tuple(sorted({o.category for o in objects}))
            return ImageSample(**common, image=image, objects=objects, classes=classes)
        name = request.prompt.label
        return ImageSample(**common, image=image, classes=() if name is None else (name,))

    # -- the contract ---------------------------------------------------------------------

    def _controlnet_sample(
        self, index: int, rng: np.random.Generator, plan: SamplePlan
    ) -> ImageSample:
        params, control = self.params, self.params.controlnet
        assert control is not None and self.scene is not None and self.controlnet_model is not None
        scene = self.scene.generate(index, rng, plan)  # geometry, labels, quota conditions
        assert isinstance(scene, ImageSample)
        present = sorted({o.category for o in scene.objects if o.bbox is not None})
        prompt = fill_prompt(params.prompt, rng, {"objects": ", ".join(present)})
        steps = int(params.steps.sample(rng))
        guidance = float(params.guidance_scale.sample(rng))
        scale = float(control.scale.sample(rng))
        seed = library_seed(rng)
        if control.conditioning == "depth":
            if scene.depth is None:
                raise RuntimeFailure("the scene generator returned no depth to condition on")
            condition = depth_condition(scene.depth)
        else:
            if scene.semantic_mask is None:
                raise RuntimeFailure("the scene generator returned no semantic mask")
            condition = segmentation_condition(scene.semantic_mask, len(scene.category_names))
        images, flagged = self._run(
            self.pipeline,
            prompt=prompt.text,
            negative_prompt=prompt.negative,
            image=_pil(condition),
            controlnet_conditioning_scale=scale,
            height=params.height,
            width=params.width,
            num_inference_steps=steps,
            guidance_scale=guidance,
            generator=self._generators([seed])[0],
            output_type="np",
        )
        metadata = {
            "scene": dict(scene.metadata),
            "mode": "controlnet",
            "model": {"name": self.model.name, **self.model.identity},
            "controlnet": {
                "name": self.controlnet_model.name,
                **self.controlnet_model.identity,
                "conditioning": control.conditioning,
                "scale": scale,
            },
            **self.placement.describe(),
            "prompt": prompt.text,
            "negative_prompt": prompt.negative,
            "slots": prompt.slots,
            "steps": steps,
            "guidance_scale": guidance,
            "torch_seed": seed,
            "safety_checker_flagged": flagged[0],
        }
        classes = tuple(present) if not scene.classes else scene.classes
        return replace(scene, image=images[0], metadata=metadata, classes=classes)

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> ImageSample:
        if self.scene is not None:
            return self._controlnet_sample(index, rng, plan)
        if plan.require or plan.forbid:
            raise RuntimeFailure("the diffusion generator offers no quota conditions")
        if index in self._block:
            return self._block.pop(index)
        size = self.params.batch_size
        first = index - index % size
        members = range(first, min(first + size, self.context.count))
        requests = [
            self._draw(j, rng if j == index else sample_rng(self.context.seed, j)) for j in members
        ]
        images, flagged = self._denoise(requests)
        samples = {r.index: self._finish(r, images[k], flagged[k]) for k, r in enumerate(requests)}
        sample = samples.pop(index)
        self._block = samples  # only the current block is kept: memory stays bounded
        return sample

    def provenance(self) -> dict[str, Any]:
        """Model identity (directory hash or hub revision), device, dtype and threads."""
        found: dict[str, Any] = {
            "model": {"name": self.model.name, **self.model.identity},
            **self.placement.describe(),
            "torch": torch.__version__,
        }
        if self.background_model is not None and self.background_model is not self.model:
            found["background_model"] = {
                "name": self.background_model.name,
                **self.background_model.identity,
            }
        return found

    def close(self) -> None:
        if self.scene is not None:
            self.scene.close()
            self.scene = None
        self.pipeline = None
        self.background_pipeline = None
        self._block = {}
        if self.placement.device == "cuda":
            torch.cuda.empty_cache()

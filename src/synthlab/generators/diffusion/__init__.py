"""The `diffusion` generator: realistic images from diffusers pipelines, with exact labels.

Importing this package is cheap (params and description only); torch and diffusers are
imported by the implementation module when a run creates the generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthlab.generators.base import GeneratorSpec
from synthlab.generators.diffusion.labels import diffusion_label_set
from synthlab.generators.diffusion.params import DiffusionParams

__all__ = ["SPEC", "DiffusionParams"]


def _resources(params: Any) -> Mapping[str, float]:
    # Only an explicit `device: cuda` asks a cluster for a GPU: with `auto` a worker uses
    # whatever it was given.
    if isinstance(params, DiffusionParams) and params.device == "cuda":
        return {"CPU": 1.0, "GPU": 1.0}
    return {"CPU": 1.0}


SPEC = GeneratorSpec(
    kind="diffusion",
    description=(
        "diffusers pipelines: prompted images with class labels, inpainting into planned "
        "regions (box + mask, pixels outside unchanged), img2img variants keeping COCO boxes, "
        "ControlNet on scene renders (labels from the 3D geometry)"
    ),
    modality="image",
    params_model=DiffusionParams,
    implementation="synthlab.generators.diffusion.generator:DiffusionGenerator",
    default_formats=("image", "coco"),
    extra="diffusion",
    requires=("torch", "diffusers", "transformers"),  # controlnet mode also needs [scene]
    value_libraries=("numpy", "torch", "diffusers", "transformers", "pillow", "zlib", "deflate"),
    resources=_resources,
    shard_multiple=lambda params: params.batch_size,
    quota_conditions=lambda params: params.quota_conditions(),
    label_set=diffusion_label_set,
)

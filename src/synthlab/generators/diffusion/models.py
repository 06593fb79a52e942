"""Finding, identifying and loading a diffusers pipeline; choosing device, dtype and threads.

A model is a local `save_pretrained` folder or a hub id. A hub id is resolved to a folder in
the local cache first (so both load through the same code), downloading only when allowed.
With no network the error says what to download and where to put it; huggingface_hub's own
timeouts bound every request, so nothing waits forever.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from synthlab.errors import RuntimeFailure

__all__ = ["ModelSource", "Placement", "choose_placement", "load_pipeline", "resolve_model"]

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ModelSource:
    """Where a model's files are, and what identifies their content for the manifest."""

    name: str  # as the recipe wrote it
    folder: Path
    identity: dict[str, str]  # {"revision": commit} for hub models, {"sha256": ...} for folders


@dataclass(frozen=True)
class Placement:
    device: str
    dtype: torch.dtype
    threads: int

    def describe(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "dtype": str(self.dtype).removeprefix("torch."),
            "threads": self.threads,
        }


def choose_placement(wanted: str, threads: int) -> Placement:
    """CUDA in fp16 when available (or asked), else CPU in fp32; torch's threads pinned."""
    # Pinned so that CPU reductions split the same way on every run (results then repeat).
    torch.set_num_threads(threads)
    if wanted == "cuda" and not torch.cuda.is_available():
        raise RuntimeFailure("device: cuda was asked for, but torch sees no CUDA device")
    if wanted == "cuda" or (wanted == "auto" and torch.cuda.is_available()):
        # cuDNN may otherwise pick kernels by timing, which changes the bytes between runs.
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
        return Placement("cuda", torch.float16, threads)
    return Placement("cpu", torch.float32, threads)


def folder_digest(folder: Path) -> str:
    """sha256 over every file's relative path and content, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def _looks_like_path(name: str) -> bool:
    # Hub ids are "owner/name"; anything else (./x, /abs, a/b/c, plain names) is a folder.
    return name.startswith((".", "/", "~")) or "\\" in name or name.count("/") != 1


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE


def _missing_hub_model(name: str, revision: str | None, why: str) -> RuntimeFailure:
    at = f"@{revision}" if revision else ""
    return RuntimeFailure(
        f"diffusion model {name!r}{at} is not available here ({why}). Download it on a machine "
        f"with network, e.g. `hf download {name}"
        f"{f' --revision {revision}' if revision else ''} --local-dir models/{name.split('/')[-1]}`"
        f" (or `DiffusionPipeline.from_pretrained({name!r}).save_pretrained(...)`), copy that "
        "folder next to the recipe and set `model:` to its path; or fill the Hugging Face cache "
        "(HF_HOME) with it"
    )


def resolve_model(
    name: str, revision: str | None, recipe_dir: Path, *, kind: str = "pipeline"
) -> ModelSource:
    """The folder holding model `name` (a local folder or a hub id) and its identity.

    `kind` is "pipeline" (a whole pipeline, model_index.json) or "controlnet" (one model,
    config.json)."""
    marker = "model_index.json" if kind == "pipeline" else "config.json"
    local = (recipe_dir / Path(name).expanduser()).resolve()
    if local.is_dir():
        if not (local / marker).is_file():
            raise RuntimeFailure(
                f"{local} is not a diffusers {kind} folder (no {marker}); "
                "save one with .save_pretrained(folder)"
            )
        return ModelSource(name, local, {"sha256": folder_digest(local)})
    if _looks_like_path(name):
        raise RuntimeFailure(
            f"diffusion model folder {local} does not exist (model: {name!r} in the recipe, "
            "resolved against the recipe's folder)"
        )
    from diffusers import DiffusionPipeline
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    def fetch(local_only: bool) -> str:
        if kind == "pipeline":  # diffusers picks the files the pipeline needs
            return str(
                DiffusionPipeline.download(name, revision=revision, local_files_only=local_only)
            )
        return snapshot_download(
            name,
            revision=revision,
            allow_patterns=["*.json", "*.safetensors"],
            local_files_only=local_only,
        )

    try:  # the cache first: no request at all when the model is already here
        folder = fetch(local_only=True)
    except (OSError, ValueError, LocalEntryNotFoundError):
        if _offline():
            why = "HF_HUB_OFFLINE is set and it is not in the cache"
            raise _missing_hub_model(name, revision, why) from None
        try:
            folder = fetch(local_only=False)
        except (OSError, ValueError, HfHubHTTPError) as err:
            first_line = str(err).splitlines()[0] if str(err) else ""
            shown = first_line if len(first_line) <= 300 else first_line[:300] + "..."
            reason = f"the download failed: {type(err).__name__}: {shown}"
            raise _missing_hub_model(name, revision, reason) from None
    path = Path(folder)
    # A cache snapshot lives in snapshots/<commit>: the commit names the content exactly.
    return ModelSource(name, path, {"revision": path.name, "requested": revision or "main"})


def load_pipeline(
    source: ModelSource, task: str, placement: Placement, controlnet: ModelSource | None = None
) -> Any:
    """Load `task` ("text2image", "inpaint", "img2img") from the model's folder, once; with
    `controlnet`, the text-to-image pipeline conditioned by that ControlNet."""
    from diffusers import (
        AutoPipelineForImage2Image,
        AutoPipelineForInpainting,
        AutoPipelineForText2Image,
    )
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as transformers_logging

    diffusers_logging.set_verbosity_error()
    diffusers_logging.disable_progress_bar()
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    loader = {
        "text2image": AutoPipelineForText2Image,
        "inpaint": AutoPipelineForInpainting,
        "img2img": AutoPipelineForImage2Image,
    }[task]
    extra: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():
            # newer diffusers renamed torch_dtype; the old name works across the versions we allow
            warnings.simplefilter("ignore", FutureWarning)
            if controlnet is not None:
                from diffusers import ControlNetModel

                extra["controlnet"] = ControlNetModel.from_pretrained(  # type: ignore[no-untyped-call]
                    controlnet.folder, torch_dtype=placement.dtype, local_files_only=True
                )
            pipeline = loader.from_pretrained(
                source.folder, torch_dtype=placement.dtype, local_files_only=True, **extra
            )
    except (OSError, ValueError) as err:
        raise RuntimeFailure(
            f"cannot load {source.name!r} as a {task} pipeline from {source.folder}: {err}"
        ) from None
    pipeline = pipeline.to(placement.device)
    pipeline.set_progress_bar_config(disable=True)
    if task == "text2image" and _unet_inputs(pipeline) != 4:
        raise RuntimeFailure(
            f"{source.name!r} is an inpainting model (its UNet takes {_unet_inputs(pipeline)} "
            "input channels), not a text-to-image one: use it with mode: inpaint, and give a "
            "text-to-image model for prompted images or for inpaint.background.model"
        )
    return pipeline


def _unet_inputs(pipeline: Any) -> int | None:
    unet = getattr(pipeline, "unet", None)
    return None if unet is None else int(unet.config.in_channels)

"""Tiny, randomly initialised Stable-Diffusion-shaped pipelines, built locally.

Nothing is downloaded: the tokenizer's vocabulary is the 256 byte symbols of CLIP's
byte-level BPE (with and without the end-of-word mark) and no merges, and every network
is a few thousand parameters. The pipelines are saved with `save_pretrained`, so the
generator loads them through the very code path a real model directory takes.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from diffusers import (
    AutoencoderKL,
    ControlNetModel,
    DDIMScheduler,
    StableDiffusionInpaintPipeline,
    StableDiffusionPipeline,
    UNet2DConditionModel,
)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

__all__ = ["build_tiny_controlnet", "build_tiny_pipeline"]

HIDDEN = 32


def _byte_symbols() -> list[str]:
    """The printable stand-ins CLIP's BPE uses for the 256 byte values."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += list(range(ord("®"), ord("ÿ") + 1))
    symbols = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in symbols:
            symbols[b] = chr(256 + extra)
            extra += 1
    return [symbols[b] for b in range(256)]


def _tokenizer(folder: Path) -> CLIPTokenizer:
    folder.mkdir(parents=True, exist_ok=True)
    symbols = _byte_symbols()
    tokens = [*symbols, *(s + "</w>" for s in symbols), "<|startoftext|>", "<|endoftext|>"]
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    return CLIPTokenizer(
        str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77
    )


def _text_encoder(tokenizer: CLIPTokenizer) -> CLIPTextModel:
    config = CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=HIDDEN,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=77,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return CLIPTextModel(config)


def _unet(in_channels: int) -> UNet2DConditionModel:
    return UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=16,
        in_channels=in_channels,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=HIDDEN,
        attention_head_dim=8,
        norm_num_groups=32,
    )


def _vae() -> AutoencoderKL:
    return AutoencoderKL(
        block_out_channels=(32, 64),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=32,
        sample_size=32,
    )


def build_tiny_pipeline(
    folder: Path, scratch: Path, *, inpainting: bool = False, seed: int = 0
) -> Path:
    """Save a tiny text-to-image (or inpainting) pipeline into `folder` and return it.

    `scratch` holds the tokenizer's source files (the pipeline saves its own copy)."""
    torch.manual_seed(seed)  # only the random weights of this throwaway test model
    tokenizer = _tokenizer(scratch)
    cls = StableDiffusionInpaintPipeline if inpainting else StableDiffusionPipeline
    pipeline = cls(
        vae=_vae(),
        text_encoder=_text_encoder(tokenizer),
        tokenizer=tokenizer,
        unet=_unet(9 if inpainting else 4),
        scheduler=DDIMScheduler(beta_schedule="scaled_linear", clip_sample=False, steps_offset=1),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipeline.save_pretrained(folder)
    return folder


def build_tiny_controlnet(folder: Path, *, seed: int = 1) -> Path:
    """A tiny ControlNet matching the tiny UNet (its conditioning net halves the size once,
    as the tiny VAE does)."""
    torch.manual_seed(seed)
    controlnet = ControlNetModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        in_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        cross_attention_dim=HIDDEN,
        attention_head_dim=8,
        norm_num_groups=32,
        conditioning_embedding_out_channels=(16, 32),
    )
    controlnet.save_pretrained(folder)
    return folder

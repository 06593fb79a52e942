"""Images per second of a full-size Stable-Diffusion-1.x-class pipeline, without its weights.

The pipeline is built from the SD 1.x architecture (UNet 860M, VAE 84M, CLIP ViT-L text
encoder 123M) with random weights: the time a denoising step takes depends on the shapes,
not on the weight values, so no download is needed. Two measurements:

  pipeline   the diffusers pipeline called directly, per batch size (the ceiling)
  synthlab   the same pipeline saved with save_pretrained and run through the diffusion
             generator (prompt filling, per-sample torch seeds, labels), batch_size as given

Run on a GPU machine (CUDA, fp16):

    python benchmarks/diffusion_throughput.py --size 512 --steps 30 --batch 1 4 8
    python benchmarks/diffusion_throughput.py --mode synthlab --count 16 --batch 4

It also runs on a CPU (fp32) with small sizes, to check that it works:

    python benchmarks/diffusion_throughput.py --size 64 --steps 2 --batch 1 --repeats 1

Each result is printed as one JSON line. Runs on lent GPUs, with how they were made:
benchmarks/results/ (and the speed section of docs/diffusion.md).
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import torch


def _byte_tokenizer(folder: Path) -> Any:
    """A CLIP tokenizer over the 256 byte symbols (prompt length, not wording, sets the cost)."""
    from transformers import CLIPTokenizer

    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    symbols = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in symbols:
            symbols[b] = chr(256 + extra)
            extra += 1
    tokens = [*symbols.values(), *(s + "</w>" for s in symbols.values())]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    return CLIPTokenizer(
        str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77
    )


def build_sd15_shaped(scratch: Path, dtype: torch.dtype, device: str) -> Any:
    """An SD 1.x pipeline with random weights (architecture from the published configs)."""
    from diffusers import (
        AutoencoderKL,
        PNDMScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)  # only the throwaway random weights of this benchmark model
    unet = UNet2DConditionModel(
        sample_size=64,
        in_channels=4,
        out_channels=4,
        block_out_channels=(320, 640, 1280, 1280),
        layers_per_block=2,
        down_block_types=(
            "CrossAttnDownBlock2D",
            "CrossAttnDownBlock2D",
            "CrossAttnDownBlock2D",
            "DownBlock2D",
        ),
        up_block_types=(
            "UpBlock2D",
            "CrossAttnUpBlock2D",
            "CrossAttnUpBlock2D",
            "CrossAttnUpBlock2D",
        ),
        cross_attention_dim=768,
        attention_head_dim=8,
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(128, 256, 512, 512),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=2,
        latent_channels=4,
        sample_size=512,
    )
    tokenizer = _byte_tokenizer(scratch / "tokenizer")
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=49408,
            hidden_size=768,
            intermediate_size=3072,
            num_hidden_layers=12,
            num_attention_heads=12,
            max_position_embeddings=77,
            hidden_act="quick_gelu",
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )
    )
    scheduler = PNDMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        skip_prk_steps=True,
        steps_offset=1,
    )
    pipeline = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipeline.set_progress_bar_config(disable=True)
    return pipeline.to(device=device, dtype=dtype)


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _reset_peak(device: str) -> None:
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()


def _peak_gib(device: str) -> dict[str, Any]:
    """Peak GPU memory held by torch's allocator since the last reset (weights included)."""
    if device != "cuda":
        return {}
    return {"peak_gpu_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2)}


def bench_pipeline(pipeline: Any, args: argparse.Namespace, device: str) -> list[dict[str, Any]]:
    results = []
    prompt = "a photo of a forklift in a warehouse, photograph, at noon"
    for batch in args.batch:
        kwargs = {
            "prompt": [prompt] * batch,
            "negative_prompt": ["blurry"] * batch,
            "height": args.size,
            "width": args.size,
            "num_inference_steps": args.steps,
            "guidance_scale": 7.5,
            "output_type": "np",
        }
        generators = [torch.Generator(device).manual_seed(i) for i in range(batch)]
        _reset_peak(device)
        with torch.inference_mode():
            pipeline(**kwargs, generator=generators)  # warm-up: kernels, allocator
            _sync(device)
            started = time.perf_counter()
            for _ in range(args.repeats):
                pipeline(**kwargs, generator=generators)
            _sync(device)
        seconds = time.perf_counter() - started
        images = batch * args.repeats
        results.append(
            {
                "batch": batch,
                "images": images,
                "seconds": round(seconds, 3),
                "images_per_s": round(images / seconds, 3),
                **_peak_gib(device),
            }
        )
    return results


def bench_recipe(model: Path, size: int, steps: int, batch: int, count: int) -> str:
    """The recipe both measurements run: prompts with a class slot, fixed steps and size."""
    return f"""\
version: 1
name: diffusion-bench
seed: 1
count: {count}
generator:
  kind: diffusion
  params:
    model: {model}
    width: {size}
    height: {size}
    steps: {steps}
    guidance_scale: 7.5
    batch_size: {batch}
    prompt:
      template: "a photo of a {{class}} in a warehouse, {{style}}"
      negative: blurry
      class_slot: class
      slots:
        class: {{choice: [forklift, pallet, person]}}
        style: {{choice: [photograph, cctv still]}}
"""


def bench_synthlab(
    pipeline: Any, args: argparse.Namespace, scratch: Path, device: str
) -> list[dict[str, Any]]:
    import synthlab
    from synthlab.recipe import load_recipe_text

    model = scratch / "sd15-random"
    pipeline.save_pretrained(model)
    # the generator loads its own copy from the folder: free this one so that the peak
    # memory below is the generator's alone
    pipeline.to("cpu")
    if device == "cuda":
        torch.cuda.empty_cache()
    results = []
    for batch in args.batch:
        text = bench_recipe(model, args.size, args.steps, batch, args.count)
        _reset_peak(device)
        dataset = synthlab.Dataset(load_recipe_text(text, "bench.yaml"))
        dataset[0]  # setup (loading) and warm-up are not what we measure
        started = time.perf_counter()
        for index in range(batch, args.count):
            dataset[index]
        seconds = time.perf_counter() - started
        images = args.count - batch
        dataset.close()
        results.append(
            {
                "batch": batch,
                "images": images,
                "seconds": round(seconds, 3),
                "images_per_s": round(images / seconds, 3),
                **_peak_gib(device),
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["pipeline", "synthlab"], default="pipeline")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--repeats", type=int, default=3, help="timed calls per batch size")
    parser.add_argument("--count", type=int, default=16, help="samples in synthlab mode")
    parser.add_argument(
        "--cudnn-deterministic",
        action="store_true",
        help="pipeline mode: set cuDNN as the generator does on a GPU (deterministic, no autotune)",
    )
    args = parser.parse_args()
    if args.mode == "synthlab" and any(args.count <= b for b in args.batch):
        parser.error("--count must be larger than every --batch (the first block is warm-up)")

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.float16 if device == "cuda" else torch.float32
    if device == "cpu":
        torch.set_num_threads(torch.get_num_threads())
    if args.cudnn_deterministic:
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    warnings.filterwarnings("ignore", category=RuntimeWarning)  # random fp16 weights overflow
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        started = time.perf_counter()
        pipeline = build_sd15_shaped(scratch, dtype, device)
        built = time.perf_counter() - started
        unet_parameters = int(sum(p.numel() for p in pipeline.unet.parameters()))
        if args.mode == "pipeline":
            results = bench_pipeline(pipeline, args, device)
        else:
            results = bench_synthlab(pipeline, args, scratch, device)
    import diffusers
    import transformers

    header = {
        "benchmark": "diffusion_throughput",
        "mode": args.mode,
        "architecture": "stable-diffusion-1.x (random weights)",
        "unet_parameters": unet_parameters,
        "device": torch.cuda.get_device_name() if device == "cuda" else platform.machine(),
        "dtype": str(dtype).removeprefix("torch."),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "diffusers": diffusers.__version__,
        "transformers": transformers.__version__,
        "cudnn_deterministic": bool(torch.backends.cudnn.deterministic),
        "size": args.size,
        "steps": args.steps,
        "build_seconds": round(built, 1),
    }
    for result in results:
        print(json.dumps({**header, **result}))


if __name__ == "__main__":
    main()

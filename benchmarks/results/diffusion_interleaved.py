"""Interleaved, same-process comparison: bare pipeline call vs the diffusion generator's block.

Made the -interleaved.jsonl results beside it (CUDA only, fp16, 512x512, 30 steps):

    python benchmarks/results/diffusion_interleaved.py

Separate processes (diffusion_throughput.py's two modes) differ by +-10-15% from run to run on
the H100 machine; alternating the two calls in one process, on the same pipeline object and
with the same torch/cuDNN settings, leaves only the generator's own work as the difference.
First it times the bare batch-1 call under each torch thread count / cuDNN setting that the
generator may change.
"""

import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch

sys.path.insert(0, "benchmarks")
from diffusion_throughput import bench_recipe, build_sd15_shaped

import synthlab
from synthlab.recipe import load_recipe_text

warnings.filterwarnings("ignore", category=RuntimeWarning)
ROUNDS = 5


def bare(pipe, b):
    kw = dict(
        prompt=["a photo of a forklift in a warehouse, photograph"] * b,
        negative_prompt=["blurry"] * b,
        height=512,
        width=512,
        num_inference_steps=30,
        guidance_scale=7.5,
        output_type="np",
        generator=[torch.Generator("cuda").manual_seed(i) for i in range(b)],
    )
    torch.cuda.synchronize()
    t = time.perf_counter()
    with torch.inference_mode():
        pipe(**kw)
    torch.cuda.synchronize()
    return time.perf_counter() - t


def flags():
    return {
        "threads": torch.get_num_threads(),
        "cudnn_det": torch.backends.cudnn.deterministic,
        "cudnn_bench": torch.backends.cudnn.benchmark,
    }


with tempfile.TemporaryDirectory() as d:
    d = Path(d)
    pipe = build_sd15_shaped(d, torch.float16, "cuda")
    pipe.save_pretrained(d / "m")
    out = {}
    # bare b1 under each flag setting (same process, same pipeline object)
    for threads in (16, 1):
        for det in (False, True):
            torch.set_num_threads(threads)
            torch.backends.cudnn.deterministic = det
            torch.backends.cudnn.benchmark = False
            bare(pipe, 1)
            ts = [bare(pipe, 1) for _ in range(ROUNDS)]
            out[f"bare_b1_threads{threads}_det{int(det)}"] = round(sorted(ts)[len(ts) // 2], 4)
    print(json.dumps({"flag_sweep_median_s_per_call": out}), flush=True)
    torch.set_num_threads(16)
    torch.backends.cudnn.deterministic = False
    for b in (1, 8):
        ds = synthlab.Dataset(
            load_recipe_text(bench_recipe(d / "m", 512, 30, b, b * (ROUNDS + 1)), "x.yaml")
        )
        ds[0]
        after_setup = flags()
        bare(pipe, b)
        tb, tg = [], []
        for k in range(1, ROUNDS + 1):
            tb.append(bare(pipe, b))
            torch.cuda.synchronize()
            t = time.perf_counter()
            for i in range(k * b, (k + 1) * b):
                ds[i]
            torch.cuda.synchronize()
            tg.append(time.perf_counter() - t)
        ds.close()

        def med(x):
            return sorted(x)[len(x) // 2]

        print(
            json.dumps(
                {
                    "batch": b,
                    "flags_after_generator_setup": after_setup,
                    "bare_s": [round(x, 3) for x in tb],
                    "synthlab_s": [round(x, 3) for x in tg],
                    "bare_img_s_median": round(b / med(tb), 3),
                    "synthlab_img_s_median": round(b / med(tg), 3),
                    "overhead_pct_median": round(100 * (med(tg) / med(tb) - 1), 1),
                }
            ),
            flush=True,
        )

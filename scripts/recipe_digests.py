"""One digest per bundled recipe: the same code must give the same bytes.

Renders every recipe in `recipes/` with a small count (`--count`) and prints, per recipe, a
sha256 over its dataset's content files: every file listed in `manifest.json`'s `files`,
each hashed again here, sorted by path. `manifest.json` itself is left out (it names the
synthlab version and, as the project grows, more fields that do not change a sample), and
so is the engine's `.synthlab/` state. Run it before and after a change that must not move
a byte, and compare the two outputs line by line:

    .venv/bin/python scripts/recipe_digests.py --count 30 > after.txt
    git worktree add /tmp/before <sha>
    PYTHONPATH=/tmp/before/src .venv/bin/python scripts/recipe_digests.py \
        --recipes /tmp/before/recipes --count 30 > before.txt
    diff before.txt after.txt

Recipes that need downloaded diffusion weights are skipped. The `diffusion-tiny*` ones run
only with `--tiny-models DIR`: the tiny random pipelines the tests build
(`tests/diffusion/tiny_models.py`) are built into DIR once and reused, so the before and
after runs read the very same model files. `--files` also prints each file's digest, to
see which file moved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Recipes whose model must be downloaded: never rendered here.
NEEDS_DOWNLOAD = ("diffusion-sd15",)
TINY = "diffusion-tiny"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_digests(dataset: Path) -> list[tuple[str, str]]:
    """(path, sha256) of each content file the manifest lists, sorted by path."""
    manifest = json.loads((dataset / "manifest.json").read_text(encoding="utf-8"))
    paths = sorted(entry[0] for entry in manifest["files"])
    return [(relpath, file_sha256(dataset / relpath)) for relpath in paths]


def dataset_digest(files: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for relpath, sha in files:
        digest.update(f"{relpath}\0{sha}\n".encode())
    return digest.hexdigest()


def tiny_model_sets(name: str, models: Path) -> list[str]:
    """The `--set` overrides that point a `diffusion-tiny*` recipe at the tiny models,
    built into `models` on first use (seeded: the same files every time)."""
    sys.path.insert(0, str(ROOT / "tests" / "diffusion"))
    from tiny_models import build_tiny_controlnet, build_tiny_pipeline

    pipeline = models / "tiny-sd"
    if not pipeline.exists():
        build_tiny_pipeline(pipeline, models / "tokenizer-src")
    sets = [f"generator.params.model={pipeline}"]
    if "controlnet" in name:
        controlnet = models / "tiny-controlnet"
        if not controlnet.exists():
            build_tiny_controlnet(controlnet)
        sets.append(f"generator.params.controlnet.model={controlnet}")
    return sets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipes", type=Path, default=ROOT / "recipes")
    parser.add_argument("--count", type=int, default=30, help="samples per recipe")
    parser.add_argument("--tiny-models", type=Path, default=None, metavar="DIR")
    parser.add_argument("--files", action="store_true", help="print each file's digest too")
    parser.add_argument("--only", nargs="*", default=None, help="recipe names (file stems)")
    args = parser.parse_args()

    import synthlab

    print(f"# synthlab {synthlab.__version__} from {Path(synthlab.__file__).parent}")
    print(f"# count {args.count}; sha256 over the manifest's content files (manifest excluded)")
    scratch = Path(tempfile.mkdtemp(prefix="recipe-digests-"))
    failed = 0
    try:
        for recipe_path in sorted(args.recipes.glob("*.yaml")):
            name = recipe_path.stem
            if args.only is not None and name not in args.only:
                continue
            if name.startswith(NEEDS_DOWNLOAD):
                print(f"{name}: skipped (needs downloaded weights)")
                continue
            sets = [f"count={args.count}"]
            if name.startswith(TINY):
                if args.tiny_models is None:
                    print(f"{name}: skipped (no --tiny-models)")
                    continue
                sets += tiny_model_sets(name, args.tiny_models.resolve())
            out = scratch / name
            try:
                recipe = synthlab.load_recipe(recipe_path, sets=sets)
                synthlab.render(recipe, out, workers=1, overwrite=True)
                files = content_digests(out)
            except Exception as error:  # one recipe's failure must not hide the others
                failed += 1
                print(f"{name}: FAILED {type(error).__name__}: {error}")
                continue
            finally:
                sys.stdout.flush()
            print(f"{name}: {dataset_digest(files)} ({len(files)} files)")
            if args.files:
                for relpath, sha in files:
                    print(f"    {sha}  {relpath}")
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

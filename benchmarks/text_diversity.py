"""Diversity figures of text recipes: distinct-1/2 (of the text and of its context), frames,
templates used.

Makes the first `--count` samples of each recipe in memory (the same samples a render
makes) and measures them exactly (`synthlab.generators.text.diversity`): the figures a
render prints and records in its manifest, without writing a dataset::

    .venv/bin/python benchmarks/text_diversity.py --count 2000 \
        recipes/support-tickets-pii.yaml recipes/intent-rare.yaml recipes/auth-log-bruteforce.yaml
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synthlab.engine.sampling import SampleMaker
from synthlab.generators.text.diversity import frame_of, ngram_figures, words
from synthlab.recipe import load_recipe


def measure(path: Path, count: int) -> dict[str, object]:
    recipe = load_recipe(path)
    recipe = recipe.model_copy(update={"count": max(count, recipe.count)})
    maker = SampleMaker.open(recipe)
    try:
        samples = list(maker.make_many(range(count)))
        templates = len(maker.generator.catalog.templates)
    finally:
        maker.close()
    figures = ngram_figures(s.text for s in samples)
    frames = [frame_of(s.text, s.spans) for s in samples]
    context = ngram_figures(frames)
    used = {s.template_id for s in samples}
    return {
        "recipe": path.name,
        "samples": count,
        "distinct_1": figures["distinct_1"],
        "distinct_2": figures["distinct_2"],
        "context_distinct_1": context["distinct_1"],
        "context_distinct_2": context["distinct_2"],
        "frames": len({tuple(words(frame)) for frame in frames}),
        "templates": f"{len(used)}/{templates}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipes", nargs="+", type=Path)
    parser.add_argument("--count", type=int, default=2000, help="samples per recipe")
    args = parser.parse_args()
    print(
        "recipe | samples | distinct-1 | distinct-2 | context distinct-1 | "
        "context distinct-2 | distinct frames | templates used"
    )
    for path in args.recipes:
        row = measure(path, args.count)
        print(" | ".join(str(value) for value in row.values()))


if __name__ == "__main__":
    main()

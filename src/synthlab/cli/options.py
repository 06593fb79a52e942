"""Options shared by commands that read a recipe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from synthlab.recipe import Recipe, load_recipe

__all__ = ["load_from_options", "recipe_options"]


def recipe_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """RECIPE plus --seed, --count and --set overrides."""
    for option in reversed(
        [
            click.argument("recipe", type=click.Path(path_type=Path, dir_okay=False)),
            click.option("--seed", type=int, help="Override the recipe's seed."),
            click.option("--count", type=int, help="Override the number of samples."),
            click.option(
                "--set",
                "sets",
                multiple=True,
                metavar="FIELD=VALUE",
                help="Override any field, e.g. --set generator.params.rate=100 (repeatable).",
            ),
        ]
    ):
        command = option(command)
    return command


def load_from_options(
    recipe: Path, seed: int | None, count: int | None, sets: tuple[str, ...]
) -> Recipe:
    return load_recipe(recipe, seed=seed, count=count, sets=list(sets))

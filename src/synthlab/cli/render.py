"""`synthlab render`, `synthlab check` and `synthlab schema`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from synthlab.cli.options import load_from_options, recipe_options
from synthlab.engine.render import default_workers, render_dataset, resolve_formats
from synthlab.errors import UsageError

__all__ = ["COMMANDS"]


def parse_indices(text: str) -> list[int]:
    """'17', '3,5,9' or '10-19' (inclusive) and mixes of them."""
    indices: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part[1:]:
                low, high = part.split("-", 1)
                indices.extend(range(int(low), int(high) + 1))
            else:
                indices.append(int(part))
        except ValueError:
            raise UsageError(f"--only {text!r}: expected indices like 17, 3,5,9 or 10-19") from None
    return indices


@click.command()
@recipe_options
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output directory (default: synthlab-out/<recipe name>).",
)
@click.option(
    "-j", "--workers", type=click.IntRange(min=1), help="Worker processes (default: all cores)."
)
@click.option(
    "--shard-size",
    type=click.IntRange(min=1),
    help=(
        "Samples per unit of work (default: the recipe's, else at most 64 and 4 or more "
        "shards per worker); never changes the output."
    ),
)
@click.option(
    "--only", "only", metavar="INDICES", help="Render only these samples, e.g. 17 or 3,5,10-19."
)
@click.option("--resume", is_flag=True, help="Continue an interrupted run in OUT.")
@click.option("--overwrite", is_flag=True, help="Replace a synthlab dataset already in OUT.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help='Where shards run: worker processes here, or Ray tasks (pip install "synthlab[ray]").',
)
@click.option(
    "--address",
    metavar="ADDRESS",
    help="Ray cluster to join (auto, or ray://host:10001); default: start a local one.",
)
def render(
    recipe: Path,
    seed: int | None,
    count: int | None,
    sets: tuple[str, ...],
    out: Path | None,
    workers: int | None,
    shard_size: int | None,
    only: str | None,
    resume: bool,
    overwrite: bool,
    quiet: bool,
    executor: str,
    address: str | None,
) -> None:
    """Render RECIPE into a dataset directory.

    The same recipe and seed give byte-identical output whatever the worker count, shard
    size or executor. An interrupted run (Ctrl-C, kill, full disk) continues with --resume.
    """
    loaded = load_from_options(recipe, seed, count, sets)
    target = out or Path("synthlab-out") / loaded.name
    result = render_dataset(
        loaded,
        target,
        # for Ray, -j caps the shards in flight; without it the cluster's size decides
        workers=workers or (default_workers() if executor == "local" else None),
        shard_size=shard_size,
        only=parse_indices(only) if only else None,
        resume=resume,
        overwrite=overwrite,
        quiet=quiet,
        executor=executor,
        address=address,
    )
    if result.up_to_date and not quiet:
        click.echo(
            f"{target} already holds this dataset, complete; nothing to do "
            "(--overwrite renders it again)",
            err=True,
        )


@click.command()
@recipe_options
def check(recipe: Path, seed: int | None, count: int | None, sets: tuple[str, ...]) -> None:
    """Validate RECIPE (and overrides) without making any sample."""
    loaded = load_from_options(recipe, seed, count, sets)
    quotas = ", ".join(f"{k}={v}" for k, v in loaded.quota_counts().items()) or "none"
    click.echo(
        f"{recipe}: ok: generator {loaded.generator.kind!r}, {loaded.count} samples, "
        f"seed {loaded.seed}, quotas {quotas}, formats {', '.join(resolve_formats(loaded))}"
    )


@click.command()
def schema() -> None:
    """Print the JSON Schema of recipes (for editor completion and checks)."""
    from synthlab.recipe.schema import recipe_json_schema

    click.echo(json.dumps(recipe_json_schema(), indent=2, sort_keys=True))


COMMANDS = (render, check, schema)

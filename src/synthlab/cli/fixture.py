"""`synthlab fixture`: render a recipe into a directory only when its content changed.

For CI outside pytest: keep OUT in the CI cache and run this before the tests; it costs a
hash when nothing changed.
"""

from __future__ import annotations

from pathlib import Path

import click

from synthlab.cli.options import load_from_options, recipe_options

__all__ = ["COMMANDS"]


@click.command()
@recipe_options
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory that holds the fixture dataset.",
)
@click.option(
    "-j",
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes when a render is needed.",
)
@click.option(
    "--check-files",
    is_flag=True,
    help="Also hash every file against the manifest; render again if any was changed.",
)
@click.option("--force", is_flag=True, help="Render again even when OUT is current.")
def fixture(
    recipe: Path,
    seed: int | None,
    count: int | None,
    sets: tuple[str, ...],
    out: Path,
    workers: int,
    check_files: bool,
    force: bool,
) -> None:
    """Make sure OUT holds RECIPE's dataset; render only if the recipe's content, the
    overrides, or the synthlab or library versions changed since OUT was made."""
    from synthlab.fixtures import ensure_fixture

    loaded = load_from_options(recipe, seed, count, sets)
    result = ensure_fixture(loaded, out, workers=workers, check_files=check_files, force=force)
    state = "rendered" if result.rendered else "up to date"
    click.echo(f"{out}: {state} ({loaded.name}, {loaded.count} samples, key {result.key[:16]})")


COMMANDS = (fixture,)

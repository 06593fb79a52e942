"""`synthlab render`, `synthlab check` and `synthlab schema`."""

from __future__ import annotations

import json
import re
import signal
import threading
from pathlib import Path

import click

from synthlab.cli.options import load_from_options, recipe_options
from synthlab.engine.render import (
    default_workers,
    max_local_workers,
    render_dataset,
    resolve_formats,
)
from synthlab.errors import UsageError

__all__ = ["COMMANDS"]


_ONLY_PART = re.compile(r"(\d+)(?:-(\d+))?")


def parse_indices(text: str, count: int) -> list[int]:
    """'17', '3,5,9' or '10-19' (inclusive) and mixes of them, each index below `count`.

    Every part is checked before any list is built, so a typo such as `0-999999999999`
    is refused at once instead of exhausting memory."""
    spans: list[tuple[int, int]] = []
    for part in (piece.strip() for piece in text.split(",")):
        match = _ONLY_PART.fullmatch(part)
        try:
            low = int(match.group(1)) if match else -1
            high = int(match.group(2) or low) if match else -1
        except ValueError:  # more digits than Python converts
            match = None
        if not match:
            raise UsageError(f"--only {text!r}: expected indices like 17, 3,5,9 or 10-19")
        if low > high:
            raise UsageError(f"--only {part}: a range runs from low to high ({low} > {high})")
        if high >= count:
            raise UsageError(f"--only {part}: sample indices run from 0 to {count - 1}")
        spans.append((low, high))
    return sorted({i for low, high in spans for i in range(low, high + 1)})


def _stop_on_sigint() -> None:
    """`kill -INT <pid>` stops a render like Ctrl-C does, and it can be resumed.

    A shell script's background job (`synthlab render ... &`) starts with SIGINT ignored,
    and Python then leaves it ignored: the signal did nothing, and the run went on to the
    end. A render is always safe to interrupt, so the driver takes SIGINT back. (Its
    worker processes keep ignoring it: the driver stops them.)"""
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    ):
        signal.signal(signal.SIGINT, signal.default_int_handler)


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
    if workers is not None and executor == "local" and workers > max_local_workers():
        # Ray's -j caps shards in flight on a cluster, where a thousand can be right
        raise UsageError(
            f"-j {workers}: at most {max_local_workers()} worker processes on this machine "
            f"(4 per core, {default_workers()} cores); the output is the same with any -j"
        )
    _stop_on_sigint()
    loaded = load_from_options(recipe, seed, count, sets)
    target = out or Path("synthlab-out") / loaded.name
    result = render_dataset(
        loaded,
        target,
        # for Ray, -j caps the shards in flight; without it the cluster's size decides
        workers=workers or (default_workers() if executor == "local" else None),
        shard_size=shard_size,
        only=parse_indices(only, loaded.count) if only is not None else None,
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
    # what a render would warn about (a generator's params may say, e.g. text splits)
    recipe_warnings = getattr(loaded.generator.params, "recipe_warnings", None)
    if callable(recipe_warnings):
        planned = tuple(name for name, n in loaded.quota_counts().items() if n > 0)
        for warning in recipe_warnings(loaded.base_dir, loaded.seed, planned):
            click.echo(f"warning: {warning}", err=True)
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

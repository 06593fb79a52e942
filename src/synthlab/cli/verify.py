"""`synthlab verify`: files against the manifest, optionally samples re-rendered."""

from __future__ import annotations

from pathlib import Path

import click

from synthlab.engine.verify import (
    check_files,
    check_recorded_inputs,
    library_mismatches,
    load_manifest,
    regenerate_and_compare,
)

__all__ = ["COMMANDS"]

_SHOW = 20  # list at most this many paths per kind of problem


def _list(kind: str, paths: list[str]) -> None:
    for path in paths[:_SHOW]:
        click.echo(f"  {kind}: {path}")
    if len(paths) > _SHOW:
        click.echo(f"  ... and {len(paths) - _SHOW} more {kind} files")


def _verify_inputs(out: Path, recipe_dir: Path | None) -> bool:
    """Report the recorded input files (real series, photos, word lists); True on a finding."""
    inputs = check_recorded_inputs(out, load_manifest(out), recipe_dir)
    if inputs.unchecked:
        click.echo(
            f"warning: input files not checked: {inputs.unchecked}; "
            "pass --recipe-dir to say where they are",
            err=True,
        )
        return False
    if not inputs.checked:
        return False
    click.echo(f"{inputs.checked} input file(s) the dataset was made from")
    _list("input missing", inputs.missing)
    _list("input changed", inputs.changed)
    if inputs.ok:
        click.echo("  all input files match")
    return not inputs.ok


@click.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--regenerate",
    "regenerate",
    type=click.IntRange(min=1),
    metavar="K",
    help="Also re-render K random samples from the recorded recipe and compare bytes.",
)
@click.option("--pick-seed", type=int, help="Seed for choosing the samples to re-render.")
@click.option("--labels", is_flag=True, help="Also check every sample's label invariants.")
@click.option(
    "--recipe-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Where the recipe and its input files are now (default: the folder recorded when "
    "the dataset was rendered).",
)
def verify(
    out: Path, regenerate: int | None, pick_seed: int | None, labels: bool, recipe_dir: Path | None
) -> None:
    """Check the dataset in OUT against its manifest, and the input files it was made from
    against their recorded hashes (exit 1 on any difference)."""
    report = check_files(out)
    failed = not report.ok
    click.echo(f"{out}: {report.checked} files listed in the manifest")
    _list("missing", report.missing)
    _list("changed", report.changed)
    _list("extra", report.extra)
    if report.ok:
        click.echo("  all files match")
    failed = _verify_inputs(out, recipe_dir) or failed
    if regenerate:
        for warning in library_mismatches(load_manifest(out)):
            click.echo(f"warning: {warning}", err=True)
        indices, problems = regenerate_and_compare(out, regenerate, pick_seed, recipe_dir)
        click.echo(f"regenerated samples {', '.join(map(str, indices))}")
        for problem in problems:
            click.echo(f"  {problem}")
        if problems:
            failed = True
        else:
            click.echo("  identical to the files on disk")
    if labels:
        from synthlab.spotcheck.labelcheck import verify_labels

        violations = verify_labels(out)
        for violation in violations[:_SHOW]:
            click.echo(f"  label: {violation}")
        click.echo(f"label checks: {len(violations)} violation(s)")
        failed = failed or bool(violations)
    if failed:
        raise SystemExit(1)


COMMANDS = (verify,)

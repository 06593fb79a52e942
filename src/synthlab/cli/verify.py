"""`synthlab verify`: files against the manifest, optionally samples re-rendered."""

from __future__ import annotations

from pathlib import Path

import click

from synthlab.engine.verify import (
    check_files,
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
def verify(out: Path, regenerate: int | None, pick_seed: int | None, labels: bool) -> None:
    """Check the dataset in OUT against its manifest (exit 1 on any difference)."""
    report = check_files(out)
    failed = not report.ok
    click.echo(f"{out}: {report.checked} files listed in the manifest")
    _list("missing", report.missing)
    _list("changed", report.changed)
    _list("extra", report.extra)
    if report.ok:
        click.echo("  all files match")
    if regenerate:
        for warning in library_mismatches(load_manifest(out)):
            click.echo(f"warning: {warning}", err=True)
        indices, problems = regenerate_and_compare(out, regenerate, pick_seed)
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

"""`synthlab generators` and `synthlab formats`: what is installed and what it needs."""

from __future__ import annotations

import click

from synthlab.exporters.base import available_exporters
from synthlab.generators.base import available_generators

__all__ = ["COMMANDS"]


@click.command()
def generators() -> None:
    """List the generators, what they make, and whether their extras are installed."""
    for kind, spec in available_generators().items():
        missing = spec.missing_modules()
        state = "ready" if not missing else f"needs: {spec.install_hint()}"
        click.echo(f"{kind:<12} {spec.modality:<11} {state:<36} {spec.description}")


@click.command()
def formats() -> None:
    """List the output formats and which samples each takes."""
    for name, exporter in available_exporters().items():
        takes = ", ".join(sorted(exporter.modalities))
        missing = exporter.missing_modules()
        state = "" if not missing else f' (needs pip install "synthlab[{exporter.extra}]")'
        click.echo(f"{name:<14} {takes:<11} {exporter.description}{state}")


COMMANDS = (generators, formats)

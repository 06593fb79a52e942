"""The `synthlab` command: thin click commands over the library.

Every command maps `SynthlabError`s to one readable message and its exit code (2 for
usage and recipe errors, 1 for runtime failures); `--debug` shows tracebacks instead.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from synthlab._version import __version__
from synthlab.errors import EXIT_RUNTIME, SynthlabError

__all__ = ["main"]


class _Group(click.Group):
    """A click group that turns synthlab's errors into messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SynthlabError as error:
            if ctx.meta.get("synthlab.debug"):
                raise
            click.echo(f"error: {error.show()}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo(
                "\ninterrupted; finished shards are kept: run the same command with --resume",
                err=True,
            )
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            if ctx.meta.get("synthlab.debug"):
                raise
            click.echo(
                f"internal error: {type(error).__name__}: {error}\n"
                "this is a bug in synthlab or a plugin; run again with --debug for the traceback",
                err=True,
            )
            ctx.exit(EXIT_RUNTIME)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="synthlab")
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of short messages.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """synthlab: synthetic data that comes out already labeled, exactly.

    \b
    Typical use:
      synthlab check recipes/accelerometer-falls.yaml
      synthlab render recipes/accelerometer-falls.yaml -o out/falls
      synthlab verify out/falls
    """
    ctx.meta["synthlab.debug"] = debug


def _register() -> None:
    from synthlab.cli import info, render, verify

    for module in (render, info, verify):
        for command in module.COMMANDS:
            main.add_command(command)
    # Commands of other areas register here, one line each:
    # -- more commands --
    main.add_command(importlib.import_module("synthlab.cli.fixture").fixture)
    for command in importlib.import_module("synthlab.cli.spotcheck").COMMANDS:
        main.add_command(command)
    main.add_command(importlib.import_module("synthlab.cli.fidelity").fidelity)
    main.add_command(importlib.import_module("synthlab.cli.fit").fit)


_register()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""`synthlab spotcheck` and `synthlab review`: pick samples for review, draw their labels,
serve the review page, and turn the verdicts into an accept/reject decision."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from synthlab.errors import UsageError

if TYPE_CHECKING:
    from synthlab.spotcheck.plans import SamplingPlan

__all__ = ["COMMANDS"]


def _numbers(text: str | None, flag: str, count: tuple[int, int]) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise UsageError(f"{flag} {text!r}: expected comma-separated numbers") from None
    low, high = count
    if not low <= len(values) <= high:
        raise UsageError(f"{flag} {text!r}: expected {low} to {high} numbers")
    return values


def _resolve(
    out: Path, n: int | None, zero: str | None, single: str | None
) -> tuple[SamplingPlan, int]:
    """The plan from flags, else the recipe's `spotcheck:` section; and the pick seed."""
    from synthlab.readers import DatasetView
    from synthlab.recipe.model import SpotcheckSection
    from synthlab.spotcheck.plans import resolve_plan

    dataset = DatasetView.open(out)
    recorded = dataset.manifest.get("recipe", {}).get("spotcheck") or {}
    section = SpotcheckSection.model_validate(recorded)
    zero_values = _numbers(zero, "--zero-defect", (1, 2))
    single_values = _numbers(single, "--single", (2, 4))
    zero_defect = None
    if zero_values is not None:
        zero_defect = (zero_values[0], zero_values[1] if len(zero_values) > 1 else 0.95)
    single_plan = None
    if single_values is not None:
        defaults = (0.0, 0.0, 0.05, 0.10)  # producer's and consumer's risks
        aql, rql, alpha, beta = single_values + defaults[len(single_values) :]
        single_plan = (aql, rql, alpha, beta)
    plan = resolve_plan(section, dataset.count, n=n, zero_defect=zero_defect, single=single_plan)
    return plan, section.seed


@click.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--n", "n", type=click.IntRange(min=1), help="Review a fixed number of samples.")
@click.option(
    "--zero-defect",
    "zero",
    metavar="P[,C]",
    help="Show the error rate is below P with confidence C (default 0.95), e.g. 0.05,0.95.",
)
@click.option(
    "--single",
    metavar="AQL,RQL[,ALPHA[,BETA]]",
    help="Single sampling plan from acceptable/rejectable quality levels and risks.",
)
@click.option("--seed", type=click.IntRange(min=0), help="Seed of the picks (default: recipe's).")
@click.option(
    "--planted",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Mix this many copies with a deliberately wrong label into the review.",
)
@click.option("--summary", is_flag=True, help="Summarize the verdicts; exit 1 unless accepted.")
@click.option("--json", "as_json", is_flag=True, help="With --summary: print JSON.")
@click.option(
    "--label-studio",
    type=click.Choice(["sample", "all"]),
    help="Also write Label Studio tasks with pre-annotations for the sample or every item.",
)
def spotcheck(
    out: Path,
    n: int | None,
    zero: str | None,
    single: str | None,
    seed: int | None,
    planted: int,
    summary: bool,
    as_json: bool,
    label_studio: str | None,
) -> None:
    """Pick samples of the dataset in OUT for review and build OUT/spotcheck/index.html.

    With --summary, report the reviewers' verdicts instead (exit 0 when the lot is
    accepted, 1 when it is rejected or the review is incomplete).
    """
    if summary:
        from synthlab.spotcheck.summary import format_summary, summarize
        from synthlab.spotcheck.workspace import Workspace

        result = summarize(Workspace.open(out))
        if as_json:
            click.echo(json.dumps(result.to_json(), indent=2, sort_keys=True))
        else:
            click.echo(format_summary(result))
        raise SystemExit(0 if result.accepted else 1)
    if as_json:
        raise UsageError("--json goes with --summary")
    from synthlab.spotcheck.workspace import build

    plan, recipe_seed = _resolve(out, n, zero, single)
    workspace = build(out, plan, recipe_seed if seed is None else seed, planted=planted)
    real = len(workspace.items) - len(workspace.gold)
    click.echo(plan.meaning())
    if real > plan.n:
        click.echo(f"({real - plan.n} more samples added so that every stratum is seen once)")
    click.echo(f"report: {workspace.root / 'index.html'}")
    if label_studio:
        from synthlab.spotcheck.labelstudio import export_tasks

        path = export_tasks(out, everything=label_studio == "all")
        click.echo(f"Label Studio tasks: {path}")
    click.echo(f"review: synthlab review {out}")


@click.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--reviewer", help="Your name, recorded with each verdict (default: login name).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port (default: any free).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
def review(out: Path, reviewer: str | None, port: int, open_browser: bool) -> None:
    """Serve the review page for OUT on 127.0.0.1 (builds the spot-check if needed)."""
    from synthlab.spotcheck.server import start_review_server
    from synthlab.spotcheck.workspace import build

    if not (out / "spotcheck" / "plan.json").is_file():
        plan, seed = _resolve(out, None, None, None)
        build(out, plan, seed)
    name = reviewer or getpass.getuser()
    server, thread = start_review_server(out, name, port)
    click.echo(f"reviewing {out} as {name}; open this address (Ctrl-C stops, verdicts are kept):")
    click.echo(server.url)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        thread.join()
    except KeyboardInterrupt:
        click.echo("\nstopped; run the same command to resume")
    finally:
        server.shutdown()
        server.server_close()


COMMANDS = (spotcheck, review)

"""`synthlab fidelity REAL SYNTH`: compare synthetic data with real data, gate CI on it."""

from __future__ import annotations

from pathlib import Path

import click

from synthlab.errors import UsageError

__all__ = ["COMMANDS"]

_SHOW_ADVICE = 8


@click.command()
@click.argument("real", type=click.Path(path_type=Path))
@click.argument("synth", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write fidelity.json and index.html (the report) into this folder.",
)
@click.option("--window", type=int, default=256, show_default=True, help="Points per window.")
@click.option("--stride", type=int, help="Points between window starts [default: --window].")
@click.option(
    "--max-items",
    type=int,
    default=5000,
    show_default=True,
    help="Windows (texts, images) per side at most; a seeded subsample beyond.",
)
@click.option(
    "--lag", "max_lag", type=int, default=32, show_default=True, help="Autocorrelation lags."
)
@click.option("--time-column", help="Real files: the time column [default: detected].")
@click.option("--label-column", help="Real files: the activity/event column [default: detected].")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every draw.")
@click.option("--no-plots", is_flag=True, help="Skip the plots (faster).")
@click.option("--max-auc", type=float, metavar="X", help="Gate: fail when the two-sample AUC > X.")
@click.option("--min-auc", type=float, metavar="X", help="Gate: fail when the two-sample AUC < X.")
@click.option(
    "--max-distance",
    "distances",
    multiple=True,
    metavar="NAME[@COND]=X",
    help="Gate: fail when a metric matching NAME (a pattern, e.g. '*.wasserstein') is above X; "
    "@walking for one condition, @* for all (repeatable).",
)
@click.option(
    "--max-tstr-gap",
    type=float,
    metavar="X",
    help="Gate: fail when TRTR minus TSTR exceeds X on a labelled task.",
)
def fidelity(
    real: Path,
    synth: Path,
    output: Path | None,
    window: int,
    stride: int | None,
    max_items: int,
    max_lag: int,
    time_column: str | None,
    label_column: str | None,
    seed: int,
    no_plots: bool,
    max_auc: float | None,
    min_auc: float | None,
    distances: tuple[str, ...],
    max_tstr_gap: float | None,
) -> None:
    """Compare SYNTH (a synthlab dataset) with REAL (your data) and say how close they are.

    \b
    REAL is a synthlab dataset or plain files: Parquet/CSV series with a time column (a file,
    a folder or a glob), text or images where those comparisons are installed. The report:
    a classifier two-sample test (AUC 0.5 = a model cannot tell synthetic from real; 1.0 =
    always can), per-channel distances, train-on-synthetic-test-on-real where both sides are
    labelled, and advice naming the recipe field to change.

    \b
    Gates (exit 1 when one fails, 0 when all pass; 2 for bad input):
      --max-auc 0.75            fails when the AUC is above 0.75
      --min-auc 0.4             fails when the AUC is below 0.4
      --max-distance '*.log_psd=0.5' --max-distance 'acc_x.std_ratio@walking=1.3'
      --max-tstr-gap 0.1        fails when TSTR is more than 0.1 below TRTR
    """
    from synthlab.fidelity import (
        FidelityOptions,
        Gate,
        compare,
        evaluate_gates,
        parse_distance_gate,
        write_report,
    )

    gates: list[Gate] = []
    for kind, value in (("max_auc", max_auc), ("min_auc", min_auc), ("max_tstr_gap", max_tstr_gap)):
        if value is not None:
            gates.append(Gate(kind, value))
    gates += [parse_distance_gate(text) for text in distances]
    options = FidelityOptions(
        seed=seed,
        max_items=max_items,
        window=window,
        stride=stride,
        max_lag=max_lag,
        time_column=time_column,
        label_column=label_column,
        figures=not no_plots and output is not None,
    )
    report = compare(real, synth, options)
    results = evaluate_gates(report, gates)
    test = report.two_sample
    click.echo(f"fidelity ({report.comparison.modality}): {test.per_side} items per side")
    click.echo(
        f"  two-sample AUC {test.auc:.3f} (95% CI {test.low:.3f}-{test.high:.3f}): {test.verdict}"
    )
    for task in report.comparison.tasks:
        click.echo(f"  TSTR {task.tstr:.3f} vs TRTR {task.trtr:.3f} {task.metric} ({task.task})")
    far = report.far
    click.echo(f"  far off: {len(far)} of {len(report.comparison.metrics)} metrics")
    advice = [m.advice for m in far if m.advice]
    for sentence in advice[:_SHOW_ADVICE]:
        click.echo(f"    - {sentence}")
    if len(advice) > _SHOW_ADVICE:
        click.echo(f"    ... and {len(advice) - _SHOW_ADVICE} more in the report")
    if output is not None:
        if output.exists() and not output.is_dir():
            raise UsageError(f"{output} exists and is not a folder")
        json_path, html_path = write_report(report, output, results or None)
        click.echo(f"  report: {html_path} and {json_path}")
    for result in results:
        state = "pass" if result.passed else "FAIL"
        click.echo(f"gate {result.gate}: {state} ({result.detail})")
    if any(not r.passed for r in results):
        raise SystemExit(1)


COMMANDS = (fidelity,)

"""`synthlab fit REAL -o recipe.yaml`: a time-series recipe estimated from real series."""

from __future__ import annotations

import re
from pathlib import Path

import click

from synthlab.errors import UsageError

__all__ = ["fit"]


def _channel_list(values: tuple[str, ...]) -> tuple[str, ...] | None:
    names = tuple(n.strip() for v in values for n in v.split(",") if n.strip())
    return names or None


def _recipe_name(real: Path) -> str:
    stem = real.name.split(".")[0] if real.name else "series"
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "series"
    return f"fitted-{cleaned}"


@click.command()
@click.argument("real", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The recipe to write (YAML, with comments saying where each number came from).",
)
@click.option("--time-column", help="The time column [default: detected, as fidelity does].")
@click.option(
    "--channels",
    multiple=True,
    metavar="A,B,...",
    help="Channel columns to fit [default: every numeric column but the time].",
)
@click.option(
    "--rate-hz",
    type=float,
    help="Sample rate; needed when the time column holds plain numbers that are not seconds "
    "(years, say) [default: from the time column].",
)
@click.option(
    "--count", type=int, help="Series the recipe makes [default: as many as the real files]."
)
@click.option("--seed", type=int, default=0, show_default=True, help="The recipe's seed.")
@click.option("--fill-missing", is_flag=True, help="Interpolate missing values instead of failing.")
@click.option("--force", is_flag=True, help="Overwrite an existing recipe file.")
def fit(
    real: Path,
    output: Path,
    time_column: str | None,
    channels: tuple[str, ...],
    rate_hz: float | None,
    count: int | None,
    seed: int,
    fill_missing: bool,
    force: bool,
) -> None:
    """Fit a time-series recipe to REAL series and write it, commented, to -o.

    \b
    REAL: a Parquet/CSV file, a folder of them or a glob ('data/*.csv'), one series per
    file, read as `synthlab fidelity` reads real series. Per channel it estimates the
    level, a trend, seasonal cycles (periodogram peaks and their harmonics), AR noise
    (Burg's method, order by AIC) and, across channels, the correlation of that noise; the
    sample rate comes from the time column. Rows out of time order, missing values
    (unless --fill-missing), gaps and series under 24 points are refused with the file
    and row.

    \b
      synthlab fit co2.csv -o co2.yaml
      synthlab render co2.yaml -o out/co2
      synthlab fidelity co2.csv out/co2
    """
    from synthlab.fitting.recipe_text import recipe_text
    from synthlab.fitting.series import fit_series
    from synthlab.fitting.series_input import read_real_series
    from synthlab.recipe import load_recipe

    if output.exists() and not force:
        raise UsageError(f"{output} exists; pass --force to overwrite it")
    if count is not None and count < 1:
        raise UsageError(f"--count must be >= 1, got {count}")
    if seed < 0:
        raise UsageError(f"--seed must be >= 0, got {seed}")
    if rate_hz is not None and not rate_hz > 0:
        raise UsageError(f"--rate-hz must be > 0, got {rate_hz:g}")
    data = read_real_series(
        real,
        time_column=time_column,
        channels=_channel_list(channels),
        rate_hz=rate_hz,
        fill_missing=fill_missing,
    )
    fitted = fit_series(data)
    text = recipe_text(
        fitted,
        source=real.name or str(real),
        name=_recipe_name(real),
        seed=seed,
        count=count or len(data.series),
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(output)
    load_recipe(output)  # what was written loads and validates (a bug here, never the user's)
    click.echo(f"wrote {output}: {len(data.channels)} channel(s) fitted to {data.points:,} points")
    for channel in fitted.channels:
        periods = ", ".join(
            f"{c.period * data.rate_hz:.4g}" for c in channel.cycles if c.order == 1
        )
        click.echo(
            f"  {channel.name}: level {channel.level:.4g}, "
            f"trend {'yes' if channel.trend else 'no'}, "
            f"cycles (points) [{periods}], AR({len(channel.ar)}), "
            f"noise sd {channel.innovation_std:.3g}"
        )

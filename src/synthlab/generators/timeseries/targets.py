"""Forecast targets: each channel's value a number of rows ahead, NaN past the series' end.

Shared by generated series and real-base series, so a recipe's `targets:` means the same
thing whether the base was drawn or read.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["forecast_targets", "target_name"]


def target_name(channel: str, horizon: int) -> str:
    return f"{channel}_ahead_{horizon}"


def forecast_targets(
    values: np.ndarray,
    horizons: Sequence[int],
    channels: Sequence[str],
    dtype: str,
    keep: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """`values` is (rows, channels); `keep` picks the rows a sample keeps (all when None)."""
    targets: dict[str, np.ndarray] = {}
    for horizon in horizons:
        ahead = np.full(values.shape, np.nan)
        ahead[:-horizon] = values[horizon:]
        rows = ahead if keep is None else ahead[keep]
        for column, channel in enumerate(channels):
            targets[target_name(channel, horizon)] = rows[:, column].astype(dtype)
    return targets

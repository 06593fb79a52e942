"""Stratified picks: every stratum covered, deterministic, seed-dependent."""

from __future__ import annotations

from pathlib import Path

from synthlab.readers import DatasetView
from synthlab.spotcheck.selection import choose
from synthlab.spotcheck.strata import strata_of


def test_every_stratum_is_covered_even_the_rarest(debug_dataset: Path) -> None:
    dataset = DatasetView.open(debug_dataset)
    present = {s for r in dataset.records() for s in strata_of(r, dataset.modality)}
    assert {"cls=forklift", "quota=rare", "quota=fall"} <= present  # rare ones exist
    for seed in range(5):
        selection = choose(dataset, 10, seed)
        picked = {s for pick in selection.picks for s in pick.strata}
        assert picked == present
        assert len(selection.picks) == 10
        assert len({p.index for p in selection.picks}) == 10


def test_coverage_can_grow_the_sample_beyond_n(debug_dataset: Path) -> None:
    dataset = DatasetView.open(debug_dataset)
    selection = choose(dataset, 1, 0)
    assert len(selection.picks) > 1
    assert all(p.reason.startswith("covers ") for p in selection.picks)


def test_picks_are_deterministic_and_depend_on_the_seed(debug_dataset: Path) -> None:
    dataset = DatasetView.open(debug_dataset)
    first = [p.index for p in choose(dataset, 40, 3).picks]
    again = [p.index for p in choose(dataset, 40, 3).picks]
    other = [p.index for p in choose(dataset, 40, 4).picks]
    assert first == again
    assert first != other

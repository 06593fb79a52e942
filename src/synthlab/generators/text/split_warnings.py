"""What `split_by: template` warns about, found without making a sample: a split that holds
no template able to carry one of the recipe's quota classes (it will have none of them).

One function for both places that say it: the generator warns when it sets up (every
render), and `synthlab check` prints the same lines before any sample is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from synthlab.generators.text.params import TextParams
from synthlab.generators.text.splits import template_split_gaps

__all__ = ["split_gap_message", "template_split_warnings"]


def split_gap_message(split: str, condition: str) -> str:
    return (
        f"split {split!r} holds no template that can carry the quota class "
        f"{condition!r} (split_by: template); it will have none of them"
    )


def template_split_warnings(
    params: TextParams, base_dir: Path, seed: int, quota_names: Iterable[str]
) -> list[str]:
    """The warning lines for these params' template-disjoint splits under the quotas named
    (those with a count above 0); [] for splits by sample or no splits."""
    if not params.splits or params.split_by != "template":
        return []
    from synthlab.generators.text.catalog import Catalog  # parses the templates

    catalog = Catalog.load(params, base_dir, seed)
    carried = [(t.split, t.classes | t.labels) for t in catalog.templates]
    return [
        split_gap_message(split, condition)
        for split, condition in template_split_gaps(carried, sorted(quota_names))
    ]

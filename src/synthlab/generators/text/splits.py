"""Template-disjoint splits: every template belongs to exactly one split, so a model is
tested on sentence shapes it never saw in training.

Templates are shuffled by a hash of (seed, template id), which is stable across runs,
machines and template order in the file, then dealt out: one to each split first, then each
to the split furthest below its share of the total template weight. A split's share of the
samples follows the weights of its templates (and quotas may move it a little).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

__all__ = ["assign_splits"]


def _order_key(seed: int, template_id: str) -> bytes:
    return hashlib.sha256(f"{seed}\0{template_id}".encode()).digest()


def assign_splits(
    templates: Sequence[tuple[str, float]], fractions: Mapping[str, float], seed: int
) -> dict[str, str]:
    """template id -> split name, for (id, weight) pairs and split fractions summing to 1."""
    if not fractions:
        return {template_id: "train" for template_id, _ in templates}
    if len(templates) < len(fractions):
        raise ValueError(
            f"{len(fractions)} template-disjoint splits need at least as many templates, "
            f"got {len(templates)}"
        )
    ordered = sorted(templates, key=lambda item: _order_key(seed, item[0]))
    total = sum(weight for _, weight in templates)
    names = sorted(fractions, key=lambda name: (-fractions[name], name))
    assigned = dict.fromkeys(names, 0.0)
    result: dict[str, str] = {}
    for position, (template_id, weight) in enumerate(ordered):
        if position < len(names):
            split = names[position]
        else:
            split = max(names, key=lambda n: (fractions[n] * total - assigned[n], -names.index(n)))
        result[template_id] = split
        assigned[split] += weight
    return result

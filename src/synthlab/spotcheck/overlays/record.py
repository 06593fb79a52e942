"""Record samples (and any modality without its own overlay): a table of the values."""

from __future__ import annotations

from html import escape

from synthlab.jsonio import canonical_json
from synthlab.samples import RecordSample, Sample
from synthlab.spotcheck.overlays import Overlay

__all__ = ["draw", "draw_generic"]


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><th>{escape(key)}</th><td>{escape(value)}</td></tr>" for key, value in rows
    )
    return f'<table class="values">{body}</table>'


def draw(sample: Sample) -> Overlay:
    assert isinstance(sample, RecordSample)
    rows = [
        (str(key), value if isinstance(value, str) else canonical_json(value))
        for key, value in sorted(sample.values.items())
    ]
    if sample.conditions:
        rows.append(("conditions", ", ".join(sorted(sample.conditions))))
    if sample.payload:
        rows.append(("payload", f"{len(sample.payload)} bytes"))
    return Overlay(html=_table(rows))


def draw_generic(sample: Sample) -> Overlay:
    rows = [(str(k), canonical_json(v)) for k, v in sorted(sample.metadata.items())]
    return Overlay(html=_table(rows))

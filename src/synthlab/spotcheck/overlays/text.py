"""Text samples: the text with every entity span highlighted and labelled, and the
document classes as badges. Everything from the sample is HTML-escaped."""

from __future__ import annotations

from html import escape

from synthlab.samples import Sample
from synthlab.samples.text import TextSample
from synthlab.spotcheck.overlays import Overlay
from synthlab.spotcheck.overlays.palette import hex_color

__all__ = ["draw"]


def _highlighted(sample: TextSample) -> tuple[str, list[str]]:
    text = sample.text
    parts: list[str] = []
    notes: list[str] = []
    position = 0
    for span in sorted(sample.spans, key=lambda s: (s.start, -s.end)):
        if span.start < position or not 0 <= span.start <= span.end <= len(text):
            # overlapping or out of range: cannot be drawn inline, so list it under the text
            notes.append(f"{span.label} [{span.start}, {span.end}) {span.text!r}")
            continue
        parts.append(escape(text[position : span.start]))
        color = hex_color(span.label)
        parts.append(
            f'<mark class="span" style="border-color:{color};background:{color}33" '
            f'title="{escape(span.label)} [{span.start}, {span.end})">'
            f"{escape(text[span.start : span.end])}"
            f'<sub style="background:{color}">{escape(span.label)}</sub></mark>'
        )
        position = span.end
    parts.append(escape(text[position:]))
    return "".join(parts), notes


def draw(sample: Sample) -> Overlay:
    assert isinstance(sample, TextSample)
    body, notes = _highlighted(sample)
    badges = "".join(
        f'<span class="badge" style="background:{hex_color(c)}">{escape(c)}</span>'
        for c in sample.classes
    )
    listed = "".join(f"<li>{escape(n)}</li>" for n in notes)
    html = f'<div class="classes">{badges}</div><pre class="text">{body}</pre>'
    if listed:
        html += f'<ul class="notes">{listed}</ul>'
    return Overlay(html=html)

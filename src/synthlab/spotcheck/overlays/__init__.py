"""Label overlays: one picture or HTML panel per sample, with its labels drawn on.

`draw(sample)` dispatches on the sample's modality; each modality's drawing lives in its
own module, imported only when a sample of that modality is drawn (matplotlib for time
series, Pillow for images).
"""

from __future__ import annotations

import base64
import importlib
from dataclasses import dataclass

from synthlab.samples import Sample

__all__ = ["Overlay", "draw"]

_MODULES = {
    "image": "synthlab.spotcheck.overlays.image",
    "text": "synthlab.spotcheck.overlays.text",
    "timeseries": "synthlab.spotcheck.overlays.timeseries",
    "record": "synthlab.spotcheck.overlays.record",
}


@dataclass(frozen=True)
class Overlay:
    """A PNG picture (`png`) or an HTML fragment whose data is already escaped (`html`)."""

    png: bytes | None = None
    html: str | None = None

    def data_uri(self) -> str:
        assert self.png is not None
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def draw(sample: Sample) -> Overlay:
    module = _MODULES.get(sample.modality)
    if module is None:
        from synthlab.spotcheck.overlays.record import draw_generic

        return draw_generic(sample)
    drawn: Overlay = importlib.import_module(module).draw(sample)
    return drawn

"""Label overlays: one picture or HTML panel per sample, with its labels drawn on.

`draw(sample)` dispatches on the sample's modality; each modality's drawing lives in its
own module, imported only when a sample of that modality is drawn (Pillow for images and
time series, HTML for text and records).
"""

from __future__ import annotations

import base64
import importlib
from dataclasses import dataclass
from types import ModuleType

from synthlab.samples import Sample

__all__ = ["Overlay", "draw", "draw_module"]

_MODULES = {
    "image": "synthlab.spotcheck.overlays.image",
    "text": "synthlab.spotcheck.overlays.text",
    "timeseries": "synthlab.spotcheck.overlays.timeseries",
    "record": "synthlab.spotcheck.overlays.record",
}


@dataclass(frozen=True)
class Overlay:
    """A PNG picture (`png`), a JPEG picture (`jpeg`, for large photographs, where PNG
    costs ~0.4 s and ~400 kB per 640x480 picture), or an HTML fragment whose data is already
    escaped (`html`)."""

    png: bytes | None = None
    html: str | None = None
    jpeg: bytes | None = None

    @property
    def picture(self) -> tuple[bytes, str] | None:
        """The picture's bytes and file suffix, or None for an HTML panel."""
        if self.png is not None:
            return self.png, ".png"
        if self.jpeg is not None:
            return self.jpeg, ".jpg"
        return None

    def data_uri(self) -> str:
        picture = self.picture
        assert picture is not None
        mime = "image/png" if picture[1] == ".png" else "image/jpeg"
        return f"data:{mime};base64," + base64.b64encode(picture[0]).decode("ascii")


def draw_module(modality: str) -> ModuleType:
    """The module that draws `modality` (imported on first use)."""
    return importlib.import_module(_MODULES.get(modality, _MODULES["record"]))


def draw(sample: Sample) -> Overlay:
    if sample.modality not in _MODULES:
        from synthlab.spotcheck.overlays.record import draw_generic

        return draw_generic(sample)
    drawn: Overlay = draw_module(sample.modality).draw(sample)
    return drawn

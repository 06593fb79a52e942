"""Float depth: `depth/<name>.npy`, float32 metres along the optical axis, 0 where nothing
was hit, with no millimetre rounding and no 65.535 m clip (the canonical PNG has both).

OpenEXR would need a new binary dependency (OpenEXR or imageio's FreeImage plugin); NumPy's
format loads anywhere with `numpy.load` and its bytes are fixed by the array alone.
"""

from __future__ import annotations

import io
from typing import ClassVar

import numpy as np

from synthlab.exporters.base import Exporter, Layout, SampleSink
from synthlab.samples import Sample
from synthlab.samples.image import ImageSample

__all__ = ["DepthNpyExporter", "encode_npy"]


def encode_npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


class DepthNpyExporter(Exporter):
    name: ClassVar[str] = "depth-npy"
    description: ClassVar[str] = "float32 depth in metres per image (depth/<name>.npy)"
    modalities: ClassVar[frozenset[str]] = frozenset({"image"})
    writes: ClassVar[tuple[str, ...]] = ("depth/*.npy",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, ImageSample)
        if sample.depth is not None:
            depth = np.asarray(sample.depth, dtype="<f4")
            sink.file(layout.sample_path("depth", sample.index, ".npy"), encode_npy(depth))

    def owns_stream(self, stream: str) -> bool:
        return False

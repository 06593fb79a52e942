"""The canonical image layout: everything a reader needs to rebuild the sample.

images/000017.png            RGB
annotations/000017.json      labels (objects, camera, files), canonical JSON
masks/instance/000017.png    16-bit instance ids (0 = none)
masks/semantic/000017.png    16-bit category values (see category_names)
depth/000017.png             16-bit depth in millimetres (0 = nothing hit)
"""

from __future__ import annotations

from typing import ClassVar

from synthlab.exporters.base import Exporter, Layout, SampleSink
from synthlab.exporters.image.encode import depth_to_mm, encode_png, label_document, sample_paths
from synthlab.jsonio import canonical_json
from synthlab.samples import Sample
from synthlab.samples.image import ImageSample

__all__ = ["CanonicalImageExporter"]


class CanonicalImageExporter(Exporter):
    name: ClassVar[str] = "image"
    description: ClassVar[str] = "PNG image + label JSON + instance/semantic masks + depth PNG"
    modalities: ClassVar[frozenset[str]] = frozenset({"image"})
    requires: ClassVar[tuple[str, ...]] = ("PIL",)
    writes: ClassVar[tuple[str, ...]] = (
        "images/*.png",
        "annotations/*.json",
        "masks/instance/*.png",
        "masks/semantic/*.png",
        "depth/*.png",
    )

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, ImageSample)
        paths = sample_paths(layout, sample.index)
        sink.file(paths["image"], encode_png(sample.image))
        if sample.instance_mask is not None:
            sink.file(paths["instance_mask"], encode_png(sample.instance_mask.astype("uint16")))
        if sample.semantic_mask is not None:
            sink.file(paths["semantic_mask"], encode_png(sample.semantic_mask.astype("uint16")))
        if sample.depth is not None:
            sink.file(paths["depth"], encode_png(depth_to_mm(sample.depth)))
        document = label_document(sample, paths)
        sink.file(paths["labels"], canonical_json(document).encode("utf-8"))

    def owns_stream(self, stream: str) -> bool:
        return False

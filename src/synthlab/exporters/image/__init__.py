"""Exporters for image datasets (scene rendering, diffusion): the canonical layout, COCO,
float depth (.npy), YOLO detection/segmentation and Label Studio. Heavy encoders
(pycocotools, contourpy) are imported inside the functions that use them."""

from __future__ import annotations

from synthlab.exporters.image.canonical import CanonicalImageExporter
from synthlab.exporters.image.coco import CocoExporter
from synthlab.exporters.image.depth import DepthNpyExporter
from synthlab.exporters.image.yolo import YoloExporter, YoloSegExporter
from synthlab.exporters.labelstudio.exporters import LabelStudioExporter

__all__ = ["EXPORTERS"]

EXPORTERS = (
    CanonicalImageExporter(),
    CocoExporter(),
    DepthNpyExporter(),
    YoloExporter(),
    YoloSegExporter(),
    LabelStudioExporter(),
)

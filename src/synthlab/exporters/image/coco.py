"""COCO instances: `coco.json` next to `images/`, loadable by pycocotools and by FiftyOne
(`fo.Dataset.from_dir(dataset_dir=OUT, dataset_type=fo.types.COCODetectionDataset,
data_path="images", labels_path="coco.json")`).

Masks are RLE (pycocotools' string encoding, runs found for all objects at once in
`rle.py`), `area` is the mask's pixel count, `iscrowd` is 0,
objects with no visible pixel get no annotation. Categories are the label set's, in its
order, with ids from its `category_id_start` (default 1), each with its keypoint names and
skeleton (1-based, as COCO numbers them) where it has keypoints.
`synthlab_instance_id` ties an annotation to the instance mask value and the label file's
`instance_id`.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from synthlab.errors import RuntimeFailure
from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.exporters.image.rle import instance_rles
from synthlab.jsonio import canonical_json
from synthlab.samples import Sample
from synthlab.samples.image import ImageSample, ObjectLabel
from synthlab.samples.labels import LabelSet

__all__ = ["CocoExporter", "coco_categories"]

STREAM = "coco/images.jsonl"


def coco_categories(labels: LabelSet) -> list[dict[str, Any]]:
    """COCO's `categories`: the label set's, in its order and with its ids."""
    categories = []
    for name, category_id in labels.category_ids().items():
        category: dict[str, Any] = {"id": category_id, "name": name, "supercategory": "object"}
        schema = labels.keypoint_schema(name)
        if schema is not None:
            category["keypoints"] = list(schema.names)
            category["skeleton"] = [[a + 1, b + 1] for a, b in schema.skeleton]
        categories.append(category)
    return categories


def _check_declared(sample: ImageSample, label: ObjectLabel, labels: LabelSet) -> None:
    """A label the declared set does not hold would get no id, or the wrong points."""
    if label.category not in labels.categories:
        raise RuntimeFailure(
            f"sample {sample.index}: category {label.category!r} is not in the generator's "
            f"declared categories ({', '.join(labels.categories) or 'none'})"
        )
    if label.keypoints:
        schema = labels.keypoint_schema(label.category)
        names = tuple(point.name for point in label.keypoints)
        if schema is None or schema.names != names:
            raise RuntimeFailure(
                f"sample {sample.index}: keypoints of a {label.category!r} ({', '.join(names)}) "
                "differ from the declared keypoint names of its category"
            )


def _annotation(
    sample: ImageSample,
    label: ObjectLabel,
    masks: dict[int, tuple[dict[str, Any], int]] | None,
) -> dict[str, Any] | None:
    if label.bbox is None:
        return None
    x, y, w, h = label.bbox
    segmentation: Any
    if masks is not None:
        if label.instance_id not in masks:
            return None  # no pixel of its own in the mask
        segmentation, area = masks[label.instance_id]
    else:
        area = round(w * h)
        segmentation = [[x, y, x + w, y, x + w, y + h, x, y + h]]
    entry: dict[str, Any] = {
        "category": label.category,
        "bbox": [round(float(v), 6) for v in label.bbox],
        "area": float(area),
        "iscrowd": 0,
        "segmentation": segmentation,
        "instance_id": label.instance_id,
    }
    if label.keypoints:
        flat: list[float] = []
        for point in label.keypoints:
            if point.visibility == 0:
                flat += [0, 0, 0]
            else:
                flat += [round(point.x, 4), round(point.y, 4), point.visibility]
        entry["keypoints"] = flat
        entry["num_keypoints"] = sum(1 for p in label.keypoints if p.visibility > 0)
    return entry


class CocoExporter(Exporter):
    name: ClassVar[str] = "coco"
    description: ClassVar[str] = "COCO instances JSON (RLE masks, keypoints) at coco.json"
    modalities: ClassVar[frozenset[str]] = frozenset({"image"})
    extra: ClassVar[str | None] = "scene"
    requires: ClassVar[tuple[str, ...]] = ("pycocotools",)
    writes: ClassVar[tuple[str, ...]] = ("coco.json",)

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, ImageSample)
        file_name = layout.sample_path("images", sample.index, ".png").removeprefix("images/")
        masks = None
        if sample.instance_mask is not None:
            wanted = [o.instance_id for o in sample.objects if o.bbox is not None]
            masks = instance_rles(sample.instance_mask, wanted)
        for label in sample.objects:
            _check_declared(sample, label, layout.labels)
        annotations = [a for a in (_annotation(sample, o, masks) for o in sample.objects) if a]
        record = {
            "image": {
                "id": sample.index + 1,
                "file_name": file_name,
                "width": sample.width,
                "height": sample.height,
            },
            "annotations": annotations,
        }
        sink.record(STREAM, canonical_json(record))

    def owns_stream(self, stream: str) -> bool:
        return stream == STREAM

    def finalize(self, dataset: DatasetSink) -> None:
        labels = dataset.layout.labels
        ids = labels.category_ids()
        with dataset.open("coco.json") as handle:
            # streamed by hand so memory stays flat however many images there are
            head = {
                "info": {"description": dataset.recipe.name, "version": "1.0"},
                "licenses": [],
                "categories": coco_categories(labels),
            }
            handle.write(canonical_json(head)[:-1].encode("utf-8") + b',"images":[')
            for i, line in enumerate(dataset.iter_stream(STREAM)):
                image = json.loads(line)["image"]
                handle.write((b"," if i else b"") + canonical_json(image).encode("utf-8"))
            handle.write(b'],"annotations":[')
            next_id = 1
            for line in dataset.iter_stream(STREAM):
                record = json.loads(line)
                for entry in record["annotations"]:
                    # FiftyOne turns extra keys into Detection attributes and reserves
                    # `instance_id` there (its import fails on it), hence the prefix
                    entry["synthlab_instance_id"] = entry.pop("instance_id")
                    entry["id"] = next_id
                    entry["image_id"] = record["image"]["id"]
                    entry["category_id"] = ids[entry.pop("category")]
                    handle.write((b"," if next_id > 1 else b"") + canonical_json(entry).encode())
                    next_id += 1
            handle.write(b"]}")

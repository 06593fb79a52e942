"""The COCO export through FiftyOne's own COCO importer (the code behind
`fo.Dataset.from_dir(..., dataset_type=fo.types.COCODetectionDataset)`), with our layout's
paths: boxes, masks and keypoints must come through equal to the label files.

The importer needs no database; `fo.Dataset.from_dir` itself also needs FiftyOne's MongoDB,
which is tried only when one can start (see docs/scene.md)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import synthlab

pytestmark = [pytest.mark.slow, pytest.mark.scene]


def test_fiftyone_coco_importer_reads_boxes_masks_and_keypoints(tiny_recipe, tmp_path):
    fouc = pytest.importorskip("fiftyone.utils.coco")
    out = tmp_path / "out"
    synthlab.render(synthlab.load_recipe(tiny_recipe()), out, workers=1)
    coco = json.loads((out / "coco.json").read_text())
    by_file = {image["file_name"]: image["id"] for image in coco["images"]}
    annotations: dict[int, list[dict]] = {}
    for entry in coco["annotations"]:
        annotations.setdefault(entry["image_id"], []).append(entry)

    importer = fouc.COCODetectionDatasetImporter(
        dataset_dir=str(out),
        data_path="images",
        labels_path="coco.json",
        label_types=["detections", "segmentations", "keypoints"],
    )
    importer.setup()
    seen = 0
    for path, _metadata, labels in importer:
        assert (out / "images" / path.split("/")[-1]).is_file()
        expected = annotations.get(by_file[path.split("/")[-1]], [])
        if not expected:
            assert labels is None or labels["detections"] is None
            continue
        detections = labels["detections"].detections
        masks = labels["segmentations"].detections
        assert len(detections) == len(masks) == len(expected)
        for entry, detection, masked in zip(expected, detections, masks, strict=True):
            x, y, w, h = entry["bbox"]
            assert detection.bounding_box == pytest.approx([x / 64, y / 48, w / 64, h / 48])
            assert detection["synthlab_instance_id"] == entry["synthlab_instance_id"]
            # the mask is cropped to the box: its pixel count is COCO's area exactly
            assert masked.mask.shape == (round(h), round(w))
            assert int(np.count_nonzero(masked.mask)) == entry["area"]
        seen += 1
    assert seen >= 1

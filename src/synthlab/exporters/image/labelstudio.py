"""Label Studio: `label-studio.json` (a list of tasks with pre-filled rectangle and
keypoint results in percent) and `label-studio.xml` (a matching labeling config).
Images are referenced as `/data/local-files/?d=images/<name>.png`, Label Studio's
local-files convention (serve the dataset folder as its document root)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from synthlab.exporters.base import DatasetSink, Exporter, Layout, SampleSink
from synthlab.jsonio import canonical_json
from synthlab.samples import Sample
from synthlab.samples.image import ImageSample

__all__ = ["LabelStudioExporter"]

STREAM = "label-studio/tasks.jsonl"


class LabelStudioExporter(Exporter):
    name: ClassVar[str] = "label-studio"
    description: ClassVar[str] = "Label Studio tasks JSON with boxes and keypoints + config"
    modalities: ClassVar[frozenset[str]] = frozenset({"image"})

    def write_sample(self, sample: Sample, sink: SampleSink, layout: Layout) -> None:
        assert isinstance(sample, ImageSample)
        width, height = sample.width, sample.height
        results: list[dict[str, Any]] = []
        for label in sample.objects:
            if label.bbox is None:
                continue
            x, y, w, h = label.bbox
            results.append(
                {
                    "id": f"o{label.instance_id}",
                    "from_name": "label",
                    "to_name": "image",
                    "type": "rectanglelabels",
                    "original_width": width,
                    "original_height": height,
                    "value": {
                        "x": round(100 * x / width, 4),
                        "y": round(100 * y / height, 4),
                        "width": round(100 * w / width, 4),
                        "height": round(100 * h / height, 4),
                        "rotation": 0,
                        "rectanglelabels": [label.category],
                    },
                }
            )
            for point in label.keypoints:
                if point.visibility != 2:
                    continue
                results.append(
                    {
                        "id": f"o{label.instance_id}-{point.name}",
                        "from_name": "keypoint",
                        "to_name": "image",
                        "type": "keypointlabels",
                        "parentID": f"o{label.instance_id}",
                        "original_width": width,
                        "original_height": height,
                        "value": {
                            "x": round(100 * point.x / width, 4),
                            "y": round(100 * point.y / height, 4),
                            "width": 0.5,
                            "keypointlabels": [point.name],
                        },
                    }
                )
        path = layout.sample_path("images", sample.index, ".png")
        task = {
            "id": sample.index + 1,
            "data": {"image": f"/data/local-files/?d={path}", "index": sample.index},
            "annotations": [{"result": results, "ground_truth": True}],
        }
        sink.record(STREAM, canonical_json(task))

    def owns_stream(self, stream: str) -> bool:
        return stream == STREAM

    def finalize(self, dataset: DatasetSink) -> None:
        categories: list[str] = []
        points: list[str] = []
        with dataset.open("label-studio.json") as handle:
            handle.write(b"[\n")
            for i, line in enumerate(dataset.iter_stream(STREAM)):
                handle.write((b",\n" if i else b"") + line.encode("utf-8"))
                for result in json.loads(line)["annotations"][0]["result"]:
                    value = result["value"]
                    for name in value.get("rectanglelabels", []):
                        categories += [] if name in categories else [name]
                    for name in value.get("keypointlabels", []):
                        points += [] if name in points else [name]
            handle.write(b"\n]\n")
        labels = "".join(f'    <Label value="{n}"/>\n' for n in categories)
        keypoints = "".join(f'    <Label value="{n}"/>\n' for n in points)
        config = (
            '<View>\n  <Image name="image" value="$image"/>\n'
            f'  <RectangleLabels name="label" toName="image">\n{labels}  </RectangleLabels>\n'
            f'  <KeyPointLabels name="keypoint" toName="image">\n{keypoints}  </KeyPointLabels>\n'
            "</View>\n"
        )
        with dataset.open("label-studio.xml") as handle:
            handle.write(config.encode("utf-8"))

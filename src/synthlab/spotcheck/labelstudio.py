"""Label Studio tasks with pre-annotations, for reviewing in Label Studio instead.

`export_tasks(OUT)` writes OUT/spotcheck/label-studio.json (a list of tasks: the sampled
items, or every sample with `everything=True`) and label-studio.xml (the labeling config
they fit, offering the manifest's declared label set), both made by
`synthlab.exporters.labelstudio`, as the `label-studio` format is.
Images are embedded as PNG data URIs, so the tasks need no file serving. Planted (gold)
copies are never exported.
"""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from synthlab.exporters.labelstudio.names import SeenNames, config_for
from synthlab.exporters.labelstudio.tasks import task_for
from synthlab.readers import DatasetView, get_reader
from synthlab.samples import Sample
from synthlab.samples.labels import LabelSet

__all__ = ["export_tasks"]


def _png_uri(pixels: np.ndarray) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels[..., :3]).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _task(sample: Sample) -> dict[str, Any]:
    image = _png_uri(sample.image) if sample.modality == "image" else None  # type: ignore[attr-defined]
    return task_for(sample, image=image)


def export_tasks(out_dir: str | Path, *, everything: bool = False) -> Path:
    """Write the tasks and the labeling config into OUT/spotcheck/; returns the tasks path."""
    dataset = DatasetView.open(out_dir)
    reader = get_reader(dataset.modality)
    if everything:
        records: Iterator[dict[str, Any]] = dataset.records()
    else:
        from synthlab.spotcheck.workspace import Workspace

        workspace = Workspace.open(out_dir)
        wanted = {i["index"] for i in workspace.items if i["id"] not in workspace.gold}
        records = (r for r in dataset.records() if r["index"] in wanted)
    seen = SeenNames()
    root = Path(out_dir) / "spotcheck"
    root.mkdir(exist_ok=True)
    path = root / "label-studio.json"
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:  # streamed: memory stays flat
        handle.write("[")
        for k, record in enumerate(records):
            sample = reader.load_sample(dataset, record)
            seen.add_sample(sample)
            text = json.dumps(_task(sample), ensure_ascii=False, allow_nan=False)
            handle.write(("," if k else "") + "\n" + text)
        handle.write("\n]\n")
    os.replace(temporary, path)
    labels = LabelSet.from_json(dataset.manifest.get("label_set", {}))
    config = config_for(dataset.modality, labels, seen)
    (root / "label-studio.xml").write_text(config, encoding="utf-8")
    return path

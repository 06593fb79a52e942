"""Which label names a labeling config offers: the generator's declared label set first, in
its order, then any name the exported samples used that it does not declare.

Label Studio checks every imported prediction against the config and refuses a label the
config lacks, so a name a sample used is never left out; the declared ones come first so a
reviewer can also pick a class no exported sample happens to have. The dataset exporter and
the spot-check both build their configs here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from synthlab.exporters.labelstudio import config as configs
from synthlab.samples import Sample
from synthlab.samples.labels import LabelSet

__all__ = ["SeenNames", "config_for", "sample_record"]


def _ordered(*groups: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name for group in groups for name in group))


class SeenNames:
    """The names samples used, per group in first-seen order (merged from any number of
    samples, or of `to_json` records written by workers), and whether masks occurred."""

    def __init__(self) -> None:
        self.modality: str | None = None
        self.groups: dict[str, list[str]] = {}
        self.masks = False

    def add_sample(self, sample: Sample) -> None:
        self.add_record(sample_record(sample))

    def add_record(self, record: Mapping[str, Any]) -> None:
        for group, names in record.items():
            if group == "modality":
                self.modality = str(names)
            elif group == "masks":
                self.masks = self.masks or bool(names)
            elif group == "channels":
                self.groups.setdefault("channels", list(names))
            else:
                known = self.groups.setdefault(group, [])
                known += [name for name in names if name not in known]

    def __getitem__(self, group: str) -> list[str]:
        return self.groups.get(group, [])


def sample_record(sample: Sample) -> dict[str, Any]:
    """What one sample adds to `SeenNames`, as plain JSON (for a worker's record stream)."""
    from synthlab.exporters.labelstudio.tasks import label_names

    record = label_names(sample)
    if getattr(sample, "instance_mask", None) is not None:
        record["masks"] = True
    return record


def _keypoint_names(labels: LabelSet) -> Sequence[str]:
    return _ordered(*(schema.names for schema in labels.keypoints))


def config_for(modality: str | None, labels: LabelSet, seen: SeenNames) -> str:
    """The labeling config of a dataset of `modality` with label set `labels`."""
    if modality == "text":
        return configs.text_config(
            _ordered(labels.entities, seen["entities"]),
            _ordered(labels.classes, seen["classes"]),
        )
    if modality == "image":
        return configs.image_config(
            _ordered(labels.categories, seen["categories"]),
            _ordered(_keypoint_names(labels), seen["keypoints"]),
            _ordered(labels.classes, seen["classes"]),
            masks=seen.masks,
        )
    if modality == "timeseries":
        return configs.timeseries_config(
            seen["channels"],
            _ordered(labels.event_names, seen["events"]),
            _ordered(labels.activities, seen["activities"]),
            seen["phases"],
        )
    return configs.record_config()

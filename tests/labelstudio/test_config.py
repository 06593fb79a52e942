"""Labeling configs: valid XML whatever the names hold, no empty groups, names in order."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from synthlab.exporters.labelstudio import (
    image_config,
    record_config,
    text_config,
    timeseries_config,
)

CRATE = 'R&D "crate"'
NASTY = [CRATE, "<b>bold</b>", "a'b", "tab\there", "ünï 🐱"]


def _values(xml: str, group: str) -> list[str]:
    root = ET.fromstring(xml)
    found = root.find(group)
    assert found is not None, f"no <{group}> in {xml}"
    return [child.attrib["value"] for child in found]


@pytest.mark.parametrize(
    "xml, group",
    [
        (text_config(NASTY, NASTY), "Labels"),
        (text_config(NASTY, NASTY), "Choices"),
        (image_config(NASTY, NASTY, NASTY), "RectangleLabels"),
        (image_config(NASTY, NASTY, NASTY), "BrushLabels"),
        (image_config(NASTY, NASTY, NASTY), "KeyPointLabels"),
        (timeseries_config(["x"], NASTY), "TimeSeriesLabels"),
    ],
)
def test_names_with_xml_specials_parse_back_exactly(xml: str, group: str) -> None:
    assert _values(xml, group) == NASTY
    assert '"crate"' not in xml and "R&D " not in xml  # escaped, not pasted


def test_label_order_is_kept_and_repeats_dropped() -> None:
    xml = text_config(["ZIP", "AGE", "ZIP", "NAME"])
    assert _values(xml, "Labels") == ["ZIP", "AGE", "NAME"]


def test_no_empty_choices_or_label_groups() -> None:
    # Label Studio 1.23 refuses <Choices/> with "'Choice' is a required property"
    for xml in (
        text_config([], []),
        text_config(["PERSON"], []),
        image_config([], [], []),
        image_config(["crate"], [], []),
        timeseries_config(["a"], []),
        record_config(),
    ):
        root = ET.fromstring(xml)
        for element in root:
            if element.tag.endswith(("Labels", "Choices")):
                assert len(element) > 0, xml
    assert ET.fromstring(text_config(["PERSON"], [])).find("Choices") is None
    assert ET.fromstring(image_config(["crate"])).find("KeyPointLabels") is None


def test_image_config_names_what_tasks_use() -> None:
    root = ET.fromstring(image_config(["crate"], ["tip"], ["indoor"], masks=False))
    controls = {e.attrib["name"]: e for e in root if "toName" in e.attrib}
    assert set(controls) == {"box", "keypoint", "visibility", "class"}  # no masks asked
    visibility = controls["visibility"].attrib
    assert visibility["perRegion"] == "true" and visibility["whenTagName"] == "keypoint"
    assert [c.attrib["value"] for c in controls["visibility"]] == ["visible", "occluded"]
    assert controls["class"].attrib["choice"] == "multiple"
    assert all(e.attrib["toName"] == "image" for e in controls.values())


def test_timeseries_config_has_a_channel_per_column_and_a_free_time_column() -> None:
    root = ET.fromstring(timeseries_config(["time_s", "ax"], ["fall"]))
    series = root.find("TimeSeries")
    assert series is not None and series.attrib["valueType"] == "json"
    assert series.attrib["timeColumn"] == "_time_s"  # a channel already has the usual name
    assert [c.attrib["column"] for c in series] == ["time_s", "ax"]


def test_configs_are_the_same_bytes_each_time() -> None:
    assert image_config(NASTY, NASTY, NASTY) == image_config(NASTY, NASTY, NASTY)
    assert text_config(["A", "B"]) != text_config(["B", "A"])

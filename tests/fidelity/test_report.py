"""fidelity.json (every number, stable bytes) and the self-contained HTML page."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from synthlab.fidelity import (
    FidelityOptions,
    FidelityReport,
    Figure,
    Metric,
    ModalityComparison,
    TaskScore,
    compare,
    render_html,
    to_json,
    write_report,
)
from synthlab.fidelity.twosample import TwoSampleResult

HOSTILE = "<script>alert('x')</script>"


def _report(advice: str = HOSTILE) -> FidelityReport:
    comparison = ModalityComparison(
        modality="timeseries",
        metrics=[
            Metric("a.wasserstein", 0.123456789, real=None, synth=None),
            Metric("a.std_ratio", 0.1, "statistic", 1.0, 0.1, "walking", True, advice),
            Metric("b.ks", 0.9, far=True),
        ],
        feature_names=["a.mean"],
        real_features=np.zeros((3, 1)),
        synth_features=np.ones((3, 1)),
        figures=[Figure("Plot <1>", b"\x89PNG not really", "caption & more")],
        tasks=[TaskScore("activity", "macro F1", 0.5, 0.9, ("x", "y"), {"x": (0.4, 0.8)})],
        notes=["compared <3> windows"],
    )
    test = TwoSampleResult(0.987654321, 0.97, 1.0, (0.99, 0.98), 3, "model", (("a.mean", 1.0),))
    return FidelityReport("real/", "synth/", FidelityOptions(), comparison, test)


def test_json_holds_every_number_rounded_in_stable_order() -> None:
    text = to_json(_report())
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["summary"]["auc"] == 0.987654  # 6 significant digits
    assert data["metrics"][0]["value"] == 0.123457
    assert [m["name"] for m in data["metrics"]] == ["a.wasserstein", "a.std_ratio", "b.ks"]
    assert data["summary"]["far"] == 2 and data["summary"]["advice"] == [HOSTILE]
    assert data["tasks"][0]["gap"] == pytest.approx(0.4)
    assert data["tasks"][0]["per_class"] == {"x": {"trtr": 0.8, "tstr": 0.4}}
    assert data["options"]["window"] == 256
    assert text == to_json(_report())


def test_html_is_self_contained_escaped_and_far_first() -> None:
    page = render_html(_report())
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert "<script" not in page  # no script at all: the page only shows
    assert "Plot &lt;1&gt;" in page and "compared &lt;3&gt; windows" in page
    assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', page)
    assert "http://" not in page and "https://" not in page
    order = [page.index(f'id="{name}"') for name in ("summary", "far", "tasks", "metrics")]
    assert order == sorted(order)
    far = page[page.index('id="far"') : page.index('id="tasks"')]
    assert far.index("a.std_ratio") < far.index("b.ks")  # advice first


def test_written_report_is_byte_identical_for_a_seed(h, co2_real: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, ppm = h.co2_values()
    synth = h.co2_folder(tmp_path / "synth", h.scaled(ppm, 1.3))
    options = dataclasses.replace(h.FAST, figures=True, examples=2)
    first = write_report(compare(co2_real, synth, options), tmp_path / "one")
    second = write_report(compare(co2_real, synth, options), tmp_path / "two")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    page = first[1].read_text()
    assert page.count("data:image/png;base64,") == 4  # distributions, spectra, acf, examples
    data = json.loads(first[0].read_text())
    assert data["figures"] == [
        "Value distributions",
        "Power spectra",
        "Autocorrelation",
        "Example windows",
    ]
    assert not list((tmp_path / "one").glob(".*.tmp"))

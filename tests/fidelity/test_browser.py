"""The HTML report opened in Debian's headless Chromium: it renders, offline, with its plots."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from synthlab.fidelity import compare, write_report

pytestmark = pytest.mark.browser


def test_report_renders_with_summary_and_decoded_plots(  # type: ignore[no-untyped-def]
    chromium, h, co2_real: Path, tmp_path: Path
) -> None:
    _, ppm = h.co2_values()
    synth = h.co2_folder(tmp_path / "synth", h.noisy(h.scaled(ppm, 1.6), 0.8))
    options = dataclasses.replace(h.FAST, figures=True, examples=2)
    _, page = write_report(compare(co2_real, synth, options), tmp_path / "report")
    chromium.call("Page.navigate", url=page.as_uri())
    chromium.wait_for("document.readyState === 'complete'")
    chromium.wait_for(
        "document.images.length > 0 && "
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 100)"
    )
    assert chromium.evaluate("document.images.length") == 4
    assert chromium.evaluate("document.querySelectorAll('#summary-table tr').length") >= 5
    text = chromium.evaluate("document.getElementById('summary').innerText")
    assert "two-sample AUC" in text and "verdict" in text
    far_rows = chromium.evaluate("document.querySelectorAll('#far tr.far').length")
    assert far_rows >= 1
    assert "co2 std is" in chromium.evaluate("document.getElementById('far').innerText")
    assert chromium.evaluate("document.scripts.length") == 0
    shot = tmp_path / "report.png"
    chromium.screenshot(shot)
    assert shot.read_bytes().startswith(b"\x89PNG")

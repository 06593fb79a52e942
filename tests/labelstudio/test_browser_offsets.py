"""Debian's headless Chromium shows an imported text task in the real Label Studio with each
highlighted region on exactly its span, emoji before the entities included.

Label Studio counts text offsets in code points; with UTF-16 units (what synthlab wrote
before) this test fails as it should: Label Studio highlights "est " for "test" after the
🐱, and " <b" for "Zoë" after 👍🏽 (two code points, four units). Chromium is the shared
`chromium` fixture of tests/conftest.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synthlab.exporters.labelstudio import task_for
from synthlab.exporters.labelstudio.names import SeenNames, config_for
from synthlab.samples.labels import LabelSet
from synthlab.samples.text import TextSample

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser, pytest.mark.slow]

CHROMIUM_WINDOW = "1400,1000"  # Label Studio's task page needs the room


def _log_in(tools: Any, server: Any) -> None:
    tools.call("Page.navigate", url=server.url + "/user/login/")
    tools.wait_for("!!document.querySelector('input[name=email]')", timeout=120)
    tools.evaluate(
        "document.querySelector('input[name=email]').value = " + json.dumps(server.email) + ";"
        "document.querySelector('input[name=password]').value = "
        + json.dumps(server.password)
        + "; document.querySelector('input[name=email]').form.submit(); true"
    )
    tools.wait_for("!location.pathname.startsWith('/user/login')", timeout=120)


def test_highlighted_regions_are_the_spans_after_emoji(
    label_studio: Any, chromium: Any, text_sample: TextSample, tmp_path: Path
) -> None:
    assert text_sample.text.startswith("🐱")  # an emoji (outside the BMP) before each span
    seen = SeenNames()
    seen.add_sample(text_sample)
    project = label_studio.project("synthlab browser", config_for("text", LabelSet(), seen))
    task = task_for(text_sample)
    [task_id] = label_studio.import_tasks(project, [task])
    spans = {r["id"]: r["value"] for r in task["predictions"][0]["result"] if r["type"] == "labels"}
    assert len(spans) == 2

    _log_in(chromium, label_studio)
    chromium.call("Page.navigate", url=f"{label_studio.url}/projects/{project}/data?task={task_id}")
    # Label Studio marks each region's text with spans of class htx-highlight-<region id>-<n>
    shown_js = (
        "(() => { const ids = " + json.dumps(sorted(spans)) + "; const found = {};"
        " for (const part of document.querySelectorAll('.htx-highlight')) {"
        "  for (const name of part.classList) { for (const id of ids) {"
        "   if (name === 'htx-highlight-' + id || name.startsWith('htx-highlight-' + id + '-'))"
        "    found[id] = (found[id] || '') + part.textContent; } } }"
        " return ids.every(id => id in found) ? found : null; })()"
    )
    try:
        shown = chromium.wait_for(shown_js, timeout=180)
    finally:
        chromium.screenshot(tmp_path / "label-studio-text.png")
    assert shown == {region: value["text"] for region, value in spans.items()}
    assert shown[min(spans)] == "test"  # Label Studio's own example: 21..25 after the 🐱

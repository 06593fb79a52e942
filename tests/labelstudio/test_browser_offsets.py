"""Debian's headless Chromium shows an imported text task in the real Label Studio with each
highlighted region on exactly its span, emoji before the entities included.

Label Studio counts text offsets in code points; with UTF-16 units (what synthlab wrote
before) this test fails as it should: Label Studio highlights "est " for "test" after the
🐱, and " <b" for "Zoë" after 👍🏽 (two code points, four units). Chromium is driven
through the DevTools protocol with the client of tests/spotcheck/test_browser.py (loaded
from its file, not copied).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from synthlab.exporters.labelstudio import task_for
from synthlab.exporters.labelstudio.names import SeenNames, config_for
from synthlab.samples.labels import LabelSet
from synthlab.samples.text import TextSample

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _devtools_module() -> Any:
    path = Path(__file__).resolve().parents[1] / "spotcheck" / "test_browser.py"
    spec = importlib.util.spec_from_file_location("spotcheck_devtools", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def browser(tmp_path: Path) -> Any:
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
            "--window-size=1400,1000",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        endpoint = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not endpoint:
            found = re.search(r"DevTools listening on (ws://\S+)", process.stderr.readline())
            endpoint = found.group(1) if found else ""
        assert endpoint, "chromium did not start its DevTools endpoint"
        port = re.search(r":(\d+)/", endpoint).group(1)  # type: ignore[union-attr]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            pages = [t for t in json.load(answer) if t["type"] == "page"]
        tools = _devtools_module().DevTools(pages[0]["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Runtime.enable")
        yield tools
    finally:
        process.terminate()
        process.wait(timeout=20)


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
    label_studio: Any, browser: Any, text_sample: TextSample, tmp_path: Path
) -> None:
    assert text_sample.text.startswith("🐱")  # an emoji (outside the BMP) before each span
    seen = SeenNames()
    seen.add_sample(text_sample)
    project = label_studio.project("synthlab browser", config_for("text", LabelSet(), seen))
    task = task_for(text_sample)
    [task_id] = label_studio.import_tasks(project, [task])
    spans = {r["id"]: r["value"] for r in task["predictions"][0]["result"] if r["type"] == "labels"}
    assert len(spans) == 2

    _log_in(browser, label_studio)
    browser.call("Page.navigate", url=f"{label_studio.url}/projects/{project}/data?task={task_id}")
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
        shown = browser.wait_for(shown_js, timeout=180)
    finally:
        browser.screenshot(tmp_path / "label-studio-text.png")
    assert shown == {region: value["text"] for region, value in spans.items()}
    assert shown[min(spans)] == "test"  # Label Studio's own example: 21..25 after the 🐱

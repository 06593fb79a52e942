"""Debian's headless Chromium against the static report and the review page (the `chromium`
fixture is in tests/conftest.py). Set SYNTHLAB_SCREENSHOTS=DIR to keep screenshots of both
pages.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synthlab.cli import main
from synthlab.recipe.model import SpotcheckSection
from synthlab.spotcheck.plans import resolve_plan
from synthlab.spotcheck.server import start_review_server
from synthlab.spotcheck.workspace import build

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _keep(tools: Any, name: str) -> None:
    target = os.environ.get("SYNTHLAB_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        tools.screenshot(Path(target) / name)


def test_static_report_opens_offline_and_shows_script_as_text(
    chromium: Any, fresh_dataset: Path, tmp_path: Path
) -> None:
    workspace = build(fresh_dataset, resolve_plan(SpotcheckSection(), 300, n=8), seed=2)
    chromium.call("Page.navigate", url=(workspace.root / "index.html").as_uri())
    chromium.wait_for("document.readyState === 'complete'")
    cards = chromium.evaluate("document.querySelectorAll('section.card').length")
    assert cards == len(workspace.items)
    assert chromium.evaluate("document.body.innerText.includes('<script>alert(1)</script>')")
    assert chromium.evaluate("document.scripts.length") == 0
    chromium.screenshot(tmp_path / "report.png")
    assert (tmp_path / "report.png").read_bytes().startswith(b"\x89PNG")
    _keep(chromium, "spotcheck-report.png")


def test_review_with_the_keyboard_writes_verdicts_and_the_summary(
    chromium: Any, fresh_dataset: Path
) -> None:
    workspace = build(fresh_dataset, resolve_plan(SpotcheckSection(), 300, n=6), seed=3)
    server, _ = start_review_server(fresh_dataset, "carol")
    verdicts = workspace.root / "verdicts.jsonl"
    try:
        chromium.call("Page.navigate", url=server.url)
        chromium.wait_for("document.body.dataset.ready === '1'")
        total = len(workspace.items)
        assert chromium.evaluate("document.getElementById('progress').textContent") == (
            f"item 1 of {total} · reviewed 0 of {total}"
        )
        chromium.key("a")  # accept the first item
        chromium.wait_for("document.getElementById('progress').textContent.startsWith('item 2')")
        chromium.key("r")  # reject the second: reason 2, a comment, Enter
        chromium.wait_for("document.getElementById('reject-form').className === 'open'")
        chromium.key("2")
        chromium.type("box too wide")
        _keep(chromium, "spotcheck-review.png")
        chromium.key("Enter")
        chromium.wait_for("document.getElementById('progress').textContent.startsWith('item 3')")
        chromium.key("p")  # previous: the page shows the saved rejection
        chromium.wait_for(
            "document.getElementById('mine').textContent.startsWith('rejected: wrong position')"
        )
        assert "reviewed 2 of" in chromium.evaluate(
            "document.getElementById('progress').textContent"
        )
    finally:
        server.shutdown()
        server.server_close()

    lines = [json.loads(line) for line in verdicts.read_text().splitlines()]
    assert [(v["item"], v["verdict"]) for v in lines] == [
        (workspace.items[0]["id"], "accept"),
        (workspace.items[1]["id"], "reject"),
    ]
    assert lines[1]["reason"] == "wrong position or extent"
    assert lines[1]["comment"] == "box too wide" and lines[1]["reviewer"] == "carol"

    result = CliRunner().invoke(main, ["spotcheck", str(fresh_dataset), "--summary", "--json"])
    summary = json.loads(result.output)
    assert result.exit_code == 1  # one defect: the zero-defect plan rejects
    assert summary["reviewed"] == 2 and summary["defects"] == 1
    assert summary["reasons"] == {"wrong position or extent": 1}

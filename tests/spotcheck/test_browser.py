"""Debian's headless Chromium against the static report and the review page.

Chromium is driven through the Chrome DevTools Protocol over its websocket, with a small
websocket client written here (stdlib only): keyboard events go in as Input.dispatchKeyEvent,
like a person typing. Set SYNTHLAB_SCREENSHOTS=DIR to keep screenshots of both pages.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import time
import urllib.request
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


class DevTools:
    """The smallest websocket client CDP needs: masked text frames out, frames in."""

    def __init__(self, url: str) -> None:
        match = re.match(r"ws://([^/:]+):(\d+)(/.*)", url)
        assert match, url
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.sock = socket.create_connection((host, port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        assert b" 101 " in response.split(b"\r\n")[0], response
        self.ids = itertools.count(1)

    def _exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("devtools closed the connection")
            data += chunk
        return data

    def _frame(self) -> bytes:
        message = b""
        while True:
            head, length = self._exact(2)
            length &= 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exact(8))[0]
            message += self._exact(length)
            if head & 0x80:  # FIN
                return message

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        payload = json.dumps({"id": ident, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        masked = bytes(b ^ mask[k % 4] for k, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)
        while True:
            reply = json.loads(self._frame())
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(f"page never satisfied {expression}")

    def key(self, key: str) -> None:
        codes = {"Enter": 13, "Escape": 27, "ArrowLeft": 37, "ArrowRight": 39}
        code = codes.get(key, ord(key.upper()) if len(key) == 1 else 0)
        text = "\r" if key == "Enter" else key if len(key) == 1 else ""
        down: dict[str, Any] = {"type": "keyDown", "key": key, "windowsVirtualKeyCode": code}
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", **down)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=key, windowsVirtualKeyCode=code)

    def type(self, text: str) -> None:
        for char in text:
            self.key(char)

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


@pytest.fixture
def chromium(tmp_path: Path):  # type: ignore[no-untyped-def]
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
            "--window-size=1200,900",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        browser_url = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not browser_url:
            line = process.stderr.readline()
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            browser_url = found.group(1) if found else ""
        assert browser_url, "chromium did not start its DevTools endpoint"
        port = re.search(r":(\d+)/", browser_url).group(1)  # type: ignore[union-attr]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            pages = [t for t in json.load(answer) if t["type"] == "page"]
        tools = DevTools(pages[0]["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Runtime.enable")
        yield tools
    finally:
        process.terminate()
        process.wait(timeout=20)


def _keep(tools: DevTools, name: str) -> None:
    target = os.environ.get("SYNTHLAB_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        tools.screenshot(Path(target) / name)


def test_static_report_opens_offline_and_shows_script_as_text(
    chromium: DevTools, fresh_dataset: Path, tmp_path: Path
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
    chromium: DevTools, fresh_dataset: Path
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

"""The review server over real HTTP: loopback only, token required, verdicts appended and
fsynced, resume after a restart."""

from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from synthlab.recipe.model import SpotcheckSection
from synthlab.spotcheck.plans import resolve_plan
from synthlab.spotcheck.server import ReviewServer, start_review_server
from synthlab.spotcheck.workspace import build


def request(
    server: ReviewServer,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    token: str | None = "ok",
    host: str | None = None,
) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    query = f"?token={server.token if token == 'ok' else token}" if token else ""
    headers = {"Host": host or f"127.0.0.1:{server.port}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection.request(method, path + query, body=data, headers=headers)
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    kind = response.getheader("Content-Type", "")
    return response.status, json.loads(raw) if "json" in kind else raw.decode()


@pytest.fixture
def served(fresh_dataset: Path):  # type: ignore[no-untyped-def]
    build(fresh_dataset, resolve_plan(SpotcheckSection(), 300, n=6), seed=1, planted=1)
    server, _ = start_review_server(fresh_dataset, "ann")
    yield server
    server.shutdown()
    server.server_close()


def test_listens_on_loopback_only_with_a_random_token(served: ReviewServer) -> None:
    assert served.server_address[0] == "127.0.0.1"
    assert len(served.token) >= 24 and served.token in served.url
    addresses = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None)}
    for address in addresses - {"127.0.0.1", "127.0.1.1", "::1"}:
        with pytest.raises(OSError):
            socket.create_connection((address, served.port), timeout=2).close()
    assert request(served, "GET", "/", token=None)[0] == 403
    assert request(served, "GET", "/api/state", token="guess")[0] == 403
    assert request(served, "GET", "/api/state", host="evil.example:80")[0] == 403
    status, page = request(served, "GET", "/")
    assert status == 200 and "synthlab review" in page


def test_verdicts_are_appended_and_resume_after_restart(
    served: ReviewServer, fresh_dataset: Path
) -> None:
    state = request(served, "GET", "/api/state")[1]
    first, second = state["items"][:2]
    assert state["verdicts"] == {}
    status, item = request(served, "GET", f"/api/item/{first}")
    assert status == 200 and 'class="card"' in item["html"]
    assert request(served, "POST", "/api/verdict", {"item": first, "verdict": "accept"})[0] == 200
    bad = {"item": second, "verdict": "reject"}
    assert request(served, "POST", "/api/verdict", bad)[0] == 400  # a reason is required
    bad.update(reason="wrong class", comment="<b>cat</b> is a dog")
    assert request(served, "POST", "/api/verdict", bad)[0] == 200
    assert request(served, "POST", "/api/verdict", {"item": "nope", "verdict": "accept"})[0] == 400
    lines = (fresh_dataset / "spotcheck" / "verdicts.jsonl").read_text().splitlines()
    assert [json.loads(line)["verdict"] for line in lines] == ["accept", "reject"]
    saved = json.loads(lines[1])
    assert saved["reviewer"] == "ann" and saved["reason"] == "wrong class"
    assert saved["comment"] == "<b>cat</b> is a dog" and saved["time"].endswith("+00:00")

    served.shutdown()
    served.server_close()
    again, _ = start_review_server(fresh_dataset, "ann")
    try:
        resumed = request(again, "GET", "/api/state")[1]["verdicts"]
        assert set(resumed) == {first, second} and again.token != served.token
    finally:
        again.shutdown()
        again.server_close()
    other, _ = start_review_server(fresh_dataset, "bob")
    try:
        assert request(other, "GET", "/api/state")[1]["verdicts"] == {}  # per reviewer
    finally:
        other.shutdown()
        other.server_close()

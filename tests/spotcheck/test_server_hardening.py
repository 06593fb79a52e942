"""The review server against malformed and cross-site requests (issue 18, item 9), and
`synthlab review --port` on a port that is taken (item 7)."""

from __future__ import annotations

import http.client
import json
import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthlab.cli import main
from synthlab.recipe.model import SpotcheckSection
from synthlab.spotcheck.plans import resolve_plan
from synthlab.spotcheck.server import ReviewServer, start_review_server
from synthlab.spotcheck.workspace import build

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@pytest.fixture
def served(fresh_dataset: Path):  # type: ignore[no-untyped-def]
    build(fresh_dataset, resolve_plan(SpotcheckSection(), 300, n=3), seed=1)
    server, _ = start_review_server(fresh_dataset, "ann")
    yield server
    server.shutdown()
    server.server_close()


def raw_request(server: ReviewServer, head: str, body: bytes = b"") -> bytes:
    """Send bytes as written (http.client would fix a bad Content-Length) and read one whole
    answer; no answer at all (the old behaviour for `Content-Length: abc`) gives b""."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + body)
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := conn.recv(65536)):
            answer += chunk
        headers, _, rest = answer.partition(b"\r\n\r\n")
        declared = re.search(rb"Content-Length: (\d+)", headers)
        while declared and len(rest) < int(declared.group(1)) and (chunk := conn.recv(65536)):
            rest += chunk
    return headers + b"\r\n\r\n" + rest if answer else b""


def verdict_head(server: ReviewServer, length: str, extra: str = "") -> str:
    return (
        f"POST /api/verdict?token={server.token} HTTP/1.1\n"
        f"Host: 127.0.0.1:{server.port}\n"
        f"Content-Type: application/json\n"
        f"Content-Length: {length}\n{extra}\n"
    )


@pytest.mark.parametrize("length", ["abc", "-5", "99999999999999999999", "1e3", ""])
def test_bad_content_length_is_answered_400(served: ReviewServer, length: str) -> None:
    answer = raw_request(served, verdict_head(served, length), b'{"item": "x"}')
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"Content-Length must be a number from 1 to 65536" in answer
    assert b"Connection: close" in answer


def test_a_good_length_still_saves_after_bad_ones(served: ReviewServer) -> None:
    item = served.workspace.items[0]["id"]
    body = json.dumps({"item": item, "verdict": "accept"}).encode()
    answer = raw_request(served, verdict_head(served, str(len(body))), body)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]


def get(server: ReviewServer, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", f"{path}?token={server.token}")
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize("path", ["/", "/api/state", "/api/nothing"])
def test_every_route_sends_the_same_security_headers(served: ReviewServer, path: str) -> None:
    response = get(served, path)
    for name, value in SECURITY_HEADERS.items():
        assert response.getheader(name) == value, (path, name)
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy", "")


def post_verdict(served: ReviewServer, origin: str | None) -> int:
    item = served.workspace.items[0]["id"]
    headers = {"Host": f"127.0.0.1:{served.port}", "Content-Type": "application/json"}
    if origin is not None:
        headers["Origin"] = origin
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    body = json.dumps({"item": item, "verdict": "accept"})
    connection.request("POST", f"/api/verdict?token={served.token}", body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://127.0.0.1:1", "http://localhost:{port}"]
)
def test_post_from_another_origin_is_forbidden(served: ReviewServer, origin: str) -> None:
    # the request names Host 127.0.0.1, so even localhost is another origin for this page
    assert post_verdict(served, origin.format(port=served.port)) == 403
    verdicts = served.workspace.root / "verdicts.jsonl"
    assert not verdicts.exists() or verdicts.read_text() == ""


def test_post_from_the_page_itself_or_without_origin_is_saved(served: ReviewServer) -> None:
    assert post_verdict(served, f"http://127.0.0.1:{served.port}") == 200
    assert post_verdict(served, None) == 200  # curl and scripts send no Origin; token suffices


def test_review_on_a_busy_port_is_a_clear_error(fresh_dataset: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["review", str(fresh_dataset), "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use" in result.output
    assert "choose another --port" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output

"""`synthlab review OUT`: the review page, served on 127.0.0.1 only.

Every request must carry the random token printed in the URL (other local users and web
pages cannot guess it), and the Host header must name the loopback address (so a DNS
rebinding page cannot reach the server under another name); a POST that names an Origin must
come from the page itself (other sites' pages cannot post verdicts). The page itself runs
only its own script (a Content-Security-Policy with a per-run nonce); overlays are pictures or
panels of escaped text. Every answer, the page included, carries the same security headers.
Each verdict is appended and fsynced before the page moves on.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from synthlab.errors import UsageError
from synthlab.spotcheck.report import CSS, card_html
from synthlab.spotcheck.review_page import PAGE_SCRIPT, PAGE_STYLE, review_page
from synthlab.spotcheck.verdicts import (
    REASONS,
    Verdict,
    append_verdict,
    latest_verdicts,
    now_utc,
    read_verdicts,
)
from synthlab.spotcheck.workspace import Workspace

__all__ = ["ReviewServer", "start_review_server"]

HOST = "127.0.0.1"
_MAX_BODY = 64 * 1024
_MAX_COMMENT = 4000
# sent with every answer: no caching, no type sniffing, no referrer leaking the token, no framing
_SECURITY_HEADERS = (
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
_API_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, workspace: Workspace, reviewer: str, port: int) -> None:
        self.workspace = workspace
        self.reviewer = reviewer
        self.token = secrets.token_urlsafe(24)
        self.nonce = secrets.token_urlsafe(16)
        self.items = {item["id"]: item for item in workspace.items}
        self.verdict_path = workspace.root / "verdicts.jsonl"
        super().__init__((HOST, port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def state(self) -> dict[str, Any]:
        mine = {
            item: by[self.reviewer].to_json()
            for item, by in latest_verdicts(
                read_verdicts(self.verdict_path, self.workspace.digest)
            ).items()
            if self.reviewer in by
        }
        return {
            "reviewer": self.reviewer,
            "reasons": list(REASONS),
            "meaning": self.workspace.plan_data["plan"]["meaning"],
            "items": [item["id"] for item in self.workspace.items],
            "verdicts": mine,
        }


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep the terminal quiet
        return

    # -- guards -------------------------------------------------------------------------

    def _allowed(self) -> bool:
        host = self.headers.get("Host", "")
        if host not in (f"{HOST}:{self.server.port}", f"localhost:{self.server.port}"):
            self._send(HTTPStatus.FORBIDDEN, b"forbidden host\n", "text/plain")
            return False
        query = parse_qs(urlsplit(self.path).query)
        given = (query.get("token") or [self.headers.get("X-Review-Token", "")])[0]
        if not hmac.compare_digest(given.encode(), self.server.token.encode()):
            self._send(HTTPStatus.FORBIDDEN, b"missing or wrong token\n", "text/plain")
            return False
        return True

    def _same_origin(self) -> bool:
        """A browser names the page that sends a POST; only this server's own page may.
        Clients that send no Origin (scripts, curl) still need the token."""
        origin = self.headers.get("Origin")
        if origin is None or origin == f"http://{self.headers.get('Host', '')}":
            return True
        self._send(HTTPStatus.FORBIDDEN, b"cross-origin request refused\n", "text/plain")
        return False

    def _body_length(self) -> int | None:
        """The declared body size when it is a number in 1.._MAX_BODY, else None (answered
        400; the connection is closed, since an unread body would be read as a request)."""
        text = (self.headers.get("Content-Length") or "").strip()
        if text.isascii() and text.isdigit() and len(text) <= 9 and 0 < int(text) <= _MAX_BODY:
            return int(text)
        self.close_connection = True
        self._json(
            {"error": f"Content-Length must be a number from 1 to {_MAX_BODY}"},
            HTTPStatus.BAD_REQUEST,
        )
        return None

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str, policy: str = _API_POLICY
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in _SECURITY_HEADERS:
            self.send_header(name, value)
        self.send_header("Content-Security-Policy", policy)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, data: Any, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(status, json.dumps(data).encode("utf-8"), "application/json")

    # -- routes -------------------------------------------------------------------------

    def do_GET(self) -> None:
        if not self._allowed():
            return
        path = urlsplit(self.path).path
        if path == "/":
            page = review_page(self.server.nonce, CSS + PAGE_STYLE, PAGE_SCRIPT)
            policy = (
                f"default-src 'none'; script-src 'nonce-{self.server.nonce}'; "
                "img-src data:; style-src 'unsafe-inline'; connect-src 'self'; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
            )
            self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8", policy)
        elif path == "/api/state":
            self._json(self.server.state())
        elif path.startswith("/api/item/"):
            item = self.server.items.get(path.removeprefix("/api/item/"))
            if item is None:
                self._json({"error": "no such item"}, HTTPStatus.NOT_FOUND)
                return
            overlay = _overlay_html(self.server.workspace.overlay_path(item))
            self._json({"id": item["id"], "html": card_html(item, overlay)})
        else:
            self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)

    def do_POST(self) -> None:
        if not self._allowed() or not self._same_origin():
            return
        if urlsplit(self.path).path != "/api/verdict":
            self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)
            return
        length = self._body_length()
        if length is None:
            return
        try:
            raw = json.loads(self.rfile.read(length))
            verdict = self._verdict(raw)
        except (ValueError, TypeError, KeyError) as error:
            self._json({"error": str(error)}, HTTPStatus.BAD_REQUEST)
            return
        append_verdict(self.server.verdict_path, verdict)
        self._json({"saved": True, "verdict": verdict.to_json()})

    def _verdict(self, raw: dict[str, Any]) -> Verdict:
        item = str(raw["item"])
        if item not in self.server.items:
            raise ValueError(f"no item {item!r} in this review")
        kind = raw["verdict"]
        if kind not in ("accept", "reject"):
            raise ValueError("verdict must be accept or reject")
        reason = raw.get("reason") if kind == "reject" else None
        if kind == "reject" and reason not in REASONS:
            raise ValueError(f"a rejection needs a reason: one of {', '.join(REASONS)}")
        return Verdict(
            item=item,
            verdict=kind,
            reviewer=self.server.reviewer,
            time=now_utc(),
            plan=self.server.workspace.digest,
            reason=reason,
            comment=str(raw.get("comment") or "")[:_MAX_COMMENT],
        )


def _overlay_html(path: Path) -> str:
    from synthlab.spotcheck.report import overlay_html

    return overlay_html(path)


def start_review_server(
    out_dir: str | Path, reviewer: str, port: int = 0
) -> tuple[ReviewServer, threading.Thread]:
    """Start serving in a background thread; stop with `server.shutdown()`."""
    workspace = Workspace.open(out_dir)
    try:
        server = ReviewServer(workspace, reviewer, port)
    except OSError as error:  # the port is taken, or below 1024 without the right to it
        raise UsageError(
            f"cannot serve on {HOST}:{port}: {error.strerror or error}; "
            "choose another --port, or leave it out for any free one"
        ) from None
    thread = threading.Thread(target=server.serve_forever, name="synthlab-review", daemon=True)
    thread.start()
    return server, thread

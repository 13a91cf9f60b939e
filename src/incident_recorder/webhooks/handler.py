"""One webhook request, from its headers to its JSON answer (the server's request handler).

The checks run in order and cheapest first: the path and method (404, 405), the bearer token
(401, compared in constant time by the server), the body's size from Content-Length before any
of it is read (411, 413: the endpoint's limit, BODY_LIMITS), then the JSON and the payload (400).
The body is read as it arrives, in chunks, never more than announced: a client that announces
32 MiB and sends little holds little. Only then are the events handed to the writer, and the 200
goes out once they are committed. Every answer, errors included, is JSON; a refused body is
drained (bounded) so the client, still sending, reads the answer instead of a reset connection.
Every refusal (4xx, 5xx) is also told to the server as a Refusal (status, method, path without
its query, reason, client address; never a header), so `serve` can show a misconfigured sender.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import urlsplit

from incident_recorder import __version__
from incident_recorder.domain.events import NewEvent
from incident_recorder.storage import IncidentFileError
from incident_recorder.webhooks.alerts import parse_alertmanager, parse_grafana
from incident_recorder.webhooks.payloads import PayloadError, load_json, parse_events
from incident_recorder.webhooks.writer import WriterClosed

MAX_BODY_BYTES = 1024 * 1024
"""Generic events: bodies over 1 MiB are refused (413) unread."""
MAX_ALERT_BODY_BYTES = 32 * 1024 * 1024
"""Alertmanager and Grafana send a whole group of alerts in one notification, and never retry a
4xx: a real group of 1,200 alerts is 1.7 MB, so their limit is 32 MiB (about 23,000 alerts)."""
ROUTES: dict[str, Callable[[Any], list[NewEvent]]] = {
    "/events": parse_events,
    "/alertmanager": parse_alertmanager,
    "/grafana": parse_grafana,
}
BODY_LIMITS = {
    "/events": MAX_BODY_BYTES,
    "/alertmanager": MAX_ALERT_BODY_BYTES,
    "/grafana": MAX_ALERT_BODY_BYTES,
}
READ_CHUNK_BYTES = 256 * 1024
"""The body is read in chunks of at most this size, as it arrives."""
DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES
"""A refused body is read and dropped up to this size."""
DRAIN_TIMEOUT_S = 2.0


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request answered with an error: what `serve` prints. Never holds a header or a query
    string (where a sender might put its token)."""

    status: int
    method: str
    path: str
    reason: str
    client: str


class App(Protocol):
    """What a request needs of the server (webhooks/server.py's WebhookServer)."""

    title: str

    def authorized(self, header: str | None) -> bool: ...

    def refused(self, refusal: Refusal) -> None: ...

    def record(self, events: list[NewEvent]) -> dict[str, Any]: ...

    def in_flight(self) -> AbstractContextManager[None]: ...


class _Served(Protocol):
    app: App


class _Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class RequestHandler(BaseHTTPRequestHandler):
    server: _Served  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"
    server_version = f"IncidentRecorder/{__version__}"
    timeout = 15  # seconds a client may take to send its request
    # The reply goes out as two writes (headers, body): with Nagle's algorithm the second waits
    # for the client's delayed ACK, 40 ms on Linux, on every request.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        """No access log on stderr: the CLI prints what was recorded instead."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, header too long) as JSON too. Their
        message may quote the request line, query and all: only the part before it is told."""
        self.close_connection = True
        error = message or explain or "bad request"
        self._reply(code, {"error": error}, told=error.split(" (", 1)[0])

    def _reply(
        self,
        status: int,
        payload: dict[str, Any],
        headers: dict[str, str] | None = None,
        *,
        told: str | None = None,
    ) -> None:
        if status >= 400:
            self._tell_refusal(status, told or str(payload.get("error", "")))
        body = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _tell_refusal(self, status: int, reason: str) -> None:
        # No command: the request line was unreadable, and self.path is unset or a previous one
        raw = urlsplit(self.path).path if self.command else ""
        path = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in raw)
        refusal = Refusal(
            status,
            self.command or "-",
            (path if len(path) <= 100 else path[:99] + "…") or "-",
            " ".join(reason.split()),
            str(self.client_address[0]),
        )
        with suppress(Exception):  # telling must never stop the answer
            self.server.app.refused(refusal)

    def _check(self, method: str) -> tuple[str, int]:
        """The path and body length of a request that may go on (for GET / the length is 0);
        _Refused (404, 405, 401, 411, 413, 400) for one that may not. Reads only headers."""
        path = urlsplit(self.path).path
        allowed = "GET" if path == "/" else "POST" if path in ROUTES else None
        if allowed is None:
            routes = ", ".join(["GET /", *(f"POST {route}" for route in ROUTES)])
            raise _Refused(404, f"no such endpoint {path!r} (there are: {routes})")
        if method != allowed:
            raise _Refused(405, f"{path} takes {allowed}, not {method}", {"Allow": allowed})
        if method == "GET":
            if self.headers.get("Content-Length", "0").strip() not in ("", "0"):
                self.close_connection = True  # a GET with a body: never read it as a request
            return path, 0
        header = self.headers.get("Authorization")
        if not self.server.app.authorized(header):
            raise _Refused(
                401,
                "the bearer token is not this incident's webhook token"
                if header
                else "a bearer token is required: send 'Authorization: Bearer TOKEN' with the "
                "token `incident-recorder serve` printed",
                {"WWW-Authenticate": 'Bearer realm="incident-recorder"'},
            )
        if self.headers.get("Transfer-Encoding"):
            raise _Refused(411, "send the body with a Content-Length (chunked bodies are refused)")
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            raise _Refused(411, "a Content-Length header is required")
        if len(lengths) > 1 or not lengths[0].strip().isdigit():
            raise _Refused(400, "one Content-Length header, a whole number of bytes, is required")
        length, limit = int(lengths[0]), BODY_LIMITS[path]
        if length > limit:
            raise _Refused(413, f"the body is {length:,} bytes; {path} accepts at most {limit:,}")
        return path, length

    def handle_expect_100(self) -> bool:
        """A client that asks first (curl does for large bodies) hears a refusal before it sends
        the body; only a request that may go on gets 100 Continue."""
        try:
            self._check(str(self.command))
        except _Refused as refused:
            self.close_connection = True
            self._reply(refused.status, {"error": str(refused)}, refused.headers)
            return False
        return super().handle_expect_100()

    def _handle(self, method: str) -> None:
        body_read = False
        try:
            path, length = self._check(method)
            if method == "GET":
                self._health()
                return
            body_read = True
            with self.server.app.in_flight():
                events = ROUTES[path](load_json(self._read(length)))
                self._reply(200, self.server.app.record(events))
        except _Refused as refused:
            self.close_connection = True
            self._reply(refused.status, {"error": str(refused)}, refused.headers)
            if not body_read:
                self._drain()
        except PayloadError as error:
            self._reply(400, {"error": str(error)})
        except (IncidentFileError, WriterClosed, TimeoutError) as error:
            self._reply(503, {"error": str(error)}, {"Retry-After": "5"})
        except Exception as error:  # one JSON line, never a traceback on the server's stderr
            self.close_connection = True
            self._reply(500, {"error": f"unexpected {type(error).__name__}: {error}"})

    def _drain(self) -> None:
        """Read and drop the refused body (bounded), so the client, still sending, reads the
        answer instead of a reset connection."""
        self.wfile.flush()
        length = self.headers.get("Content-Length", "").strip()
        remaining = min(int(length) if length.isdigit() else 0, DRAIN_LIMIT_BYTES)
        try:
            self.connection.settimeout(DRAIN_TIMEOUT_S)  # a client not sending: let it go soon
            while remaining > 0:
                chunk = self.rfile.read1(min(remaining, 65536))
                if not chunk:
                    break
                remaining -= len(chunk)
        except OSError:
            pass

    def _read(self, length: int) -> bytearray:
        """The body, read as it arrives (chunks of READ_CHUNK_BYTES, `length` at most)."""
        body = bytearray()
        try:
            while len(body) < length:
                chunk = self.rfile.read1(min(READ_CHUNK_BYTES, length - len(body)))
                if not chunk:
                    break
                body += chunk
        except TimeoutError:
            raise _Refused(408, f"the body stopped arriving for {self.timeout} s") from None
        if len(body) < length:
            raise _Refused(400, f"the body ended after {len(body)} of {length} bytes")
        return body

    def _health(self) -> None:
        app = self.server.app
        payload: dict[str, Any] = {
            "status": "ok",
            "service": "incident-recorder webhooks",
            "endpoints": [f"POST {route}" for route in ROUTES],
        }
        if app.authorized(self.headers.get("Authorization")):
            payload["incident"] = app.title
        else:
            payload["incident"] = None
            payload["hint"] = "send the bearer token to see which incident this records"
        self._reply(200, payload)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

"""One webhook request, from its headers to its JSON answer (the server's request handler).

The checks run in order and cheapest first: the Host header (421: webhooks/hosts.py, against DNS
rebinding), the path and method (404, 405), the bearer token (401, compared in constant time by
the server), the body's size from Content-Length before any of it is read (411, 413: the
endpoint's limit, BODY_LIMITS), the sender's signature where one is checked (401: PagerDuty's,
with a secret configured), then the JSON and the payload (400), then the events' times
(422: none more than a minute in the future). The whole request must arrive within the server's
deadline (408: webhooks/deadline.py), however slowly its bytes come.
The body is read as it arrives, in chunks, never more than announced: a client that announces
32 MiB and sends little holds little. Only then are the events handed to the writer, and the 200
goes out once they are committed. Every answer, errors included, is JSON; a refused body is
drained (bounded) so the client, still sending, reads the answer instead of a reset connection.
Every refusal (4xx, 5xx) is also told to the server as a Refusal (status, method, path without
its query, reason, client address; never a header), so `serve` can show a misconfigured sender.
"""

from __future__ import annotations

import io
import json
from contextlib import suppress
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import urlsplit

from incident_recorder import __version__
from incident_recorder.storage import IncidentFileError
from incident_recorder.webhooks.deadline import IDLE_S, DeadlinePassed, DeadlineReader
from incident_recorder.webhooks.payloads import FutureTime, PayloadError, load_json
from incident_recorder.webhooks.routes import (
    BODY_LIMITS,
    MAX_ALERT_BODY_BYTES,
    MAX_BODY_BYTES,
    ROUTES,
    SIGNATURE_HEADERS,
    App,
    Refusal,
)
from incident_recorder.webhooks.writer import WriterClosed

READ_CHUNK_BYTES = 256 * 1024
"""The body is read in chunks of at most this size, as it arrives."""
DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES
"""A refused body is read and dropped up to this size."""
DRAIN_TIMEOUT_S = 2.0
"""A refused body is drained for at most this long in all."""
WRITE_TIMEOUT_S = 15.0
"""How long one write of an answer may wait for the client to read."""


__all__ = ["MAX_ALERT_BODY_BYTES", "MAX_BODY_BYTES", "ROUTES", "Refusal", "RequestHandler"]


class _Served(Protocol):
    app: App


def _late(deadline: float) -> str:
    return (
        f"the request did not arrive within {deadline:g} s of its first byte (its line, "
        "headers and body must all come within that time)"
    )


class _Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class RequestHandler(BaseHTTPRequestHandler):
    server: _Served  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"
    server_version = f"IncidentRecorder/{__version__}"
    timeout = IDLE_S  # before a request's first byte; then the request's deadline (setup)
    # The reply goes out as two writes (headers, body): with Nagle's algorithm the second waits
    # for the client's delayed ACK, 40 ms on Linux, on every request.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        """Read through a DeadlineReader: the whole request has one deadline, not each read."""
        super().setup()
        self.rfile.close()  # the socket stays open: it is only the buffered reader of makefile
        self._raw = DeadlineReader(self.connection)
        self._buffered = io.BufferedReader(self._raw, 65536)
        self.rfile = self._buffered

    def handle_one_request(self) -> None:
        """Wait (IDLE_S) for a request's first byte, then give the request its deadline; one
        that does not arrive in time is answered 408 and the connection closed."""
        self._raw.idle()
        try:
            if not self._buffered.peek(1):
                self.close_connection = True
                return
        except OSError:  # idle too long (TimeoutError), or the client went away
            self.close_connection = True
            return
        deadline = self.server.app.request_deadline
        self._raw.start(deadline)
        self.command, self.path, self.requestline = "", "", ""  # until the request line is read
        self.request_version = "HTTP/1.1"
        try:
            super().handle_one_request()
        except DeadlinePassed:
            self.close_connection = True
            self._reply(408, {"error": _late(deadline)})

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
        if self.server.app.saturated():  # every worker busy: let others in after this answer
            self.close_connection = True
        self.connection.settimeout(WRITE_TIMEOUT_S)
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
        _Refused (421, 404, 405, 401, 411, 413, 400) for one that may not. Reads only headers."""
        local = str(self.connection.getsockname()[0])
        refusal = self.server.app.host_refusal(self.headers.get_all("Host") or [], local)
        if refusal is not None:
            raise _Refused(421, refusal)
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
                body = self._read(length)
                signed = self.headers.get_all(SIGNATURE_HEADERS.get(path, "")) or []
                unsigned = self.server.app.signature_refusal(path, ",".join(signed), body)
                if unsigned is not None:
                    raise _Refused(401, unsigned)
                events = ROUTES[path](load_json(body), self.server.app.now())
                self._reply(200, self.server.app.record(events))
        except _Refused as refused:
            self.close_connection = True
            self._reply(refused.status, {"error": str(refused)}, refused.headers)
            if not body_read:
                self._drain()
        except FutureTime as error:
            self._reply(422, {"error": f"{error}; nothing of this request was recorded"})
        except PayloadError as error:
            self._reply(400, {"error": str(error)})
        except (IncidentFileError, WriterClosed, TimeoutError) as error:
            self._reply(503, {"error": str(error)}, {"Retry-After": "5"})
        except (BrokenPipeError, ConnectionResetError):
            # The sender hung up (Alertmanager cancels a notification it took too long to
            # answer, then retries it): no answer can reach it, and nothing was refused. What
            # was recorded stays recorded; its retry is recognised and skipped.
            self.close_connection = True
        except Exception as error:  # one JSON line, never a traceback on the server's stderr
            self.close_connection = True
            self._reply(500, {"error": f"unexpected {type(error).__name__}: {error}"})

    def _drain(self) -> None:
        """Read and drop the refused body (bounded), so the client, still sending, reads the
        answer instead of a reset connection."""
        self.wfile.flush()
        length = self.headers.get("Content-Length", "").strip()
        remaining = min(int(length) if length.isdigit() else 0, DRAIN_LIMIT_BYTES)
        self._raw.limit(DRAIN_TIMEOUT_S)  # in all: a client sending slowly is let go soon
        try:
            while remaining > 0:
                chunk = self.rfile.read1(min(remaining, 65536))
                if not chunk:
                    break
                remaining -= len(chunk)
        except (OSError, DeadlinePassed):
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
        except DeadlinePassed:
            raise _Refused(408, _late(self.server.app.request_deadline)) from None
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

"""The webhook server: HTTP on loopback, a bearer token, and every accepted event durable first.

Routes: POST /events (generic JSON events), POST /alertmanager, POST /grafana; GET / a health
check. The standard library's ThreadingHTTPServer is enough for a local endpoint taking a few
events a second at most, and adds no dependency: each request has its own thread, which checks
the token (constant-time), the size (Content-Length before reading, the read capped at 1 MiB)
and the payload, then hands the events to the one writer thread (webhooks/writer.py) and answers
only once they are committed. Every error is a JSON `{"error": "…"}` with a 4xx/5xx status.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import json
import socket
import socketserver
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from incident_recorder import __version__
from incident_recorder.domain.events import NewEvent
from incident_recorder.domain.times import Clock, system_clock
from incident_recorder.storage import IncidentFileError
from incident_recorder.webhooks.alerts import parse_alertmanager, parse_grafana
from incident_recorder.webhooks.payloads import PayloadError, load_json, parse_events
from incident_recorder.webhooks.writer import EventWriter, Listener, WriterClosed

MAX_BODY_BYTES = 1024 * 1024
"""Bodies over 1 MiB are refused (413) unread."""
ROUTES: dict[str, Callable[[Any], list[NewEvent]]] = {
    "/events": parse_events,
    "/alertmanager": parse_alertmanager,
    "/grafana": parse_grafana,
}
REPLY_TIMEOUT_S = 60.0
DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES
"""A refused body is read and dropped up to this size, so the client gets the answer instead of
a reset connection."""
DRAIN_TIMEOUT_S = 2.0


class ServerError(Exception):
    """The server cannot start (address in use, bad host); str() is one line."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: WebhookServer

    def server_bind(self) -> None:
        """Bind without http.server's reverse DNS lookup of the address (slow where DNS is)."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone mid-reply is its own business; anything else is one line, never a
        traceback (the handler answers every error it knows as JSON)."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return
        print(f"webhook server: unexpected {type(error).__name__}: {error}", file=sys.stderr)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class WebhookServer:
    """Serves webhooks into one incident file until `stop` (or the end of a `with`)."""

    def __init__(
        self,
        path: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        clock: Clock = system_clock,
        listener: Listener | None = None,
    ) -> None:
        self.path = Path(path)
        self.host = host
        self._port = port
        self._writer = EventWriter(self.path, token=token, clock=clock, listener=listener)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.title = ""
        self.token = ""

    def start(self) -> WebhookServer:
        """Open the file and listen; IncidentFileError, ValueError (a bad token) or ServerError."""
        opened = self._writer.start()
        self.title, self.token = opened.title, opened.token
        server_class = _HTTPServer6 if ":" in self.host else _HTTPServer
        try:
            httpd = server_class((self.host, self._port), _Handler)
        except (OSError, OverflowError) as error:
            self._writer.stop()
            reason = getattr(error, "strerror", None) or str(error)
            if getattr(error, "errno", None) == errno.EADDRINUSE:
                reason += " (by another program, or another serve: choose another --port, or 0)"
            raise ServerError(f"cannot listen on {self.host} port {self._port}: {reason}") from None
        httpd.app = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="webhook-http"
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start() first"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def recorded(self) -> int:
        return self._writer.recorded

    @property
    def duplicates(self) -> int:
        return self._writer.duplicates

    def stop(self) -> None:
        """Stop listening, record what was already accepted, close the file."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._writer.stop()

    def __enter__(self) -> WebhookServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def authorized(self, header: str | None) -> bool:
        """Whether an Authorization header carries this incident's token (constant time)."""
        scheme, _, credentials = (header or "").strip().partition(" ")
        given = credentials.strip().encode("latin-1", "replace")
        match = hmac.compare_digest(given, self.token.encode("ascii"))
        return scheme.lower() == "bearer" and match

    def record(self, events: list[NewEvent]) -> dict[str, Any]:
        outcomes = self._writer.submit(events, REPLY_TIMEOUT_S)
        return {
            "recorded": [o.entry_id for o in outcomes if not o.duplicate],
            "duplicates": [{"key": o.key, "entry_id": o.entry_id} for o in outcomes if o.duplicate],
        }


class _Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
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
        """http.server's own errors (bad request line, header too long) as JSON too."""
        self.close_connection = True
        self._reply(code, {"error": message or explain or "bad request"})

    def _reply(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
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
        length = int(lengths[0])
        if length > MAX_BODY_BYTES:
            raise _Refused(
                413, f"the body is {length:,} bytes; at most {MAX_BODY_BYTES:,} are accepted"
            )
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
            body = self._read(length)
            events = ROUTES[path](load_json(body))
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

    def _read(self, length: int) -> bytes:
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            raise _Refused(408, f"the body did not arrive within {self.timeout} s") from None
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

"""The webhook server: HTTP on loopback, a bearer token, and every accepted event durable first.

Routes: POST /events (generic JSON events), POST /alertmanager, POST /grafana, POST /pagerduty
(signatures checked with a secret configured), POST /opsgenie; GET / a health check. The
standard library's HTTPServer, with no dependency added: a real listen backlog and a fixed pool
of workers (webhooks/pool.py) answer connections, each request within one deadline
(webhooks/deadline.py). A worker checks the Host header (webhooks/hosts.py), the token
(constant-time), the size (Content-Length before reading: 1 MiB for generic events, 32 MiB for a
group of alerts; the body read as it arrives) and the payload (webhooks/handler.py), then hands
the events to the one writer thread (webhooks/writer.py) and answers only once they are
committed (a request's events in one transaction). Every error is a JSON `{"error": "…"}` with
a 4xx/5xx status.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from http.server import HTTPServer
from pathlib import Path
from typing import Any

from incident_recorder.domain.events import NewEvent
from incident_recorder.domain.times import Clock, system_clock
from incident_recorder.webhooks.handler import RequestHandler
from incident_recorder.webhooks.hosts import accepted_names, host_refusal
from incident_recorder.webhooks.pagerduty import signature_refusal as pagerduty_signature_refusal
from incident_recorder.webhooks.pool import BACKLOG, WORKERS, WorkerPool
from incident_recorder.webhooks.routes import MAX_ALERT_BODY_BYTES, MAX_BODY_BYTES, ROUTES, Refusal
from incident_recorder.webhooks.writer import EventWriter, Listener

__all__ = [
    "MAX_ALERT_BODY_BYTES",
    "MAX_BODY_BYTES",
    "ROUTES",
    "Refusal",
    "ServerError",
    "WebhookServer",
    "is_loopback",
]

REPLY_TIMEOUT_S = 60.0
"""How long a request waits for the writer before answering 503."""
STOP_WAIT_S = 5.0
"""How long `stop` waits for requests being answered."""
REQUEST_DEADLINE_S = 30.0
"""A request's line, headers and body must all arrive within this time of its first byte (408):
a 32 MiB group of alerts needs 1.1 MB/s, far below what loopback or a LAN carries."""


class ServerError(Exception):
    """The server cannot start (address in use, bad host); str() is one line."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _HTTPServer(HTTPServer):
    request_queue_size = BACKLOG
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
        on_refusal: Callable[[Refusal], None] | None = None,
        allow_hosts: Sequence[str] = (),
        workers: int = WORKERS,
        request_deadline: float = REQUEST_DEADLINE_S,
        pagerduty_secret: str | None = None,
    ) -> None:
        """`listener` hears what each request recorded (on the writer thread), `on_refusal`
        each request answered with an error (on the request's thread); both must be quick.
        `allow_hosts` are Host names accepted besides this machine's (a reverse proxy's);
        ValueError if one is not a host name. With `pagerduty_secret`, a PagerDuty delivery must
        be signed with it (X-PagerDuty-Signature), or it is refused 401."""
        self.path = Path(path)
        self.pagerduty_secret = pagerduty_secret or None
        self._names = accepted_names(host, allow_hosts)
        self._clock = clock
        self._workers = workers
        self.request_deadline = request_deadline
        self._pool: WorkerPool | None = None
        self._on_refusal = on_refusal
        self.host = host
        self._port = port
        self._writer = EventWriter(self.path, token=token, clock=clock, listener=listener)
        self._httpd: _HTTPServer | None = None
        self.title = ""
        self.token = ""
        self._busy = 0
        self._idle = threading.Condition()

    def start(self) -> WebhookServer:
        """Open the file and listen; IncidentFileError, ValueError (a bad token) or ServerError."""
        opened = self._writer.start()
        self.title, self.token = opened.title, opened.token
        server_class = _HTTPServer6 if ":" in self.host else _HTTPServer
        try:
            httpd = server_class((self.host, self._port), RequestHandler)
        except (OSError, OverflowError) as error:
            self._writer.stop()
            reason = getattr(error, "strerror", None) or str(error)
            if getattr(error, "errno", None) == errno.EADDRINUSE:
                reason += " (by another program, or another serve: choose another --port, or 0)"
            raise ServerError(f"cannot listen on {self.host} port {self._port}: {reason}") from None
        httpd.app = self
        self._httpd = httpd
        self._pool = WorkerPool(httpd, self._workers)
        self._pool.start()
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
        """Stop listening, record what was already accepted, close the file, and give the
        requests being answered a moment to get their answer out."""
        if self._pool is not None:
            self._pool.stop()
        if self._httpd is not None:
            self._httpd.server_close()
        self._writer.stop()
        deadline = time.monotonic() + STOP_WAIT_S
        with self._idle:
            while self._busy and (left := deadline - time.monotonic()) > 0:
                self._idle.wait(left)

    @contextmanager
    def in_flight(self) -> Iterator[None]:
        """Around a request from its body to its answer (so `stop` can wait for it)."""
        with self._idle:
            self._busy += 1
        try:
            yield
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def __enter__(self) -> WebhookServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def host_refusal(self, values: list[str], local_address: str) -> str | None:
        """Why a request with these Host headers is refused (None: it is not)."""
        return host_refusal(values, local_address, self._names)

    def saturated(self) -> bool:
        return self._pool is not None and self._pool.saturated

    def now(self) -> datetime:
        return self._clock()

    def authorized(self, header: str | None) -> bool:
        """Whether an Authorization header carries this incident's token (constant time)."""
        if not self.token:
            return False
        scheme, _, credentials = (header or "").strip().partition(" ")
        given = credentials.strip().encode("latin-1", "replace")
        match = hmac.compare_digest(given, self.token.encode("ascii"))
        return scheme.lower() == "bearer" and match

    def signature_refusal(self, path: str, signed: str, body: bytes | bytearray) -> str | None:
        """Why a body is refused for its sender's signature (None: accepted, or not checked)."""
        if path == "/pagerduty" and self.pagerduty_secret is not None:
            return pagerduty_signature_refusal(self.pagerduty_secret, signed, body)
        return None

    def refused(self, refusal: Refusal) -> None:
        if self._on_refusal is not None:
            self._on_refusal(refusal)

    def record(self, events: list[NewEvent]) -> dict[str, Any]:
        outcomes = self._writer.submit(events, REPLY_TIMEOUT_S)
        return {
            "recorded": [o.entry_id for o in outcomes if not o.duplicate],
            "duplicates": [{"key": o.key, "entry_id": o.entry_id} for o in outcomes if o.duplicate],
        }

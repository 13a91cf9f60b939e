"""The server's bounds, with raw sockets on loopback: a burst of connections opened at once, a
fixed pool of workers, one deadline per request, and the Host check against DNS rebinding."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from webhook_client import read_answer, request

from incident_recorder.storage import IncidentFile
from incident_recorder.webhooks.pool import WORKERS
from incident_recorder.webhooks.server import WebhookServer


@pytest.fixture
def incident(incident_path: Path) -> Path:
    IncidentFile.create(incident_path, "Checkout outage").close()
    return incident_path


def _event(server: WebhookServer, number: int, host: str = "127.0.0.1") -> bytes:
    body = json.dumps({"text": f"event {number}", "key": f"burst-{number}"}).encode()
    head = (
        f"POST /events HTTP/1.1\r\nHost: {host}:{server.port}\r\n"
        f"Authorization: Bearer {server.token}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def _burst(server: WebhookServer, count: int) -> tuple[list[str], int]:
    """`count` sockets connect() in a tight loop before any sends; then each sends a valid
    event. The status each got ('reset', 'no answer' for a connection closed unanswered) and
    the most threads seen alive meanwhile."""
    sockets = []
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(20)
        sock.connect(("127.0.0.1", server.port))
        sockets.append(sock)
    most = threading.active_count()
    statuses = []
    try:
        for number, sock in enumerate(sockets):
            with contextlib.suppress(OSError):  # told below, as the answer it did not get
                sock.sendall(_event(server, number))
        for sock in sockets:
            most = max(most, threading.active_count())
            try:
                answer = read_answer(sock)
                statuses.append(answer.split(b" ", 2)[1].decode() if answer else "no answer")
            except ConnectionResetError:
                statuses.append("reset")
    finally:
        for sock in sockets:
            sock.close()
    return statuses, most


def _recorded(path: Path) -> set[str]:
    with IncidentFile.open(path, readonly=True) as handle:
        return {entry.text for entry in handle.entries()}


@pytest.mark.parametrize("count", [128, 256])
def test_connections_opened_all_at_once_are_each_answered_and_recorded(
    incident: Path, count: int
) -> None:
    before = threading.active_count()
    with WebhookServer(incident, port=0) as server:
        statuses, most = _burst(server, count)
    assert statuses == ["200"] * count, {s: statuses.count(s) for s in set(statuses)}
    assert _recorded(incident) == {f"event {n}" for n in range(count)}
    # a fixed pool (and the accept and writer threads), not a thread per connection
    assert most - before <= WORKERS + 3


def test_connections_beyond_the_workers_wait_in_the_backlog(incident: Path) -> None:
    with WebhookServer(incident, port=0, workers=2) as server:
        statuses, _ = _burst(server, 64)
    assert statuses == ["200"] * 64
    assert len(_recorded(incident)) == 64


def _dribble(
    server: WebhookServer, data: bytes, every: float, give_up: float
) -> tuple[bytes, float]:
    """Send `data` a byte at a time, `every` seconds apart, until an answer comes (or
    `give_up` seconds): the answer and when it came."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=give_up) as sock:
        for byte in data:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            deadline = time.monotonic() + every
            sock.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                if sock.recv(1, socket.MSG_PEEK):
                    break
            except TimeoutError:
                pass
            if time.monotonic() - started > give_up:
                break
        sock.settimeout(5)
        return read_answer(sock), time.monotonic() - started


def test_a_body_dribbled_a_byte_a_second_is_cut_off_at_the_total_deadline(
    incident: Path,
) -> None:
    with WebhookServer(incident, port=0, request_deadline=2.5) as server:
        body = b'{"text": "dribbled over a minute"}' + b" " * 40
        head = (
            f"POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {server.token}"
            f"\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        answer, took = _dribble(server, head + body, 1.0, 8.0)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"did not arrive within 2.5 s" in answer
    assert 2.0 <= took <= 5.0, took
    assert _recorded(incident) == set()


def test_a_request_line_dribbled_is_cut_off_too(incident: Path) -> None:
    with WebhookServer(incident, port=0, request_deadline=2.0) as server:
        answer, took = _dribble(server, b"POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\n", 0.5, 8.0)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert 1.5 <= took <= 4.0, took


@pytest.fixture
def proxied(incident: Path) -> Iterator[WebhookServer]:
    with WebhookServer(incident, port=0, allow_hosts=["Hooks.Example.org."]) as server:
        yield server


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.1:{port}", "localhost", "LOCALHOST:{port}", "[::1]:{port}", "[::1]",
     "localhost:9000", "hooks.example.org", "hooks.example.org:443"],
)  # fmt: skip
def test_own_names_and_allowed_names_are_answered(proxied: WebhookServer, host: str) -> None:
    reply = request(
        proxied.port,
        "POST",
        "/events",
        {"text": f"via {host}"},
        token=proxied.token,
        headers={"Host": host.format(port=proxied.port)},
    )
    assert reply.status == 200, reply.body


@pytest.mark.parametrize(
    "host", ["attacker.example", "attacker.example:{port}", "127.0.0.1.attacker.example",
             "localhost.attacker.example", "10.1.2.3", "hooks.example.org.evil"],
)  # fmt: skip
def test_another_host_is_refused_421_before_anything_else(
    proxied: WebhookServer, host: str
) -> None:
    shown = host.format(port=proxied.port)
    for method, path in (("POST", "/events"), ("GET", "/"), ("GET", "/nowhere")):
        reply = request(
            proxied.port, method, path, {"text": "x"}, token=proxied.token, headers={"Host": shown}
        )
        assert reply.status == 421, (method, path, reply.body)
        assert "DNS rebinding" in reply.error and "--allow-host" in reply.error
    assert _recorded(proxied.path) == set()


def test_a_request_without_a_host_is_refused(incident: Path) -> None:
    with (
        WebhookServer(incident, port=0) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock,
    ):
        sock.sendall(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        assert read_answer(sock).startswith(b"HTTP/1.1 421 ")


def test_a_bad_allowed_name_stops_the_server_before_it_starts(incident: Path) -> None:
    with pytest.raises(ValueError, match="not a host name"):
        WebhookServer(incident, port=0, allow_hosts=["bad name/"])

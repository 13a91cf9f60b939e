"""Every refused request is told to the server once (status, method, path, reason, client), so
`serve` can print it: a misconfigured sender must be visible. Never a token, never a header."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from webhook_client import payload, raw_exchange, request

from incident_recorder.storage import IncidentFile
from incident_recorder.webhooks.console import refusal_line
from incident_recorder.webhooks.server import Refusal, WebhookServer

EVENT = {"text": "Deploy started", "kind": "action"}


@pytest.fixture
def told(incident_path: Path) -> Iterator[tuple[WebhookServer, list[Refusal]]]:
    IncidentFile.create(incident_path, "Checkout outage").close()
    refusals: list[Refusal] = []
    with WebhookServer(incident_path, on_refusal=refusals.append) as server:
        yield server, refusals


def test_each_refusal_is_told_once_with_status_path_and_reason(
    told: tuple[WebhookServer, list[Refusal]],
) -> None:
    server, refusals = told
    port, token = server.port, server.token
    assert request(port, "POST", "/alertmanager", payload("alertmanager-firing.json")).status == 401
    assert request(port, "POST", "/events", EVENT, token="wrong-token-0123456789").status == 401
    assert request(port, "POST", "/alertmanagr", EVENT, token=token).status == 404
    assert request(port, "GET", "/events").status == 405
    assert request(port, "POST", "/events", b'{"txt": "typo"}', token=token).status == 400
    head = f"POST /grafana HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
    too_big = (head + "Content-Length: 40000000\r\n\r\n").encode()
    assert raw_exchange(port, too_big).startswith(b"HTTP/1.1 413 ")
    assert [(r.status, r.method, r.path, r.client) for r in refusals] == [
        (401, "POST", "/alertmanager", "127.0.0.1"),
        (401, "POST", "/events", "127.0.0.1"),
        (404, "POST", "/alertmanagr", "127.0.0.1"),
        (405, "GET", "/events", "127.0.0.1"),
        (400, "POST", "/events", "127.0.0.1"),
        (413, "POST", "/grafana", "127.0.0.1"),
    ]
    reasons = [r.reason for r in refusals]
    assert reasons[0].startswith("a bearer token is required")
    assert reasons[1] == "the bearer token is not this incident's webhook token"
    assert "unknown field 'txt'" in reasons[4] and "33,554,432" in reasons[5]
    assert request(port, "POST", "/events", EVENT, token=token).status == 200
    assert request(port, "GET", "/").status == 200
    assert len(refusals) == 6  # what is accepted is not a refusal


def test_a_refusal_never_holds_the_token_a_query_or_a_header(
    told: tuple[WebhookServer, list[Refusal]],
) -> None:
    """A sender that puts the token in the URL, or a request line that http.server itself
    refuses (which it quotes whole in its message), tells neither."""
    server, refusals = told
    secret = "Sup3rSecretTokenInTheQuery0123"
    reply = request(server.port, "POST", f"/alertmanager?token={secret}", EVENT,
                    headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert reply.status == 401
    bad_line = f"POST /events?token={secret} extra HTTP/1.1\r\n\r\n".encode()
    assert raw_exchange(server.port, bad_line).startswith(b"HTTP/1.1 400 ")
    assert request(server.port, "POST", "/events", EVENT, token=server.token).status == 200
    first, second = refusals
    assert (first.status, first.path) == (401, "/alertmanager")
    assert (second.status, second.method, second.path) == (400, "-", "-")
    assert second.reason == "Bad request syntax"
    for refusal in refusals:
        line = refusal_line(refusal, datetime(2026, 11, 27, 14, 4, 23, tzinfo=UTC))
        assert secret not in line and server.token not in line and "Bearer" not in line
        assert "\n" not in line


def test_the_refusal_line() -> None:
    refusal = Refusal(401, "POST", "/alertmanager", "the bearer token is not …", "10.0.0.7")
    assert refusal_line(refusal, datetime(2026, 11, 27, 14, 4, 23, tzinfo=UTC)) == (
        "14:04:23 refused 401 POST /alertmanager from 10.0.0.7: the bearer token is not …"
    )


def test_a_sender_that_hangs_up_before_the_answer_is_no_refusal(
    told: tuple[WebhookServer, list[Refusal]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alertmanager cancels a notification it took too long to answer (its group interval)
    and sends it again: the event is recorded once and nothing is reported as refused (a
    "500 … BrokenPipeError" line used to appear on serve's stderr)."""
    import json
    import socket
    import struct
    import time

    from incident_recorder.webhooks import handler

    server, refusals = told
    real_reply = handler.RequestHandler._reply
    hung_up = []

    def slow_reply(self, status, payload, headers=None, *, told=None):
        if status == 200 and not hung_up:
            hung_up.append(True)
            time.sleep(0.3)  # the sender gives up meanwhile
        return real_reply(self, status, payload, headers, told=told)

    monkeypatch.setattr(handler.RequestHandler, "_reply", slow_reply)
    body = json.dumps(EVENT).encode()
    head = (
        f"POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {server.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.sendall(head + body)
    time.sleep(0.1)
    sock.close()  # a reset: the answer cannot be written
    deadline = time.monotonic() + 10
    while not (hung_up and server.recorded >= 1) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the answer's write has failed by now
    assert server.recorded == 1
    assert refusals == []
    assert request(server.port, "POST", "/events", EVENT, token=server.token).status == 200

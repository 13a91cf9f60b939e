"""The webhook server over real HTTP on loopback: tokens, limits, errors, and entries on disk
by the time the reply arrives."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from webhook_client import alert_group, payload, raw_exchange, read_answer, request

from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile
from incident_recorder.webhooks.server import (
    MAX_ALERT_BODY_BYTES,
    MAX_BODY_BYTES,
    ServerError,
    WebhookServer,
)

EVENT = {"text": "Deploy 2024.11.4 of checkout-api started", "kind": "action"}


def _post(server: WebhookServer, path: str, body: object, **kw: object):  # type: ignore[no-untyped-def]
    return request(server.port, "POST", path, body, token=server.token, **kw)  # type: ignore[arg-type]


# -- who may post ----------------------------------------------------------------------------


def test_a_missing_token_is_401(served: WebhookServer, reader: IncidentFile) -> None:
    reply = request(served.port, "POST", "/events", EVENT)
    assert reply.status == 401
    assert "Authorization: Bearer" in reply.error
    assert reply.headers["www-authenticate"].startswith("Bearer")
    assert reader.entry_count() == 0


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wrong-token-of-some-length",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "bearer",
    ],
)
def test_a_wrong_token_is_401(served: WebhookServer, reader: IncidentFile, header: str) -> None:
    reply = request(served.port, "POST", "/alertmanager", payload("alertmanager-firing.json"),
                    headers={"Authorization": header})  # fmt: skip
    assert reply.status == 401 and "token" in reply.error
    assert reader.entry_count() == 0


def test_the_token_almost_right_is_401(served: WebhookServer, reader: IncidentFile) -> None:
    nearly = served.token[:-1] + ("A" if served.token[-1] != "A" else "B")
    for token in (nearly, served.token + "x", served.token[:-1]):
        assert request(served.port, "POST", "/events", EVENT, token=token).status == 401
    assert reader.entry_count() == 0
    # the scheme is case-insensitive (RFC 7235)
    ok = request(served.port, "POST", "/events", EVENT,
                 headers={"Authorization": f"bearer {served.token}"})  # fmt: skip
    assert ok.status == 200


def test_the_token_is_kept_in_the_file(incident_path: Path) -> None:
    IncidentFile.create(incident_path, "Checkout outage").close()
    with WebhookServer(incident_path) as first:
        token = first.token
    with WebhookServer(incident_path) as second:
        assert second.token == token
        assert request(second.port, "POST", "/events", EVENT, token=token).status == 200
    chosen = "deploy-bot-token-0123456789"
    with WebhookServer(incident_path, token=chosen) as third:
        assert request(third.port, "POST", "/events", EVENT, token=token).status == 401
        assert request(third.port, "POST", "/events", EVENT, token=chosen).status == 200
    with IncidentFile.open(incident_path) as handle:
        assert handle.webhook_token() == chosen and handle.entry_count() == 2


def test_a_bad_token_or_file_stops_the_start(incident_path: Path) -> None:
    from incident_recorder.storage import IncidentFileError

    with pytest.raises(IncidentFileError, match="no such incident file"):
        WebhookServer(incident_path).start()
    IncidentFile.create(incident_path, "Checkout outage").close()
    with pytest.raises(ValueError, match="at least 16 characters"):
        WebhookServer(incident_path, token="short").start()


def test_a_port_in_use_is_a_clear_error(served: WebhookServer) -> None:
    with pytest.raises(ServerError, match=f"cannot listen on 127.0.0.1 port {served.port}"):
        WebhookServer(served.path, port=served.port).start()


# -- limits and malformed requests -------------------------------------------------------------


def test_an_oversized_body_is_413_and_nothing_is_recorded(
    served: WebhookServer, reader: IncidentFile
) -> None:
    text = "x" * MAX_BODY_BYTES
    reply = _post(served, "/events", {"text": text})
    assert reply.status == 413
    assert "1,048,576" in reply.error
    assert reader.entry_count() == 0
    # exactly at the limit is read (and here refused as malformed, not as too large)
    at_limit = b"[" + b" " * (MAX_BODY_BYTES - 2) + b"]"
    assert _post(served, "/events", at_limit).status == 400


def test_a_real_size_group_of_1200_alerts_is_recorded_whole_in_one_transaction(
    served: WebhookServer, reader: IncidentFile
) -> None:
    """A real group of 1,200 alerts (1.7 MB) was refused 413 by a 1 MiB limit, and Alertmanager
    never retries a 4xx: all were lost."""
    body = json.dumps(alert_group(1200)).encode()
    assert len(body) > 1.6e6 > MAX_BODY_BYTES
    reply = _post(served, "/alertmanager", body)
    assert reply.status == 200 and len(reply.body["recorded"]) == 1200
    assert reader.entry_count() == 1200  # on disk when the 200 came
    entries = reader.entries()
    assert len({entry.recorded_at for entry in entries}) == 1  # one transaction, one commit
    assert len({entry.text.split("\n")[2] for entry in entries}) == 1200  # each its own alert
    assert _post(served, "/alertmanager", body).body["recorded"] == []  # and once only
    grafana = alert_group(1200)
    grafana["version"] = "1"
    assert len(_post(served, "/grafana", grafana).body["recorded"]) == 1200


@pytest.mark.parametrize("path", ["/alertmanager", "/grafana"])
def test_alert_endpoints_take_32_mib_and_no_more(served: WebhookServer, path: str) -> None:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {served.token}\r\n"
        f"Content-Length: {MAX_ALERT_BODY_BYTES + 1}\r\n\r\n"
    ).encode()
    answer = raw_exchange(served.port, head)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert f"{path} accepts at most 33,554,432".encode() in answer
    at_limit = b"[" + b" " * (MAX_ALERT_BODY_BYTES - 2) + b"]"
    reply = _post(served, path, at_limit)
    assert reply.status == 400 and "must be a JSON object" in reply.error  # read, not refused


def test_the_body_is_held_only_as_far_as_it_arrived(served: WebhookServer) -> None:
    """A client that announces 30 MB and sends 1 KB makes the server hold about 1 KB, not 30 MB
    allocated for what was announced."""
    import socket
    import tracemalloc

    head = (
        "POST /alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {served.token}\r\n"
        "Content-Length: 30000000\r\n\r\n"
    ).encode()
    tracemalloc.start()
    try:
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
            sock.sendall(head + b'{"version": "4", "alerts": [' + b" " * 1000)
            sock.shutdown(socket.SHUT_WR)
            answer = read_answer(sock)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert answer.startswith(b"HTTP/1.1 400 ") and b"after 1028 of 30000000 bytes" in answer
    assert peak < 5_000_000


def test_content_length_is_checked_before_the_body_is_read(served: WebhookServer) -> None:
    """The answer comes back although the 5 MB announced are never sent."""
    head = (
        "POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {served.token}\r\nContent-Length: 5000000\r\n\r\n"
    ).encode()
    answer = raw_exchange(served.port, head)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"5,000,000 bytes" in answer


def test_expect_100_continue_is_refused_before_the_body(served: WebhookServer) -> None:
    head = (
        "POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
        f"Authorization: Bearer {served.token}\r\nContent-Length: 2000000\r\n\r\n"
    ).encode()
    answer = raw_exchange(served.port, head)
    assert answer.startswith(b"HTTP/1.1 413 ") and b"100 Continue" not in answer
    unauthorized = head.replace(served.token.encode(), b"not-the-token-at-all")
    assert raw_exchange(served.port, unauthorized).startswith(b"HTTP/1.1 401 ")


def test_length_required_and_chunked_refused(served: WebhookServer) -> None:
    base = f"POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {served.token}\r\n"
    answer = raw_exchange(served.port, (base + "\r\n").encode())
    assert answer.startswith(b"HTTP/1.1 411 ")
    chunked = (base + "Transfer-Encoding: chunked\r\n\r\n").encode()
    answer = raw_exchange(served.port, chunked, b"5\r\nhello\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 411 ") and b"Content-Length" in answer
    twice = (base + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n").encode()
    assert raw_exchange(served.port, twice, b"{}").startswith(b"HTTP/1.1 400 ")


def test_a_body_shorter_than_announced_is_400(served: WebhookServer) -> None:
    head = (
        f"POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {served.token}\r\n"
        "Content-Length: 100\r\n\r\n"
    ).encode()
    import socket

    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(head + b'{"text": "cut')
        sock.shutdown(socket.SHUT_WR)
        answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 400 ") and b"after 13 of 100 bytes" in answer


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/events", b'{"text": "unterminated', "malformed JSON"),
        ("/events", b"\xff\xfe", "not UTF-8"),
        ("/events", b'{"text": "a", "text": "b"}', "appears twice"),
        ("/events", b'{"text": "x", "severity": "SEV1"}', "unknown field 'severity'"),
        ("/events", b'{"text": 42}', "text must be a string, not a number"),
        ("/events", b'{"text": "x", "public": "yes"}', "public must be true or false"),
        ("/events", b'{"text": "x", "kind": "panic"}', "not a kind"),
        ("/events", b'{"text": "x", "occurred_at": "14:02"}', "occurred_at is not an ISO 8601"),
        ("/events", b'{"text": "x", "occurred_at": "2026-11-27T14:02:00"}', "time zone"),
        ("/events", b'{"text": "   "}', "the note is empty"),
        ("/events", b'"just a string"', "must be a JSON object"),
        ("/alertmanager", b'{"version": "3", "alerts": []}', 'must be "4"'),
        ("/alertmanager", b'{"version": "4", "alerts": {}}', "alerts must be an array"),
        ("/alertmanager", b'{"version": "4"}', "'alerts' is required"),
        (
            "/alertmanager",
            b'{"version": "4", "alerts": [{"status": "pending", "startsAt": "x"}]}',
            'alerts[0].status must be "firing" or "resolved"',
        ),
        (
            "/alertmanager",
            b'{"version": "4", "alerts": [{"status": "firing", "labels": {"severity": 1},'
            b' "startsAt": "2026-11-27T14:00:00Z"}]}',
            "alerts[0].labels.severity must be a string",
        ),
        ("/grafana", b'{"ruleName": "x", "evalMatches": []}', "legacy Grafana"),
        ("/grafana", b'{"version": "1", "alerts": [], "title": 7}', "title must be a string"),
    ],
)
def test_malformed_payloads_are_400_with_the_reason(
    served: WebhookServer, reader: IncidentFile, path: str, body: bytes, reason: str
) -> None:
    reply = _post(served, path, body)
    assert reply.status == 400
    assert reason in reply.error and "\n" not in reply.error
    assert reader.entry_count() == 0


def test_a_bad_event_in_an_array_records_none_of_it(
    served: WebhookServer, reader: IncidentFile
) -> None:
    reply = _post(served, "/events", [EVENT, {"text": "ok"}, {"txt": "typo"}])
    assert reply.status == 400 and reply.error.startswith("[2]: unknown field 'txt'")
    assert reader.entry_count() == 0


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        ("GET", "/events", 405, "POST"),
        ("PUT", "/alertmanager", 405, "POST"),
        ("DELETE", "/grafana", 405, "POST"),
        ("POST", "/", 405, "GET"),
        ("PATCH", "/", 405, "GET"),
        ("GET", "/metrics", 404, None),
        ("POST", "/event", 404, None),
        ("POST", "/events/", 404, None),
    ],
)
def test_wrong_method_405_unknown_path_404(
    served: WebhookServer, method: str, path: str, status: int, allow: str | None
) -> None:
    reply = request(served.port, method, path, b"{}", token=served.token)
    assert reply.status == status
    assert reply.headers.get("allow") == allow
    assert ("no such endpoint" if status == 404 else f"takes {allow}") in reply.error


def test_the_health_page_names_the_incident_only_to_the_token(served: WebhookServer) -> None:
    anonymous = request(served.port, "GET", "/")
    assert anonymous.status == 200 and anonymous.body["status"] == "ok"
    assert anonymous.body["incident"] is None
    known = request(served.port, "GET", "/", token=served.token)
    assert known.body["incident"] == "Checkout outage"
    assert known.body["endpoints"] == [
        "POST /events",
        "POST /alertmanager",
        "POST /grafana",
        "POST /pagerduty",
        "POST /opsgenie",
    ]


# -- what is recorded --------------------------------------------------------------------------


def test_a_generic_event_is_on_disk_when_the_reply_arrives(
    served: WebhookServer, reader: IncidentFile
) -> None:
    body = {
        "text": "Status page: We are investigating elevated errors when placing orders.",
        "kind": "communication",
        "occurred_at": "2026-11-27T15:06:45.250+01:00",
        "source": "statuspage",
        "public": True,
        "key": "statuspage-incident-81-update-1",
    }
    reply = _post(served, "/events", body)
    assert reply.status == 200
    (entry_id,) = reply.body["recorded"]
    assert reply.body["duplicates"] == []
    entry = reader.entry(entry_id)  # a second connection, right after the reply
    assert entry.kind is EntryKind.COMMUNICATION and entry.public
    assert entry.text == body["text"]
    assert entry.occurred_at == datetime(2026, 11, 27, 14, 6, 45, 250000, tzinfo=UTC)
    assert entry.source == "webhook:statuspage"
    again = _post(served, "/events", body)
    assert again.body == {
        "recorded": [],
        "duplicates": [{"key": "events:statuspage-incident-81-update-1", "entry_id": entry_id}],
    }
    assert reader.entry_count() == 1


def test_a_minimal_event_is_an_internal_observation_now(
    served: WebhookServer, reader: IncidentFile
) -> None:
    before = datetime.now(UTC)
    reply = _post(served, "/events", {"text": "Someone restarted pgbouncer"})
    (entry,) = reader.entries()
    assert reply.body["recorded"] == [entry.id]
    assert entry.kind is EntryKind.OBSERVATION and not entry.public
    assert entry.source == "webhook"
    assert before.replace(microsecond=0) <= entry.occurred_at <= datetime.now(UTC)
    assert _post(served, "/events", [EVENT, EVENT]).body["recorded"] == [2, 3]  # no key: both


def test_alertmanager_firing_then_resolved(served: WebhookServer, reader: IncidentFile) -> None:
    firing = _post(served, "/alertmanager", payload("alertmanager-firing.json"))
    assert firing.status == 200 and len(firing.body["recorded"]) == 2
    one, two = (reader.entry(i) for i in firing.body["recorded"])
    assert one.kind is two.kind is EntryKind.DETECTION
    assert one.source == "alertmanager" and not one.public
    assert one.occurred_at == datetime(2026, 11, 27, 14, 4, 22, 512000, tzinfo=UTC)
    assert two.occurred_at == datetime(2026, 11, 27, 14, 4, 31, 4000, tzinfo=UTC)
    assert one.text == (
        "Alert firing: CheckoutHighErrorRate — checkout-api 5xx rate above 5% for 3 minutes\n"
        "5xx rate is 7.2% on checkout-api-1 (threshold 5%).\n"
        "severity=critical, service=checkout, instance=checkout-api-1:9100, job=checkout-api"
    )
    resolved = _post(served, "/alertmanager", payload("alertmanager-resolved.json"))
    (resolved_id,) = resolved.body["recorded"]
    entry = reader.entry(resolved_id)
    assert entry.kind is EntryKind.OBSERVATION
    assert entry.occurred_at == datetime(2026, 11, 27, 14, 12, 25, tzinfo=UTC)
    assert entry.text.startswith("Alert resolved: CheckoutHighErrorRate — checkout-api 5xx")
    assert "7.2%" not in entry.text  # the description belongs to the firing entry
    assert reader.entry_count() == 3


def test_a_repeated_alertmanager_notification_is_recorded_once(
    served: WebhookServer, reader: IncidentFile
) -> None:
    """Alertmanager re-sends every firing alert of a group with each notification."""
    first = _post(served, "/alertmanager", payload("alertmanager-firing.json"))
    again = _post(served, "/alertmanager", payload("alertmanager-firing.json"))
    assert again.body["recorded"] == []
    assert [d["entry_id"] for d in again.body["duplicates"]] == first.body["recorded"]
    assert again.body["duplicates"][0]["key"] == (
        "alertmanager:1a30ba71cca2921f:firing:2026-11-27T14:04:22.512Z"
    )
    # the same alert firing again later (a new startsAt) is a new entry
    later = json.loads(payload("alertmanager-firing.json"))
    later["alerts"] = later["alerts"][:1]
    later["alerts"][0]["startsAt"] = "2026-11-27T14:30:00Z"
    assert len(_post(served, "/alertmanager", later).body["recorded"]) == 1
    assert reader.entry_count() == 3 and reader.event_key_count() == 3


def test_an_alert_firing_again_with_the_same_start_is_a_new_state_change(
    served: WebhookServer, reader: IncidentFile
) -> None:
    """Alertmanager merges an alert that fires again soon after it resolved into its first
    episode: the third notification is the first one again, and must not be taken for it."""
    firing = json.loads(payload("alertmanager-firing.json"))
    firing["alerts"] = firing["alerts"][:1]
    resolved = payload("alertmanager-resolved.json")
    notifications = [firing, resolved, firing]
    replies = [_post(served, "/alertmanager", body) for body in notifications]
    assert [len(reply.body["recorded"]) for reply in replies] == [1, 1, 1]
    timeline = sorted(reader.entries(), key=lambda entry: entry.occurred_at)
    assert [entry.text.split(" —")[0] for entry in timeline] == [
        "Alert firing: CheckoutHighErrorRate",
        "Alert resolved: CheckoutHighErrorRate",
        "Alert firing again: CheckoutHighErrorRate",
    ]
    assert timeline[-1].kind is EntryKind.DETECTION  # the record ends firing, as the alert does
    # an exact redelivery of any of the three notifications records nothing
    for body in notifications:
        again = _post(served, "/alertmanager", body)
        assert again.status == 200 and again.body["recorded"] == []
    assert reader.entry_count() == 3


def test_alerts_left_out_of_a_notification_are_said_in_an_entry(
    served: WebhookServer, reader: IncidentFile
) -> None:
    notification = json.loads(payload("alertmanager-firing.json"))
    notification["truncatedAlerts"] = 3
    reply = _post(served, "/alertmanager", notification)
    assert reply.status == 200 and len(reply.body["recorded"]) == 3
    note = reader.entry(reply.body["recorded"][-1])
    assert note.text.startswith(
        'Alertmanager left 3 alerts of group {alertname="CheckoutHighErrorRate"} out of this '
        "notification (max_alerts): it sent 2 of 5"
    )
    assert _post(served, "/alertmanager", notification).body["recorded"] == []  # a retry
    assert reader.entry_count() == 3


def test_grafana_alerts_become_entries(served: WebhookServer, reader: IncidentFile) -> None:
    reply = _post(served, "/grafana", payload("grafana-firing.json"))
    assert reply.status == 200
    firing, resolved = (reader.entry(i) for i in reply.body["recorded"])
    assert (firing.kind, resolved.kind) == (EntryKind.DETECTION, EntryKind.OBSERVATION)
    assert firing.source == resolved.source == "grafana"
    assert firing.occurred_at == datetime(2026, 11, 27, 14, 5, 41, 157000, tzinfo=UTC)
    assert resolved.occurred_at == datetime(2026, 11, 27, 14, 13, tzinfo=UTC)
    assert firing.text == (
        "Alert firing: Checkout p99 latency — checkout-api p99 latency above 2 s\n"
        "p99 latency of checkout-api is 9.8 s; DB connections saturated at 500/500\n"
        "severity=warning, service=checkout\n"
        "values: B=9.812, C=1"
    )
    assert resolved.text.startswith("Alert resolved: Checkout DB connections — checkout DB")
    duplicate = _post(served, "/grafana", payload("grafana-firing.json"))
    assert duplicate.body["recorded"] == [] and len(duplicate.body["duplicates"]) == 2
    assert reader.entry_count() == 2


def test_concurrent_requests_are_all_recorded_once(
    served: WebhookServer, reader: IncidentFile
) -> None:
    """Many clients at once, and another program writing the same file: nothing is lost,
    nothing doubled, and no request sees "database is locked"."""
    statuses: list[int] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        for item in range(10):
            body = {"text": f"client {number} event {item}", "key": f"c{number}-{item % 5}"}
            reply = _post(served, "/events", body)
            with lock:
                statuses.append(reply.status)

    with IncidentFile.open(served.path) as other_writer:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        for number in range(30):
            other_writer.add_note(f"typed by a person {number}")
        for thread in threads:
            thread.join()
    assert statuses == [200] * 120
    texts = [entry.text for entry in reader.entries()]
    assert len(texts) == 12 * 5 + 30
    assert len(set(texts)) == len(texts)
    assert reader.event_key_count() == 60


def test_a_vanished_file_is_503_and_nothing_claims_success(
    served: WebhookServer, tmp_path: Path
) -> None:
    served.path.rename(tmp_path / "moved.incident")
    reply = _post(served, "/events", EVENT)
    assert reply.status == 503
    assert "moved or replaced" in reply.error and "nothing was recorded" in reply.error
    assert reply.headers["retry-after"] == "5"


def test_stopping_under_load_loses_no_acknowledged_event(incident_path: Path) -> None:
    """Every 200 names entries that are in the file; the rest were told (503) or refused."""
    IncidentFile.create(incident_path, "Checkout outage").close()
    busy = threading.Event()
    server = WebhookServer(
        incident_path, listener=lambda events, outcomes: busy.set() if len(outcomes) else None
    )
    server.start()
    acknowledged: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        for item in range(200):
            try:
                reply = _post(server, "/events", {"text": f"{number}.{item}"})
            except OSError as error:  # the listening socket is gone
                with lock:
                    refused.append(type(error).__name__)
                return
            with lock:
                if reply.status == 200:
                    acknowledged.extend(reply.body["recorded"])
                else:
                    assert reply.status == 503 and "shutting down" in reply.error
                    refused.append("503")
                    return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    assert busy.wait(30)
    server.stop()
    for thread in threads:
        thread.join()
    assert acknowledged and len(refused) == 6
    with IncidentFile.open(incident_path, readonly=True) as handle:
        in_file = {entry.id for entry in handle.entries()}
    assert set(acknowledged) <= in_file
    assert len(in_file) >= len(acknowledged)


def test_a_window_polling_the_file_sees_the_event(
    served: WebhookServer, reader: IncidentFile
) -> None:
    """What the recorder window does (data_version, then changes_since its marks) finds it."""
    version = reader.data_version()
    entry_mark, revision_mark = reader.marks()
    (entry_id,) = _post(served, "/grafana", payload("grafana-firing.json")).body["recorded"][:1]
    assert reader.data_version() != version
    changes = reader.changes_since(entry_mark, revision_mark)
    assert [entry.id for entry in changes.entries][:1] == [entry_id]
    assert changes.entries[0].kind is EntryKind.DETECTION


def test_ipv6_loopback(incident_path: Path) -> None:
    import http.client
    import socket

    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    IncidentFile.create(incident_path, "Checkout outage").close()
    try:
        server = WebhookServer(incident_path, host="::1").start()
    except ServerError as error:
        pytest.skip(f"IPv6 loopback unavailable: {error}")
    try:
        assert server.url == f"http://[::1]:{server.port}"
        connection = http.client.HTTPConnection("::1", server.port, timeout=30)
        try:
            connection.request("POST", "/events", b'{"text": "over IPv6"}',
                               {"Authorization": f"Bearer {server.token}"})  # fmt: skip
            assert connection.getresponse().status == 200
        finally:
            connection.close()
    finally:
        server.stop()

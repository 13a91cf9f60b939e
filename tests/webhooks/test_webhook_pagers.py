"""PagerDuty (v3 webhooks) and Opsgenie (webhook integration) at /pagerduty and /opsgenie: their
documented example payloads (tests/data/pagerduty-*.json, opsgenie-*.json, built from the
senders' docs) become a detection, the Acknowledged and the Resolved milestones; a redelivery is
recorded once; a future time is 422; the token, the size limit and PagerDuty's signature
(X-PagerDuty-Signature, with a signing secret) are checked, each refusal told once."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from webhook_client import payload, raw_exchange, request

from incident_recorder.domain import EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.times import to_iso
from incident_recorder.storage import IncidentFile
from incident_recorder.webhooks.server import Refusal, WebhookServer

SECRET = "ZzFMG8nOsmlh1cDVzHDRQVzVlfcRk1LSCtkvHBvCtx1XbPCXVDXWbJnQqKSbTrB4"


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(server: WebhookServer, path: str, body: bytes | dict[str, object], **headers: str):
    return request(server.port, "POST", path, body, token=server.token, headers=headers)


def test_a_pagerduty_page_its_acknowledgement_and_resolution(
    served: WebhookServer, reader: IncidentFile
) -> None:
    replies = [
        _post(served, "/pagerduty", payload(f"pagerduty-{name}.json"))
        for name in ("triggered", "acknowledged", "resolved")
    ]
    assert [reply.status for reply in replies] == [200, 200, 200], [r.body for r in replies]
    triggered, acknowledged, resolved = reader.entries()
    assert triggered.kind is EntryKind.DETECTION and triggered.source == "pagerduty"
    assert triggered.text.splitlines() == [
        "PagerDuty incident #2 triggered: A little bump in the road",
        "service=API Service, urgency=high, priority=P1",
        "https://acme.pagerduty.com/incidents/PGR0VU2",
    ]
    assert triggered.occurred_at == datetime(2020, 4, 9, 15, 16, 27, 169000, UTC)
    assert acknowledged.text.startswith(
        "PagerDuty incident #2 acknowledged by Tenex Engineer: A little bump in the road"
    )
    assert resolved.kind is EntryKind.RESOLUTION and not resolved.public
    milestones = reader.milestones()
    assert milestones[Milestone.ACKNOWLEDGED] == acknowledged.occurred_at
    assert milestones[Milestone.RESOLVED] == resolved.occurred_at
    assert milestones[Milestone.DETECTED] is None  # a page is a detection entry, as an alert is
    assert reader.milestone_entries() == {
        acknowledged.id: Milestone.ACKNOWLEDGED,
        resolved.id: Milestone.RESOLVED,
    }
    for name in ("triggered", "acknowledged", "resolved"):  # at-least-once delivery
        again = _post(served, "/pagerduty", payload(f"pagerduty-{name}.json"))
        assert again.status == 200 and again.body["recorded"] == []
        assert again.body["duplicates"][0]["key"].startswith("pagerduty:")
    assert reader.entry_count() == 3


def test_a_milestone_a_person_recorded_is_kept(
    served: WebhookServer, reader: IncidentFile, incident_path: Path
) -> None:
    earlier = datetime(2020, 4, 9, 15, 17, 0, tzinfo=UTC)
    with IncidentFile.open(incident_path) as handle:
        handle.record_milestone(Milestone.ACKNOWLEDGED, earlier, source="gui")
    assert _post(served, "/pagerduty", payload("pagerduty-acknowledged.json")).status == 200
    assert reader.milestones()[Milestone.ACKNOWLEDGED] == earlier
    assert reader.entry_count() == 2  # the page's acknowledgement is on the timeline still


def test_pageys_ping_is_a_test_and_other_event_types_are_answered_not_recorded(
    served: WebhookServer, reader: IncidentFile
) -> None:
    reply = _post(served, "/pagerduty", payload("pagerduty-ping.json"))
    assert reply.status == 200
    (entry,) = reader.entries()
    assert entry.kind is EntryKind.OBSERVATION and "test event" in entry.text
    assert "Not a page" in entry.text
    service = {"event": {"id": "01BRB6ZP4M6T8ZG4X6BP63ZB9O", "event_type": "service.updated",
                         "resource_type": "service", "occurred_at": "2021-03-02T13:35:11.682Z",
                         "agent": None, "client": None, "data": {"id": "PF9KMXH"}}}  # fmt: skip
    reply = _post(served, "/pagerduty", service)
    assert reply.status == 200 and reply.body["recorded"] == []  # a 4xx would disable it
    assert reader.entry_count() == 1


def test_opsgenie_create_acknowledge_note_close(
    served: WebhookServer, reader: IncidentFile
) -> None:
    names = ("create", "acknowledge", "addnote", "close")
    replies = [_post(served, "/opsgenie", payload(f"opsgenie-{name}.json")) for name in names]
    assert [reply.status for reply in replies] == [200] * 4, [r.body for r in replies]
    created, acknowledged, note, closed = reader.entries()
    assert created.kind is EntryKind.DETECTION and created.source == "opsgenie"
    assert created.text.splitlines() == [
        "Opsgenie alert #23 created: test alert",
        "alias=aliastest, tags=tag1,tag2",
    ]
    assert created.occurred_at == datetime(2015, 1, 5, 10, 3, 11, 104000, UTC)  # ms
    assert acknowledged.text == "Opsgenie alert #23 acknowledged by fili@ifountain.com: test alert"
    assert acknowledged.occurred_at == datetime(2015, 1, 5, 10, 3, 44, 764000, UTC)  # ns
    assert note.kind is EntryKind.OBSERVATION
    assert note.text.splitlines()[1] == "Rolled back checkout-api to 2.14.0"
    assert closed.kind is EntryKind.RESOLUTION
    milestones = reader.milestones()
    assert milestones[Milestone.ACKNOWLEDGED] == acknowledged.occurred_at
    assert milestones[Milestone.RESOLVED] == closed.occurred_at
    for name in names:
        again = _post(served, "/opsgenie", payload(f"opsgenie-{name}.json"))
        assert again.status == 200 and again.body["recorded"] == [], again.body
    later = json.loads(payload("opsgenie-acknowledge.json"))
    later["alert"]["updatedAt"] += 60 * 10**9  # acknowledged again a minute later: recorded
    assert len(_post(served, "/opsgenie", later).body["recorded"]) == 1
    tags = json.loads(payload("opsgenie-close.json")) | {"action": "AddTags"}
    assert _post(served, "/opsgenie", tags).body["recorded"] == []  # bookkeeping: not recorded
    assert reader.entry_count() == 5


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/pagerduty", {"messages": []}, "PagerDuty v1/v2 webhook"),
        ("/pagerduty", {"event": {"event_type": "incident.triggered"}}, "'id' is required"),
        ("/pagerduty", {"event": {"id": "x", "event_type": 3}}, "event_type must be a string"),
        ("/pagerduty", {"event": {"id": "x", "event_type": "incident.triggered",
                                  "data": {"title": 5}}}, "event.data.title must be a string"),
        ("/opsgenie", {"alert": {}}, "'action' is required"),
        ("/opsgenie", {"action": "Create", "alert": {}}, "'alertId' is required"),
        ("/opsgenie", {"action": "Create", "alert": {"alertId": "a", "createdAt": "soon"}},
         "alert.createdAt must be a whole number"),
    ],
)  # fmt: skip
def test_malformed_payloads_are_400_naming_the_field(
    served: WebhookServer, reader: IncidentFile, path: str, body: dict[str, object], expected: str
) -> None:
    reply = _post(served, path, body)
    assert reply.status == 400 and expected in reply.error, reply.body
    assert reader.entry_count() == 0


def test_future_times_are_422(served: WebhookServer, reader: IncidentFile) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    page = json.loads(payload("pagerduty-triggered.json"))
    page["event"]["occurred_at"] = to_iso(later)
    reply = _post(served, "/pagerduty", page)
    assert reply.status == 422 and reply.error.startswith("event.occurred_at: "), reply.body
    close = json.loads(payload("opsgenie-close.json"))
    close["alert"]["updatedAt"] = int(later.timestamp() * 10**9)
    reply = _post(served, "/opsgenie", close)
    assert reply.status == 422 and reply.error.startswith("alert.updatedAt: "), reply.body
    assert reader.entry_count() == 0 and reader.milestones()[Milestone.RESOLVED] is None


@pytest.mark.parametrize("path", ["/pagerduty", "/opsgenie"])
def test_the_token_and_the_size_limit_hold(served: WebhookServer, path: str) -> None:
    body = payload("pagerduty-triggered.json" if path == "/pagerduty" else "opsgenie-create.json")
    assert request(served.port, "POST", path, body).status == 401
    assert request(served.port, "POST", path, body, token="wrong-token-0123456789").status == 401
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {served.token}\r\n"
    too_big = (head + f"Content-Length: {1024 * 1024 + 1}\r\n\r\n").encode()
    assert raw_exchange(served.port, too_big).startswith(b"HTTP/1.1 413 ")


@pytest.fixture
def signed(incident_path: Path) -> Iterator[tuple[WebhookServer, list[Refusal], IncidentFile]]:
    IncidentFile.create(incident_path, "Checkout outage").close()
    refusals: list[Refusal] = []
    with (
        WebhookServer(incident_path, on_refusal=refusals.append, pagerduty_secret=SECRET) as server,
        IncidentFile.open(incident_path, readonly=True) as reader,
    ):
        yield server, refusals, reader


def test_with_a_secret_only_a_delivery_signed_with_it_is_recorded(
    signed: tuple[WebhookServer, list[Refusal], IncidentFile],
) -> None:
    server, refusals, reader = signed
    body = payload("pagerduty-triggered.json")
    unsigned = _post(server, "/pagerduty", body)
    assert unsigned.status == 401 and "X-PagerDuty-Signature header is missing" in unsigned.error
    forged = _post(server, "/pagerduty", body, **{"X-PagerDuty-Signature": _sign(body, "other")})
    assert forged.status == 401 and "matches" in forged.error
    changed = body.replace(b"A little bump", b"A large bump")
    tampered = _post(server, "/pagerduty", changed, **{"X-PagerDuty-Signature": _sign(body)})
    assert tampered.status == 401
    v0 = _post(server, "/pagerduty", body, **{"X-PagerDuty-Signature": "v0=" + "0" * 64})
    assert v0.status == 401 and "no v1 signature" in v0.error
    assert reader.entry_count() == 0
    assert [(r.status, r.path) for r in refusals] == [(401, "/pagerduty")] * 4
    rotating = f"{_sign(body, 'the-old-secret')},{_sign(body)}"  # a secret being rotated
    reply = _post(server, "/pagerduty", body, **{"X-PagerDuty-Signature": rotating})
    assert reply.status == 200 and len(reply.body["recorded"]) == 1
    # The other sources have no signature to check
    assert _post(server, "/opsgenie", payload("opsgenie-create.json")).status == 200
    assert reader.entry_count() == 2 and len(refusals) == 4


def test_without_a_secret_pagerduty_is_let_in_by_the_token_alone(
    served: WebhookServer, reader: IncidentFile
) -> None:
    body = payload("pagerduty-triggered.json")
    forged = _post(served, "/pagerduty", body, **{"X-PagerDuty-Signature": _sign(body, "x")})
    assert forged.status == 200 and reader.entry_count() == 1

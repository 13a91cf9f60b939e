"""Events dated in the future are refused (422, per event, the rule `note --at` and the importers
follow), and Grafana's Test button is recorded as a test, never as a detection."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from webhook_client import payload, request

from incident_recorder.domain import EntryKind
from incident_recorder.domain.times import FUTURE_GRACE, to_iso
from incident_recorder.importers.common import FUTURE_GRACE as IMPORT_GRACE
from incident_recorder.storage import IncidentFile
from incident_recorder.webhooks.server import WebhookServer


def _iso(delta: timedelta) -> str:
    return to_iso(datetime.now(UTC) + delta)


def _count(reader: IncidentFile) -> int:
    return len(reader.entries())


def test_the_rule_is_shared_with_the_importers() -> None:
    assert FUTURE_GRACE is IMPORT_GRACE == timedelta(minutes=1)


@pytest.mark.parametrize(
    "when", [timedelta(minutes=2), timedelta(days=400), "9999-12-31T23:59:59Z"]
)
def test_a_future_event_is_422_naming_it(
    served: WebhookServer, reader: IncidentFile, when: timedelta | str
) -> None:
    at = when if isinstance(when, str) else _iso(when)
    reply = request(
        served.port, "POST", "/events", {"text": "later", "occurred_at": at}, token=served.token
    )
    assert reply.status == 422, reply.body
    assert reply.error.startswith("occurred_at: ") and "is in the future" in reply.error
    assert "nothing of this request was recorded" in reply.error
    assert _count(reader) == 0


def test_one_future_event_in_a_batch_refuses_the_batch_and_names_it(
    served: WebhookServer, reader: IncidentFile
) -> None:
    batch = [
        {"text": "now", "occurred_at": _iso(timedelta(seconds=-5))},
        {"text": "soon", "occurred_at": _iso(timedelta(seconds=30))},  # within the grace
        {"text": "tomorrow", "occurred_at": _iso(timedelta(days=1))},
    ]
    reply = request(served.port, "POST", "/events", batch, token=served.token)
    assert reply.status == 422 and reply.error.startswith("[2].occurred_at: "), reply.body
    assert _count(reader) == 0
    reply = request(served.port, "POST", "/events", batch[:2], token=served.token)
    assert reply.status == 200 and len(reply.body["recorded"]) == 2


def _alerts(status: str, starts: str, ends: str) -> dict[str, object]:
    alert = {"status": status, "labels": {"alertname": "Late"}, "startsAt": starts, "endsAt": ends}
    return {"version": "4", "alerts": [alert]}


def test_an_alert_is_checked_at_the_time_it_is_recorded_at(
    served: WebhookServer, reader: IncidentFile
) -> None:
    future, past = _iso(timedelta(hours=1)), _iso(timedelta(minutes=-10))
    firing = _alerts("firing", future, "0001-01-01T00:00:00Z")
    reply = request(served.port, "POST", "/alertmanager", firing, token=served.token)
    assert reply.status == 422 and reply.error.startswith("alerts[0].startsAt: "), reply.body
    resolved = _alerts("resolved", past, future)
    reply = request(
        served.port, "POST", "/grafana", {**resolved, "version": "1"}, token=served.token
    )
    assert reply.status == 422 and reply.error.startswith("alerts[0].endsAt: "), reply.body
    assert _count(reader) == 0
    # A firing alert's endsAt (its resolve timeout, in the future) is not its time: accepted
    ok = _alerts("firing", past, future)
    assert request(served.port, "POST", "/alertmanager", ok, token=served.token).status == 200


def test_grafanas_test_notification_is_recorded_as_a_test(
    served: WebhookServer, reader: IncidentFile
) -> None:
    body = payload("grafana-test-notification.json")
    reply = request(served.port, "POST", "/grafana", body, token=served.token)
    assert reply.status == 200, reply.body
    (entry,) = reader.entries()
    assert entry.kind is EntryKind.OBSERVATION
    assert entry.text.startswith("Grafana test notification received")
    assert "TestAlert — Notification test" in entry.text and "Not an alert" in entry.text
    assert "Alert firing" not in entry.text
    again = request(served.port, "POST", "/grafana", body, token=served.token)
    assert again.status == 200 and again.body["recorded"] == []  # a retry adds nothing


def test_a_custom_test_is_told_by_its_group_key_and_a_real_alert_stays_an_alert(
    served: WebhookServer, reader: IncidentFile
) -> None:
    data = json.loads(payload("grafana-test-notification.json"))
    data["alerts"][0]["labels"] = {"alertname": "Disk almost full", "team": "storage"}
    reply = request(served.port, "POST", "/grafana", data, token=served.token)
    assert reply.status == 200
    assert reader.entries()[-1].text.startswith("Grafana test notification received")
    real = json.loads(payload("grafana-test-notification.json"))
    real["groupKey"] = '{}/{__grafana_receiver__="incident-recorder"}:{alertname="TestAlert"}'
    real["alerts"][0]["labels"] = {"alertname": "TestAlert", "instance": "db-1"}
    reply = request(served.port, "POST", "/grafana", real, token=served.token)
    assert reply.status == 200
    last = reader.entries()[-1]
    assert last.kind is EntryKind.DETECTION and last.text.startswith("Alert firing: TestAlert")

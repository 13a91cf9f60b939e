"""The payload parsers, without a server: what each format becomes, and fuzzing — any JSON gives
either events or a PayloadError (a ValueError) with a one-line reason, never another exception."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webhook_client import payload

from incident_recorder.domain import EntryKind
from incident_recorder.domain.events import NewEvent
from incident_recorder.storage import IncidentFile
from incident_recorder.webhooks.alerts import parse_alertmanager, parse_grafana
from incident_recorder.webhooks.opsgenie import parse_opsgenie
from incident_recorder.webhooks.pagerduty import parse_pagerduty
from incident_recorder.webhooks.payloads import PayloadError, load_json, parse_events

PARSERS = [parse_events, parse_alertmanager, parse_grafana, parse_pagerduty, parse_opsgenie]


def _alert(**changes: Any) -> dict[str, Any]:
    alert: dict[str, Any] = {
        "status": "firing",
        "labels": {"alertname": "DiskFull", "instance": "db-1:9100"},
        "annotations": {},
        "startsAt": "2026-11-27T14:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
    }
    alert.update(changes)
    return alert


def test_an_alert_without_fingerprint_is_keyed_by_its_sorted_labels() -> None:
    one = {"version": "4", "alerts": [_alert(labels={"alertname": "DiskFull", "job": "db"})]}
    two = {"version": "4", "alerts": [_alert(labels={"job": "db", "alertname": "DiskFull"})]}
    (first,) = parse_alertmanager(one)
    (second,) = parse_alertmanager(two)
    assert first.key == second.key and first.key is not None
    assert first.key.startswith("alertmanager:labels-")
    other = {"version": "4", "alerts": [_alert(labels={"alertname": "DiskFull", "job": "web"})]}
    assert parse_alertmanager(other)[0].key != first.key


def test_the_key_is_the_state_change_fingerprint_status_start_and_end() -> None:
    firing = _alert(fingerprint="abc", startsAt="2026-11-27T15:00:00.1234+01:00")
    resolved = _alert(
        fingerprint="abc",
        status="resolved",
        startsAt="2026-11-27T14:00:00.1234Z",
        endsAt="2026-11-27T14:09:00Z",
    )
    events = parse_alertmanager({"version": "4", "alerts": [firing, resolved]})
    assert [e.key for e in events] == [
        "alertmanager:abc:firing:2026-11-27T14:00:00.123Z",
        "alertmanager:abc:resolved:2026-11-27T14:00:00.123Z:2026-11-27T14:09:00.000Z",
    ]
    # firing again after a resolution of the same episode is keyed after that resolution
    recurrence = events[0].recurrence
    assert recurrence is not None and events[1].recurrence is None
    assert str(events[1].key).startswith(recurrence.ended_by)
    assert recurrence.text.startswith("Alert firing again: DiskFull\n")
    assert "kept this episode's first start, 2026-11-27T14:00:00.123Z" in recurrence.text
    grafana = parse_grafana({"version": "1", "alerts": [firing]})
    assert grafana[0].key == "grafana:abc:firing:2026-11-27T14:00:00.123Z"


def _notification(count: int, truncated: Any, **more: Any) -> dict[str, Any]:
    alerts = [_alert(fingerprint=f"fp{n}", labels={"alertname": "DiskFull", "instance": f"db-{n}"})
              for n in range(count)]  # fmt: skip
    return {"version": "4", "alerts": alerts, "truncatedAlerts": truncated, **more}


def test_alerts_left_out_of_a_notification_are_counted_in_an_entry() -> None:
    data = _notification(
        2,
        3,
        groupLabels={"alertname": "DiskFull"},
        groupKey='{}:{alertname="DiskFull"}',
        externalURL="http://alertmanager:9093",
    )
    *alerts, note = parse_alertmanager(data)
    assert len(alerts) == 2 and note.kind is EntryKind.OBSERVATION and note.occurred_at is None
    assert note.text == (
        'Alertmanager left 3 alerts of group {alertname="DiskFull"} out of this notification '
        "(max_alerts): it sent 2 of 5; the 3 left out are not in this record.\n"
        "See them in Alertmanager: http://alertmanager:9093"
    )
    assert note.source == "alertmanager" and str(note.key).startswith("alertmanager:truncated:")
    # the same notification again has the same key (a retry adds nothing); another one does not
    assert parse_alertmanager(data)[-1].key == note.key
    other = _notification(2, 4, groupLabels={"alertname": "DiskFull"})
    assert parse_alertmanager(other)[-1].key != note.key
    resolved = json.loads(json.dumps(data))
    for alert in resolved["alerts"]:
        alert.update(status="resolved", endsAt="2026-11-27T14:30:00Z")
    assert parse_alertmanager(resolved)[-1].key != note.key
    (grafana,) = parse_grafana({"version": "1", "alerts": [], "truncatedAlerts": 1})
    assert grafana.text.startswith("Grafana left 1 alert of group (all alerts) out of this")
    assert grafana.source == "grafana"


@pytest.mark.parametrize(
    ("truncated", "reason"),
    [("3", "a whole number, 0 or more \\(got a string\\)"), (True, "got a boolean"),
     (2.5, "got 2.5"), (-1, "got -1")],
)  # fmt: skip
def test_a_bad_truncated_count_is_refused(truncated: Any, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        parse_alertmanager(_notification(1, truncated))
    assert len(parse_alertmanager(_notification(2, 0))) == 2  # nothing left out: no entry


def test_a_resolved_alert_without_end_is_recorded_when_it_arrives() -> None:
    (event,) = parse_alertmanager({"version": "4", "alerts": [_alert(status="resolved")]})
    assert event.occurred_at is None and event.kind is EntryKind.OBSERVATION
    assert str(event.key).startswith("alertmanager:labels-")
    assert str(event.key).endswith(":resolved:2026-11-27T14:00:00.000Z:-")  # keyed by its start


def test_an_alert_with_nothing_but_a_status_and_start() -> None:
    bare = {"status": "firing", "startsAt": "2026-11-27T14:00:00Z"}
    (event,) = parse_alertmanager({"version": "4", "alerts": [bare]})
    assert event.text == "Alert firing: (no alertname)"
    assert event.occurred_at == datetime(2026, 11, 27, 14, tzinfo=UTC)
    assert parse_alertmanager({"version": "4", "alerts": []}) == []


def test_the_documented_examples_parse() -> None:
    firing = parse_alertmanager(json.loads(payload("alertmanager-firing.json")))
    assert [e.kind for e in firing] == [EntryKind.DETECTION, EntryKind.DETECTION]
    grafana = parse_grafana(json.loads(payload("grafana-firing.json")))
    assert [e.kind for e in grafana] == [EntryKind.DETECTION, EntryKind.OBSERVATION]
    # a Grafana payload is not an Alertmanager one: its version says so
    with pytest.raises(PayloadError, match='"version" must be "4" \\(got "1"\\)'):
        parse_alertmanager(json.loads(payload("grafana-firing.json")))


def test_a_huge_grafana_value_is_left_out_not_an_error() -> None:
    """An integer too large for a float made the whole notification a 500 (retried forever)."""
    alert = _alert(values={"A": 10**400, "B": 9.812, "C": 1})
    (event,) = parse_grafana({"version": "1", "alerts": [alert]})
    assert event.text.endswith("\nvalues: B=9.812, C=1")


def test_event_texts_are_cleaned_like_notes() -> None:
    (event,) = parse_events({"text": "\n\nESC \x1b[31m here\r\nnext line  \n"})
    assert event.text == "ESC \u241b[31m here\nnext line"


@pytest.mark.parametrize(
    "bad",
    [
        {"text": "x", "source": ""},
        {"text": "x", "source": "a\nb"},
        {"text": "x", "source": "s" * 101},
        {"text": "x", "key": "\ud800"},
        {"text": "x", "occurred_at": 1764252127},
        {"text": "x", "occurred_at": "99999-01-01T00:00:00Z"},
    ],
)
def test_bad_generic_fields(bad: dict[str, Any]) -> None:
    with pytest.raises(PayloadError) as caught:
        parse_events(bad)
    assert "\n" not in str(caught.value)


def test_load_json_is_strict() -> None:
    assert load_json(b'{"a": [1, 2.5, null, true]}') == {"a": [1, 2.5, None, True]}
    for body, reason in [
        (b"", "malformed JSON"),
        (b"Infinity", "Infinity is not a JSON number"),
        (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
        (b"9" * 5000, "malformed JSON"),
        (b'{"a": 1} {"b": 2}', "Extra data"),
    ]:
        with pytest.raises(PayloadError, match=reason):
            load_json(body)


# -- fuzzing ------------------------------------------------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        ["firing", "resolved", "4", "1", "2026-11-27T14:00:00Z", "0001-01-01T00:00:00Z"]
    )
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
_names = st.sampled_from(
    ["text", "kind", "occurred_at", "source", "public", "key", "status", "labels", "annotations",
     "startsAt", "endsAt", "fingerprint", "values", "title", "message", "alertname", "summary"]
)  # fmt: skip
_field_values = st.recursive(
    _scalars
    | st.sampled_from([k.value for k in EntryKind])
    | st.dictionaries(_names | st.text(max_size=5), _scalars, max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_names, inner, max_size=6),
    max_leaves=30,
)


def _mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually a valid value of a field, sometimes anything at all."""
    return st.integers(0, 7).flatmap(lambda n: _field_values if n == 7 else valid)


_times = st.one_of(
    st.datetimes(timezones=st.timezones() | st.just(UTC)).map(lambda moment: moment.isoformat()),
    st.sampled_from(["0001-01-01T00:00:00Z", "2026-11-27T14:00:00.123456789Z", "2026-11-27"]),
)
_strings = st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5)
_alert_fields = st.fixed_dictionaries(
    {"status": _mostly(st.sampled_from(["firing", "resolved"])), "startsAt": _mostly(_times)},
    optional={
        "labels": _mostly(_strings | st.fixed_dictionaries({"alertname": st.text(max_size=20)})),
        "annotations": _mostly(_strings),
        "endsAt": _mostly(_times),
        "fingerprint": _mostly(st.text(max_size=20)),
        "values": _mostly(st.dictionaries(st.text(max_size=3), st.floats() | st.integers())),
        "generatorURL": st.text(max_size=20),
    },
)
_alert_like = st.fixed_dictionaries(
    {
        "version": _mostly(st.sampled_from(["4", "1"])),
        "alerts": st.lists(_alert_fields, max_size=3),
    },
    optional={
        "title": _mostly(st.text(max_size=20)),
        "message": _mostly(st.text(max_size=20)),
        "truncatedAlerts": _mostly(st.integers(0, 3)),
        "groupLabels": _mostly(_strings),
        "groupKey": _mostly(st.text(max_size=20)),
        "externalURL": _mostly(st.text(max_size=20)),
    },
)
_generic_like = st.fixed_dictionaries(
    {"text": _mostly(st.text(max_size=40))},
    optional={
        "kind": _mostly(st.sampled_from([k.value for k in EntryKind])),
        "occurred_at": _mostly(_times),
        "source": _mostly(st.text(max_size=12)),
        "public": _mostly(st.booleans()),
        "key": _mostly(st.text(max_size=12)),
    },
)

_reference = st.fixed_dictionaries({}, optional={"summary": _mostly(st.text(max_size=12))})
_pagerduty_like = st.fixed_dictionaries(
    {
        "event": st.fixed_dictionaries(
            {
                "id": _mostly(st.text(max_size=12)),
                "event_type": _mostly(
                    st.sampled_from(
                        ["incident.triggered", "incident.acknowledged", "incident.resolved",
                         "incident.annotated", "incident.escalated", "pagey.ping",
                         "incident.responder.added", "incident.status_update_published"]
                    )
                ),
            },
            optional={
                "occurred_at": _mostly(_times),
                "agent": _mostly(_reference),
                "data": _mostly(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "title": _mostly(st.text(max_size=20)),
                            "number": _mostly(st.integers(-5, 10**20)),
                            "service": _mostly(_reference),
                            "priority": _mostly(_reference),
                            "incident": _mostly(_reference),
                            "content": _mostly(st.text(max_size=20)),
                            "resolve_reason": _mostly(st.fixed_dictionaries({"type": st.text()})),
                        },
                    )
                ),
            },
        )
    }
)  # fmt: skip
_opsgenie_like = st.fixed_dictionaries(
    {
        "action": _mostly(
            st.sampled_from(["Create", "Acknowledge", "Close", "AddNote", "AddTags", "Snooze"])
            | st.text(max_size=10)
        ),
        "alert": st.fixed_dictionaries(
            {"alertId": _mostly(st.text(max_size=12))},
            optional={
                "message": _mostly(st.text(max_size=20)),
                "tinyId": _mostly(st.text(max_size=4)),
                "username": _mostly(st.text(max_size=10)),
                "createdAt": _mostly(st.integers(-1, 2**70)),
                "updatedAt": _mostly(st.integers(-1, 2**70)),
                "tags": _mostly(st.lists(st.text(max_size=5), max_size=3)),
                "note": _mostly(st.text(max_size=20)),
                "description": _mostly(st.text(max_size=20)),
            },
        ),
    }
)


def _outcome(parser: Any, data: Any) -> list[NewEvent] | None:
    try:
        events = parser(data)
    except ValueError as error:
        assert isinstance(error, PayloadError), repr(error)
        assert str(error) and "\n" not in str(error)
        return None
    assert isinstance(events, list)
    for event in events:
        assert isinstance(event, NewEvent) and event.text.strip()
        assert event.occurred_at is None or event.occurred_at.tzinfo is not None
    return events


@settings(max_examples=250, deadline=None)
@given(_json | _alert_like | _generic_like | _pagerduty_like | _opsgenie_like)
def test_any_json_gives_events_or_a_clear_error(data: Any) -> None:
    for parser in PARSERS:
        _outcome(parser, data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | _json.map(lambda v: json.dumps(v).encode()))
def test_any_body_loads_or_gives_a_clear_error(body: bytes) -> None:
    try:
        load_json(body)
    except ValueError as error:
        assert isinstance(error, PayloadError) and "\n" not in str(error)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    _alert_like
    | _generic_like
    | _pagerduty_like
    | _opsgenie_like
    | st.lists(_generic_like, min_size=1, max_size=3)
)
def test_whatever_parses_can_be_recorded(tmp_path: Path, data: Any) -> None:
    """Events a parser accepts never make the storage fail (surrogates, odd times, long keys)."""
    parsed = [events for parser in PARSERS if (events := _outcome(parser, data))]
    if not parsed:
        return
    path = tmp_path / "fuzz.incident"
    path.unlink(missing_ok=True)
    with IncidentFile.create(path, "Fuzz") as handle:
        for events in parsed:
            outcomes = handle.record_events(events)
            assert len(outcomes) == len(events)

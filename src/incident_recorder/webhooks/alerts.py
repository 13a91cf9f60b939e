"""Alertmanager and Grafana alerting webhook payloads → one event per alert.

Both send a group of alerts (`alerts[]`, each with `status`, `labels`, `annotations`, `startsAt`,
`endsAt`, `fingerprint`): Prometheus Alertmanager's webhook format version 4, and Grafana's
unified alerting webhook (version 1, which adds `values`, `title`, `message`…). A firing alert
becomes a detection entry at `startsAt`, a resolved one an observation at `endsAt`. Each event is
keyed by the state change it reports: the alert (its fingerprint, or a hash of its sorted labels
when there is none), its status and its episode's `startsAt` (and `endsAt` when resolved). The
same alert re-sent with every later notification of its group is recorded once; an alert firing
again after it was resolved is recorded again even with the same `startsAt` (domain Recurrence).
A notification that left alerts out (`truncatedAlerts`, the receiver's `max_alerts`) adds an
entry saying how many: their state is not in the payload, and the record must not look complete.
Grafana's "Test" button on a contact point sends a made-up alert (`alertname="TestAlert"`,
`instance="Grafana"`, summary "Notification test", in a group keyed `<integration>-<hash>-<unix
time>`): it is recorded as "Grafana test notification received", an observation, never as a
detection. Given `now`, the time an alert is recorded at may not be in the future (FutureTime).

The fields used are checked strictly (wrong type → PayloadError naming it); fields not used are
ignored, since both senders add fields from one release to the next and refusing them would lose
alerts mid-incident. The format version is checked: another one is refused with a clear reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from incident_recorder.domain.events import NewEvent, Recurrence
from incident_recorder.domain.kinds import EntryKind
from incident_recorder.domain.times import to_iso
from incident_recorder.webhooks.payloads import (
    PayloadError,
    clean_text,
    expect_object,
    expect_string,
    finite_number,
    json_type,
    not_future,
    parse_time,
    string_map,
)

KEY_LABELS = ("severity", "service", "instance", "job")
"""Labels worth reading in the timeline entry, in this order."""
MAX_FINGERPRINT_CHARS = 128
_STATUSES = ("firing", "resolved")
TEST_LABELS = {"alertname": "TestAlert", "instance": "Grafana"}
"""The labels of the alert Grafana makes up for a contact point's Test button."""
_TEST_GROUP_KEY = re.compile(r"^[^{}]*-[0-9a-f]{16}-\d{9,}$")
"""Grafana's group key for a test notification: '<integration>-<labels hash>-<unix time>' (a
real group's key is '{…}:{…}')."""


def parse_alertmanager(data: Any, now: datetime | None = None) -> list[NewEvent]:
    """The events of an Alertmanager webhook (`"version": "4"`); PayloadError otherwise."""
    payload = expect_object(data, "the body")
    version = payload.get("version")
    if version != "4":
        raise PayloadError(
            'not an Alertmanager webhook payload: its "version" must be "4" (got '
            f"{json.dumps(version) if isinstance(version, str) else json_type(version)})"
        )
    return _alerts(payload, "alertmanager", now, grafana=False)


def parse_grafana(data: Any, now: datetime | None = None) -> list[NewEvent]:
    """The events of a Grafana alerting webhook (`"version": "1"`); PayloadError otherwise."""
    payload = expect_object(data, "the body")
    if "alerts" not in payload and ("ruleName" in payload or "evalMatches" in payload):
        raise PayloadError(
            "this is a legacy Grafana alerting webhook (ruleName, evalMatches); only Grafana "
            "alerting (8 and later) webhooks are read"
        )
    version = payload.get("version", "1")
    if version != "1":
        raise PayloadError(
            'not a Grafana alerting webhook payload: its "version" must be "1" (got '
            f"{json.dumps(version) if isinstance(version, str) else json_type(version)})"
        )
    for field in ("title", "message"):
        if field in payload:
            expect_string(payload[field], field)
    return _alerts(payload, "grafana", now, grafana=True)


def _alerts(
    payload: dict[str, Any], source: str, now: datetime | None, *, grafana: bool
) -> list[NewEvent]:
    if "alerts" not in payload:
        raise PayloadError("the field 'alerts' is required")
    alerts = payload["alerts"]
    if not isinstance(alerts, list):
        raise PayloadError(f"alerts must be an array, not {json_type(alerts)}")
    group_key = payload.get("groupKey")
    test_group = grafana and isinstance(group_key, str) and bool(_TEST_GROUP_KEY.match(group_key))
    events = [
        _alert(alert, f"alerts[{number}]", source, grafana, test_group, now)
        for number, alert in enumerate(alerts)
    ]
    truncated = payload.get("truncatedAlerts", 0)
    if isinstance(truncated, bool) or not isinstance(truncated, int) or truncated < 0:
        number = isinstance(truncated, int | float) and not isinstance(truncated, bool)
        shown = json.dumps(truncated)[:20] if number else json_type(truncated)
        raise PayloadError(f"truncatedAlerts must be a whole number, 0 or more (got {shown})")
    if truncated:
        events.append(_truncation(payload, source, truncated, events))
    return events


def _truncation(
    payload: dict[str, Any], source: str, left_out: int, events: list[NewEvent]
) -> NewEvent:
    """The entry saying how many alerts the sender left out of this notification (its
    `max_alerts`): their state is nowhere in the payload, so the record must say it lacks it.
    Keyed by the notification's content: a retry of it adds no second entry."""
    labels = string_map(payload.get("groupLabels", {}), "groupLabels")
    group_key = payload.get("groupKey", "")
    shown = (f"{name}={json.dumps(value, ensure_ascii=False)}" for name, value in labels.items())
    if labels:
        group = "{" + ", ".join(shown) + "}"
    elif isinstance(group_key, str) and group_key:
        group = group_key
    else:
        group = "(all alerts)"
    sender = "Grafana" if source == "grafana" else "Alertmanager"
    plural = "alert" if left_out == 1 else "alerts"
    sent = len(events)
    lines = [
        f"{sender} left {left_out} {plural} of group {group} out of this notification "
        f"(max_alerts): it sent {sent} of {sent + left_out}; the {left_out} left out are not "
        "in this record."
    ]
    external = payload.get("externalURL")
    if isinstance(external, str) and external.startswith(("http://", "https://")):
        lines.append(f"See them in {sender}: {external}")
    identity = [payload.get("status"), group_key, labels, left_out, [e.key for e in events]]
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode("utf-8", "replace"))
    return NewEvent(
        text=clean_text("\n".join(lines), "groupLabels"),
        kind=EntryKind.OBSERVATION,
        occurred_at=None,
        source=source,
        public=False,
        key=f"{source}:truncated:{digest.hexdigest()[:32]}",
    )


def _alert(
    data: Any, where: str, source: str, grafana: bool, test_group: bool, now: datetime | None
) -> NewEvent:
    alert = expect_object(data, where)
    status = alert.get("status")
    if status not in _STATUSES:
        shown = json.dumps(status)[:40] if isinstance(status, str) else json_type(status)
        raise PayloadError(f'{where}.status must be "firing" or "resolved" (got {shown})')
    labels = string_map(alert.get("labels", {}), f"{where}.labels")
    annotations = string_map(alert.get("annotations", {}), f"{where}.annotations")
    if "startsAt" not in alert:
        raise PayloadError(f"{where}: the field 'startsAt' is required")
    starts = parse_time(alert["startsAt"], f"{where}.startsAt")
    ends = parse_time(alert["endsAt"], f"{where}.endsAt") if "endsAt" in alert else None
    values = alert.get("values") if grafana else None
    episode = f"{source}:{_identity(alert, labels, where)}"
    since = to_iso(starts) if starts else "-"
    if status == "resolved":
        not_future(ends, f"{where}.endsAt", now)
    else:
        not_future(starts, f"{where}.startsAt", now)
    if grafana and (test_group or all(labels.get(k) == v for k, v in TEST_LABELS.items())):
        return _test(labels, annotations, starts, f"{episode}:test:{since}", where)
    if status == "resolved":  # one key per end of the episode: each resolution is recorded once
        return NewEvent(
            text=clean_text(_text("resolved", labels, annotations, values), where),
            kind=EntryKind.OBSERVATION,
            occurred_at=ends,
            source=source,
            public=False,
            key=f"{episode}:resolved:{since}:{to_iso(ends) if ends else '-'}",
        )
    # Firing: once per episode (startsAt), and once more after each resolution recorded for it,
    # since Alertmanager merges an alert firing again soon after it resolved back into its first
    # episode, with the same startsAt.
    again = _text("firing again", labels, annotations, values)
    sender = "Grafana" if grafana else "Alertmanager"
    again += f"\nResolved, then firing again: {sender} kept this episode's first start, {since}."
    return NewEvent(
        text=clean_text(_text("firing", labels, annotations, values), where),
        kind=EntryKind.DETECTION,
        occurred_at=starts,
        source=source,
        public=False,
        key=f"{episode}:firing:{since}",
        recurrence=Recurrence(f"{episode}:resolved:{since}:", clean_text(again, where)),
    )


def _test(
    labels: dict[str, str],
    annotations: dict[str, str],
    starts: datetime | None,
    key: str,
    where: str,
) -> NewEvent:
    """Grafana's Test button: the contact point works; nothing is firing."""
    name = labels.get("alertname", "").strip() or "(no alertname)"
    summary = " ".join(annotations.get("summary", "").split())
    about = f"{name}" + (f" — {summary}" if summary else "")
    return NewEvent(
        text=clean_text(
            "Grafana test notification received: this contact point reaches the incident "
            f"recorder ({about}). Not an alert.",
            where,
        ),
        kind=EntryKind.OBSERVATION,
        occurred_at=starts,
        source="grafana",
        public=False,
        key=key,
    )


def _identity(alert: dict[str, Any], labels: dict[str, str], where: str) -> str:
    """The alert's fingerprint, or (when it has none) a hash of its sorted labels."""
    fingerprint = alert.get("fingerprint")
    if fingerprint is None or fingerprint == "":
        canonical = json.dumps(sorted(labels.items()), ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
        return "labels-" + digest[:32]
    fingerprint = expect_string(fingerprint, f"{where}.fingerprint")
    if len(fingerprint) > MAX_FINGERPRINT_CHARS or not fingerprint.isprintable():
        raise PayloadError(
            f"{where}.fingerprint needs at most {MAX_FINGERPRINT_CHARS} printable characters"
        )
    return fingerprint


def _text(status: str, labels: dict[str, str], annotations: dict[str, str], values: Any) -> str:
    """'Alert firing: HighErrorRate — summary', the description, then the key labels."""
    name = labels.get("alertname", "").strip() or "(no alertname)"
    summary = " ".join(annotations.get("summary", "").split())
    lines = [f"Alert {status}: {name}" + (f" — {summary}" if summary else "")]
    description = annotations.get("description", "").strip()
    if status != "resolved" and description and description != summary:
        lines.append(description)
    shown = [f"{label}={labels[label]}" for label in KEY_LABELS if labels.get(label, "").strip()]
    if shown:
        lines.append(", ".join(shown))
    if isinstance(values, dict):
        numbers = [f"{name}={value:g}" for name, value in values.items() if finite_number(value)]
        if numbers:
            lines.append("values: " + ", ".join(numbers))
    return "\n".join(lines)

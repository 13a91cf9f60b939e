"""PagerDuty v3 webhooks → events: a page, its acknowledgement and its resolution.

PagerDuty sends one event per request, `{"event": {id, event_type, resource_type, occurred_at,
agent, client, data}}` (developer docs, "Webhooks v3 overview"). `incident.triggered` becomes a
detection entry; `incident.acknowledged` an entry marking the Acknowledged milestone and
`incident.resolved` a resolution entry marking the Resolved milestone (each milestone set only if
it has no time yet: a person's or an earlier event's time is kept). Notes on the incident
(`incident.annotated`) and what happens to it meanwhile (reopened, escalated, reassigned…) are
observations, a published status update a communication; the subscription's test event
(`pagey.ping`) is recorded as a test, never as a page. Event types about other things (services)
or added later are answered 200 and not recorded: PagerDuty never retries a 4xx and disables a
subscription after three of them, so a new event type must not cost the incident its pages.

Each event is keyed by its `event.id`, the same in every delivery attempt (PagerDuty delivers at
least once): a redelivery is recorded once. The time is `event.occurred_at`, never in the future
(FutureTime). With a signing secret configured, the `X-PagerDuty-Signature` header must carry a
`v1=` HMAC-SHA256 (hex) of the raw body made with it ("Verifying signatures"; several, comma
separated, during a secret's rotation): `signature_refusal` says why a delivery is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from incident_recorder.domain.events import NewEvent
from incident_recorder.domain.kinds import EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.webhooks.payloads import (
    PayloadError,
    clean_text,
    expect_object,
    expect_string,
    json_type,
    not_future,
    parse_time,
)

SIGNATURE_HEADER = "X-PagerDuty-Signature"
MAX_ID_CHARS = 200
_CHANGES = {
    "incident.reopened": "reopened",
    "incident.unacknowledged": "unacknowledged",
    "incident.escalated": "escalated",
    "incident.reassigned": "reassigned",
    "incident.delegated": "delegated to another escalation policy",
    "incident.priority_updated": "priority changed",
}
"""Incident event types recorded as observations, and how their entry says what happened."""


def signature_refusal(secret: str, header: str, body: bytes | bytearray) -> str | None:
    """Why a delivery signed (or not) with `header` ('' when absent) is refused under `secret`;
    None: it is signed with it (one of its `v1=` signatures matches, in constant time)."""
    if not header.strip():
        return (
            f"the {SIGNATURE_HEADER} header is missing: this server checks PagerDuty's "
            "signature (a signing secret is configured)"
        )
    expected = hmac.new(secret.encode("utf-8"), bytes(body), hashlib.sha256).hexdigest()
    found = False
    for item in header.split(","):
        version, _, signature = item.strip().partition("=")
        if version != "v1":
            continue
        found = True
        if hmac.compare_digest(signature.strip().lower().encode(), expected.encode()):
            return None
    if not found:
        return f"the {SIGNATURE_HEADER} header holds no v1 signature"
    return (
        f"no signature in {SIGNATURE_HEADER} matches the body signed with the configured "
        "secret (another subscription's secret, or a body changed on the way)"
    )


def _text_field(data: dict[str, Any], name: str, where: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    return " ".join(expect_string(value, f"{where}.{name}").split())


def _summary(value: Any, where: str) -> str:
    """The `summary` of a reference object (a user, a service, a priority), or ''."""
    if value is None:
        return ""
    return _text_field(expect_object(value, where), "summary", where)


def _incident_name(data: dict[str, Any]) -> str:
    number = data.get("number")
    shown = f" #{number}" if isinstance(number, int) and not isinstance(number, bool) else ""
    return f"PagerDuty incident{shown}"


def _incident_lines(data: dict[str, Any], what: str, by: str, where: str) -> list[str]:
    """'PagerDuty incident #1234 triggered: title', the service, urgency and priority, the
    link."""
    title = _text_field(data, "title", where) or "(no title)"
    lines = [f"{_incident_name(data)} {what}{by}: {title}"]
    facts = []
    service = _summary(data.get("service"), f"{where}.service")
    if service:
        facts.append(f"service={service}")
    urgency = _text_field(data, "urgency", where)
    if urgency:
        facts.append(f"urgency={urgency}")
    priority = _summary(data.get("priority"), f"{where}.priority")
    if priority:
        facts.append(f"priority={priority}")
    if facts:
        lines.append(", ".join(facts))
    link = _text_field(data, "html_url", where)
    if link.startswith(("https://", "http://")):
        lines.append(link)
    return lines


def parse_pagerduty(data: Any, now: datetime | None = None) -> list[NewEvent]:
    """The event of a PagerDuty v3 webhook (none for an event type not recorded);
    PayloadError for anything else (FutureTime for an event dated after `now`)."""
    payload = expect_object(data, "the body")
    if "event" not in payload:
        if "messages" in payload:
            raise PayloadError(
                "this is a PagerDuty v1/v2 webhook (messages); only v3 webhook subscriptions "
                "are read"
            )
        raise PayloadError("not a PagerDuty v3 webhook payload: the field 'event' is required")
    event = expect_object(payload["event"], "event")
    for name in ("id", "event_type"):
        if name not in event:
            raise PayloadError(f"event: the field {name!r} is required")
    event_id = expect_string(event["id"], "event.id").strip()
    if not event_id or len(event_id) > MAX_ID_CHARS or not event_id.isprintable():
        raise PayloadError(f"event.id needs 1 to {MAX_ID_CHARS} printable characters")
    event_type = expect_string(event["event_type"], "event.event_type").strip()
    occurred = None
    if event.get("occurred_at") is not None:
        occurred = not_future(
            parse_time(event["occurred_at"], "event.occurred_at"), "event.occurred_at", now
        )
    agent = _summary(event.get("agent"), "event.agent")
    by = f" by {agent}" if agent else ""
    body = event.get("data")
    if body is not None and not isinstance(body, dict):
        raise PayloadError(f"event.data must be a JSON object, not {json_type(body)}")
    details: dict[str, Any] = body or {}
    key = f"pagerduty:{event_id}"

    def made(lines: list[str], kind: EntryKind, milestone: Milestone | None = None) -> NewEvent:
        return NewEvent(
            text=clean_text("\n".join(line for line in lines if line), "event"),
            kind=kind,
            occurred_at=occurred,
            source="pagerduty",
            public=False,
            key=key,
            milestone=milestone,
        )

    if event_type == "pagey.ping":
        return [
            made(
                [
                    "PagerDuty test event received (pagey.ping): this webhook subscription "
                    "reaches the incident recorder. Not a page."
                ],
                EntryKind.OBSERVATION,
            )
        ]
    if event_type == "incident.triggered":
        return [made(_incident_lines(details, "triggered", "", "event.data"), EntryKind.DETECTION)]
    if event_type == "incident.acknowledged":
        lines = _incident_lines(details, "acknowledged", by, "event.data")
        return [made(lines, Milestone.ACKNOWLEDGED.entry_kind, Milestone.ACKNOWLEDGED)]
    if event_type == "incident.resolved":
        lines = _incident_lines(details, "resolved", by, "event.data")
        reason = details.get("resolve_reason")
        if isinstance(reason, dict) and isinstance(reason.get("type"), str):
            lines.insert(1, f"resolve reason: {reason['type'].replace('_', ' ')}")
        return [made(lines, Milestone.RESOLVED.entry_kind, Milestone.RESOLVED)]
    if event_type in _CHANGES:
        lines = _incident_lines(details, _CHANGES[event_type], by, "event.data")
        return [made(lines, EntryKind.OBSERVATION)]
    incident = _summary(details.get("incident"), "event.data.incident") or "(no title)"
    if event_type == "incident.annotated":
        content = _text_field(details, "content", "event.data")
        return [made([f"Note on PagerDuty incident{by}: {incident}", content],
                     EntryKind.OBSERVATION)]  # fmt: skip
    if event_type == "incident.status_update_published":
        message = _text_field(details, "message", "event.data")
        return [made([f"PagerDuty status update published{by}: {incident}", message],
                     EntryKind.COMMUNICATION)]  # fmt: skip
    if event_type in ("incident.responder.added", "incident.responder.replied"):
        user = _summary(details.get("user"), "event.data.user") or "a responder"
        state = _text_field(details, "state", "event.data")
        what = "added as a responder" if event_type.endswith("added") else f"replied ({state})"
        return [made([f"{user} {what} on PagerDuty incident: {incident}"],
                     EntryKind.OBSERVATION)]  # fmt: skip
    return []  # services, and event types added later: answered, not recorded

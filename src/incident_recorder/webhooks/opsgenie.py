"""Opsgenie webhook integration → events: an alert created, acknowledged, closed.

Opsgenie's outgoing webhook posts one alert action a request: `{"action": "Create", "alert":
{alertId, message, tinyId, alias, username, createdAt, updatedAt, tags, …}, "source": {name,
type}, "integrationId", "integrationName"}` (Opsgenie docs, "Alert action data"). `Create`
becomes a detection entry; `Acknowledge` an entry marking the Acknowledged milestone and `Close` a
resolution entry marking the Resolved milestone (each set only if it has no time yet). A note
added (`AddNote`) and what else happens to the alert (unacknowledged, escalated, snoozed, assigned,
deleted, a custom action…) are observations; changes of its tags, details, recipients or teams
are answered and not recorded (noise on a timeline). Opsgenie disables nothing on a 4xx, but an
action type added later is recorded as an observation naming it rather than refused.

`createdAt` is in milliseconds and `updatedAt` in nanoseconds since 1970 (each read by its size,
so seconds or microseconds work too); the action's time is `createdAt` for Create and `updatedAt`
for the others, never in the future (FutureTime). Opsgenie sends no delivery id, so an action is
keyed by the alert, the action and that time: the same delivery again is recorded once, a second
acknowledgement later is a new entry.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
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
)

MAX_ID_CHARS = 200
IGNORED_ACTIONS = frozenset(
    {"AddTags", "RemoveTags", "AddDetails", "RemoveDetails", "AddRecipient", "AddTeam",
     "AddResponder", "UpdateDescription"}
)  # fmt: skip
"""Actions answered and not recorded: bookkeeping on the alert, not events of the incident."""
_DONE = {
    "UnAcknowledge": "unacknowledged",
    "Escalate": "escalated",
    "EscalateNext": "escalated to the next level",
    "Snooze": "snoozed",
    "AssignOwnership": "assigned",
    "TakeOwnership": "taken",
    "Delete": "deleted",
    "UpdatePriority": "given another priority",
    "UpdateMessage": "given another message",
}
_ACTION = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,63}$")
_MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z


def _string(alert: dict[str, Any], name: str) -> str:
    value = alert.get(name)
    if value is None:
        return ""
    return " ".join(expect_string(value, f"alert.{name}").split())


def _epoch(value: Any, where: str) -> datetime | None:
    """A time since 1970 in seconds, milliseconds, microseconds or nanoseconds (by its size)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**30:
        shown = json.dumps(value)[:30] if isinstance(value, int | float) else json_type(value)
        raise PayloadError(f"{where} must be a whole number of time since 1970 (got {shown})")
    seconds = float(value)
    while seconds > _MAX_EPOCH:
        seconds /= 1000
    return datetime.fromtimestamp(seconds, UTC)


def parse_opsgenie(data: Any, now: datetime | None = None) -> list[NewEvent]:
    """The event of an Opsgenie webhook integration's request (none for an action not
    recorded); PayloadError otherwise (FutureTime for an action dated after `now`)."""
    payload = expect_object(data, "the body")
    for name in ("action", "alert"):
        if name not in payload:
            raise PayloadError(f"not an Opsgenie webhook payload: the field {name!r} is required")
    action = expect_string(payload["action"], "action").strip()
    if not _ACTION.match(action):
        raise PayloadError(f"action is not an Opsgenie action name: {json.dumps(action)[:40]}")
    alert = expect_object(payload["alert"], "alert")
    if "alertId" not in alert:
        raise PayloadError("alert: the field 'alertId' is required")
    alert_id = expect_string(alert["alertId"], "alert.alertId").strip()
    if not alert_id or len(alert_id) > MAX_ID_CHARS or not alert_id.isprintable():
        raise PayloadError(f"alert.alertId needs 1 to {MAX_ID_CHARS} printable characters")
    created = _epoch(alert.get("createdAt"), "alert.createdAt")
    updated = _epoch(alert.get("updatedAt"), "alert.updatedAt")
    if action in IGNORED_ACTIONS:
        return []
    at = created if action == "Create" else updated
    where = "alert.createdAt" if action == "Create" else "alert.updatedAt"
    not_future(at, where, now)
    tiny = _string(alert, "tinyId")
    name = f"Opsgenie alert #{tiny}" if tiny else "Opsgenie alert"
    message = _string(alert, "message") or "(no message)"
    user = _string(alert, "username")
    by = f" by {user}" if user and action != "Create" else ""
    lines: list[str]
    milestone = None
    if action == "Create":
        kind = EntryKind.DETECTION
        lines = [f"{name} created: {message}"]
        facts = [f"{label}={_string(alert, label)}" for label in ("priority", "entity", "alias")
                 if _string(alert, label)]  # fmt: skip
        tags = alert.get("tags")
        if isinstance(tags, list) and tags and all(isinstance(tag, str) for tag in tags):
            facts.append("tags=" + ",".join(tags))
        if facts:
            lines.append(", ".join(facts))
        description = alert.get("description")
        if isinstance(description, str) and description.strip():
            lines.append(description.strip())
    elif action == "Acknowledge":
        milestone = Milestone.ACKNOWLEDGED
        kind = milestone.entry_kind
        lines = [f"{name} acknowledged{by}: {message}"]
    elif action == "Close":
        milestone = Milestone.RESOLVED
        kind = milestone.entry_kind
        lines = [f"{name} closed{by}: {message}"]
    elif action == "AddNote":
        kind = EntryKind.OBSERVATION
        lines = [f"Note on {name}{by}: {message}", _string(alert, "note")]
    else:
        kind = EntryKind.OBSERVATION
        done = _DONE.get(action, f"{action} (an Opsgenie action)")
        lines = [f"{name} {done}{by}: {message}"]
    if action == "Create":
        key = f"opsgenie:{alert_id}:create"
    else:
        key = f"opsgenie:{alert_id}:{action.lower()}:{alert.get('updatedAt', '-')}"
    return [
        NewEvent(
            text=clean_text("\n".join(line for line in lines if line), "alert"),
            kind=kind,
            occurred_at=at,
            source="opsgenie",
            public=False,
            key=key,
            milestone=milestone,
        )
    ]

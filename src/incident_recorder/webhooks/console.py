"""What `incident-recorder serve` prints: how to reach the server, and each event recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from incident_recorder.domain.events import NewEvent
from incident_recorder.storage.events import EventOutcome

EXAMPLE_EVENT = '{"text": "Deploy 2.14.1 started", "kind": "action"}'


def serving_lines(url: str, token: str, path: str, title: str) -> list[str]:
    """The banner: URL and token, the incident, and curl lines to copy."""
    auth = f"-H 'Authorization: Bearer {token}' -H 'Content-Type: application/json'"
    return [
        f"Listening on {url} — token {token}",
        f"Recording into {path} — {title}",
        "Try:",
        f"  curl -sS {auth} -d '{EXAMPLE_EVENT}' {url}/events",
        f"  curl -sS {auth} --data-binary @alertmanager.json {url}/alertmanager",
        f"  curl -sS {auth} --data-binary @grafana.json {url}/grafana",
        "Ctrl+C stops.",
    ]


def recorded_lines(
    events: Sequence[NewEvent], outcomes: Sequence[EventOutcome], now: datetime
) -> list[str]:
    """One line per event of a committed request: its entry (or the duplicate skipped)."""
    lines = []
    for event, outcome in zip(events, outcomes, strict=True):
        text = event.text.split("\n", 1)[0]
        text = text if len(text) <= 120 else text[:119] + "…"
        if outcome.duplicate:
            what = f"duplicate of entry {outcome.entry_id}, skipped"
        else:
            what = f"entry {outcome.entry_id} ({event.kind.value})"
        lines.append(f"{now:%H:%M:%S} {what} ← {event.source}: {text}")
    return lines

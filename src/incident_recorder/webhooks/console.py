"""What `incident-recorder serve` prints: how to reach the server, each event recorded (on
stdout), and each request refused (on stderr, one line: the status, the path and why; never the
token, which no Refusal holds).

The lines about events are printed by a thread of their own: a terminal that stops reading
(output paused with Ctrl+S, a full pipe) must never hold up the recording.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime
from typing import TextIO

from incident_recorder.domain.events import NewEvent
from incident_recorder.storage.events import EventOutcome
from incident_recorder.webhooks.routes import Refusal

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
        f"PagerDuty and Opsgenie: {url}/pagerduty and {url}/opsgenie, with the header "
        f"'Authorization: Bearer {token}' (docs/webhooks.md)",
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


def refusal_line(refusal: Refusal, now: datetime) -> str:
    """'14:04:23 refused 401 POST /alertmanager from 127.0.0.1: the bearer token is not …'."""
    return (
        f"{now:%H:%M:%S} refused {refusal.status} {refusal.method} {refusal.path} "
        f"from {refusal.client}: {refusal.reason}"
    )


class LinePrinter:
    """Prints lines handed to it from any thread, on its own thread, in order."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="serve-printer", daemon=True)
        self._thread.start()

    def put(self, lines: Sequence[str]) -> None:
        for line in lines:
            self._lines.put(line)

    def close(self, timeout: float = 2.0) -> None:
        """Print what is queued (waiting at most `timeout` s for a stalled terminal)."""
        self._lines.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (line := self._lines.get()) is not None:
            stream = self._stream or sys.stdout
            with suppress(OSError, ValueError):  # stdout closed: keep recording regardless
                print(line, file=stream, flush=True)

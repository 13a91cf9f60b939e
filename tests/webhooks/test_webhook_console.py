"""What `serve` prints, and that a stalled terminal never holds up the recording."""

from __future__ import annotations

import io
import threading
import time
from datetime import UTC, datetime

from incident_recorder.domain import EntryKind
from incident_recorder.domain.events import NewEvent
from incident_recorder.storage.events import EventOutcome
from incident_recorder.webhooks.console import LinePrinter, recorded_lines, serving_lines


def test_recorded_lines_name_the_entry_or_the_duplicate() -> None:
    events = [
        NewEvent(
            "Alert firing: DiskFull — 95%\nmore detail", EntryKind.DETECTION, source="grafana"
        ),
        NewEvent("x" * 300, source="webhook:ci"),
    ]
    outcomes = [EventOutcome(7, "grafana:f:firing:t", False), EventOutcome(3, "events:k", True)]
    lines = recorded_lines(events, outcomes, datetime(2026, 11, 27, 14, 2, 7, tzinfo=UTC))
    assert lines[0] == "14:02:07 entry 7 (detection) ← grafana: Alert firing: DiskFull — 95%"
    assert lines[1].startswith("14:02:07 duplicate of entry 3, skipped ← webhook:ci: xxx")
    assert lines[1].endswith("x…") and len(lines[1]) < 200


def test_the_banner_has_url_token_and_curl_lines() -> None:
    lines = serving_lines("http://127.0.0.1:8765", "t" * 43, "c.incident", "Checkout outage")
    assert lines[0] == f"Listening on http://127.0.0.1:8765 — token {'t' * 43}"
    assert sum(line.strip().startswith("curl ") for line in lines) == 3
    assert any("/pagerduty" in line and "/opsgenie" in line for line in lines)


class _StalledStream(io.StringIO):
    """A terminal whose output is paused (Ctrl+S) until `resume` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.resume = threading.Event()

    def write(self, text: str) -> int:
        self.resume.wait(10)
        return super().write(text)


def test_a_stalled_terminal_never_blocks_the_caller() -> None:
    stream = _StalledStream()
    printer = LinePrinter(stream)
    began = time.monotonic()
    printer.put([f"line {n}" for n in range(100)])
    printer.close(timeout=0.2)
    assert time.monotonic() - began < 5  # put() returned at once; close() gave up waiting
    stream.resume.set()
    printer._thread.join(10)
    assert stream.getvalue().splitlines() == [f"line {n}" for n in range(100)]

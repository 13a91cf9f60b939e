"""The next-update-due cadence: per severity, from the latest public update, off when resolved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incident_recorder.domain.cadence import (
    DEFAULT_CADENCE,
    countdown_text,
    next_update_due,
    parse_cadence,
)

START = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("severity", "minutes"),
    [("SEV1", 30), ("SEV2", 60), ("SEV3", 120), ("SEV4", None), (None, None), ("P9", None)],
)
def test_due_from_the_start_per_severity(severity: str | None, minutes: int | None) -> None:
    due = next_update_due(
        severity=severity, cadence=DEFAULT_CADENCE, last_update=None, started=START, resolved=False
    )
    assert due == (None if minutes is None else START + timedelta(minutes=minutes))


def test_due_from_the_latest_update_and_never_once_resolved() -> None:
    last = START + timedelta(minutes=7)
    kw = {"severity": "SEV1", "cadence": DEFAULT_CADENCE, "started": START}
    assert next_update_due(last_update=last, resolved=False, **kw) == last + timedelta(minutes=30)  # type: ignore[arg-type]
    assert next_update_due(last_update=last, resolved=True, **kw) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("left_s", "text"),
    [
        (724, "due in 12:04"),
        (723.5, "due in 12:04"),
        (1, "due in 00:01"),
        (0, "overdue 00:00"),
        (-190, "overdue 03:10"),
        (-3725, "overdue 1:02:05"),
    ],
)
def test_countdown_text(left_s: float, text: str) -> None:
    assert countdown_text(START + timedelta(seconds=left_s), START) == text


def test_parse_cadence_keeps_only_whole_minutes() -> None:
    raw = {"SEV1": 15, " P1 ": 5, "SEV2": True, "SEV3": 1.5, "SEV4": -1, 7: 3, "X": 99999}
    assert parse_cadence(raw) == {"SEV1": 15, "P1": 5}
    assert parse_cadence([1, 2]) == {}

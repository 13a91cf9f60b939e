"""The single writer thread: jobs from many threads, one connection, clean stop."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from incident_recorder.domain.events import NewEvent
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.webhooks.writer import EventWriter, WriterClosed


@pytest.fixture
def path(incident_path: Path) -> Path:
    IncidentFile.create(incident_path, "Checkout outage").close()
    return incident_path


def test_jobs_from_many_threads_share_one_connection(path: Path) -> None:
    told: list[int] = []
    writer = EventWriter(path, listener=lambda events, outcomes: told.append(len(outcomes)))
    opened = writer.start()
    assert opened.title == "Checkout outage" and len(opened.token) >= 40
    results: list[list[int]] = []

    def post(number: int) -> None:
        events = [NewEvent(f"event {number}.{i}", key=f"k{number}.{i % 2}") for i in range(3)]
        results.append([o.entry_id for o in writer.submit(events, timeout=30)])

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.stop()
    assert len(results) == 20 and sorted(told) == [3] * 20
    assert (writer.recorded, writer.duplicates) == (40, 20)
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.entry_count() == 40 and handle.event_key_count() == 40


def test_after_stop_nothing_is_taken(path: Path) -> None:
    writer = EventWriter(path)
    writer.start()
    writer.stop()
    writer.stop()  # twice is harmless
    with pytest.raises(WriterClosed, match="shutting down"):
        writer.submit([NewEvent("late")], timeout=5)
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.entry_count() == 0


def test_a_failing_listener_does_not_fail_the_recording(path: Path) -> None:
    def broken(events: object, outcomes: object) -> None:
        raise RuntimeError("a listener bug")

    writer = EventWriter(path, listener=broken)
    writer.start()
    try:
        (outcome,) = writer.submit([NewEvent("still recorded")], timeout=30)
    finally:
        writer.stop()
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.entry(outcome.entry_id).text == "still recorded"


def test_an_unrecordable_job_fails_alone(path: Path) -> None:
    writer = EventWriter(path)
    writer.start()
    try:
        with pytest.raises(IncidentFileError, match="the note is empty; nothing was recorded"):
            writer.submit([NewEvent("fine"), NewEvent(" ")], timeout=30)
        assert len(writer.submit([NewEvent("next")], timeout=30)) == 1
    finally:
        writer.stop()
    with IncidentFile.open(path, readonly=True) as handle:
        assert [entry.text for entry in handle.entries()] == ["next"]


def test_opening_problems_surface_from_start(tmp_path: Path, path: Path) -> None:
    with pytest.raises(IncidentFileError, match="no such incident file"):
        EventWriter(tmp_path / "missing.incident").start()
    with pytest.raises(ValueError, match="at least 16"):
        EventWriter(path, token="too short").start()

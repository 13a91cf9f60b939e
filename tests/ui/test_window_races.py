"""Races around opening and closing: nothing committed meanwhile is missed, nothing raises."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import Qt

from incident_recorder.storage import IncidentFile
from incident_recorder.ui.recorder import recorder_window
from incident_recorder.ui.recorder.recorder_window import RecorderWindow


def _big_incident(tmp_path, clock, monkeypatch, notes: int):
    """An incident of `notes` notes, one a second, larger than the rows a window reads before
    it shows (FIRST_ROWS, lowered to 5), so the rest is loaded in the background."""
    monkeypatch.setattr(recorder_window, "FIRST_ROWS", 5)
    path = tmp_path / "big.incident"
    with IncidentFile.create(path, "Big", clock=clock) as handle:
        for number in range(notes):
            clock.advance(1)
            handle.add_note(f"note {number}")
    return path


def test_an_entry_committed_while_the_window_reads_the_file_is_shown(qtbot, clock, tmp_path):
    path = tmp_path / "race.incident"
    IncidentFile.create(path, "Race", clock=clock).close()
    handle = IncidentFile.open(path, clock=clock)
    real_records = handle.records

    def records_then_someone_writes(**kwargs):
        rows = real_records(**kwargs)
        with IncidentFile.open(path, clock=clock) as other:  # e.g. the CLI, right then
            other.add_note("committed during the read", source="cli")
        return rows

    handle.records = records_then_someone_writes  # type: ignore[method-assign]
    window = RecorderWindow(handle, clock=clock, local_zone=UTC)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    window.close()


def test_closing_while_earlier_entries_load_raises_nothing(qtbot, clock, tmp_path, monkeypatch):
    path = _big_incident(tmp_path, clock, monkeypatch, notes=50)
    for _ in range(5):
        window = RecorderWindow(IncidentFile.open(path, clock=clock), clock=clock, local_zone=UTC)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.addWidget(window)
        window.show()
        window.close()  # the load job may finish after the file is closed
        qtbot.wait(50)


def test_the_full_load_replaces_the_first_rows_and_keeps_notes_typed_meanwhile(
    qtbot, clock, tmp_path, monkeypatch
):
    path = _big_incident(tmp_path, clock, monkeypatch, notes=40)
    window = RecorderWindow(IncidentFile.open(path, clock=clock), clock=clock, local_zone=UTC)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 5
    assert "reading 40 entries…" in window.header.details.text()  # not "5 entries"
    clock.advance(1)
    window.save_note("typed before the load finished", window.note_bar.kind, clock.now)
    qtbot.waitUntil(lambda: window.model.rowCount() == 41, timeout=5000)
    assert window.model.entry_at(40).text == "typed before the load finished"
    assert [window.model.entry_at(r).text for r in range(3)] == ["note 0", "note 1", "note 2"]
    qtbot.waitUntil(lambda: "41 entries" in window.header.details.text(), timeout=1000)
    window.close()


def test_the_capture_warm_up_waits_for_the_full_load(qtbot, clock, tmp_path, monkeypatch):
    path = _big_incident(tmp_path, clock, monkeypatch, notes=40)
    started: list[int] = []
    window = RecorderWindow(IncidentFile.open(path, clock=clock), clock=clock, local_zone=UTC)
    real_start = window.captures.start
    monkeypatch.setattr(
        window.captures, "start", lambda: (started.append(window.model.rowCount()), real_start())
    )
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    assert started == [40]  # after every entry was in the model, not beside the load
    window.close()

"""A read-only incident opens in a view-and-export window; errors of an open show in a window.

The file is made read-only for real: a tmpfs remounted read-only (tests run as root, so a chmod
would not stop a write). Timeline, capture viewer, report preview and export work; everything
that would record is disabled, and a notice says why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile
from tests.storage.storage_support import fingerprint, new_capture, remount_readonly
from tests.ui.window_support import opened, settled

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def read_only_incident(tmpfs, clock) -> Path:
    """An incident with two notes and a capture, on a mount that is then made read-only."""
    folder = tmpfs("8m")
    path = folder / "archived.incident"
    with IncidentFile.create(path, "Checkout outage (archived)", clock=clock) as handle:
        handle.add_note("checkout-api 502s for 30% of requests", EntryKind.IMPACT)
        clock.advance(30)
        handle.add_capture(new_capture(), text="Grafana: error rate")
        clock.advance(30)
        handle.add_note("rolled back deploy 4812", EntryKind.ACTION)
    remount_readonly(folder)
    return path


def test_a_read_only_incident_opens_to_view_and_export(
    application, read_only_incident, qtbot, tmp_path
) -> None:
    before = fingerprint(read_only_incident)
    window = opened(application, read_only_incident, qtbot)
    assert window is not None, "a read-only incident can be viewed"
    qtbot.waitUntil(window.isActiveWindow)
    assert window.read_only
    assert window.notice.isVisible()
    assert "read-only" in window.notice.text()
    assert "exports work" in window.notice.text()
    assert window.model.rowCount() == 3
    actions = window.actions_by_id
    for recording in ("capture_screen", "toggle_public", "edit_entry", "incident_details"):
        assert not actions[recording].isEnabled(), recording
    for viewing in ("export", "report", "filter_timeline", "jump_latest", "entry_history"):
        assert actions[viewing].isEnabled(), viewing
    assert not any(a.isEnabled() for k, a in actions.items() if k.startswith("milestone_"))

    edit = window.note_bar.edit  # typing records nothing, and says so where one types
    qtbot.keyClicks(edit, "a note")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClick(edit, Qt.Key.Key_P, CTRL_SHIFT)
    assert edit.toPlainText() == ""
    assert "read-only" in edit.placeholderText()

    capture = next(window.model.entry_at(r) for r in range(3) if window.model.entry_at(r).capture)
    viewer = window.open_capture(capture)  # the viewer shows the capture
    qtbot.waitUntil(lambda: viewer is not None and viewer.label.pixmap() is not None)
    assert viewer.caption_edit.isReadOnly()
    assert not viewer.tool_actions["redact"].isEnabled()
    viewer.close()

    report = window.open_report()  # the preview renders; the texts are not editable
    qtbot.waitUntil(
        lambda: "rolled back deploy 4812" in report.preview.toPlainText(), timeout=20_000
    )
    assert all(editor.edit.isReadOnly() for editor in report.editors.values())
    report.close()

    out = tmp_path / "export"
    job = window.export("markdown", out)
    with qtbot.waitSignal(job.signals.finished, timeout=60_000):
        pass
    assert "checkout-api 502s" in (out / "report.md").read_text(encoding="utf-8")
    window.close()
    assert fingerprint(read_only_incident) == before, "the file was never written"


def test_a_forwarded_open_of_a_read_only_incident_opens_it(
    application, read_only_incident, qtbot, tmp_path, clock
) -> None:
    live = IncidentFile.create(tmp_path / "live.incident", "Live outage", clock=clock)
    live.close()
    recording = opened(application, tmp_path / "live.incident", qtbot)
    assert recording is not None and not recording.read_only
    reply = settled(
        application.handle_request({"cmd": "open", "path": str(read_only_incident)}), qtbot
    )
    assert reply["ok"], reply
    viewing = application.windows[-1]
    assert viewing.read_only and viewing.file.path == read_only_incident
    note = settled(application.handle_request({"cmd": "note", "text": "x", "at": ""}), qtbot)
    assert not note["ok"] and "read-only" in note["error"]


def test_an_error_of_a_forwarded_open_shows_in_the_window(application, qtbot, tmp_path, clock):
    IncidentFile.create(tmp_path / "live.incident", "Live outage", clock=clock).close()
    recording = opened(application, tmp_path / "live.incident", qtbot)
    shell = QWidget()  # the terminal the command was typed in has the focus
    qtbot.addWidget(shell)
    shell.show()
    shell.activateWindow()
    qtbot.waitUntil(shell.isActiveWindow)
    bad = tmp_path / "notes.incident"
    bad.write_bytes(b"not an incident file, just text " * 40)
    reply = settled(application.handle_request({"cmd": "open", "path": str(bad)}), qtbot)
    assert not reply["ok"]
    assert recording.banner.isVisible()
    assert "not an incident file" in recording.banner.text()
    qtbot.waitUntil(recording.isActiveWindow)  # brought forward, where the user looks
    assert not application.start.isVisible()
    assert QApplication.activeModalWidget() is None

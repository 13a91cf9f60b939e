"""Adding an entry after the fact: Ctrl+Shift+N, required time in local time or UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from curation_helpers import CTRL, CTRL_SHIFT, last_dialog, press
from PySide6.QtCore import Qt

from incident_recorder.domain import EntryKind
from incident_recorder.session import IncidentSession
from incident_recorder.ui.recorder.past_entry import PastEntryDialog


def test_ctrl_shift_n_adds_a_backdated_public_entry_in_its_place(make_window, qtbot, clock) -> None:
    window = make_window()
    window.model.add(
        [window.file.add_note("alert fired", occurred_at=clock() - timedelta(minutes=1))]
    )
    window.model.add([window.file.add_note("rollback started")])
    press(qtbot, window, Qt.Key.Key_N, CTRL_SHIFT)
    dialog = last_dialog(window, PastEntryDialog)
    qtbot.waitUntil(dialog.when.edit.hasFocus)
    qtbot.keyClicks(dialog.when.edit, "13:58")
    assert "13:58:00 UTC" in dialog.when.preview.text()
    qtbot.keyClick(dialog.when.edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.text, "the config push went out")
    dialog.kind.setCurrentIndex(list(EntryKind).index(EntryKind.CAUSE))
    dialog.public.setChecked(True)
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, CTRL)
    assert not dialog.isVisible()
    saved = window.file.entry(3)
    assert saved.occurred_at == datetime(2026, 11, 27, 13, 58, tzinfo=UTC)
    assert saved.occurred_offset == "+00:00" and saved.public and saved.kind is EntryKind.CAUSE
    texts = [window.model.entry_at(r).text for r in range(3)]
    assert texts == ["the config push went out", "alert fired", "rollback started"]
    assert window.curation.view.selected_entry().id == 3


def test_local_time_is_stored_in_utc_with_its_offset(incident_file, qtbot, clock) -> None:
    dialog = PastEntryDialog(
        IncidentSession(incident_file), now=clock(), local_zone=timezone(timedelta(hours=1))
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.when.edit.hasFocus)
    qtbot.keyClicks(dialog.when.edit, "13:30")
    qtbot.keyClick(dialog.when.edit, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # UTC
    qtbot.waitUntil(dialog.when.utc.isChecked)  # a mnemonic clicks after a short animation
    assert dialog.when.edit.hasFocus()
    assert "14:30:00 local (UTC+01:00) · 13:30:00 UTC" in dialog.when.preview.text()
    qtbot.keyClick(dialog.when.edit, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # local
    qtbot.waitUntil(dialog.when.local.isChecked)
    dialog.when.edit.clear()
    qtbot.keyClicks(dialog.when.edit, "14:30")
    qtbot.keyClick(dialog.when.edit, Qt.Key.Key_Tab)
    assert dialog.text.hasFocus()  # Tab goes from the time to the text
    dialog.text.setPlainText("canary deploy began")
    entry = dialog.save()
    assert entry is not None
    stored = incident_file.entry(entry.id)
    assert stored.occurred_at == datetime(2026, 11, 27, 13, 30, tzinfo=UTC)
    assert stored.occurred_offset == "+01:00" and not stored.public


def test_missing_or_future_time_and_empty_text_are_refused_inline(
    incident_file, qtbot, clock
) -> None:
    dialog = PastEntryDialog(IncidentSession(incident_file), now=clock(), local_zone=UTC)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.text.setPlainText("something")
    assert dialog.save() is None and "a time is needed" in dialog.message.text().lower()
    qtbot.keyClicks(dialog.when.edit, "2026-11-28 09:00")
    assert dialog.save() is None and "future" in dialog.message.text().lower()
    dialog.when.edit.clear()
    qtbot.keyClicks(dialog.when.edit, "13:00")
    dialog.text.setPlainText("  ")
    assert dialog.save() is None and "needs some text" in dialog.message.text().lower()
    assert dialog.isVisible()
    assert incident_file.entry_count() == 0

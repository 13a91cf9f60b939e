"""Entry history: every revision listed with its save time and the differences; hide and unhide."""

from __future__ import annotations

from datetime import timedelta

from curation_helpers import CTRL_SHIFT, click_row, last_dialog, press
from PySide6.QtCore import Qt

from incident_recorder.domain import EntryKind
from incident_recorder.ui.recorder.entry_history import EntryHistory, word_diff


def test_ctrl_shift_h_lists_every_revision_with_the_changes(make_window, qtbot, clock) -> None:
    window = make_window()
    entry = window.file.add_note("pool at 500/500", EntryKind.OBSERVATION)
    clock.advance(60)
    window.file.revise(entry.id, text="pool at 500/500 on all replicas")
    clock.advance(60)
    window.file.revise(
        entry.id,
        kind=EntryKind.CAUSE,
        occurred_at=entry.occurred_at - timedelta(minutes=2),
        occurred_offset="+01:00",
    )
    window.model.add([window.file.entry(entry.id)])
    click_row(qtbot, window, 0)
    press(qtbot, window, Qt.Key.Key_H, CTRL_SHIFT)
    dialog = last_dialog(window, EntryHistory)
    table = dialog.table
    assert table.rowCount() == 3
    assert [table.item(r, 0).text() for r in range(3)] == ["original", "2", "3"]
    assert [table.item(r, 1).text() for r in range(3)] == [
        "27 Nov 14:00:00",
        "27 Nov 14:01:00",
        "27 Nov 14:02:00",
    ]
    assert table.item(0, 7).text() == "pool at 500/500"  # the original is never lost
    assert dialog.changed_cells(1) == ["Text"]
    assert dialog.changed_cells(2) == ["Kind", "Occurred at"]
    assert table.item(2, 3).text() == "27 Nov 13:58:00 (typed +01:00)"
    table.selectRow(1)
    assert "on all replicas" in dialog.detail.toPlainText()
    assert "underline" in dialog.detail.toHtml()  # the added words
    assert not dialog.unhide.isVisible()


def test_hide_with_ctrl_shift_delete_then_history_and_unhide(make_window, qtbot) -> None:
    window = make_window()
    window.model.add([window.file.add_note("pasted a secret by mistake")])
    click_row(qtbot, window, 0)
    press(qtbot, window, Qt.Key.Key_Delete, CTRL_SHIFT)
    assert window.model.rowCount() == 0
    assert window.file.entry(1).hidden and len(window.file.history(1)) == 2
    assert window.statusBar().currentMessage().startswith("Hidden — Ctrl+Shift+H")
    press(qtbot, window, Qt.Key.Key_H, CTRL_SHIFT)  # nothing selected: the entry just hidden
    dialog = last_dialog(window, EntryHistory)
    assert dialog.table.item(1, 6).text() == "hidden"
    assert dialog.unhide.isVisible()
    qtbot.mouseClick(dialog.unhide, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == 1
    assert [e.hidden for e in window.file.history(1)] == [False, True, False]
    assert dialog.table.rowCount() == 3


def test_history_without_a_selection_says_what_to_do(make_window, qtbot) -> None:
    window = make_window()
    press(qtbot, window, Qt.Key.Key_H, CTRL_SHIFT)
    assert window.curation.dialogs == []
    assert "Select an entry" in window.statusBar().currentMessage()


def test_word_diff_marks_changes_and_escapes_markup() -> None:
    html = word_diff("restart <b>db</b> now", "restart <b>cache</b> now")
    assert "<b>" not in html and "&lt;b&gt;cache&lt;/b&gt;" in html
    assert "<s" in html and "<u" in html

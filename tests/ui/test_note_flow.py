"""Typing notes with real key events: first-keystroke time, Enter, Shift+Enter, Esc, Ctrl+Z."""

from __future__ import annotations

from PySide6.QtCore import Qt

from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile


def type_text(qtbot, window, text: str) -> None:
    qtbot.keyClicks(window.note_bar.edit, text)


def test_note_field_has_focus_when_the_window_is_active(make_window, qtbot) -> None:
    window = make_window()
    qtbot.waitUntil(lambda: window.note_bar.edit.hasFocus())
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton)  # never takes focus
    assert window.note_bar.edit.hasFocus()


def test_first_keystroke_fixes_the_time_and_enter_saves_durably(make_window, qtbot, clock) -> None:
    window = make_window()
    first = clock.advance(5)  # 14:00:05
    type_text(qtbot, window, "E")
    assert window.note_bar.stamp.text() == "● 14:00:05"
    clock.advance(42)  # typing the rest takes a while
    type_text(qtbot, window, "rror rate climbing on checkout-api")

    seen_on_disk: list[bool] = []

    def check_durable(_parent, first_row: int, _last: int) -> None:
        shown = window.model.entry_at(first_row)
        with IncidentFile.open(window.file.path, readonly=True) as other:
            seen_on_disk.append(any(e.id == shown.id for e in other.entries()))

    window.model.rowsInserted.connect(check_durable)
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)

    assert seen_on_disk == [True], "the entry was on disk before the timeline showed it"
    assert window.note_bar.text() == ""
    assert window.note_bar.stamp.text().startswith("○")
    saved = window.file.entries()
    assert [(e.text, e.occurred_at, e.kind) for e in saved] == [
        ("Error rate climbing on checkout-api", first, EntryKind.OBSERVATION)
    ]
    assert saved[0].recorded_at == clock.now
    assert window.model.rowCount() == 1


def test_shift_enter_adds_a_line_and_enter_on_empty_does_nothing(make_window, qtbot) -> None:
    window = make_window()
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
    assert window.file.entry_count() == 0
    type_text(qtbot, window, "line one")
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(qtbot, window, "line two")
    assert window.file.entry_count() == 0
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
    assert window.file.entries()[0].text == "line one\nline two"


def test_escape_discards_and_ctrl_z_brings_the_draft_back_with_its_time(
    make_window, qtbot, clock
) -> None:
    window = make_window()
    stamped = clock.advance(1)
    type_text(qtbot, window, "draft about DB")
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Escape)
    assert window.note_bar.text() == ""
    assert window.note_bar.occurred_at is None
    clock.advance(30)
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.note_bar.text() == "draft about DB"
    assert window.note_bar.occurred_at == stamped
    assert window.note_bar.kind == EntryKind.IMPACT
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
    saved = window.file.entries()[0]
    assert (saved.text, saved.occurred_at, saved.kind) == (
        "draft about DB",
        stamped,
        EntryKind.IMPACT,
    )


def test_ctrl_1_to_9_set_the_kind_and_it_resets_after_saving(make_window, qtbot) -> None:
    window = make_window()
    keys = [Qt.Key.Key_1 + offset for offset in range(9)]
    for key, kind in zip(keys, EntryKind, strict=True):
        qtbot.keyClick(window.note_bar.edit, Qt.Key(key), Qt.KeyboardModifier.ControlModifier)
        assert window.note_bar.kind == kind
        assert window.note_bar.kind_badge.text() == kind.label
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, window, "Resolved by reverting push 7731")
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
    assert window.file.entries()[0].kind == EntryKind.RESOLUTION
    assert window.note_bar.kind == EntryKind.OBSERVATION


def test_deleting_the_whole_draft_forgets_its_time(make_window, qtbot, clock) -> None:
    window = make_window()
    type_text(qtbot, window, "x")
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Backspace)
    assert window.note_bar.occurred_at is None
    later = clock.advance(20)
    type_text(qtbot, window, "y")
    assert window.note_bar.occurred_at == later


def test_a_failed_save_keeps_the_note_in_the_field(make_window, qtbot, monkeypatch) -> None:
    from incident_recorder.storage.errors import DiskFullError

    window = make_window()

    def disk_full(*_args, **_kwargs):
        raise DiskFullError("the disk holding window.incident is full: saving the entry failed")

    monkeypatch.setattr(window.file, "add_note", disk_full)
    type_text(qtbot, window, "important observation")
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
    assert window.note_bar.text() == "important observation"
    assert window.model.rowCount() == 0
    assert "disk" in (window.last_error or "")


def test_hostile_text_is_saved_verbatim(make_window, qtbot) -> None:
    window = make_window()
    hostile = "## Prevention | <script>alert(1)</script> مرحبا 🔥"
    window.note_bar.edit.insertPlainText(hostile)
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
    assert window.file.entries()[0].text == hostile


def test_a_draft_survives_closing_the_window(qtbot, clock, tmp_path) -> None:
    from datetime import UTC

    from incident_recorder.drafts import DraftStore
    from incident_recorder.storage import IncidentFile
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow

    path = tmp_path / "draft.incident"
    IncidentFile.create(path, "Draft", clock=clock).close()
    store = DraftStore(tmp_path / "drafts", path)

    def open_window() -> RecorderWindow:
        window = RecorderWindow(
            IncidentFile.open(path, clock=clock), clock=clock, local_zone=UTC, drafts=store
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    first = open_window()
    stamped = clock.advance(2)
    qtbot.keyClicks(first.note_bar.edit, "half a thought about the DB")
    qtbot.keyClick(first.note_bar.edit, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    first.close()  # e.g. an accidental Ctrl+W

    second = open_window()
    assert second.note_bar.text() == "half a thought about the DB"
    assert second.note_bar.occurred_at == stamped
    assert second.note_bar.kind == EntryKind.ACTION
    qtbot.keyClick(second.note_bar.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not store.file.exists(), timeout=2000)
    second.close()
    assert [e.text for e in IncidentFile.open(path, readonly=True).entries()] == [
        "half a thought about the DB"
    ]

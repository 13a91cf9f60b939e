"""The entry editor: F2 / double-click, one revision with only what changed, times in two zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO

from curation_helpers import CTRL, click_row, last_dialog, press
from PIL import Image
from PySide6.QtCore import Qt

from incident_recorder.domain import EntryKind
from incident_recorder.domain.entry import NewCapture
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.dialogs.time_field import parse_typed
from incident_recorder.ui.recorder.entry_editor import EntryEditor

PLUS_ONE = timezone(timedelta(hours=1))


def test_f2_edits_text_and_kind_in_one_revision(make_window, qtbot, clock) -> None:
    window = make_window()
    entry = window.file.add_note("DB pool saturated at 500/500", EntryKind.OBSERVATION)
    window.model.add([entry])
    click_row(qtbot, window, 0)
    press(qtbot, window, Qt.Key.Key_F2)
    editor = last_dialog(window, EntryEditor)
    assert editor.isVisible()
    editor.text.selectAll()
    qtbot.keyClicks(editor.text, "DB pool saturated at 500/500 (all regions)")
    editor.kind.setCurrentIndex(list(EntryKind).index(EntryKind.CAUSE))
    qtbot.keyClick(editor.text, Qt.Key.Key_Return, CTRL)  # Ctrl+Enter saves
    assert not editor.isVisible()
    history = window.file.history(entry.id)
    assert [e.revision for e in history] == [1, 2]
    assert history[0].text == "DB pool saturated at 500/500"  # the original is kept
    assert history[1].text == "DB pool saturated at 500/500 (all regions)"
    assert history[1].kind is EntryKind.CAUSE
    assert history[1].occurred_at == entry.occurred_at
    assert history[1].occurred_offset is None and not history[1].public
    assert window.model.entry_at(0).text.endswith("(all regions)")
    assert window.curation.view.selected_entry().id == entry.id


def test_saving_without_changes_adds_no_revision(make_window, qtbot) -> None:
    window = make_window()
    window.model.add([window.file.add_note("unchanged")])
    click_row(qtbot, window, 0)
    press(qtbot, window, Qt.Key.Key_F2)
    editor = last_dialog(window, EntryEditor)
    editor.when.utc.setChecked(True)  # the same moment shown in the other zone: still no change
    qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save), Qt.LeftButton)
    assert not editor.isVisible()
    assert len(window.file.history(1)) == 1


def test_occurred_at_typed_in_local_time_keeps_its_offset(incident_file, qtbot, clock) -> None:
    entry = incident_file.add_note("config push went out")
    editor = EntryEditor(IncidentSession(incident_file), entry, now=clock(), local_zone=PLUS_ONE)
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.text.hasFocus)
    qtbot.keyClick(editor.text, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # to the time
    assert editor.when.edit.hasFocus()
    editor.when.edit.clear()
    qtbot.keyClicks(editor.when.edit, "14:58")  # local (+01:00) on the entry's date
    assert "14:58:00 local (UTC+01:00)" in editor.when.preview.text()
    assert "13:58:00 UTC" in editor.when.preview.text()
    saved = editor.save()
    assert saved is not None
    assert saved.occurred_at == datetime(2026, 11, 27, 13, 58, tzinfo=UTC)
    reread = IncidentFile.open(incident_file.path, readonly=True)
    assert reread.entry(entry.id).occurred_offset == "+01:00"
    assert reread.history(entry.id)[0].occurred_at == entry.occurred_at
    reread.close()


def test_occurred_at_typed_in_utc_with_a_full_date(incident_file, qtbot, clock) -> None:
    entry = incident_file.add_note("alert fired")
    editor = EntryEditor(IncidentSession(incident_file), entry, now=clock(), local_zone=PLUS_ONE)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.mouseClick(editor.when.utc, Qt.LeftButton)
    editor.when.edit.clear()
    qtbot.keyClicks(editor.when.edit, "2026-11-27 13:50:30")
    assert "14:50:30 local" in editor.when.preview.text()
    saved = editor.save()
    assert saved is not None and saved.occurred_offset == "+00:00"
    assert incident_file.entry(entry.id).occurred_at == datetime(
        2026, 11, 27, 13, 50, 30, tzinfo=UTC
    )


def test_bad_input_is_said_inline_and_the_dialog_stays_open(incident_file, qtbot, clock) -> None:
    entry = incident_file.add_note("first words")
    editor = EntryEditor(IncidentSession(incident_file), entry, now=clock(), local_zone=UTC)
    qtbot.addWidget(editor)
    editor.show()
    editor.when.edit.clear()
    qtbot.keyClicks(editor.when.edit, "25:99")
    assert "not a time of day" in editor.when.preview.text()
    editor.text.setPlainText("new words")
    assert editor.save() is None
    assert editor.isVisible() and editor.message.isVisible()
    assert editor.text.toPlainText() == "new words"  # the edits are kept
    editor.when.edit.clear()
    qtbot.keyClicks(editor.when.edit, "13:00")
    editor.text.setPlainText("   ")
    assert editor.save() is None
    assert "needs some text" in editor.message.text().lower()
    assert len(incident_file.history(entry.id)) == 1


def test_a_revision_made_elsewhere_is_not_silently_overwritten(incident_file, qtbot, clock) -> None:
    entry = incident_file.add_note("typo hre")
    editor = EntryEditor(IncidentSession(incident_file), entry, now=clock(), local_zone=UTC)
    qtbot.addWidget(editor)
    editor.show()
    with IncidentFile.open(incident_file.path, clock=clock) as other:
        other.revise(entry.id, starred=True)
    editor.public.setChecked(True)
    assert editor.save() is None
    assert "changed elsewhere" in editor.message.text()
    saved = editor.save()  # a second Save saves only what changed here
    assert saved is not None and saved.public and saved.starred and saved.revision == 3


def test_double_click_edits_a_note_and_opens_a_capture(make_window, qtbot, clock) -> None:
    window = make_window()
    window.model.add([window.file.add_note("a note")])
    clock.advance(1)
    png = BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(png, format="PNG")
    capture = window.file.add_capture(NewCapture(png.getvalue(), png.getvalue(), 64, 48, "0" * 64))
    window.model.add([capture])
    click_row(qtbot, window, 0, double=True)
    assert last_dialog(window, EntryEditor).entry.text == "a note"
    assert window.capture_controller.viewers == {}
    click_row(qtbot, window, 1, double=True)
    qtbot.waitUntil(lambda: capture.capture.id in window.capture_controller.viewers)
    assert len([d for d in window.curation.dialogs if isinstance(d, EntryEditor)]) == 1
    menu = window.curation._context_menu(capture, window.view.mapToGlobal(window.view.pos()))
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert texts[:3] == ["Open Capture", "Edit Entry…", "Show Entry History…"]
    menu.close()


def test_time_parsing_rules() -> None:
    now = datetime(2026, 11, 27, 0, 10, tzinfo=UTC)
    yesterday = parse_typed("13:58", UTC, now=now)
    assert yesterday.moment == datetime(2026, 11, 26, 13, 58, tzinfo=UTC)
    anchored = parse_typed("13:58:07.5", PLUS_ONE, now=now, anchor=now.date())
    assert anchored.moment == datetime(2026, 11, 27, 12, 58, 7, 500000, tzinfo=UTC)
    assert anchored.offset == "+01:00"
    explicit = parse_typed("2026-11-27T09:00+02:00", UTC, now=now)
    assert explicit.offset == "+02:00" and explicit.moment.hour == 7
    for bad in ("", "soon", "2026-11-27", "24:00"):
        try:
            parse_typed(bad, UTC, now=now)
        except ValueError as error:
            assert str(error)
        else:
            raise AssertionError(f"{bad!r} was accepted")

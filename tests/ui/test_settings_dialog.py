"""The Settings dialog: keys edited, collisions refused, defaults restored, applied at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from incident_recorder.settings import Settings
from incident_recorder.ui.common.actions import ACTIONS
from incident_recorder.ui.dialogs.settings_dialog import SettingsDialog, problems, shortcuts_of
from incident_recorder.ui.dialogs.settings_store import default_store

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def key_of(window, action_id: str) -> str:
    return window.actions_by_id[action_id].shortcut().toString()


def test_defaults_have_no_problem_and_match_the_table() -> None:
    keys = shortcuts_of(Settings())
    assert keys == {spec.id: QKeySequence(spec.shortcut).toString() for spec in ACTIONS}
    assert problems(keys) == {}


def test_ctrl_comma_opens_the_dialog_from_the_file_menu(make_window, qtbot) -> None:
    window = make_window()
    action = window.actions_by_id["settings"]
    assert action.shortcut().toString() == "Ctrl+,"
    assert action in window.menuBar().actions()[0].menu().actions()
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.settings_dialog is not None)
    dialog = window.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    row = [spec.id for spec in ACTIONS].index("capture_screen")
    assert dialog.table.item(row, dialog.COL_GLOBAL).text() == "global"
    assert dialog.keys()["capture_screen"] == "Ctrl+Alt+S"
    dialog.close()


def test_a_changed_key_applies_at_once_and_the_old_one_is_gone(make_window, qtbot) -> None:
    window = make_window()
    other = make_window(window.file.path.with_name("other.incident"), "Other")
    dialog = window.open_settings()
    dialog.set_key("toggle_utc", "Ctrl+Shift+Y")
    assert dialog.save_button.isEnabled()
    assert dialog.save()
    assert not dialog.isVisible()
    assert key_of(window, "toggle_utc") == "Ctrl+Shift+Y"
    assert key_of(other, "toggle_utc") == "Ctrl+Shift+Y", "every open window"
    assert default_store().load().shortcut("toggle_utc", "Ctrl+Shift+U") == "Ctrl+Shift+Y"

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_U, CTRL_SHIFT)
    assert window.model.time_display == "local", "the old key no longer triggers"
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Y, CTRL_SHIFT)
    assert window.model.time_display == "utc"


def test_a_new_window_starts_from_the_saved_keys(make_window, qtbot) -> None:
    window = make_window()
    dialog = window.open_settings()
    dialog.set_key("jump_latest", "Ctrl+Shift+J")
    assert dialog.save()
    window.close()
    later = make_window(window.file.path.with_name("later.incident"), "Later")
    assert key_of(later, "jump_latest") == "Ctrl+Shift+J"


def test_a_collision_is_refused_inline(make_window, qtbot) -> None:
    window = make_window()
    dialog = window.open_settings()
    dialog.set_key("toggle_utc", "Ctrl+N")
    assert not dialog.save_button.isEnabled()
    assert "Ctrl+N is already the key of “New Incident”" in dialog.message.text()
    assert not dialog.save()
    assert key_of(window, "toggle_utc") == "Ctrl+Shift+U"
    assert not default_store().file.exists()

    dialog.set_key("toggle_utc", "Ctrl+Z")
    assert "Ctrl+Z is used by the note field" in dialog.message.text()
    dialog.set_key("toggle_utc", "Ctrl+S")
    assert "Ctrl+S is used by the capture viewer" in dialog.message.text()
    dialog.set_key("capture_screen", "X")
    assert "a global key needs Ctrl, Alt or Meta" in dialog.message.text()
    assert not dialog.save_button.isEnabled()

    dialog.set_key("toggle_utc", "Ctrl+Shift+U")
    dialog.set_key("capture_screen", "Ctrl+Alt+S")
    assert dialog.save_button.isEnabled()
    assert dialog.message.text() == ""
    dialog.close()


def test_restore_defaults(make_window, qtbot) -> None:
    window = make_window()
    dialog = window.open_settings()
    dialog.set_key("new_incident", "Ctrl+Shift+Y")
    dialog.global_box.setChecked(False)
    assert dialog.save()
    assert key_of(window, "new_incident") == "Ctrl+Shift+Y"
    assert default_store().load().global_hotkeys_enabled is False

    dialog = window.open_settings()
    assert dialog.keys()["new_incident"] == "Ctrl+Shift+Y"
    dialog.restore_defaults()
    assert dialog.keys() == shortcuts_of(Settings())
    assert dialog.global_box.isChecked()
    assert dialog.save()
    assert key_of(window, "new_incident") == "Ctrl+N"
    assert default_store().load() == Settings()


def test_a_damaged_settings_file_opens_with_the_defaults(make_window) -> None:
    store = default_store()
    store.file.parent.mkdir(parents=True, exist_ok=True)
    store.file.write_text("{damaged")
    window = make_window()
    assert key_of(window, "capture_screen") == "Ctrl+Alt+S"
    SettingsDialog(store, window).close()


def test_a_global_key_x11_cannot_grab_is_refused() -> None:
    from incident_recorder.ui.dialogs.settings_dialog import problems

    keys = {"capture_screen": "Ctrl+K, Ctrl+S"}
    assert "one combination" in problems(keys)["capture_screen"]
    assert problems({"capture_screen": "Ctrl+Alt+PgDown"}) == {}

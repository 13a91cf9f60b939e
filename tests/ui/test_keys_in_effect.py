"""Every place that names a key shows the key in effect: the user's choice from Settings, not the
actions table's default — at start-up and at once after Save (cheat sheet, note hint, hint card)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from incident_recorder.app import Application
from incident_recorder.recent import RecentList
from incident_recorder.settings import Settings
from incident_recorder.ui.dialogs.settings_dialog import DEFAULTS, SettingsDialog, shortcuts_of
from incident_recorder.ui.dialogs.settings_store import default_store
from incident_recorder.ui.dialogs.shortcuts_dialog import ShortcutsDialog, cheat_sheet_html


def test_the_cheat_sheet_lists_the_keys_given() -> None:
    moved = Settings().with_shortcuts({"capture_screen": "Ctrl+Alt+X"}, DEFAULTS)
    html = cheat_sheet_html(shortcuts_of(moved))
    assert "Ctrl+Alt+X" in html
    assert "Ctrl+Alt+S" not in html, "the default is not listed any more"
    assert "Ctrl+Alt+S" in cheat_sheet_html(), "without keys: the table's defaults"


def _f1_text(window, monkeypatch) -> str:
    shown: list[str] = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: shown.append(self.label.text()))
    window.show_shortcuts()
    assert len(shown) == 1
    return shown[0]


def test_a_key_saved_before_start_up_is_shown(make_window, monkeypatch) -> None:
    store = default_store()
    store.save(store.load().with_shortcuts({"capture_screen": "Ctrl+Alt+X"}, DEFAULTS))
    window = make_window()
    assert "Ctrl+Alt+X capture" in window.note_bar.hint.text()
    assert "Ctrl+Alt+S" not in window.note_bar.hint.text()
    sheet = _f1_text(window, monkeypatch)
    assert "Ctrl+Alt+X" in sheet and "Ctrl+Alt+S" not in sheet


def test_saving_a_key_updates_the_hint_the_cheat_sheet_and_the_start_card(
    make_window, qapp, clock, qtbot, tmp_path, monkeypatch
) -> None:
    app = Application(qapp, clock, RecentList(tmp_path / "recent.json"))
    app.show_start()
    card = app.start.hint
    assert card.isVisible() and "Ctrl+Alt+S" in card.table.text()
    window = make_window()
    assert "Ctrl+Alt+S capture" in window.note_bar.hint.text()
    assert "Ctrl+1…9 kind" in window.note_bar.hint.text()

    dialog = window.open_settings()
    dialog.set_key("capture_screen", "Ctrl+Alt+X")
    dialog.set_key("note_public", "Ctrl+Shift+J")
    dialog.set_key("report", "Ctrl+Shift+Y")  # Ctrl+Shift+R: the viewer's redactions
    assert dialog.save()

    hint = window.note_bar.hint.text()
    assert "Ctrl+Alt+X capture" in hint and "Ctrl+Shift+J public" in hint
    assert "Ctrl+Alt+S" not in hint
    sheet = _f1_text(window, monkeypatch)
    assert "Ctrl+Alt+X" in sheet and "Ctrl+Shift+J" in sheet and "Ctrl+Alt+S" not in sheet
    text = card.table.text()
    assert "Ctrl+Alt+X" in text and "Ctrl+Shift+Y" in text, "the start window's card too"
    assert "Ctrl+Alt+S" not in text
    app.start.close()


def test_the_start_window_rebinds_new_incident_when_settings_are_saved(
    qapp, clock, qtbot, tmp_path, monkeypatch
) -> None:
    from incident_recorder.ui.dialogs.new_incident_dialog import NewIncidentDialog

    asked: list[bool] = []
    monkeypatch.setattr(NewIncidentDialog, "exec", lambda _self: asked.append(True) or 0)
    app = Application(qapp, clock, RecentList(tmp_path / "recent.json"))
    app.show_start()
    start = app.start
    dialog = SettingsDialog(default_store(), start)
    dialog.set_key("new_incident", "Ctrl+Shift+Y")
    assert dialog.save()
    assert "Ctrl+Shift+Y" in start.empty_hint.text()
    assert "Ctrl+Shift+Y" in start.new_button.toolTip()
    qtbot.waitUntil(start.isActiveWindow)
    with qtbot.waitSignal(start.new_requested, timeout=2000):
        qtbot.keyClick(
            start,
            Qt.Key.Key_Y,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert asked == [True]
    start.close()

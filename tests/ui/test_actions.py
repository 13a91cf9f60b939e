"""One table of actions: no two share a key, and every action is in the window's menus."""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QKeySequence

from incident_recorder.domain import EntryKind
from incident_recorder.ui.common.actions import ACTIONS, NOTE_KEYS
from incident_recorder.ui.dialogs.shortcuts_dialog import cheat_sheet_html


def test_no_two_actions_share_a_shortcut() -> None:
    keys = [QKeySequence(spec.shortcut).toString() for spec in ACTIONS]
    keys += [QKeySequence(key).toString() for key, _ in NOTE_KEYS]
    duplicates = [key for key, count in Counter(keys).items() if count > 1]
    assert duplicates == []
    assert all(keys), "every shortcut parses"


def test_every_kind_has_its_ctrl_number() -> None:
    by_id = {spec.id: spec.shortcut for spec in ACTIONS}
    for number, kind in enumerate(EntryKind, start=1):
        assert by_id[f"kind_{kind.value}"] == f"Ctrl+{number}"
    assert by_id["capture_screen"] == "Ctrl+Alt+S"


def test_cheat_sheet_lists_every_key() -> None:
    html = cheat_sheet_html()
    for spec in ACTIONS:
        assert QKeySequence(spec.shortcut).toString(QKeySequence.SequenceFormat.NativeText) in html


def test_settings_driven_keys_never_collide() -> None:
    """Keys chosen in the Settings dialog go through the same check before they are saved."""
    from incident_recorder.settings import Settings
    from incident_recorder.ui.dialogs.settings_dialog import DEFAULTS, problems, shortcuts_of

    moved = Settings().with_shortcuts({"capture_screen": "Ctrl+Alt+X"}, DEFAULTS)
    keys = shortcuts_of(moved)
    assert problems(keys) == {}
    assert Counter(keys.values())["Ctrl+Alt+X"] == 1
    clash = Settings().with_shortcuts({"toggle_utc": "Ctrl+Alt+S"}, DEFAULTS)
    assert set(problems(shortcuts_of(clash))) == {"capture_screen", "toggle_utc"}
    for key, _ in NOTE_KEYS:
        onto_note = Settings().with_shortcuts({"jump_latest": key}, DEFAULTS)
        assert "jump_latest" in problems(shortcuts_of(onto_note))

"""The window's notes reach the main file within seconds: a plain copy of the incident file,
taken by another program while the window records, holds them (storage/checkpoints.py)."""

from __future__ import annotations

from incident_recorder.domain import EntryKind
from tests.storage.test_checkpoints import plain_copy_entries, wait_for_plain_copy


def test_a_plain_copy_holds_the_window_notes_within_seconds(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    for number in range(5):
        window.save_note(f"window note {number}", EntryKind.OBSERVATION, None)
    assert window.model.rowCount() == 5
    waited = wait_for_plain_copy(window.file.path, tmp_path / "copies", 5)
    assert waited < 5.0
    assert plain_copy_entries(window.file.path, tmp_path / "copies") == 5

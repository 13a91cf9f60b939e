"""A failed save is said on a banner, never in a dialog that takes the keys typed next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from incident_recorder.domain.milestones import Milestone


def type_as_user(qtbot, text: str, enter: bool = False) -> None:
    """Keys go where the user's keys go: to the focused widget (a modal box, if one is up)."""
    qtbot.keyClicks(QApplication.focusWidget(), text)
    if enter:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def test_a_failed_note_shows_a_banner_and_the_typing_goes_on(make_window, qtbot) -> None:
    window = make_window()
    path = window.file.path
    moved = path.with_name("moved-away.incident")
    path.rename(moved)  # the file is gone from under the window: the save fails for real
    try:
        type_as_user(qtbot, "db primary failover started", enter=True)
        assert window.model.rowCount() == 0
        assert QApplication.activeModalWidget() is None, "no dialog takes the next keys"
        assert window.banner.isVisible()
        assert "The note was not saved" in window.banner.text()
        assert "deleted, moved or replaced" in window.banner.text()
        assert "still in the field" in window.banner.text()
        assert QApplication.focusWidget() is window.note_bar.edit
        # A fast typist goes on with the next note, and the next: each starts on a line of
        # its own, never run into the failed one ("…startedreplica lag").
        type_as_user(qtbot, "replica lag 40s", enter=True)
        type_as_user(qtbot, "writes paused")
        assert window.note_bar.text() == (
            "db primary failover started\nreplica lag 40s\nwrites paused"
        )
    finally:
        moved.rename(path)
    type_as_user(qtbot, "", enter=True)  # the file is back: Enter saves what was kept
    assert [e.text for e in window.file.entries()] == [
        "db primary failover started\nreplica lag 40s\nwrites paused"
    ]
    assert not window.banner.isVisible(), "the error is gone once the note is saved"
    assert window.note_bar.text() == ""


def test_a_failed_milestone_says_so_on_the_banner(make_window, qtbot) -> None:
    window = make_window()
    path = window.file.path
    moved = path.with_name("moved-away.incident")
    path.rename(moved)
    try:
        window.record_milestone(Milestone.DETECTED)
        assert QApplication.activeModalWidget() is None
        assert "Detected was not recorded" in window.banner.text()
    finally:
        moved.rename(path)


def test_the_banner_is_dismissed_with_its_button_and_takes_no_focus(make_window, qtbot) -> None:
    window = make_window()
    window.show_error("The screen was not captured", "no display")
    assert window.banner.isVisible()
    assert QApplication.focusWidget() is window.note_bar.edit
    qtbot.mouseClick(window.banner.close_button, Qt.MouseButton.LeftButton)
    assert not window.banner.isVisible()
    assert QApplication.focusWidget() is window.note_bar.edit

"""The window shows bidirectional controls and zero-width characters from a file as markers:
a title ending U+202E 'fdp.exe' does not read 'exe.pdf' in the window title or the header, and a
note's hidden characters show in the timeline. The file keeps what was typed."""

from __future__ import annotations

from incident_recorder.domain.text import INVISIBLE
from incident_recorder.ui.timeline.timeline_model import COL_ENTRY

TITLE = "Invoice \u202efdp.exe"
SHOWN = "Invoice \u27e8U+202E\u27e9fdp.exe"
NOTE = "pay\u200bment \u2066failed\u2069"


def test_the_window_title_and_header_show_markers(make_window, tmp_path) -> None:
    window = make_window(tmp_path / "w.incident", title=TITLE)
    assert window.windowTitle() == f"{SHOWN} — Incident Recorder"
    assert window.header.title.text() == SHOWN
    assert not INVISIBLE.search(window.header.title.toolTip())
    assert window.file.record().title == TITLE  # stored as typed


def test_the_timeline_paints_markers(make_window, qtbot, tmp_path) -> None:
    window = make_window(tmp_path / "w.incident")
    window.model.add([window.file.add_note(NOTE)])
    qtbot.waitUntil(lambda: window.view.heights.settled)
    view = window.view
    row = window.model.rowCount() - 1
    entry = view.model().entry_at(row)
    lines = view.delegate().text_lines(entry, view.columnWidth(COL_ENTRY), view.font())
    assert " ".join(lines) == "pay\u27e8U+200B\u27e9ment \u27e8U+2066\u27e9failed\u27e8U+2069\u27e9"
    assert entry.text == NOTE

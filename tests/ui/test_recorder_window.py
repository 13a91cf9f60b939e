"""The recorder window: title, entries from other programs, UTC toggle, following the tail."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile


def test_window_title_contains_the_incident_title(make_window) -> None:
    window = make_window(title="Checkout outage")
    assert "Checkout outage" in window.windowTitle()
    assert window.header.title.text() == "Checkout outage"


def test_entries_added_by_another_program_appear_within_a_second(make_window, qtbot, clock) -> None:
    window = make_window()
    with IncidentFile.open(window.file.path, clock=clock) as other:
        other.add_note("From the shell", EntryKind.ACTION, source="cli")
        other.add_note("Backdated", EntryKind.CAUSE, clock.now - timedelta(minutes=5), source="cli")
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=1000)
    assert [window.model.entry_at(r).text for r in range(2)] == ["Backdated", "From the shell"]


def test_revisions_from_another_program_update_the_row(make_window, qtbot, clock) -> None:
    window = make_window()
    entry = window.file.add_note("typo hre")
    window.model.add([entry])
    with IncidentFile.open(window.file.path, clock=clock) as other:
        other.revise(entry.id, text="typo here")
    qtbot.waitUntil(lambda: window.model.entry_at(0).text == "typo here", timeout=1000)
    assert window.model.rowCount() == 1


def test_utc_toggle_changes_timeline_and_stamp(make_window, qtbot) -> None:
    window = make_window()
    qtbot.keyClicks(window.note_bar.edit, "x")
    window.actions_by_id["toggle_utc"].trigger()
    assert window.model.utc
    assert window.note_bar.stamp.text().endswith("UTC")


def test_the_time_key_cycles_local_utc_and_t_plus_from_impact_start(
    make_window, qtbot, clock
) -> None:
    from incident_recorder.domain.milestones import Milestone
    from incident_recorder.ui.timeline.timeline_model import COL_OFFSET, COL_TIME

    window = make_window()
    window.model.add([window.file.add_note("first")])
    clock.advance(60)
    window.record_milestone(Milestone.IMPACT_STARTED)
    clock.advance(125)
    window.model.add([window.file.add_note("later")])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    local = window.model.index(2, COL_TIME).data()
    seen = []
    for _ in range(3):
        qtbot.keyClick(
            window.note_bar.edit,
            Qt.Key.Key_U,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        seen.append(window.model.time_display)
        if window.model.time_display == "offset":
            # T+ counts from impact started (as the report does), not from the first entry
            assert window.model.index(2, COL_TIME).data() == "T+00:02:05"
            assert window.model.index(0, COL_TIME).data() == "T\u221200:01:00"
            assert window.model.index(2, COL_OFFSET).data() == local, "the clock beside it"
            header = window.model.headerData(COL_TIME, Qt.Orientation.Horizontal)
            assert header == "Time (T+)"
            chip = window.header.chips[Milestone.IMPACT_STARTED]
            assert "T+00:00:00" in chip.accessibleName() + chip.toolTip() + _texts(chip)
            assert not window.note_bar.stamp.text().endswith("UTC")
            assert "T+" in window.statusBar().currentMessage()
    assert seen == ["utc", "offset", "local"]
    assert window.model.index(2, COL_TIME).data() == local


def _texts(widget) -> str:
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in widget.findChildren(QLabel))


def test_timeline_follows_the_newest_entry_unless_scrolled_up(make_window, qtbot, clock) -> None:
    window = make_window()
    for number in range(200):
        clock.advance(1)
        window.model.add([window.file.add_note(f"note {number}")])
    bar = window.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bar.setValue(0)
    assert not window.view.following
    clock.advance(1)
    window.model.add([window.file.add_note("while scrolled up")])
    qtbot.wait(50)
    assert bar.value() == 0
    window.actions_by_id["jump_latest"].trigger()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
    assert window.view.following
    clock.advance(1)
    window.model.add([window.file.add_note("followed")])
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())


def test_page_keys_in_the_note_field_scroll_the_timeline(make_window, qtbot, clock) -> None:
    window = make_window()
    for number in range(100):
        clock.advance(1)
        window.model.add([window.file.add_note(f"note {number}")])
    bar = window.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_PageUp)
    assert bar.value() < bar.maximum()
    assert window.note_bar.edit.hasFocus()


def test_export_from_the_window_runs_in_the_background(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    window.model.add([window.file.add_note("something happened", EntryKind.DETECTION)])
    out = tmp_path / "report"
    job = window.export("markdown", out)
    with qtbot.waitSignal(job.signals.finished, timeout=60_000) as finished:
        pass
    assert finished.args[0].endswith("report.md")
    assert "something happened" in (out / "report.md").read_text(encoding="utf-8")


def test_reopened_incident_sizes_capture_and_multiline_rows(make_window, qtbot, clock) -> None:
    from io import BytesIO

    from PIL import Image

    from incident_recorder.domain import NewCapture

    buffer = BytesIO()
    Image.new("RGB", (64, 36), "navy").save(buffer, "PNG")
    png = buffer.getvalue()
    capture = NewCapture(png, png, 64, 36, "0" * 64, 1)
    window = make_window()
    path = window.file.path
    window.file.add_note("one line")
    clock.advance(1)
    window.file.add_note("first line\nsecond line\nthird line")
    clock.advance(1)
    window.file.add_capture(capture, clock.now)
    window.close()

    reopened = make_window(path)
    header = reopened.view.verticalHeader()
    single = header.sectionSize(0)
    assert header.sectionSize(1) >= single + 2 * reopened.view.line_height()
    assert header.sectionSize(2) >= 90

"""Star, PUBLIC and milestone markers on the timeline; the quick toggles; public notes (Ctrl+P)."""

from __future__ import annotations

from datetime import UTC

from curation_helpers import CTRL, CTRL_SHIFT, click_row, press
from PySide6.QtCore import Qt

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.timeline.timeline_model import COL_ENTRY, TimelineModel


def test_markers_are_in_the_cell_text_and_the_tooltip(clock) -> None:
    model = TimelineModel(local_zone=UTC)
    now = clock()
    model.add([Entry(1, EntryKind.DETECTION, "alert", now, now, starred=True, public=True)])
    changed: list[object] = []
    model.dataChanged.connect(lambda *args: changed.append(args))
    model.set_milestones({1: Milestone.DETECTED})
    assert changed, "a new milestone marker repaints"
    assert model.cell_text(0, COL_ENTRY) == "⚑ Detected · ★ · public · alert"
    assert "marks: Detected · starred · public" in model.data(model.index(0, COL_ENTRY), 3)
    changed.clear()
    model.set_milestones({1: Milestone.DETECTED})
    assert changed == []  # unchanged: nothing repainted


def test_star_public_toggles_are_one_revision_each(make_window, qtbot) -> None:
    window = make_window()
    window.model.add([window.file.add_note("p99 latency 9.8 s")])
    click_row(qtbot, window, 0)
    press(qtbot, window, Qt.Key.Key_S, CTRL_SHIFT)
    assert window.file.entry(1).starred and window.file.entry(1).revision == 2
    assert window.model.entry_at(0).starred
    assert window.curation.view.selected_entry().id == 1  # still selected for the next key
    press(qtbot, window, Qt.Key.Key_P, CTRL_SHIFT)
    press(qtbot, window, Qt.Key.Key_S, CTRL_SHIFT)
    history = window.file.history(1)
    assert [(e.starred, e.public) for e in history] == [
        (False, False),
        (True, False),
        (True, True),
        (False, True),
    ]
    assert window.statusBar().currentMessage() == "Star removed (revision 4)"
    window.view.grab()  # the delegate paints the markers without error


def test_ctrl_p_saves_the_note_public_and_resets(make_window, qtbot) -> None:
    window = make_window()
    bar = window.note_bar
    press(qtbot, window, Qt.Key.Key_P, CTRL)
    assert bar.public and bar.public_badge.isVisible()
    qtbot.keyClicks(bar.edit, "Status page updated")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert window.file.entry(1).public
    assert not bar.public and not bar.public_badge.isVisible()
    qtbot.keyClicks(bar.edit, "internal note")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert not window.file.entry(2).public


def test_milestones_set_elsewhere_or_here_show_on_their_entries(make_window, qtbot, clock) -> None:
    window = make_window()
    with IncidentFile.open(window.file.path, clock=clock) as other:
        other.record_milestone(Milestone.IMPACT_STARTED, text="errors climbing")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    qtbot.waitUntil(lambda: window.model.milestone_of(1) is Milestone.IMPACT_STARTED)
    clock.advance(30)
    entry = window.file.record_milestone(Milestone.DETECTED)  # this window's own connection
    window.model.add([entry])
    qtbot.waitUntil(lambda: window.model.milestone_of(entry.id) is Milestone.DETECTED)
    window.file.set_milestone(Milestone.DETECTED, None)  # cleared by mistake-fixing
    window.curation.refresh_markers()
    assert window.model.milestone_of(entry.id) is None
    assert window.model.milestone_of(1) is Milestone.IMPACT_STARTED

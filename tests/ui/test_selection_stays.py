"""The timeline's selection stays on the entry the user selected, whatever changes the model.

A caption saved in the capture viewer used to move the selection to the next row (the revised
row is taken out and put back), so the next Ctrl+Shift+P marked the wrong entry public. Every
kind of change is tried here: a revision, a caption, a star, another row hidden, revised or
backdated, an entry appended here or by another program.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from incident_recorder.domain import EntryKind
from incident_recorder.domain.entry import NewCapture
from incident_recorder.storage import IncidentFile

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _png(size=(64, 48)) -> NewCapture:
    out = BytesIO()
    Image.new("RGB", size, (90, 90, 90)).save(out, format="PNG")
    return NewCapture(out.getvalue(), out.getvalue(), size[0], size[1], "0" * 64)


def click_row(qtbot, view, entry_id: int) -> None:
    """Select a row as the user does: a click on it."""
    row = view.model().row_of(entry_id)
    view.scrollTo(view.model().index(row, 3))
    rect = view.visualRect(view.model().index(row, 3))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.selected_entry().id == entry_id


def public_ids(path) -> set[int]:
    with IncidentFile.open(path, readonly=True) as other:
        return {e.id for e in other.entries() if e.public}


@pytest.fixture
def three(make_window, clock):
    """A window with a note, a capture and a later note; the capture in the middle."""
    window = make_window()
    first = window.session.add_note("checkout-api 502s", EntryKind.IMPACT)
    clock.advance(5)
    capture = window.file.add_capture(_png(), text="")
    window.model.add([capture])
    clock.advance(5)
    last = window.session.add_note("rolled back deploy 4812", EntryKind.ACTION)
    clock.advance(5)
    return window, first, capture, last


def test_a_caption_saved_in_the_viewer_keeps_the_capture_selected(three, qtbot) -> None:
    window, _, capture, last = three
    click_row(qtbot, window.view, capture.id)
    viewer = window.open_capture(capture)
    qtbot.waitUntil(viewer.isVisible)
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)
    viewer.caption_edit.setFocus()
    qtbot.keyClicks(viewer.caption_edit, "Grafana: error rate 40%")
    qtbot.keyClick(viewer.caption_edit, Qt.Key.Key_Return)
    assert window.file.history(capture.id)[-1].text == "Grafana: error rate 40%"
    viewer.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.view.selected_entry().id == capture.id
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_P, CTRL_SHIFT)
    assert public_ids(window.file.path) == {capture.id}, "the captioned capture, not the next"


def _revise_selected(window, selected, others, clock):
    window.session.revise(selected.id, text="checkout-api 502s for 30% of requests")


def _star_selected(window, selected, others, clock):
    window.curation.toggle("starred")


def _revise_the_one_above(window, selected, others, clock):
    window.session.revise(others[0].id, text="first: checkout-api 502s (revised)")


def _revise_the_one_below(window, selected, others, clock):
    window.session.revise(others[1].id, occurred_at=selected.occurred_at - timedelta(seconds=1))


def _hide_the_one_above(window, selected, others, clock):
    window.session.revise(others[0].id, hidden=True)


def _backdate_a_new_one(window, selected, others, clock):
    window.session.add_note("noticed earlier", EntryKind.OBSERVATION, selected.occurred_at)


def _append_a_note_typed_here(window, selected, others, clock):
    window.note_bar.edit.setFocus()
    from pytestqt.qtbot import QtBot

    QtBot.keyClicks(window.note_bar.edit, "payments recovered")
    QtBot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)


def _append_from_another_program(window, selected, others, clock):
    with IncidentFile.open(window.file.path, clock=clock) as other:
        other.add_note("from the shell: status page updated", EntryKind.COMMUNICATION)
    window.live.poll()


CHANGES = [
    _revise_selected,
    _star_selected,
    _revise_the_one_above,
    _revise_the_one_below,
    _hide_the_one_above,
    _backdate_a_new_one,
    _append_a_note_typed_here,
    _append_from_another_program,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("filtered", [False, True], ids=["whole", "filtered"])
def test_the_selection_never_moves_under_the_user(
    make_window, clock, qtbot, change, filtered
) -> None:
    window = make_window()
    notes = []
    for text in ("alpha: checkout-api 502s", "beta: error budget burning", "gamma: paged DBA"):
        notes.append(window.session.add_note(text, EntryKind.OBSERVATION))
        clock.advance(10)
    first, middle, last = notes
    if filtered:  # the filtered view follows the model row by row: the same promise
        window.curation.bar.open_bar()
        qtbot.keyClicks(window.curation.bar.search, "a")
        qtbot.waitUntil(lambda: window.curation.filtering and not window.curation.busy)
    view = window.curation.view
    click_row(qtbot, view, middle.id)
    change(window, middle, [first, last], clock)
    qtbot.wait(50)
    assert view.selected_entry() is not None, "the selection was dropped"
    assert view.selected_entry().id == middle.id
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    was_public = middle.id in public_ids(window.file.path)
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_P, CTRL_SHIFT)
    assert (middle.id in public_ids(window.file.path)) != was_public
    assert public_ids(window.file.path) <= {middle.id}


def test_hiding_the_selected_entry_selects_nothing_else(three, qtbot) -> None:
    window, first, capture, last = three
    click_row(qtbot, window.view, capture.id)
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Delete, CTRL_SHIFT)
    assert window.view.selected_entry() is None, "no other row is chosen for the user"
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_P, CTRL_SHIFT)
    assert public_ids(window.file.path) == set()

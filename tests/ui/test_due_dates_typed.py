"""An action item's due date typed in ISO form is kept exactly, or refused where it is seen."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from incident_recorder.domain.actions import ActionItem
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.report.action_items_model import DUE


@pytest.fixture
def items_table(make_window, qtbot):
    window = make_window()
    window.file.save_action_item(ActionItem("Alert on checkout error rate", owner="sam"))
    report_window = window.open_report()
    report_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.waitUntil(report_window.isActiveWindow)
    qtbot.waitUntil(lambda: report_window.record is not None)
    table = report_window.items_panel.table
    qtbot.waitUntil(lambda: report_window.items.rowCount() == 1)
    return window, report_window, table


def saved_due(path) -> date | None:
    with IncidentFile.open(path, readonly=True) as other:
        [item] = other.action_items()
        return item.due


def type_into_due(qtbot, table, text: str) -> None:
    """Select the Due cell and type, as a user does: the first key opens the editor."""
    index = table.model().index(0, DUE)
    table.setFocus()
    table.setCurrentIndex(index)
    qtbot.keyClicks(table, text[0])  # AnyKeyPressed: this key opens the editor and goes in
    qtbot.waitUntil(lambda: table.state() == table.State.EditingState)
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)


@pytest.mark.parametrize("typed", ["2026-12-21", "2027-01-15", "2026-02-28", "2030-10-01"])
def test_an_iso_date_typed_is_stored_exactly(items_table, qtbot, typed) -> None:
    window, _, table = items_table
    type_into_due(qtbot, table, typed)
    qtbot.waitUntil(lambda: saved_due(window.file.path) is not None)
    assert saved_due(window.file.path) == date.fromisoformat(typed)
    assert table.model().index(0, DUE).data() == typed


@pytest.mark.parametrize("typed", ["2026-02-30", "2026-13-01", "21/12/2026"])
def test_a_date_that_is_not_one_is_refused_visibly(items_table, qtbot, typed) -> None:
    window, report_window, table = items_table
    type_into_due(qtbot, table, typed)
    assert saved_due(window.file.path) is None  # nothing changed silently
    message = report_window.statusBar().currentMessage()
    assert typed in message and "YYYY-MM-DD" in message
    assert QApplication.activeModalWidget() is None, "said on the banner, not in a dialog"
    assert report_window.banner.isVisible() and typed in report_window.banner.text()


def test_a_date_typed_over_a_saved_one_replaces_it(items_table, qtbot) -> None:
    window, _, table = items_table
    type_into_due(qtbot, table, "2026-12-21")
    qtbot.waitUntil(lambda: saved_due(window.file.path) == date(2026, 12, 21))
    type_into_due(qtbot, table, "2027-01-15")
    qtbot.waitUntil(lambda: saved_due(window.file.path) == date(2027, 1, 15))


def test_the_calendar_puts_the_day_picked_into_the_field(items_table, qtbot) -> None:
    from PySide6.QtCore import QDate

    from incident_recorder.ui.report.action_items_view import DueDateEdit

    window, _, table = items_table
    index = table.model().index(0, DUE)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.indexWidget(index) or QApplication.focusWidget()
    assert isinstance(editor, DueDateEdit)
    calendar = editor.pick()
    calendar.clicked.emit(QDate(2026, 12, 24))
    assert editor.text() == "2026-12-24"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: saved_due(window.file.path) == date(2026, 12, 24))

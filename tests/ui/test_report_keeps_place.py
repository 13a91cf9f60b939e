"""The report window keeps the section being edited in place while the column changes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from incident_recorder.domain import EntryKind


@pytest.fixture
def report_window(make_window, qtbot):
    window = make_window()
    window.model.add([window.file.add_note("checkout-api 502s", EntryKind.IMPACT)])
    report = window.open_report()
    report.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    report.resize(1100, 700)
    qtbot.waitUntil(report.isActiveWindow)
    qtbot.waitUntil(lambda: report.record is not None)
    return report


def place(report, key: str) -> int:
    section = report.editors[key]
    return section.mapTo(report.column_scroll.viewport(), QPoint(0, 0)).y()


def edit_lower_section(report, qtbot) -> str:
    keys = list(report.editors)
    key = keys[-1]  # the last section: everything above it may change
    section = report.editors[key]
    report.column_scroll.ensureWidgetVisible(section.edit, 0, 200)
    section.edit.setFocus()
    qtbot.waitUntil(section.edit.hasFocus)
    qtbot.keyClicks(section.edit, "More alerts on the pool")
    qtbot.wait(50)
    return key


def test_a_draft_appearing_above_does_not_move_the_section_being_typed_in(
    report_window, qtbot
) -> None:
    key = edit_lower_section(report_window, qtbot)
    before = place(report_window, key)
    first = next(k for k in report_window.editors if k != key)
    report_window.editors[first].set_draft("\n".join(f"draft line {n}" for n in range(12)))
    qtbot.wait(100)
    assert report_window.editors[first].draft_panel.isVisible()
    assert place(report_window, key) == before, "the section moved under the cursor"
    qtbot.keyClicks(report_window.editors[key].edit, " and the queue")  # typing goes on here
    assert report_window.editors[key].text() == "More alerts on the pool and the queue"

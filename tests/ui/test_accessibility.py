"""Every control of the app's windows has a name a screen reader can say.

The name is what Qt's accessibility layer reports (``QAccessible.Text.Name``): the accessible
name, else a button's text or the label whose buddy the control is. The test walks every visible
widget of the recorder window, the start window, the settings and details dialogs and the report
window.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QKeySequenceEdit,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from incident_recorder.domain import EntryKind
from incident_recorder.recent import RecentList

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QKeySequenceEdit,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)
COMPOUND = (QAbstractSpinBox, QComboBox, QKeySequenceEdit, QTabBar, QAbstractItemView)
"""Controls whose inner parts (line edit, arrows, viewport) the control itself names."""


def spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface else ""


def unnamed(root: QWidget) -> list[str]:
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, CONTROLS) or isinstance(widget, QScrollBar):
            continue
        if not widget.isVisibleTo(root):
            continue
        parent = widget.parentWidget()
        inner = False
        while parent is not None and parent is not root:
            if isinstance(parent, COMPOUND):
                inner = True
                break
            parent = parent.parentWidget()
        if inner or widget.objectName().startswith("qt_"):
            continue
        if not spoken_name(widget):
            found.append(f"{type(widget).__name__} {widget.objectName()!r} in {root.windowTitle()}")
    return found


def test_recorder_window(make_window) -> None:
    window = make_window()
    window.model.add([window.file.add_note("checkout-api 502s", EntryKind.IMPACT)])
    window.actions_by_id["filter_timeline"].trigger()  # the filter bar shown too
    assert window.curation.bar.isVisible()
    assert unnamed(window) == []


def test_start_window(qapp, clock, tmp_path: Path) -> None:
    from incident_recorder.app import Application
    from incident_recorder.storage import IncidentFile

    path = tmp_path / "db.incident"
    IncidentFile.create(path, "DB failover").close()
    recent = RecentList(tmp_path / "recent.json")
    recent.add(path, "DB failover", "2026-11-27T10:00:00+00:00")
    app = Application(qapp, clock, recent)
    app.show_start()
    try:
        assert app.start.hint.isVisible()
        assert unnamed(app.start) == []
    finally:
        app.start.close()


def test_settings_dialog(make_window) -> None:
    window = make_window()
    dialog = window.open_settings()
    try:
        for index in range(dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(index)
            assert unnamed(dialog) == []
    finally:
        dialog.close()


def test_details_dialog(make_window) -> None:
    window = make_window()
    dialog = window.open_details()
    try:
        assert unnamed(dialog) == []
    finally:
        dialog.close()


def test_new_incident_dialog(qtbot, tmp_path: Path) -> None:
    from datetime import datetime

    from incident_recorder.ui.dialogs.new_incident_dialog import NewIncidentDialog

    dialog = NewIncidentDialog(tmp_path, datetime.now().astimezone())
    qtbot.addWidget(dialog)
    dialog.show()
    assert unnamed(dialog) == []


@pytest.mark.usefixtures("qapp")
def test_report_window(make_window, qtbot) -> None:
    window = make_window()
    window.model.add([window.file.add_note("checkout-api 502s", EntryKind.IMPACT)])
    report = window.open_report()
    report.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.waitUntil(lambda: report.record is not None, timeout=15_000)
    try:
        assert unnamed(report) == []
    finally:
        report.close()

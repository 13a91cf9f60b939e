"""Form labels with a mnemonic ("&File") are real buddies: never shown with a literal '&'
(QFormLayout gives no buddy to a row that is a layout), and Alt+letter focuses the field."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from incident_recorder.ui.dialogs.new_incident_dialog import NewIncidentDialog
from incident_recorder.ui.dialogs.settings_dialog import SettingsDialog
from incident_recorder.ui.dialogs.settings_store import default_store


def labels_without_buddy(dialog: QWidget) -> list[str]:
    """The text of every form row label that has a mnemonic but nothing for it to focus."""
    found = []
    for form in dialog.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if not isinstance(label, QLabel) or label.buddy() is not None:
                continue
            if "&" in label.text().replace("&&", ""):
                found.append(label.text())
    return found


def test_the_new_incident_dialog_file_label_focuses_the_path(qtbot, tmp_path: Path) -> None:
    dialog = NewIncidentDialog(tmp_path, datetime.now().astimezone())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert labels_without_buddy(dialog) == []
    form = dialog.findChild(QFormLayout)
    texts = [
        form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().text()
        for row in range(3)  # Title, Severity, File
    ]
    assert texts == ["&Title", "&Severity", "&File"], "each a label, shown underlined, no '&'"
    dialog.title_edit.setFocus()
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert dialog.path_edit.hasFocus(), "Alt+F goes to the file path"


def test_no_other_form_has_a_label_without_buddy(make_window, qtbot) -> None:
    window = make_window()
    details = window.open_details()
    try:
        assert labels_without_buddy(details) == []
    finally:
        details.close()
    settings = SettingsDialog(default_store(), window)
    qtbot.addWidget(settings)
    assert labels_without_buddy(settings) == []

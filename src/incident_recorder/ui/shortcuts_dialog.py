"""The keyboard cheat sheet (F1), generated from the one table of actions."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from incident_recorder.ui.actions import ACTIONS, NOTE_KEYS


def _key_text(shortcut: str) -> str:
    return QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)


def cheat_sheet_html() -> str:
    rows = [f"<tr><td><b>{_key_text(k)}</b></td><td>{what}</td></tr>" for k, what in NOTE_KEYS]
    rows += [
        f"<tr><td><b>{_key_text(spec.shortcut)}</b></td><td>{spec.text.replace('&', '')}"
        f"{' (report window)' if spec.window == 'report' else ''}</td></tr>"
        for spec in ACTIONS
    ]
    return (
        "<table cellspacing='0' cellpadding='4'>"
        "<tr><th align='left'>Key</th><th align='left'>Does</th></tr>" + "".join(rows) + "</table>"
    )


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        label = QLabel(cheat_sheet_html())
        label.setAccessibleName("Keyboard shortcuts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)

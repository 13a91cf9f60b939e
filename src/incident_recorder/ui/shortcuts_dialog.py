"""The keyboard cheat sheet (F1), generated from the one table of actions.

The keys listed are the ones in effect: the user's choices from Settings applied to the table's
defaults, so a changed key is never misreported.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from incident_recorder.ui.actions import ACTIONS, NOTE_KEYS


def _key_text(shortcut: str) -> str:
    return QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)


def cheat_sheet_html(keys: Mapping[str, str] | None = None) -> str:
    """The cheat sheet's table; ``keys`` (action id → key, e.g. ``shortcuts_of(settings)``)
    overrides the table's defaults."""
    chosen = keys or {}
    rows = [f"<tr><td><b>{_key_text(k)}</b></td><td>{what}</td></tr>" for k, what in NOTE_KEYS]
    rows += [
        f"<tr><td><b>{_key_text(chosen.get(spec.id, spec.shortcut)) or '(no key)'}</b></td>"
        f"<td>{spec.text.replace('&', '')}"
        f"{' (report window)' if spec.window == 'report' else ''}</td></tr>"
        for spec in ACTIONS
    ]
    return (
        "<table cellspacing='0' cellpadding='4'>"
        "<tr><th align='left'>Key</th><th align='left'>Does</th></tr>" + "".join(rows) + "</table>"
    )


class ShortcutsDialog(QDialog):
    def __init__(
        self, keys: Mapping[str, str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.label = label = QLabel(cheat_sheet_html(keys))
        label.setAccessibleName("Keyboard shortcuts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)

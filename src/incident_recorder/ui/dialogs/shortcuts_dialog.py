"""The keyboard cheat sheet (F1), generated from the one table of actions.

The keys listed are the ones in effect: the user's choices from Settings applied to the table's
defaults, so a changed key is never misreported.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.ui.common.actions import ACTIONS, NOTE_KEYS


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
    """The cheat sheet in a scroll area; never taller than the screen it opens on, so the
    Close button is always on screen."""

    SCREEN_SHARE = 0.85
    """At most this share of the screen's available height (the title bar needs room too)."""

    def __init__(
        self, keys: Mapping[str, str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.label = label = QLabel(cheat_sheet_html(keys))
        label.setAccessibleName("Keyboard shortcuts")
        label.setContentsMargins(4, 4, 4, 4)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(label)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(buttons)
        self._fit(parent, layout)
        self.scroll_area.setFocus()  # arrows and Page Down scroll; Enter and Esc still close

    def _fit(self, parent: QWidget | None, layout: QVBoxLayout) -> None:
        """The whole table when it fits, else the available height with a scroll bar."""
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        scroll_bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        content = self.label.sizeHint()
        margins = layout.contentsMargins()
        chrome = margins.top() + margins.bottom() + layout.spacing()
        chrome += self.close_button.sizeHint().height() + 12
        height = min(content.height() + chrome, int(available.height() * self.SCREEN_SHARE))
        width = min(
            content.width() + scroll_bar + margins.left() + margins.right(),
            int(available.width() * self.SCREEN_SHARE),
        )
        self.setMaximumHeight(available.height())
        self.resize(width, height)

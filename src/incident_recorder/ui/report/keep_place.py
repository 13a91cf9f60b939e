"""Keeps the section being edited where it is on screen while the report column's layout moves.

The report column is a scroll area of sections whose heights change on their own: a draft panel
appears or goes when the record is read again (each time the window is activated), a section
grows as it is typed into. The sections below the change moved, and so did the one being edited
when the change was above it: the text the user was aiming at slid away under the pointer, and a
click or the next keys landed in another section. `KeepPlace` remembers where the section holding
the focus is in the viewport and, after any change of the column's layout, scrolls by however
much it moved, so that it stays put while everything else moves around it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QTimer
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from shiboken6 import isValid


class KeepPlace(QObject):
    """Watches `area`'s widget (the column) and keeps the focused section's place."""

    def __init__(self, area: QScrollArea) -> None:
        super().__init__(area)
        self._area = area
        self._anchor: tuple[QWidget, int] | None = None
        self._pending = False
        column = area.widget()
        assert column is not None
        column.installEventFilter(self)
        area.verticalScrollBar().valueChanged.connect(self._remember)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._remember)

    def _section(self) -> QWidget | None:
        """The child of the column that holds the focus (a section, the action items), or None."""
        column = self._area.widget()
        widget = QApplication.focusWidget()
        while widget is not None and widget.parentWidget() is not column:
            widget = widget.parentWidget()
        return widget

    def _y(self, widget: QWidget) -> int:
        return widget.mapTo(self._area.viewport(), QPoint(0, 0)).y()

    def _remember(self, *_: object) -> None:
        if self._pending or not isValid(self._area):
            return  # a layout change is being put right: the place before it is the one kept
        section = self._section()
        self._anchor = None if section is None else (section, self._y(section))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kinds = (QEvent.Type.LayoutRequest, QEvent.Type.Resize)
        if event.type() in kinds and self._anchor is not None and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._restore)  # once the layout has placed every section
        return False

    def _restore(self) -> None:
        self._pending = False
        if self._anchor is None or not isValid(self._area):
            return
        section, place = self._anchor
        if isValid(section) and section.isVisible():
            moved = self._y(section) - place
            if moved:
                bar = self._area.verticalScrollBar()
                bar.setValue(bar.value() + moved)
        self._remember()

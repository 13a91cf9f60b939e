"""The filter bar above the timeline (Ctrl+F): free text, kinds, starred only, public only, show
hidden, and how many entries match ("12 of 4,301 entries"; for a text, where it matched: "9 in
notes, 4 in capture text"). Esc in it closes it.

It only says what is asked (`changed(TimelineFilter)`, `closed()`); the curation controller runs
the filter off the UI thread and reports the count back with `show_count`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from incident_recorder.domain import EntryKind
from incident_recorder.ui.timeline.timeline_filter import TimelineFilter


class _SearchEdit(QLineEdit):
    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    changed = Signal(object)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            "#filterBar { background: palette(alternate-base);"
            " border-bottom: 1px solid palette(mid); }"
        )
        self.is_open = False
        self.search = _SearchEdit()
        self.search.setPlaceholderText("Filter the timeline: text in the entries…")
        self.search.setAccessibleName("Filter text")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._emit)
        self.search.escape.connect(self.close_bar)
        # A push button, not an InstantPopup tool button: Fusion leaves the push button room
        # for its menu arrow, and drew the tool button's arrow into the end of "All kinds".
        self.kinds = QPushButton("All kinds")
        self.kinds.setAccessibleName("Kinds shown")
        self.kinds.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        menu = QMenu(self.kinds)
        self.kind_actions: dict[EntryKind, QAction] = {}
        for kind in EntryKind:
            act = menu.addAction(kind.label)
            act.setCheckable(True)
            act.toggled.connect(self._emit)
            self.kind_actions[kind] = act
        self.kinds.setMenu(menu)
        self.starred = QCheckBox("★ Starred")
        self.public = QCheckBox("Public")
        self.hidden = QCheckBox("Show hidden")
        for box in (self.starred, self.public, self.hidden):
            box.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            box.toggled.connect(self._emit)
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.count.setAccessibleName("Matching entries")
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close the filter and show the whole timeline (Esc)")
        close.setAccessibleName("Close filter")
        close.setAutoRaise(True)
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.kinds)
        layout.addWidget(self.starred)
        layout.addWidget(self.public)
        layout.addWidget(self.hidden)
        layout.addWidget(self.count)
        layout.addWidget(close)
        self.hide()

    def current(self) -> TimelineFilter:
        if not self.is_open:
            return TimelineFilter(show_hidden=self.hidden.isChecked())
        kinds = frozenset(k for k, act in self.kind_actions.items() if act.isChecked())
        return TimelineFilter(
            text=self.search.text(),
            kinds=kinds,
            starred=self.starred.isChecked(),
            public=self.public.isChecked(),
            show_hidden=self.hidden.isChecked(),
        )

    def open_bar(self) -> None:
        self.is_open = True
        self.show()
        self.search.setFocus()
        self.search.selectAll()
        self._emit()

    def close_bar(self) -> None:
        """Clear the criteria (not "show hidden", a view setting) and hide the bar."""
        self.blockSignals(True)
        self.search.clear()
        for act in self.kind_actions.values():
            act.setChecked(False)
        self.starred.setChecked(False)
        self.public.setChecked(False)
        self.blockSignals(False)
        self.is_open = False
        self.hide()
        self.closed.emit()
        self._emit()

    def set_show_hidden(self, shown: bool) -> None:
        self.hidden.setChecked(shown)

    def show_count(self, shown: int, total: int, places: tuple[int, int] | None = None) -> None:
        """ "12 of 4,301 entries"; with `places` (matched in notes or captions, in capture
        text) and a match in capture text, ": 9 in notes, 4 in capture text" (an entry can
        match in both; without a capture's text matching, every match is in the notes)."""
        text = f"{shown:,} of {total:,} entr{'y' if total == 1 else 'ies'}"
        if places is not None and places[1]:
            text += f": {places[0]:,} in notes, {places[1]:,} in capture text"
        self.count.setText(text)

    def _emit(self, *_: object) -> None:
        chosen = [k.label for k, act in self.kind_actions.items() if act.isChecked()]
        if not chosen:
            self.kinds.setText("All kinds")
        else:
            self.kinds.setText(", ".join(chosen) if len(chosen) <= 2 else f"{len(chosen)} kinds")
        self.changed.emit(self.current())

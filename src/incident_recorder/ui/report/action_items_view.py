"""The action items table of the report editor: editors per column, add and remove, open links.

Due dates are typed as YYYY-MM-DD into a line edit, kept exactly as typed or refused with a
message (a section-by-section date editor turned a typed 2026-12-21 into 2026-12-12), with a
calendar button beside them; status and type get a combo box, the ticket a line edit that
takes only http(s) links. Insert (or the "Add item" button, or the window's Add Action Item
key) adds a row and starts editing its description; Delete on the description removes the item
(a hidden revision), elsewhere it clears the cell. Ctrl+click on a ticket link opens it if it
is an http(s) link (ui/common/links.py); any other is refused in the status bar, never opened.
Columns start wide enough for their editors (a whole "2026-11-27" in the date editor, the
longest status and type) and can be resized; a new row is scrolled into view, in the table and
in any scroll area holding it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain.actions import ActionStatus, ActionType
from incident_recorder.ui.common.links import open_web_link
from incident_recorder.ui.report.action_items_model import (
    DESCRIPTION,
    DUE,
    OWNER,
    STATUS,
    TICKET,
    TYPE,
    ActionItemsModel,
)

_Index = QModelIndex | QPersistentModelIndex

OWNER_CHARS = 16
"""The Owner column shows a name this long ('Priya Raghunathan') before it is cut."""
TICKET_CHARS = 20
"""The Ticket column shows this much of a link ('https://jira.example/OPS-1')."""


class DueDateEdit(QLineEdit):
    """A due date typed as YYYY-MM-DD, character for character; the button opens a calendar.

    What is typed is what is saved: the model refuses anything that is not a real ISO date
    with a message, never a silently different day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("YYYY-MM-DD")
        self.setAccessibleName("Due date (YYYY-MM-DD)")
        self.setToolTip("Type the date as YYYY-MM-DD, or pick it from the calendar")
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        self.calendar_action = self.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setToolTip("Pick the date from a calendar")
        self.calendar_action.triggered.connect(self.pick)
        self.calendar: QCalendarWidget | None = None

    def pick(self) -> QCalendarWidget:
        """The calendar under the field; a click on a day puts it into the field."""
        calendar = QCalendarWidget(self)  # a child: the cell's editor stays open meanwhile
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        shown = QDate.fromString(self.text().strip(), "yyyy-MM-dd")
        calendar.setSelectedDate(shown if shown.isValid() else QDate.currentDate())
        calendar.clicked.connect(self._picked)
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.show()
        self.calendar = calendar
        return calendar

    def _picked(self, day: QDate) -> None:
        self.setText(day.toString("yyyy-MM-dd"))
        if self.calendar is not None:
            self.calendar.close()
            self.calendar = None
        self.setFocus()


def _editor_width(editor: QWidget) -> int:
    """The width `editor` wants, plus the cell's margins."""
    width = editor.sizeHint().width() + 8
    editor.deleteLater()
    return width


def column_widths(table: QTableView) -> dict[int, int]:
    """Starting widths: the due date's editor shows the whole date, the combo boxes their
    longest choice, the owner and the ticket a readable length; never narrower than the header."""
    metrics = QFontMetrics(table.font())
    date = DueDateEdit()
    date_width = QFontMetrics(date.font()).horizontalAdvance("2026-11-27")
    widths = {
        OWNER: metrics.horizontalAdvance("x" * (OWNER_CHARS + 2)),
        # the text, the calendar button (as wide as the field is high), the margins; the
        # size hint, not height(): a widget never shown is 640×480
        DUE: date_width + date.sizeHint().height() + 24,
        TICKET: metrics.horizontalAdvance("x" * TICKET_CHARS),
    }
    for column, members in ((STATUS, list(ActionStatus)), (TYPE, list(ActionType))):
        combo = QComboBox()
        for member in members:
            combo.addItem(member.label)
        widths[column] = _editor_width(combo)
    header = table.horizontalHeader()
    return {column: max(width, header.sectionSizeHint(column)) for column, width in widths.items()}


class ItemDelegate(QStyledItemDelegate):
    """An ISO date field for due dates, combo boxes for status and type, text elsewhere."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        column = index.column()
        if column == DUE:
            return DueDateEdit(parent)
        if column in (STATUS, TYPE):
            combo = QComboBox(parent)
            for member in ActionStatus if column == STATUS else ActionType:
                combo.addItem(member.label, member.value)
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, DueDateEdit):
            editor.setText(value.toString("yyyy-MM-dd") if isinstance(value, QDate) else "")
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        value: Any
        if isinstance(editor, DueDateEdit):
            value = editor.text()  # exactly as typed: the model keeps it or refuses it
        elif isinstance(editor, QComboBox):
            value = editor.currentData()
        else:
            super().setModelData(editor, model, index)
            return
        model.setData(index, value, Qt.ItemDataRole.EditRole)


class ActionItemsTable(QTableView):
    """The table itself: Insert adds, Delete removes or clears, a click opens a ticket link."""

    def __init__(self, model: ActionItemsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionItems")
        self.setAccessibleName("Action items")
        self.setModel(model)
        self.items = model
        self.setItemDelegate(ItemDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(QFontMetrics(self.font()).horizontalAdvance("Action item"))
        for column, width in column_widths(self).items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.setMinimumHeight(150)
        self.clicked.connect(self._clicked)

    def add_item(self) -> None:
        """A new row, its description being edited."""
        row = self.items.add_item()
        index = self.items.index(row, DESCRIPTION)
        self.setFocus()
        self.setCurrentIndex(index)
        self.scrollTo(index)
        self.reveal(index)
        self.edit(index)

    def reveal(self, index: QModelIndex) -> None:
        """Scroll any scroll area holding the table so that the cell at `index` is on screen."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        content = parent.widget() if parent is not None else None
        if parent is None or content is None:
            return
        rect = self.visualRect(index)
        centre = self.viewport().mapTo(content, rect.center())
        parent.ensureVisible(centre.x(), centre.y(), rect.width() // 2, rect.height() + 24)

    def remove_current(self) -> bool:
        index = self.currentIndex()
        if not index.isValid():
            return False
        return self.items.hide_item(index.row())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if event.key() == Qt.Key.Key_Insert:
            self.add_item()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index.isValid():
            if index.column() == DESCRIPTION:
                self.remove_current()
            elif index.column() not in (STATUS, TYPE):
                self.items.setData(index, None, Qt.ItemDataRole.EditRole)
            return
        super().keyPressEvent(event)

    def _clicked(self, index: QModelIndex) -> None:
        modifiers = QApplication.keyboardModifiers()
        if index.column() == TICKET and modifiers & Qt.KeyboardModifier.ControlModifier:
            link = str(index.data(Qt.ItemDataRole.EditRole) or "")
            if link:  # http(s) only, however it got into the file (ui/common/links.py)
                open_web_link(link, self)


class ActionItemsPanel(QWidget):
    """The table with its Add and Remove buttons."""

    def __init__(self, model: ActionItemsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = ActionItemsTable(model)
        self.add_button = QPushButton("Add item")
        self.add_button.setToolTip("Add an action item (Insert in the table)")
        self.add_button.clicked.connect(self.table.add_item)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(
            "Remove the selected action item (kept in the file's history)"
        )
        self.remove_button.clicked.connect(self.table.remove_current)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

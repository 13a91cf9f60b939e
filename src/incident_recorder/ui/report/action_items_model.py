"""The action items of an incident as a table model; every edit is saved as a new revision.

Columns: description, owner, due date, status, type (mitigate / prevent), ticket link. The
model reads and writes through a store with `action_items()` and `save_action_item(item)` (the
incident file). A row added with `add_item()` stays in the table, unsaved, until it has a
description (the file refuses an item without one); `hide_item(row)` saves a hidden revision
and drops the row. A failed save leaves the row as it was and emits `save_failed`; a save
refused because another window saved the item first reloads the items.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from incident_recorder.domain.actions import ActionItem, ActionStatus, ActionType
from incident_recorder.domain.links import web_link
from incident_recorder.storage import IncidentFileError
from incident_recorder.ui.common.links import plain_tip
from incident_recorder.ui.common.style import adapt

_Index = QModelIndex | QPersistentModelIndex

DESCRIPTION, OWNER, DUE, STATUS, TYPE, TICKET = range(6)
HEADERS = ("Action item", "Owner", "Due", "Status", "Type", "Ticket")
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's ActionItem."""
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""How a due date is typed (anything else is refused, never read as some other day)."""


class ActionStore(Protocol):
    def action_items(self) -> list[ActionItem]: ...

    def save_action_item(self, item: ActionItem) -> ActionItem: ...


def ticket_problem(text: str) -> str | None:
    """Why `text` is not a ticket link (None: it is one, or it is empty)."""
    text = text.strip()
    if not text or web_link(text) is not None:
        return None
    return f"“{text}” is not a web link: a ticket link starts with http:// or https://"


def _ticket_tip(ticket: str) -> str:
    if web_link(ticket) is None:  # put there by hand or by another program: never opened
        return f"Not a web link, so Ctrl+click does not open it: {ticket}; F2 edits it"
    return f"Ctrl+click opens {ticket}; double-click or F2 edits it"


class ActionItemsModel(QAbstractTableModel):
    save_failed = Signal(str)
    """A one-line message: the edit was not saved (the row shows what is saved)."""
    saved = Signal(object)
    """The ActionItem just saved (a new revision)."""

    def __init__(self, store: ActionStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._items: list[ActionItem] = []
        self.reload()

    # -- reading -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the items as saved; unsaved new rows stay at the end."""
        pending = [item for item in self._items if item.id is None]
        try:
            saved = list(self._store.action_items())
        except IncidentFileError as error:
            self.save_failed.emit(f"the action items cannot be read: {error}")
            return
        self.beginResetModel()
        self._items = saved + pending
        self.endResetModel()

    def items(self) -> list[ActionItem]:
        """The saved items as the table shows them (unsaved new rows left out)."""
        return [item for item in self._items if item.id is not None]

    def item_at(self, row: int) -> ActionItem:
        return self._items[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TICKET and item.ticket:
                return plain_tip(_ticket_tip(item.ticket))
            if item.id is None:
                return "Not saved yet: an action item is saved once it has a description"
            return f"Action item {item.id}, revision {item.revision}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == TICKET and web_link(item.ticket) is not None:
                return QApplication.palette().color(QPalette.ColorRole.Link)
            if column in (OWNER, DUE) and not self._edit_value(item, column):
                return QColor(adapt("#b45309"))  # missing owner / due date: the review flags it too
        if role == Qt.ItemDataRole.FontRole and column == TICKET and web_link(item.ticket):
            font = QFont()
            font.setUnderline(True)
            return font
        return None

    @staticmethod
    def _display(item: ActionItem, column: int) -> str:
        if column == DESCRIPTION:
            return item.description or "(describe the action item)"
        if column == OWNER:
            return item.owner or "no owner"
        if column == DUE:
            return item.due.isoformat() if item.due else "no date"
        if column == STATUS:
            return item.status.label
        if column == TYPE:
            return item.type.label
        return item.ticket

    @staticmethod
    def _edit_value(item: ActionItem, column: int) -> Any:
        if column == DESCRIPTION:
            return item.description
        if column == OWNER:
            return item.owner
        if column == DUE:
            return QDate(item.due.year, item.due.month, item.due.day) if item.due else None
        if column == STATUS:
            return item.status.value
        if column == TYPE:
            return item.type.value
        return item.ticket

    # -- writing -----------------------------------------------------------------------------

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        item = self._items[index.row()]
        try:
            changed = self._changed(item, index.column(), value)
        except ValueError as error:
            self.save_failed.emit(str(error))
            return False
        if changed == item:
            return False
        return self._save(index.row(), changed)

    @staticmethod
    def _changed(item: ActionItem, column: int, value: Any) -> ActionItem:
        if column == DESCRIPTION:
            return dataclasses.replace(item, description=" ".join(str(value or "").split()))
        if column == OWNER:
            return dataclasses.replace(item, owner=" ".join(str(value or "").split()))
        if column == DUE:
            return dataclasses.replace(item, due=_as_date(value))
        if column == STATUS:
            return dataclasses.replace(item, status=ActionStatus(str(value)))
        if column == TYPE:
            return dataclasses.replace(item, type=ActionType(str(value)))
        problem = ticket_problem(str(value or ""))
        if problem:
            raise ValueError(problem)
        return dataclasses.replace(item, ticket=str(value or "").strip())

    def _save(self, row: int, item: ActionItem) -> bool:
        if item.id is None and not item.description:
            self._items[row] = item  # kept in the row until it has a description
            self._row_changed(row)
            return True
        try:
            saved = self._store.save_action_item(item)
        except ValueError as error:
            self.save_failed.emit(str(error))
            return False
        except IncidentFileError as error:
            stale = "changed elsewhere" in str(error)
            self.save_failed.emit(
                f"{error} — the table now shows the saved items" if stale else str(error)
            )
            if stale:
                self.reload()
            return False
        self._items[row] = saved
        self._row_changed(row)
        self.saved.emit(saved)
        return True

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def add_item(self, item_type: ActionType = ActionType.PREVENT) -> int:
        """A new, unsaved row (saved once it has a description); its row number."""
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(ActionItem(description="", type=item_type))
        self.endInsertRows()
        return row

    def hide_item(self, row: int) -> bool:
        """Remove the row: a hidden revision (the item stays in the file's history)."""
        item = self._items[row]
        if item.id is not None:
            try:
                saved = self._store.save_action_item(dataclasses.replace(item, hidden=True))
            except (ValueError, IncidentFileError) as error:
                self.save_failed.emit(f"the action item was not removed: {error}")
                if "changed elsewhere" in str(error):
                    self.reload()
                return False
            self.saved.emit(saved)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self.endRemoveRows()
        return True


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, QDate):
        return value.toPython() if value.isValid() else None  # type: ignore[return-value]
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:  # YYYY-MM-DD only: fromisoformat also reads 20261221 and 2026-W51-1
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"“{text}” is not a date: use YYYY-MM-DD, e.g. 2026-12-21") from None

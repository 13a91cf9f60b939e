"""Search and filter the timeline: what a filter asks, and the filtered timeline model.

`TimelineFilter` is the question (text, kinds, starred only, public only, show hidden);
`select` answers it over raw records in one pass (pure Python, no Qt: it runs on a worker
thread, so filtering 100,000 entries never stalls the window). `FilteredTimeline` is the model
the view shows while a filter is on: the matching records in time order, kept up to date from
the timeline model's `record_changed` without rescanning, and read through the same methods as
TimelineModel (entry_at, cell_text, row_of, records, …) so the view and delegate need not care.
The text also finds entries through the file's full-text search (`search_places`: notes,
captions and the text recognised in captures, words in any order), run on the worker thread
through a read-only connection of its own. The timeline stays in time order (a search is not
ranked here, `incident-recorder search` ranks): a `FilterResult` says instead how many of the
entries shown matched in their note or caption and how many in their capture's text, and a
capture opened from it highlights the words matched (ui/capture/text_layer.py).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QRunnable, Qt, Signal

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile, IncidentFileError, Record, record_key
from incident_recorder.ui.timeline.timeline_model import HEADERS, TimelineModel, _Index

_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


@dataclass(frozen=True)
class TimelineFilter:
    """Which entries to show. The default shows what the plain timeline shows."""

    text: str = ""
    kinds: frozenset[EntryKind] = field(default_factory=frozenset)
    starred: bool = False
    public: bool = False
    show_hidden: bool = False

    @property
    def is_plain(self) -> bool:
        """True when nothing is filtered out beyond the hidden entries (the plain timeline)."""
        return self == TimelineFilter()

    def accepts(self, record: Record) -> bool:
        return bool(select([record], self))


Places = Mapping[int, frozenset[str]]
"""Entry id → where a full-text search matched it: 'note', 'caption', 'capture text'."""
IN_TEXT = frozenset({"note", "caption"})
IN_CAPTURE = "capture text"


def search_places(path: Path, text: str) -> Places:
    """The entries of the file at `path` whose note, caption or capture text matches `text`
    (storage's full-text search), each with where; none when the file cannot be searched."""
    try:
        with IncidentFile.open(path, readonly=True) as handle:
            return handle.search_places(text)
    except IncidentFileError:
        return {}


@dataclass(frozen=True)
class FilterResult:
    """The entries a filter shows, in time order, and where the text matched them."""

    rows: list[Record]
    in_text: int = 0
    """Shown entries whose note or caption has the text (as typed, or by full-text search)."""
    in_captures: int = 0
    """Shown entries whose capture's recognised text matched."""


def result_of(records: Sequence[Record], wanted: TimelineFilter, places: Places) -> FilterResult:
    """`select`, with where the text matched each entry counted."""
    rows = select(records, wanted, places)
    needle = wanted.text.strip().lower()
    if not needle:
        return FilterResult(rows)
    in_text = in_captures = 0
    for record in rows:
        where = places.get(record.id, frozenset())
        in_text += bool(needle in record.text.lower() or where & IN_TEXT)
        in_captures += IN_CAPTURE in where
    return FilterResult(rows, in_text, in_captures)


def select(
    records: Sequence[Record], wanted: TimelineFilter, found: Collection[int] = frozenset()
) -> list[Record]:
    """The records `wanted` lets through, in the given order (case-insensitive text match, or
    among the ids `found` by full-text search)."""
    rows: Any = records
    if not wanted.show_hidden:
        rows = [r for r in rows if not r.hidden]
    if wanted.kinds:
        kinds = {str(kind) for kind in wanted.kinds}
        rows = [r for r in rows if r.kind in kinds]
    if wanted.starred:
        rows = [r for r in rows if r.starred]
    if wanted.public:
        rows = [r for r in rows if r.public]
    needle = wanted.text.strip().lower()
    if needle:
        rows = [r for r in rows if needle in r.text.lower() or r.id in found]
    return list(rows)


class _Signals(QObject):
    done = Signal(int, object)


class FilterJob(QRunnable):
    """Runs `select` on a snapshot of the records off the UI thread; `signals.done(generation,
    FilterResult)` comes back on the UI thread."""

    def __init__(
        self,
        generation: int,
        records: list[Record],
        wanted: TimelineFilter,
        search: Callable[[str], Places] | None = None,
    ) -> None:
        super().__init__()
        self.generation = generation
        self.records = records
        self.wanted = wanted
        self.search = search
        self.signals = _Signals()

    def run(self) -> None:
        text = self.wanted.text.strip()
        found = self.search(text) if self.search is not None and text else {}
        self.signals.done.emit(self.generation, result_of(self.records, self.wanted, found))


class FilteredTimeline(QAbstractTableModel):
    """The timeline's matching entries. `apply(filter, records)` shows a result;
    changes to the timeline model afterwards are followed row by row."""

    time_format_changed = Signal()

    def __init__(self, source: TimelineModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.filter = TimelineFilter()
        self._rows: list[Record] = []
        self._ids: dict[int, Record] = {}
        self.active = False
        source.record_changed.connect(self.record_changed)
        source.dataChanged.connect(self._source_data_changed)
        source.headerDataChanged.connect(self.headerDataChanged)
        source.time_format_changed.connect(self.time_format_changed)

    # -- the model interface -------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        return self.source.headerData(section, orientation, role)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.source.entry_data(self.entry_at(index.row()), index.column(), role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # -- what the view and delegate read -----------------------------------------------------

    @property
    def spans_days(self) -> bool:
        return self.source.spans_days

    def entry_at(self, row: int) -> Entry:
        return self.source.entry_for(self._rows[row])

    def cell_text(self, row: int, column: int) -> str:
        return self.source.entry_text(self.entry_at(row), column)

    def capture_caption(self, entry: Entry) -> str:
        return self.source.capture_caption(entry)

    def thumbnail(self, capture_id: int) -> Any:
        return self.source.thumbnail(capture_id)

    def milestone_of(self, entry_id: int) -> Milestone | None:
        return self.source.milestone_of(entry_id)

    def team_label(self, entry_id: int) -> str | None:
        return self.source.team_label(entry_id)

    def records(self) -> list[Record]:
        """The shown records in order (the list itself: read it, never change it)."""
        return self._rows

    def row_of(self, entry_id: int) -> int:
        record = self._ids.get(entry_id)
        if record is None:
            return -1
        return bisect_left(self._rows, record_key(record), key=record_key)

    def total(self) -> int:
        """How many entries the filter chooses from (the hidden ones too when shown)."""
        hidden = len(self.source.hidden_records()) if self.filter.show_hidden else 0
        return self.source.rowCount() + hidden

    # -- results and changes -----------------------------------------------------------------

    def snapshot(self, wanted: TimelineFilter) -> list[Record]:
        """The records to filter for `wanted`: the shown ones, merged with the hidden ones."""
        rows = self.source.records()
        if wanted.show_hidden and (hidden := self.source.hidden_records()):
            return sorted([*rows, *hidden], key=record_key)
        return list(rows)

    def apply(self, wanted: TimelineFilter, rows: list[Record]) -> None:
        self.beginResetModel()
        self.active = True
        self.filter = wanted
        self._rows = rows
        self._ids = {r.id: r for r in rows}
        self.endResetModel()

    def deactivate(self) -> None:
        """Not shown any more: drop the result and stop following the timeline."""
        self.beginResetModel()
        self.active = False
        self.filter = TimelineFilter()
        self._rows, self._ids = [], {}
        self.endResetModel()

    def record_changed(self, old: Record | None, new: Record | None) -> None:
        """Follow one change of the timeline model (see TimelineModel.record_changed)."""
        if not self.active:
            return
        if old is not None and old[0] in self._ids:
            row = self.row_of(old[0])
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            del self._ids[old[0]]
            self.endRemoveRows()
        if new is not None and self.filter.accepts(new):
            row = bisect_left(self._rows, record_key(new), key=record_key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, new)
            self._ids[new[0]] = new
            self.endInsertRows()

    def _source_data_changed(self, *_: object) -> None:
        if self._rows:
            last = self.index(len(self._rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

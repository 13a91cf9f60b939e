"""The timeline as a Qt table model: every visible entry in occurred-at order.

Rows are the storage layer's raw records, kept sorted by (occurred_at, id); an Entry is built
only for the rows a view asks about, and cached, so a 100,000-entry incident loads in a fraction
of a second. Appends at the end — the common case — are one `beginInsertRows`; a backdated entry
or a revision goes to its sorted place. Hidden entries are not shown. Thumbnails are loaded on
demand through a callable into a ThumbnailCache (ui/timeline/thumbnail_cache.py): bounded by bytes,
and
refusing any thumbnail that declares more pixels than a thumbnail has (`thumbnail_problem`).

Times show in one of three displays (``set_time_display``): local time, UTC, or T+. T+ counts
from impact start when it is recorded, else from the first entry shown — the report's rule
(report/context.py), so a T+ read in the window is the T+ the report prints. In the T+ display
the Time column leads with the offset and the column beside it gives the local clock time.

Hidden entries are kept aside (for the "show hidden entries" view, see timeline_filter), as is
which entries mark a milestone (`set_milestones`); every change to the records is announced by
`record_changed(old, new)` so a filtered view can follow it without rescanning.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPixmap

from incident_recorder.domain import Entry
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.text import visible
from incident_recorder.domain.times import elapsed, format_offset, whole_second
from incident_recorder.storage import Record, entry_from_record, record_from_entry, record_key
from incident_recorder.ui.timeline.entry_tooltip import capture_caption, entry_tooltip
from incident_recorder.ui.timeline.thumbnail_cache import ThumbnailCache

COL_TIME, COL_OFFSET, COL_KIND, COL_ENTRY = range(4)
HEADERS = ("Time", "T+", "Kind", "Entry")
TIME_DISPLAYS = ("local", "utc", "offset")
"""The same choices as settings.TIME_DISPLAYS; Ctrl+Shift+U moves to the next one."""
TIME_HEADERS = {"local": "Time (local)", "utc": "Time (UTC)", "offset": "Time (T+)"}

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
THUMBNAIL_ROLE = Qt.ItemDataRole.UserRole + 3
OCCURRED_AT_ROLE = Qt.ItemDataRole.UserRole + 4

ENTRY_CACHE_SIZE = 4096
TIMES_CACHE_SIZE = 8192
"""Time and offset texts remembered (TimelineModel.entry_text); emptied when full."""
_Index = QModelIndex | QPersistentModelIndex
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # built once: flags() is hot


@dataclass(frozen=True)
class Prepared:
    """Records ready for TimelineModel.reset: the indexes built, where a worker can build them."""

    rows: list[Record]
    by_id: dict[int, Record]
    captures: int
    hidden: dict[int, Record]


def prepare(records: Iterable[Record]) -> Prepared:
    """Index raw records for the model. Pure Python: safe to run on a worker thread."""
    records = list(records)
    hidden = {r.id: r for r in records if r.hidden}
    rows = [r for r in records if not r.hidden]
    captures = sum(1 for r in rows if r.capture_id is not None)
    return Prepared(rows, {r.id: r for r in rows}, captures, hidden)


BLOCK_INSERT = 20
"""New entries at once from which `add` inserts them in blocks rather than one by one."""


class TimelineModel(QAbstractTableModel):
    """Entries of one incident, sorted by when they happened."""

    time_format_changed = Signal()
    record_changed = Signal(object, object)
    """(old raw record or None, new raw record or None) after every insert, revision or hide;
    a hidden entry's record has `hidden` set."""

    def __init__(
        self,
        load_thumbnail: Callable[[int], bytes] | None = None,
        local_zone: tzinfo | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._rows: list[Record] = []
        self._by_id: dict[int, Record] = {}
        self._entries: OrderedDict[int, Entry] = OrderedDict()
        self.thumbnails = ThumbnailCache(load_thumbnail)
        self.redacted: set[int] = set()
        """Ids of captures whose annotations hold a redaction (marked in the tooltip)."""
        self._local_zone = local_zone
        self._display = "local"
        self._impact_start: datetime | None = None
        self._captures = 0
        self._spans_days = False
        self._hidden: dict[int, Record] = {}  # hidden entry id → its record, so a stale
        # revision arriving later (an earlier, visible one) cannot bring it back
        self._milestones: dict[int, Milestone] = {}
        self._team_labels: dict[int, str] = {}
        self._times: dict[tuple[object, ...], str] = {}  # entry_text of the Time columns

    # -- Qt model interface ------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == COL_TIME:
                return {"utc": "Time (UTC)", "offset": "Time (T+)"}.get(
                    self._display, "Time (local)"
                )
            if section == COL_OFFSET and self._display == "offset":
                return "Local"
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section in (COL_TIME, COL_OFFSET):
            since = "impact started" if self._impact_start else "the first entry"
            return f"T+ is the time since {since} (Ctrl+Shift+U: local time, UTC, T+)"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.entry_data(self.entry_at(index.row()), index.column(), role)

    def entry_data(self, entry: Entry, column: int, role: int) -> Any:
        """What `data` answers for `entry` in `column` (shared with the filtered view)."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self.entry_text(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry)
        if role == ENTRY_ROLE:
            return entry
        if role == KIND_ROLE:
            return entry.kind
        if role == OCCURRED_AT_ROLE:
            return entry.occurred_at
        if role == THUMBNAIL_ROLE and column == COL_ENTRY and entry.capture is not None:
            return self.thumbnail(entry.capture.id)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_TIME, COL_OFFSET):
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # -- presentation ------------------------------------------------------------------------

    def cell_text(self, row: int, column: int) -> str:
        """What a cell says (the delegate paints it; accessibility and copy read it)."""
        return self.entry_text(self.entry_at(row), column)

    def entry_text(self, entry: Entry, column: int) -> str:
        if column in (COL_TIME, COL_OFFSET):
            # Remembered: formatting costs ~35 µs a cell, and a catch-up repaints every row on
            # screen after each block. The key holds all the text depends on, so it never lies.
            origin = self.origin
            key = (
                whole_second(entry.occurred_at), column, self._display, self._spans_days,
                None if origin is None else whole_second(origin),
            )  # fmt: skip
            text = self._times.get(key)
            if text is None:
                if len(self._times) >= TIMES_CACHE_SIZE:
                    self._times.clear()
                text = self._times[key] = self._time_text(entry.occurred_at, column)
            return text
        if column == COL_KIND:
            return entry.kind.label
        if column == COL_ENTRY:
            text = entry.text if entry.text or not entry.capture else self.capture_caption(entry)
            text = visible(text)  # a U+202E from a file is shown, never obeyed
            marks = [f"⚑ {m.label}"] if (m := self._milestones.get(entry.id)) else []
            marks += ["★"] * entry.starred + ["public"] * entry.public + ["hidden"] * entry.hidden
            return " · ".join([*marks, text]) if marks else text
        return ""

    def _time_text(self, moment: datetime, column: int) -> str:
        if column == COL_TIME:
            return self.format_time(moment)
        if self._display == "offset":  # the T+ leads in the Time column: the clock here
            return self._clock_time(moment, self._local_zone)
        return self.format_offset(moment)

    @property
    def utc(self) -> bool:
        """True when times show in UTC (dialogs that take a time start in the same zone)."""
        return self._display == "utc"

    def set_utc(self, utc: bool) -> None:
        """Show times in UTC (True) or local time (False)."""
        self.set_time_display("utc" if utc else "local")

    @property
    def time_display(self) -> str:
        """One of TIME_DISPLAYS."""
        return self._display

    def set_time_display(self, display: str) -> None:
        """Show times in local time, UTC or T+ (one of TIME_DISPLAYS)."""
        if display not in TIME_DISPLAYS:
            raise ValueError(f"time display must be one of {', '.join(TIME_DISPLAYS)}")
        if display == self._display:
            return
        self._display = display
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, COL_TIME, COL_OFFSET)
        self._column_changed(COL_TIME)
        self._column_changed(COL_OFFSET)
        self._check_days()

    def next_time_display(self) -> str:
        """The display after this one: local → UTC → T+ → local."""
        return TIME_DISPLAYS[(TIME_DISPLAYS.index(self._display) + 1) % len(TIME_DISPLAYS)]

    @property
    def origin(self) -> datetime | None:
        """Where T+ counts from: impact start, else the first entry shown (None: neither)."""
        if self._impact_start is not None:
            return self._impact_start
        return self.entry_at(0).occurred_at if self._rows else None

    def set_impact_start(self, when: datetime | None) -> None:
        """The "impact started" milestone (None: not recorded); T+ counts from it."""
        if when == self._impact_start:
            return
        self._impact_start = when
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, COL_TIME, COL_OFFSET)
        self._offsets_changed()

    def format_offset(self, moment: datetime) -> str:
        """'T+00:04:22' from `origin` ('T−…' before it)."""
        origin = self.origin
        return format_offset(elapsed(origin if origin is not None else moment, moment))

    def _offsets_changed(self) -> None:
        self._column_changed(COL_TIME if self._display == "offset" else COL_OFFSET)

    @property
    def spans_days(self) -> bool:
        """True when the entries fall on more than one day (times then carry their date)."""
        return self._spans_days

    def format_time(self, moment: datetime) -> str:
        """A moment as the timeline shows it: local time, UTC or T+ (status messages too)."""
        if self._display == "offset":
            return self.format_offset(moment)
        return self._clock_time(moment, UTC if self._display == "utc" else self._local_zone)

    def _clock_time(self, moment: datetime, zone: tzinfo | None) -> str:
        shown = moment.astimezone(zone)
        if self._spans_days:
            return shown.strftime("%d %b %H:%M:%S")  # the month in the user's language
        return f"{shown.hour:02d}:{shown.minute:02d}:{shown.second:02d}"  # strftime: 4× slower

    def _check_days(self) -> None:
        """Keep `spans_days` right after rows come and go (first and last row decide)."""
        spans = False
        if len(self._rows) > 1:
            zone = UTC if self._display == "utc" else self._local_zone
            first = self.entry_at(0).occurred_at.astimezone(zone).date()
            last = self.entry_at(len(self._rows) - 1).occurred_at.astimezone(zone).date()
            spans = first != last
        if spans != self._spans_days:
            self._spans_days = spans
            self.time_format_changed.emit()
            self._column_changed(COL_TIME)
            self._column_changed(COL_OFFSET)

    capture_caption = staticmethod(capture_caption)

    def _tooltip(self, entry: Entry) -> str:
        capture = entry.capture
        return entry_tooltip(
            entry, self._local_zone, self._milestones.get(entry.id),
            redacted=capture is not None and capture.id in self.redacted,
            problem=None if capture is None else self.thumbnail_problem(capture.id),
        )  # fmt: skip

    def annotations_changed(self, capture_id: int, redacted: bool) -> None:
        """A capture's annotations were saved: redraw its thumbnail, update the marker."""
        if redacted:
            self.redacted.add(capture_id)
        else:
            self.redacted.discard(capture_id)
        self.thumbnails.forget(capture_id)
        if self._rows:
            last = self.index(len(self._rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def thumbnail(self, capture_id: int) -> QPixmap | None:
        """The capture's thumbnail; None if there is none to show (see thumbnail_problem)."""
        value = self.thumbnails.get(capture_id)
        return value if isinstance(value, QPixmap) else None

    def thumbnail_problem(self, capture_id: int) -> str | None:
        """Why the capture's thumbnail is not shown (too large, damaged), or None."""
        value = self.thumbnails.get(capture_id)
        return value if isinstance(value, str) else None

    # -- contents ----------------------------------------------------------------------------

    @property
    def capture_count(self) -> int:
        return self._captures

    def entry_at(self, row: int) -> Entry:
        return self.entry_for(self._rows[row])

    def entry_for(self, record: Record) -> Entry:
        """The Entry of a record this model holds (cached: painting asks again and again)."""
        entry = self._entries.get(record.id)
        if entry is None or entry.revision != record.revision:
            entry = entry_from_record(record)
            self._remember(entry)
        return entry

    def record_of(self, entry_id: int) -> Record | None:
        """The current record of an entry, shown or hidden (None if unknown)."""
        return self._by_id.get(entry_id) or self._hidden.get(entry_id)

    def entry_by_id(self, entry_id: int) -> Entry | None:
        record = self.record_of(entry_id)
        return None if record is None else self.entry_for(record)

    def records(self) -> list[Record]:
        """The shown records in order (the list itself: read it, never change it)."""
        return self._rows

    def hidden_records(self) -> list[Record]:
        return sorted(self._hidden.values(), key=record_key)

    # -- milestones ----------------------------------------------------------------------------

    def milestone_of(self, entry_id: int) -> Milestone | None:
        return self._milestones.get(entry_id)

    def team_label(self, entry_id: int) -> str | None:
        """A shared incident's word beside an entry: a teammate's name, or that it is not sent
        yet (ui/recorder/team_sync.py sets them); None for everything else."""
        return self._team_labels.get(entry_id)

    def set_team_labels(self, labels: dict[int, str]) -> None:
        if labels != self._team_labels:
            self._team_labels = dict(labels)
            self._column_changed(COL_ENTRY)

    def set_milestones(self, marks: dict[int, Milestone]) -> None:
        """Which entries mark a milestone (IncidentFile.milestone_entries); repaints on change."""
        if marks == self._milestones:
            return
        self._milestones = dict(marks)
        self._column_changed(COL_ENTRY)

    def _remember(self, entry: Entry) -> None:
        self._entries[entry.id] = entry
        if len(self._entries) > ENTRY_CACHE_SIZE:
            self._entries.popitem(last=False)

    def row_of(self, entry_id: int) -> int:
        """The row showing entry `entry_id`, or -1."""
        record = self._by_id.get(entry_id)
        if record is None:
            return -1
        return bisect_left(self._rows, record_key(record), key=record_key)

    def reset(self, records: Iterable[Record] | Prepared) -> None:
        """Replace everything with raw records in occurred-at order, as IncidentFile.records
        gives them (when a file is opened), or with what `prepare` made of them off the UI
        thread."""
        prepared = records if isinstance(records, Prepared) else prepare(records)
        self.beginResetModel()
        self._rows = prepared.rows
        self._by_id = prepared.by_id
        self._entries.clear()
        self._captures = prepared.captures
        self._hidden = dict(prepared.hidden)
        self.thumbnails.clear()
        self.endResetModel()
        self._check_days()

    def add(self, entries: Iterable[Entry]) -> None:
        """Insert new entries and apply revisions of known ones, keeping the order.

        Many new entries at once (a teammate's catch-up, an import by another program) go in
        as a few blocks of rows, one insertion per place they land, not one per entry: the
        view, its row heights and the header then follow once per block."""
        ordered = sorted(entries, key=lambda e: (e.occurred_at, e.id))
        fresh = [
            e
            for e in ordered
            if not e.hidden and e.id not in self._by_id and e.id not in self._hidden
        ]
        if len(fresh) >= BLOCK_INSERT:
            self._insert_blocks(fresh)
            fresh_ids = {e.id for e in fresh}
            ordered = [e for e in ordered if e.id not in fresh_ids]
        for entry in ordered:
            hidden = self._hidden.get(entry.id)
            if hidden is not None and hidden[5] >= entry.revision:
                continue
            known = self._by_id.get(entry.id)
            if known is not None:
                if known[5] >= entry.revision:
                    continue
                self._remove_row(self.row_of(entry.id))
            old = known or self._hidden.pop(entry.id, None)
            if entry.hidden:
                record = record_from_entry(entry)
                self._hidden[entry.id] = record
                self._entries.pop(entry.id, None)
            else:
                record = self._insert(entry)
            self.record_changed.emit(old, record)

    def _insert_blocks(self, entries: list[Entry]) -> None:
        """Insert new, visible entries (in key order) as one block per place they land."""
        records = [record_from_entry(entry) for entry in entries]
        blocks: list[tuple[int, list[Record]]] = []
        for record in records:  # where each lands among the rows as they are now
            at = bisect_left(self._rows, record_key(record), key=record_key)
            if blocks and blocks[-1][0] == at:
                blocks[-1][1].append(record)
            else:
                blocks.append((at, [record]))
        first_before = self._rows[0] if self._rows else None
        inserted = 0
        for at, block in blocks:
            row = at + inserted
            self.beginInsertRows(QModelIndex(), row, row + len(block) - 1)
            self._rows[row:row] = block
            for record in block:
                self._by_id[record.id] = record
            self._captures += sum(record.capture_id is not None for record in block)
            self.endInsertRows()
            inserted += len(block)
        for entry, record in zip(entries, records, strict=True):
            self._remember(entry)
            self.record_changed.emit(None, record)
        moved = first_before is not None and self._rows[0] is not first_before
        if moved and self._impact_start is None:  # T+ counts from the first entry
            self._offsets_changed()
        self._check_days()

    def _insert(self, entry: Entry) -> Record:
        record = record_from_entry(entry)
        row = bisect_left(self._rows, record_key(record), key=record_key)
        first_changes = row == 0 and bool(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, record)
        self._by_id[entry.id] = record
        self._remember(entry)
        self._captures += entry.capture is not None
        self.endInsertRows()
        if first_changes and self._impact_start is None:
            self._offsets_changed()
        if row in (0, len(self._rows) - 1):
            self._check_days()
        return record

    def _remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        record = self._rows.pop(row)
        del self._by_id[record.id]
        self._entries.pop(record.id, None)
        self._captures -= record.capture_id is not None
        self.endRemoveRows()
        if row == 0 and self._rows and self._impact_start is None:
            self._offsets_changed()
        self._check_days()

    def _column_changed(self, column: int) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

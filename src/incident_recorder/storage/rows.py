"""The rows of the timeline: the SELECTs of a file's version, and raw rows turned into entries.

A window reads 100,000 entries as raw rows (tuples straight from SQLite, ordered as `_Queries`
selects them) and converts only the ones it shows; exports read Entry objects. The positions of
a raw row are named here once (Record), `entry_from_record` and `record_from_entry` convert
both ways, and `_entry` checks the values of a row another program may have written
(value_check.py).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from incident_recorder.domain import CaptureInfo, Entry, EntryKind
from incident_recorder.domain.times import from_iso, to_iso
from incident_recorder.storage import value_check
from incident_recorder.storage.errors import CorruptFileError
from incident_recorder.storage.origins import CURRENT_REVISION
from incident_recorder.storage.schema import CAPTURES_META, TEAM_VERSION

# Columns a version 3 file has and an older one (opened read-only, so not migrated) lacks; such a
# file reads as if every entry were internal, not starred, without author or entered offset.
_V3_ENTRY = "e.public, e.starred, e.author, e.occurred_offset"
_V3_TIMELINE = "t.public, t.starred, t.author, t.occurred_offset"
_V3_REVISION = "r.public, r.starred, r.occurred_offset"
_OLD_ENTRY = _OLD_TIMELINE = "0, 0, NULL, NULL"
_OLD_REVISION = "0, 0, NULL"


@dataclass(frozen=True, slots=True)
class _Queries:
    """The SELECTs of one file, written for its schema version.

    From version 5 every read of a capture's details goes through the covering index
    `captures_meta` (INDEXED BY: SQLite's planner would look a capture up by its rowid, and
    reading the columns stored after its PNG walks the PNG's overflow pages, a megabyte per
    capture). An older file opened read-only is not migrated and has no such index: its
    queries read the table, as before (and so do a version 5 file's, should a tool have
    dropped the index: slower, never an error).
    """

    entries: str
    originals: str
    newest_originals: str
    latest_revisions: str
    history: str
    revision_times: str
    capture_size: str
    last_capture_of_monitor: str

    @classmethod
    def for_version(cls, version: int, *, captures_meta: bool | None = None) -> _Queries:
        """The queries for a file at `version`; `captures_meta`: whether it has that index
        (by default, as its version says)."""
        v3 = version >= 3
        team = version >= TEAM_VERSION  # the current revision by (revised_at, recorder)
        if captures_meta is None:
            captures_meta = version >= 5
        timeline = _V3_TIMELINE if v3 else _OLD_TIMELINE
        entry = _V3_ENTRY if v3 else _OLD_ENTRY
        revision = _V3_REVISION if v3 else _OLD_REVISION
        indexed = f" INDEXED BY {CAPTURES_META}" if captures_meta else ""
        captures = f"captures{indexed}"
        originals = f"""
SELECT e.id, e.kind, e.text, e.occurred_at, e.recorded_at, 1, 0, e.source,
       e.capture_id, c.width, c.height, c.sha256, c.monitor, c.window_title, {entry}
FROM entries AS e LEFT JOIN captures AS c{indexed} ON c.id = e.capture_id
"""
        return cls(
            entries=f"""
SELECT t.id, t.kind, t.text, t.occurred_at, t.recorded_at, t.revision, t.hidden, t.source,
       t.capture_id, c.width, c.height, c.sha256, c.monitor, c.window_title, {timeline}
FROM timeline AS t LEFT JOIN captures AS c{indexed} ON c.id = t.capture_id
""",
            # entries() reads the originals in index order and the few latest revisions
            # separately, then merges them in Python: twice as fast on 100,000 entries as
            # sorting the `timeline` view, whose ORDER BY on a coalesce() cannot use the index.
            originals=originals + "ORDER BY e.occurred_at, e.id",
            # The newest N, read backwards along the index, then put back in time order.
            newest_originals=(
                f"SELECT * FROM ({originals} ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?) "
                "ORDER BY 4, 1"
            ),
            latest_revisions=_TEAM_LATEST.format(revision=revision)
            if team
            else f"""
SELECT r.entry_id, r.kind, r.text, r.occurred_at, r.revision, r.hidden, {revision}
FROM revisions AS r
WHERE r.revision = (SELECT max(revision) FROM revisions WHERE entry_id = r.entry_id)
""",
            history=_TEAM_HISTORY.format(revision=revision)
            if team
            else f"""
SELECT r.entry_id, r.kind, r.text, r.occurred_at, r.revision, r.hidden, {revision}
FROM revisions AS r WHERE r.entry_id = ? ORDER BY r.revision
""",
            revision_times=(
                "SELECT r.revised_at FROM revisions AS r JOIN origins AS o "
                "ON o.tbl = 'revisions' AND o.row_id = r.id WHERE r.entry_id = ? "
                "ORDER BY r.revised_at, o.recorder, r.id"
                if team
                else "SELECT revised_at FROM revisions WHERE entry_id = ? ORDER BY revision"
            ),
            capture_size=f"SELECT width, height FROM {captures} WHERE id = ?",
            last_capture_of_monitor=(
                f"SELECT id, sha256, captured_at, window_title FROM {captures} "
                "WHERE monitor = ? ORDER BY id DESC LIMIT 1"
            ),
        )


# From the team step on (storage/origins.py) the current revision is the latest by (revised_at,
# recorder, id), the same in every replica, and an entry's revision number is how many versions
# it has; the history is numbered in that order too.
_TEAM_LATEST = (
    """
SELECT r.entry_id, r.kind, r.text, r.occurred_at,
       (SELECT max(revision) FROM revisions WHERE entry_id = r.entry_id), r.hidden, {revision}
FROM revisions AS r
WHERE r.id = ("""
    + CURRENT_REVISION.format(entry="r.entry_id").strip()
    + ")"
)
_TEAM_HISTORY = """
SELECT r.entry_id, r.kind, r.text, r.occurred_at,
       1 + row_number() OVER (ORDER BY r.revised_at, o.recorder, r.id), r.hidden, {revision}
FROM revisions AS r JOIN origins AS o ON o.tbl = 'revisions' AND o.row_id = r.id
WHERE r.entry_id = ? ORDER BY r.revised_at, o.recorder, r.id
"""


_KINDS = {kind.value: kind for kind in EntryKind}


# Entry is a frozen slots dataclass: its __init__ sets each field through object.__setattr__,
# which is most of the cost of reading 100,000 entries. Setting the slots directly gives the same
# object three times faster. Built from dataclasses.fields, so it follows the class.
_ENTRY_SLOTS = tuple(Entry.__dict__[field.name].__set__ for field in dataclasses.fields(Entry))


def _make_entry(values: Sequence[Any]) -> Entry:
    """Entry(*values), without the frozen dataclass __init__."""
    entry: Entry = object.__new__(Entry)
    for set_slot, value in zip(_ENTRY_SLOTS, values, strict=True):
        set_slot(entry, value)
    return entry


class Record(NamedTuple):
    """One entry as a window holds it: its values as stored, nothing parsed (a window reads
    100,000 of them and converts only the rows it shows). The fields are the columns of
    `_Queries`' SELECTs in order: a column added there without a field here is a TypeError at
    the first read, never a silent shift of every field after it."""

    id: int
    kind: str
    text: str
    occurred_at: str
    recorded_at: str
    revision: int
    hidden: int
    source: str
    capture_id: int | None
    width: int | None
    height: int | None
    sha256: str | None
    monitor: int | None
    window_title: str | None
    public: int
    starred: int
    author: str | None
    occurred_offset: str | None


_FIELDS = len(Record._fields)
_new_record = functools.partial(tuple.__new__, Record)


def records_of(rows: Iterable[Sequence[Any]]) -> list[Record]:
    """Raw rows as Records; TypeError if a SELECT and Record disagree on the columns (checked
    on the first row: every row of one SELECT has the same columns). Built with tuple.__new__,
    a third of the time of Record._make on 100,000 rows."""
    records: list[Record] = list(map(_new_record, rows))
    if records and len(records[0]) != _FIELDS:
        raise TypeError(f"a timeline row has {len(records[0])} columns, Record {_FIELDS}")
    return records


def record_key(record: Sequence[Any]) -> tuple[str, int]:
    """The sort key of a raw row: (occurred_at as stored, id); stored times sort as text."""
    return (record[3], record[0])


def record_from_entry(entry: Entry) -> Record:
    """The Record of an entry (the inverse of `entry_from_record`)."""
    capture = entry.capture
    return Record._make(
        (
            entry.id,
            str(entry.kind),
            entry.text,
            to_iso(entry.occurred_at),
            to_iso(entry.recorded_at),
            entry.revision,
            int(entry.hidden),
            entry.source,
            *(
                (
                    capture.id,
                    capture.width,
                    capture.height,
                    capture.sha256,
                    capture.monitor,
                    capture.window_title,
                )
                if capture is not None
                else (None,) * 6
            ),
            int(entry.public),
            int(entry.starred),
            entry.author,
            entry.occurred_offset,
        )
    )


def entry_from_record(row: Sequence[Any]) -> Entry:
    """The Entry of a raw row from `IncidentFile.records`."""
    return _entry(row)


def _entry(row: Sequence[Any]) -> Entry:
    """The Entry of a raw row; CorruptFileError if a value cannot be read (a row another program
    added after the file was opened: rows present at open were checked, value_check.py)."""
    try:
        if type(row[2]) is not str:  # bytes would be an Entry that fails far from here
            raise TypeError("its text is not text")
        return _convert(row)
    except (ValueError, TypeError, AttributeError) as error:
        reason = value_check.problem(row) or str(error)
        raise CorruptFileError(
            f"entry {row[0]!r} holds a value that cannot be read ({reason})"
        ) from None


def _convert(row: Sequence[Any]) -> Entry:
    capture = None
    if row[8] is not None:
        capture = CaptureInfo(row[8], row[9], row[10], row[11], row[12], row[13])
    kind = _KINDS.get(row[1])
    return _make_entry(
        (
            row[0],
            kind if kind is not None else EntryKind(row[1]),
            row[2],
            from_iso(row[3]),
            from_iso(row[4]),
            row[5],
            bool(row[6]),
            row[7],
            capture,
            bool(row[14]),
            bool(row[15]),
            row[16],
            row[17],
        )
    )


def _revised(row: Sequence[Any], revision: Sequence[Any]) -> Record:
    """An original's raw row as its latest revision reads (a row of _Queries.latest_revisions)."""
    _, kind, text, occurred_at, number, hidden, public, starred, offset = revision
    return Record._make((
        row[0], kind, text, occurred_at, row[4], number, hidden, *row[7:14],
        public, starred, row[16], offset,
    ))  # fmt: skip

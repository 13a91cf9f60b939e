"""Every value of the record is checked as it is read: a bad one is a clear refusal, never a crash.

The schema check (schema_check.py) keeps foreign SQL out; the values in our own tables can still
be anything SQLite stores: a kind that is no kind of entry, a time that is no time ('yesterday',
'2026-02-31…'), bytes where text belongs, a width that is text. Read as they were, such values
made the window exit with a traceback and every export fail with "unexpected ValueError".

Raw rows (`IncidentFile.records(check=True)`, what a window reads: the first screenfuls on the
UI thread, the rest on a worker) are checked here, about a microsecond a row; Entry objects are
checked as they are built (incident_file._entry). Either way a bad value raises CorruptFileError
naming the entry and what is wrong with it. Checking in SQL when the file opens was measured
first: 590 ms for 100,000 entries, more than reading them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from incident_recorder.domain.kinds import EntryKind
from incident_recorder.storage.errors import CorruptFileError

_KINDS = frozenset(kind.value for kind in EntryKind)
_parse = datetime.fromisoformat


def problem(row: Sequence[Any]) -> str | None:
    """What makes the raw row `row` unreadable as an entry, or None."""
    if row[1] not in _KINDS:
        return f"kind {str(row[1])[:40]!r} is no kind of entry"
    if type(row[2]) is not str:
        return "its text is not text"
    for column, value in (("occurred at", row[3]), ("recorded at", row[4])):
        if type(value) is not str:
            return f"its time ({column}) is not text"
        try:
            moment = _parse(value)
        except ValueError:
            return f"its time ({column}) {value[:40]!r} is no time"
        if moment.tzinfo is None:
            return f"its time ({column}) {value[:40]!r} has no time zone"
    if row[8] is not None and not (type(row[9]) is int and type(row[10]) is int):
        return "its capture's size is not a number"
    if type(row[7]) is not str:
        return "its source is not text"
    return None


def check_records(rows: Iterable[Sequence[Any]], path: Path) -> None:
    """CorruptFileError naming the first row of `rows` that cannot be read as an entry."""
    for row in rows:
        reason = problem(row)
        if reason is not None:
            raise CorruptFileError(
                f"{path.name} holds a value that cannot be read (entry {row[0]}: {reason}); "
                "nothing was changed in it"
            )

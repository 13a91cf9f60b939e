"""A timeline kept as CSV: one row per entry, the columns of the scenario file.

    offset_s,kind,milestone,visibility,text
    262,detection,detected,internal,PagerDuty alert: checkout-api 5xx rate above 5%

`offset_s` is seconds from `--start WHEN`; instead, a column `occurred_at` (or `time`) may give
each row's absolute time in ISO 8601 with a zone. `kind` is an entry kind (or a unique prefix;
empty: observation, or the milestone's kind), `milestone` one of impact_started, detected,
acknowledged, mitigated, resolved (the entry marks it), `visibility` public or internal (empty:
internal), `author` who recorded it. Every bad row is reported with its line number; a file with
any bad row imports nothing. A row more than a minute in the future (a --start later than the
incident began) is a bad row, as `note --at` refuses a future time.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incident_recorder.domain import EntryKind
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.text import clean_note_text
from incident_recorder.domain.times import is_future, system_clock, truncate_ms
from incident_recorder.importers.common import (
    ImportFailed,
    Problems,
    past_example,
    read_iso,
)
from incident_recorder.importers.files import Budget, read_named

SOURCE = "import:csv"
TIME_COLUMNS = ("occurred_at", "time")
COLUMNS = ("offset_s", *TIME_COLUMNS, "kind", "milestone", "visibility", "text", "author")
VISIBILITY = {"public": True, "internal": False, "": False}
MAX_OFFSET_S = 365 * 24 * 3600.0


class _NoStart(ValueError):
    """A row gives an offset but no --start was given (reported once, not per row)."""


class _Row:
    """One data row's fields by column name, and the line it starts on."""

    def __init__(self, line: int, values: dict[str, str]) -> None:
        self.line = line
        self.values = values

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def _header(fields: list[str], line: int, problems: Problems) -> list[str] | None:
    names = [name.strip().lower() for name in fields]
    if names:
        names[0] = names[0].lstrip("\ufeff")
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        problems.add(
            f"line {line}: unknown column {', '.join(map(repr, unknown))} "
            f"(columns: {', '.join(COLUMNS)})"
        )
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        problems.add(f"line {line}: column {', '.join(map(repr, duplicated))} given twice")
    if "text" not in names:
        problems.add(
            f"line {line}: no text column (columns: offset_s or occurred_at, kind, "
            "milestone, visibility, text)"
        )
    if "offset_s" not in names and not any(name in names for name in TIME_COLUMNS):
        problems.add(f"line {line}: no time column: offset_s (with --start) or occurred_at")
    return None if problems else names


def _rows(text: str, problems: Problems) -> list[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[_Row] = []
    header: list[str] | None = None
    line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.add(f"line {reader.line_num}: not valid CSV ({error})")
            break
        start, line = line, reader.line_num + 1
        if not fields or all(not field.strip() for field in fields):
            continue
        if header is None:
            header = _header(fields, start, problems)
            if header is None:
                return []
            continue
        if len(fields) != len(header):
            problems.add(f"line {start}: {len(fields)} fields, the header has {len(header)}")
            continue
        rows.append(_Row(start, dict(zip(header, fields, strict=True))))
    if header is None and not problems:
        problems.add("the CSV is empty (no header line)")
    return rows


def _when(row: _Row, start: datetime | None) -> tuple[datetime, str | None]:
    absolute = row.get("occurred_at") or row.get("time")
    if absolute:
        return read_iso(absolute)
    raw = row.get("offset_s")
    if not raw:
        raise ValueError("no time: give offset_s or occurred_at")
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(f"offset_s {raw!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or abs(seconds) > MAX_OFFSET_S:
        raise ValueError(f"offset_s {raw!r} is not a usable number of seconds")
    if start is None:
        raise _NoStart
    return truncate_ms(start + timedelta(seconds=seconds)), None


def _entry(row: _Row, start: datetime | None, seen: dict[Milestone, int]) -> ImportedEntry:
    occurred_at, offset = _when(row, start)
    milestone = Milestone.parse(row.get("milestone")) if row.get("milestone") else None
    if milestone is not None:
        if milestone in seen:
            raise ValueError(f"milestone {milestone.value} already set on line {seen[milestone]}")
        seen[milestone] = row.line
    kind_text = row.get("kind")
    if kind_text:
        kind = EntryKind.parse(kind_text)
    else:
        kind = milestone.entry_kind if milestone is not None else EntryKind.OBSERVATION
    visibility = row.get("visibility").lower()
    if visibility not in VISIBILITY:
        raise ValueError(f"visibility {row.get('visibility')!r} is neither public nor internal")
    text = row.values.get("text", "")
    if not text.strip() and milestone is not None:
        text = milestone.label
    return ImportedEntry(
        kind=kind,
        text=clean_note_text(text),
        occurred_at=occurred_at,
        source=SOURCE,
        public=VISIBILITY[visibility],
        author=row.get("author") or None,
        occurred_offset=offset,
        milestone=milestone,
    )


def _lines(numbers: list[int]) -> str:
    """'line 5', or 'lines 2–14' (the first and last of several)."""
    return f"line {numbers[0]}" if len(numbers) == 1 else f"lines {numbers[0]}–{numbers[-1]}"


def _future_problem(
    future: list[tuple[int, datetime]], start: datetime | None, now: datetime
) -> str:
    """One line for every row in the future: which lines, the first such time, and why."""
    lines = [line for line, _ in future]
    first = f"{future[0][1].astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
    what = f"{first} is" if len(lines) == 1 else f"{len(lines)} rows, the first at {first}, are"
    hint = ""
    if start is not None and is_future(start, now):
        hint = f" (--start {start.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC is later than now)"
    return (
        f"{_lines(lines)}: {what} in the future{hint}: an entry records "
        f"what has happened (now {now.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)"
    )


def parse_csv(
    text: str, *, start: datetime | None = None, now: datetime | None = None
) -> list[ImportedEntry]:
    """Every row of `text` as an entry; ImportFailed listing every bad row by line number.
    A row more than a minute after `now` (default: the system clock) is refused."""
    now = now or system_clock()
    problems = Problems()
    rows = _rows(text, problems)
    entries: list[ImportedEntry] = []
    seen: dict[Milestone, int] = {}
    no_start: list[int] = []
    future: list[tuple[int, datetime]] = []
    for row in rows:
        try:
            entry = _entry(row, start, seen)
        except _NoStart:
            no_start.append(row.line)
        except ValueError as error:
            problems.add(f"line {row.line}: {error}")
        else:
            if is_future(entry.occurred_at, now):
                future.append((row.line, entry.occurred_at))
            entries.append(entry)
    if no_start:
        problems.add(
            f"{_lines(no_start)}: offset_s needs --start WHEN (the moment offset 0 stands "
            f"for, e.g. --start {past_example(now)})"
        )
    if future:
        problems.add(_future_problem(future, start, now))
    problems.check()
    return entries


def read_csv(
    data: bytes, *, start: datetime | None = None, now: datetime | None = None
) -> list[ImportedEntry]:
    """`parse_csv` of a file's bytes (UTF-8, with or without BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed([f"line {line}: not UTF-8 text (save the CSV as UTF-8)"]) from None
    return parse_csv(text, start=start, now=now)


def read_csv_file(
    path: Path, *, start: datetime | None = None, now: datetime | None = None
) -> list[ImportedEntry]:
    """`read_csv` of the file at `path`, read as data from elsewhere (importers/files.py): a
    regular file, not a link, device or FIFO, of at most MAX_FILE_BYTES; ImportFailed naming it
    otherwise."""
    return read_csv(read_named(path, Budget()), start=start, now=now)

"""Our own JSON export (incident.json, see docs/export.md) read back into entries.

Both formats are read: 1 (an entry's `id` is its rowid in the file exported) and 2 (`id` is
its number in the export's order, `uid` its global id). Either way an `id` only links records
inside the one document (a milestone's `entry_id`), so both read the same; the imported entries
get new global ids (the file imported into is a record of its own). A newer format is refused.

Every entry keeps its kind, text, times, hidden / public / starred flags, author and entered
offset (the last four when the export has them). Milestones come from a top-level `milestones`
(an object of name → time, or a list of {name, occurred_at, entry_id}) or an entry's own
`milestone`. A capture is read from the file the export names, next to incident.json, and
checked against its SHA-256; when it is missing or does not match, the entry is imported
without it and its text says so. Files are read as data from elsewhere (importers/files.py):
a capture named outside the folder (`..`, an absolute name), through a link, or that is not a
regular file or is over the size caps refuses the whole import, one line naming it. An entry
or milestone more than a minute in the future is a problem (as `note --at` refuses a future
time). Problems are reported per entry; any problem, nothing is imported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from incident_recorder.domain import EntryKind, NewCapture
from incident_recorder.domain.image_bytes import image_kind
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.text import clean_note_text
from incident_recorder.domain.times import system_clock
from incident_recorder.importers.common import (
    ImportFailed,
    Problems,
    check_not_future,
    one_line,
    read_iso,
)
from incident_recorder.importers.files import (
    Budget,
    exists_inside,
    read_inside,
    read_named,
    unsafe_name,
)
from incident_recorder.importers.images import ImageImportError, capture_from_bytes

SOURCE = "import:json"
FORMAT_PREFIX = "incident-recorder/"
FORMATS_READ = ("incident-recorder/1", "incident-recorder/2")
"""The export formats this reader knows (report/jsondoc.py writes the last)."""
_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")


@dataclass(frozen=True, slots=True)
class JsonImport:
    """What an export holds: its entries, milestones without an entry, and notes for people."""

    entries: list[ImportedEntry]
    milestones: dict[Milestone, datetime]
    notes: list[str]


def _flag(record: Mapping[str, Any], name: str) -> bool:
    value = record.get(name, False)
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


def _optional_text(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} must be text or null, not {value!r}")
    return value or None


def _capture(record: object, folder: Path, budget: Budget) -> tuple[NewCapture | None, str | None]:
    """The capture an entry's `capture` names, or None and why it could not be imported;
    ImportFailed (one line) for a file that is not data: a link, a device, outside, too large."""
    if record is None:
        return None, None
    if not isinstance(record, dict):
        raise ValueError("capture must be an object or null")
    name, sha256 = record.get("file"), record.get("sha256")
    if not isinstance(name, str) or not name:
        return None, "the export holds no file for it"
    if unsafe_name(name) is None and not exists_inside(folder, name):
        return None, f"{name} was not found next to the JSON file"
    data = read_inside(folder, name, budget)
    if hashlib.sha256(data).hexdigest() != sha256:
        return None, f"{name} does not match its SHA-256 in the export"
    try:
        decoded = capture_from_bytes(data, name)
    except ImageImportError as error:
        return None, str(error)
    title = record.get("window_title")
    monitor = record.get("monitor")
    # A PNG or a JPEG (a capture taken as JPEG) is stored as it is, so its SHA-256 stays the
    # one the export gave; any other image is stored as the PNG made of it.
    as_is = image_kind(data) is not None
    return (
        NewCapture(
            png=data if as_is else decoded.png,
            thumbnail_png=decoded.thumbnail_png,
            width=decoded.width,
            height=decoded.height,
            sha256=sha256 if as_is else decoded.sha256,
            monitor=monitor if isinstance(monitor, int) and not isinstance(monitor, bool) else None,
            window_title=title if isinstance(title, str) else None,
        ),
        None,
    )


def _entry(record: object, folder: Path, notes: list[str], budget: Budget) -> ImportedEntry:
    if not isinstance(record, dict):
        raise ValueError("not an object")
    kind_name, text = record.get("kind"), record.get("text", "")
    if not isinstance(kind_name, str):
        raise ValueError("no kind")
    if not isinstance(text, str):
        raise ValueError("text must be a string")
    occurred = record.get("occurred_at")
    if not isinstance(occurred, str):
        raise ValueError("no occurred_at")
    occurred_at, _ = read_iso(occurred)
    recorded = record.get("recorded_at")
    recorded_at = read_iso(recorded)[0] if isinstance(recorded, str) else None
    offset = _optional_text(record, "occurred_offset")
    if offset is not None and not _OFFSET.match(offset):
        raise ValueError(f"occurred_offset {offset!r} is not like +01:00")
    milestone_name = _optional_text(record, "milestone")
    capture, missing = _capture(record.get("capture"), folder, budget)
    if missing is not None:
        note = f"(The capture recorded here was not imported: {missing}.)"
        notes.append(one_line(f"entry {record.get('id')!r}: capture not imported: {missing}"))
        text = f"{text}\n{note}" if text.strip() else note
    if capture is None:
        text = clean_note_text(text)
    return ImportedEntry(
        kind=EntryKind.parse(kind_name),
        text=text,
        occurred_at=occurred_at,
        source=SOURCE,
        public=_flag(record, "public"),
        starred=_flag(record, "starred"),
        hidden=_flag(record, "hidden"),
        author=_optional_text(record, "author"),
        occurred_offset=offset,
        milestone=Milestone.parse(milestone_name) if milestone_name else None,
        capture=capture,
        recorded_at=recorded_at,
    )


def _milestones(raw: object) -> list[tuple[Milestone, datetime, object]]:
    """(milestone, time, entry id or None) of a top-level `milestones` in either shape."""
    if raw is None:
        return []
    items: list[tuple[object, object, object]] = []
    if isinstance(raw, dict):
        for name, value in raw.items():
            if isinstance(value, dict):
                items.append((name, value.get("occurred_at"), value.get("entry_id")))
            else:
                items.append((name, value, None))
    elif isinstance(raw, list):
        for value in raw:
            if not isinstance(value, dict):
                raise ValueError("milestones: each must be an object")
            name = value.get("name", value.get("milestone"))
            items.append((name, value.get("occurred_at"), value.get("entry_id")))
    else:
        raise ValueError("milestones must be an object or a list")
    found = []
    for name, when, entry_id in items:
        if not isinstance(name, str):
            raise ValueError(f"milestones: {name!r} is not a milestone name")
        if when is None:
            continue
        if not isinstance(when, str):
            raise ValueError(f"milestones: {name!r} has no time")
        found.append((Milestone.parse(name), read_iso(when)[0], entry_id))
    return found


def parse_document(
    document: object, folder: Path, *, now: datetime | None = None, budget: Budget | None = None
) -> JsonImport:
    """The entries of a parsed incident.json whose captures lie in `folder`; an entry or
    milestone more than a minute after `now` (default: the system clock) is a problem. A
    capture file that is not a regular file inside `folder` within the caps of `budget`
    (importers/files.py) refuses the whole import."""
    now = now or system_clock()
    budget = budget or Budget()
    problems = Problems()
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise ImportFailed(["not an Incident Recorder JSON export (no entries list)"])
    form = document.get("format")
    if not isinstance(form, str) or not form.startswith(FORMAT_PREFIX):
        raise ImportFailed([f"not an Incident Recorder JSON export (format {form!r})"])
    if form not in FORMATS_READ:
        known = ", ".join(repr(name) for name in FORMATS_READ)
        raise ImportFailed([f"format {form!r} is not one this version reads ({known})"])
    notes: list[str] = []
    entries: list[ImportedEntry] = []
    ids: dict[object, int] = {}
    for number, record in enumerate(document["entries"], start=1):
        label = f"entry {number}"
        if isinstance(record, dict) and isinstance(record.get("id"), int):
            label += f" (id {record['id']})"
        try:
            entry = _entry(record, folder, notes, budget)
            check_not_future(entry.occurred_at, now)
            entries.append(entry)
        except (ValueError, OSError) as error:
            problems.add(f"{label}: {error}")
            continue
        if isinstance(record, dict) and _is_link(record.get("id")):
            ids[record.get("id")] = len(entries) - 1
    try:
        standalone = _link_milestones(document.get("milestones"), entries, ids)
    except ValueError as error:
        problems.add(str(error))
    else:
        for milestone, when in standalone.items():
            try:
                check_not_future(when, now)
            except ValueError as error:
                problems.add(f"milestones: {milestone.cli_name}: {error}")
    problems.check()
    return JsonImport(entries, standalone, notes)


def _is_link(value: object) -> bool:
    """An id a milestone can name: a number or a string (anything else, a list say, links
    nothing and is never a key)."""
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def _link_milestones(
    raw: object, entries: list[ImportedEntry], ids: Mapping[object, int]
) -> dict[Milestone, datetime]:
    """Mark the entries the top-level milestones name (by entry_id, or the entry whose own
    `milestone` field names it, at the same time); the milestones no entry marks."""
    standalone: dict[Milestone, datetime] = {}
    for milestone, when, entry_id in _milestones(raw):
        marked = [n for n, item in enumerate(entries) if item.milestone is milestone]
        if _is_link(entry_id) and entry_id in ids:
            marked = [ids[entry_id]]
        for n in marked:
            entries[n] = replace(entries[n], milestone=None)
        same_time = [n for n in marked if entries[n].occurred_at == when]
        if same_time:
            entries[same_time[0]] = replace(entries[same_time[0]], milestone=milestone)
        else:
            standalone[milestone] = when
    return standalone


def read_json(path: Path, *, now: datetime | None = None) -> JsonImport:
    """The export at `path` (incident.json, or the folder holding it): incident.json and its
    captures read as regular files only, never through a link, within the caps
    (importers/files.py)."""
    budget = Budget()
    if path.is_dir():  # the folder the user named; nothing below it is reached through a link
        data = read_inside(path, "incident.json", budget)
        path = path / "incident.json"
    else:
        data = read_named(path, budget)
    try:
        document = json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as error:
        raise ImportFailed([f"line {error.lineno}: not JSON ({error.msg})"]) from None
    except RecursionError:
        raise ImportFailed(["not JSON (nested too deeply)"]) from None
    except UnicodeDecodeError:
        raise ImportFailed([f"{path.name} is not UTF-8 text"]) from None
    return parse_document(document, path.parent, now=now, budget=budget)

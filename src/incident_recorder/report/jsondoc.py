"""The JSON export (incident.json): the complete record, hidden entries included, as data.

`render_json` is a pure function returning a JSON-ready dict; the layout is versioned by its
"format" field ("incident-recorder/2") and documented field by field in docs/export.md. Times
are ISO 8601 in UTC with milliseconds and an explicit zone ('2026-11-27T14:02:07.123+00:00').
Text is exported exactly as recorded: escaping is the job of whoever displays it.

Every replica of a shared incident exports the same bytes but for `exported_at`: entries,
captures and action items carry their global id (`uid`), entries at the same time are ordered
by when they were recorded, then by it (facts.in_order), and each `id` is a number in the
export's own order (1, 2, …), never a rowid (format 1 wrote rowids, which differ between
replicas).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from incident_recorder.domain import Entry, Incident
from incident_recorder.domain.actions import ActionItem
from incident_recorder.domain.details import IncidentDetails, details_to_json
from incident_recorder.domain.milestones import Metric, Milestone
from incident_recorder.domain.readings import FindingMark, Reading
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report import facts

FORMAT = "incident-recorder/2"
"""The value of the "format" field; a change that breaks readers bumps the number (2: `id` is
a number in export order, no longer a rowid, and `uid` is the global id)."""


@dataclass(frozen=True, slots=True)
class ExportIds:
    """What an export calls an entry and its capture: a number in the export's order and the
    global id (None: the file has none)."""

    number: int
    uid: str | None = None
    capture_number: int | None = None
    capture_uid: str | None = None


def _hides_original(written: facts.ExportedCapture | None) -> bool:
    """Whether the capture was exported redacted without its original."""
    return written is not None and written.redacted and written.original_file is None


def _capture(
    entry: Entry,
    image_files: Mapping[int, str],
    captures: Mapping[int, facts.ExportedCapture],
    reading: Reading | None = None,
    ids: ExportIds | None = None,
) -> dict[str, Any] | None:
    capture = entry.capture
    if capture is None:
        return None
    written = captures.get(entry.id)
    sha256 = capture.sha256 if written is None else written.sha256
    number = None if ids is None else ids.capture_number
    return {
        "id": capture.id if number is None else number,
        "uid": None if ids is None else ids.capture_uid,
        "width": capture.width,
        "height": capture.height,
        "sha256": sha256,
        "monitor": capture.monitor,
        # A redacted capture's window title may name what the box hides (a token in a
        # browser tab's title): it goes only where its original goes.
        "window_title": None if _hides_original(written) else capture.window_title,
        "file": image_files.get(entry.id),
        "annotations": 0 if written is None else written.annotations,
        "redacted": False if written is None else written.redacted,
        "original_file": None if written is None else written.original_file,
        "original_sha256": capture.sha256 if written is None else written.original_sha256,
        # recognised text with findings and redacted words masked; findings without values
        "text": None if reading is None else reading.text,
        "findings": [_finding(f) for f in _in_text(reading, capture_text=True)],
    }


def _finding(finding: FindingMark) -> dict[str, Any]:
    box = finding.box
    return {
        "kind": finding.kind,
        "label": finding.label,
        "box": None
        if box is None
        else dict(zip(("left", "top", "width", "height"), box, strict=True)),
        "span": None
        if finding.span is None
        else dict(zip(("start", "end"), finding.span, strict=True)),
        "handled": finding.handled is not None,
        "how": finding.handled,
    }


def _in_text(reading: Reading | None, *, capture_text: bool) -> list[FindingMark]:
    """The findings in a capture's recognised text, or (capture_text False) in the entry's
    own text: its note or caption."""
    found = () if reading is None else reading.findings
    return [f for f in found if (f.span is None) == capture_text]


def entry_record(
    entry: Entry,
    image_files: Mapping[int, str],
    captures: Mapping[int, facts.ExportedCapture] | None = None,
    milestone: Milestone | None = None,
    reading: Reading | None = None,
    ids: ExportIds | None = None,
) -> dict[str, Any]:
    """One entry as a JSON-ready dict, named by `ids` (without: its rowids, no uid)."""
    return {
        "id": entry.id if ids is None else ids.number,
        "uid": None if ids is None else ids.uid,
        "kind": str(entry.kind),
        "text": entry.text,
        "occurred_at": facts.iso_ms(entry.occurred_at),
        "recorded_at": facts.iso_ms(entry.recorded_at),
        "revision": entry.revision,
        "hidden": entry.hidden,
        "source": entry.source,
        "capture": _capture(entry, image_files, captures or {}, reading, ids),
        "public": entry.public,
        "starred": entry.starred,
        "author": entry.author,
        "occurred_offset": entry.occurred_offset,
        "milestone": milestone.value if milestone is not None else None,
        # findings in the note or caption, as in a capture's text but with a span, no box
        "findings": [_finding(f) for f in _in_text(reading, capture_text=False)],
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else facts.iso_ms(moment)


def _action_item(item: ActionItem, number: int, uids: Mapping[int, str]) -> dict[str, Any]:
    return {
        "id": number,
        "uid": None if item.id is None else uids.get(item.id),
        "description": item.description,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "status": item.status.value,
        "type": item.type.value,
        "ticket": item.ticket,
    }


def record_json(
    record: IncidentRecord,
    image_files: Mapping[int, str],
    exported_at: datetime,
    *,
    captures: Mapping[int, facts.ExportedCapture] | None = None,
) -> dict[str, Any]:
    """The whole record as a JSON-ready dict: details, milestones (all five, ISO time or
    null), metrics (seconds or null), report texts, action items, and every entry of the
    record (hidden ones flagged) in time order. For the public JSON pass public_record(...)."""
    document = record_head(record, exported_at)
    document["entries"] = list(entry_records(record, image_files, captures))
    return document


def record_head(record: IncidentRecord, exported_at: datetime) -> dict[str, Any]:
    """record_json without its last field, "entries" (see `write_json`)."""
    milestones = record.milestones
    metrics: dict[str, float | int | None] = {}
    for metric in Metric:
        value = milestones.metric(metric)
        seconds = None if value is None else round(value.total_seconds(), 3)
        metrics[metric.value] = (
            int(seconds) if seconds is not None and seconds.is_integer() else seconds
        )
    return {
        "format": FORMAT,
        "incident": {
            "uuid": record.incident.uuid,
            "title": record.title,
            "created_at": facts.iso_ms(record.incident.created_at),
            "app_version": record.incident.app_version,
        },
        "exported_at": facts.iso_ms(exported_at),
        # The status every other output shows (resolved once the resolved milestone is set):
        # domain.record.current_status, not the stored choice alone.
        "details": details_to_json(dataclasses.replace(record.details, status=record.status)),
        "milestones": {m.value: _iso(milestones[m]) for m in Milestone},
        "metrics": metrics,
        "report_texts": dict(sorted(record.report_texts.items())),
        "action_items": [
            _action_item(item, number, record.uids.action_items)
            for number, item in enumerate(
                (item for item in record.action_items if not item.hidden), start=1
            )
        ],
    }


def entry_records(
    record: IncidentRecord,
    image_files: Mapping[int, str],
    captures: Mapping[int, facts.ExportedCapture] | None = None,
) -> Iterator[dict[str, Any]]:
    """The "entries" of record_json, one at a time, in time order (then global id): each
    numbered in that order (`facts.numbers`), each capture by where it first appears."""
    uids = record.uids
    capture_numbers: dict[int, int] = {}
    for number, entry in enumerate(facts.in_order(record.entries, uids.entries), start=1):
        capture = None if entry.capture is None else entry.capture.id
        if capture is not None:
            capture_numbers.setdefault(capture, len(capture_numbers) + 1)
        ids = ExportIds(
            number,
            uids.entries.get(entry.id),
            None if capture is None else capture_numbers[capture],
            None if capture is None else uids.captures.get(capture),
        )
        yield entry_record(
            entry,
            image_files,
            captures,
            record.milestone_entries.get(entry.id),
            record.readings.get(entry.id),
            ids,
        )


def render_json(
    incident: Incident,
    entries: Sequence[Entry],
    image_files: Mapping[int, str],
    exported_at: datetime,
    *,
    captures: Mapping[int, facts.ExportedCapture] | None = None,
) -> dict[str, Any]:
    """record_json for bare entries (no milestones, details or texts recorded)."""
    record = IncidentRecord(
        incident=incident, details=IncidentDetails(incident.title), entries=tuple(entries)
    )
    return record_json(record, image_files, exported_at, captures=captures)


def dumps(document: Mapping[str, Any]) -> str:
    """The document as the text written to incident.json (UTF-8, indented, newline at end).

    Text that cannot be UTF-8 (an unpaired surrogate) makes the whole file ASCII with
    \\u escapes instead, which every JSON reader turns back into the same string.
    """
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(document, ensure_ascii=True, indent=2) + "\n"
    return text


def write_json(
    out: BinaryIO,
    record: IncidentRecord,
    image_files: Mapping[int, str],
    exported_at: datetime,
    *,
    captures: Mapping[int, facts.ExportedCapture] | None = None,
) -> None:
    """Write `dumps(record_json(...))` as UTF-8 to `out`, byte for byte, one entry at a time.

    The whole document of a 100,000-entry incident (its dicts, the text, the bytes) would hold
    hundreds of megabytes at once; this holds one entry's. Text that cannot be UTF-8 makes the
    file start again as ASCII with \\u escapes, as `dumps` does (`out` must be seekable).
    """
    start = out.tell()
    for ensure_ascii in (False, True):
        out.seek(start)
        out.truncate()
        try:
            for chunk in _chunks(record, image_files, exported_at, captures, ensure_ascii):
                out.write(chunk.encode("utf-8"))
            return
        except UnicodeEncodeError:
            if ensure_ascii:  # pragma: no cover - ASCII always encodes
                raise


_NO_ENTRIES_END = '"entries": []\n}'


def _chunks(
    record: IncidentRecord,
    image_files: Mapping[int, str],
    exported_at: datetime,
    captures: Mapping[int, facts.ExportedCapture] | None,
    ensure_ascii: bool,
) -> Iterator[str]:
    """The text of dumps(record_json(...)) in pieces: the head, each entry, the end."""
    head = record_head(record, exported_at)
    head["entries"] = []
    text = json.dumps(head, ensure_ascii=ensure_ascii, indent=2)
    assert text.endswith(_NO_ENTRIES_END), "entries must be the document's last field"
    yield text[: -len("[]\n}")]
    encode = json.JSONEncoder(ensure_ascii=ensure_ascii, indent=2).encode  # one, not one each
    separator = "[\n    "
    for entry in entry_records(record, image_files, captures):
        # an entry sits two levels deep: json.dumps(indent=2) puts every line of it 4 further in
        yield separator + encode(entry).replace("\n", "\n    ")
        separator = ",\n    "
    yield "[]\n}\n" if separator.startswith("[") else "\n  ]\n}\n"

"""Merging two incident files recorded by two people into a third one.

The merged timeline holds every entry of both, ordered by *occurred at*. Two entries are the
same one (kept once) when they happened in the same second, read the same (case, spacing and
surrounding punctuation aside), have the same kind and show the same capture, if any. Each
entry keeps who recorded it: its author, else the recorder named in its file's details, else
the file's name; an entry both recorded names both. Captures are stored once per SHA-256 with
every shape drawn on them in either file (so a redaction is never lost). Each milestone takes
the earliest time either file gives it. Details come from A, with the services of both. The
inputs are opened read-only and never written; the output must not exist yet.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from incident_recorder.domain import Entry, NewCapture
from incident_recorder.domain.annotation import Shape
from incident_recorder.domain.details import IncidentDetails, Role, Service
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.times import Clock, system_clock
from incident_recorder.storage import IncidentFile, IncidentFileError

SOURCE_PREFIX = "merge:"


@dataclass(frozen=True, slots=True)
class MergeSummary:
    """What a merge wrote, for people."""

    entries: int
    duplicates: int
    captures: int
    milestones: dict[Milestone, tuple[datetime, str]]
    """milestone → (the time kept, the file it came from)."""
    notes: list[str]

    def lines(self) -> list[str]:
        captures = "capture" if self.captures == 1 else "captures"
        lines = [
            f"merged {self.entries} entries ({self.duplicates} recorded in both kept once, "
            f"{self.captures} {captures})"
        ]
        return lines + self.notes


def normalized(text: str) -> str:
    """Text as compared for duplicates: NFKC, case-folded, spacing collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(" .!;:,")


def _key(entry: Entry) -> tuple[object, ...]:
    second = entry.occurred_at.replace(microsecond=0)
    sha = entry.capture.sha256 if entry.capture is not None else None
    return (second, normalized(entry.text), entry.kind, sha)


@dataclass(slots=True)
class _Merged:
    entry: Entry
    authors: list[str]
    hidden: bool
    public: bool
    starred: bool
    origin: str
    milestone: Milestone | None = None


class _Input:
    """One file being merged: its record and who recorded it."""

    def __init__(self, path: Path, handle: IncidentFile) -> None:
        self.path = path
        self.handle = handle
        self.record: IncidentRecord = handle.record()
        self.recorder = self.record.details.roles.get(Role.RECORDER) or path.stem

    def author(self, entry: Entry) -> str:
        return entry.author or self.recorder

    def capture(self, entry: Entry) -> tuple[NewCapture | None, tuple[Shape, ...]]:
        info = entry.capture
        if info is None:
            return None, ()
        capture = NewCapture(
            png=self.handle.capture_png(info.id),
            thumbnail_png=self.handle.capture_thumbnail(info.id),
            width=info.width,
            height=info.height,
            sha256=info.sha256,
            monitor=info.monitor,
            window_title=info.window_title,
        )
        return capture, tuple(self.handle.annotations(info.id))


def _services(a: Sequence[Service], b: Sequence[Service]) -> tuple[Service, ...]:
    merged: dict[str, Service] = {}
    for service in (*a, *b):
        known = merged.get(service.name)
        merged[service.name] = Service(service.name, service.public or bool(known and known.public))
    return tuple(merged.values())


def _earliest(inputs: Sequence[_Input]) -> tuple[dict[Milestone, tuple[datetime, str]], list[str]]:
    chosen: dict[Milestone, tuple[datetime, str]] = {}
    notes = []
    for milestone in Milestone:
        times = [(i.record.milestones[milestone], i.path.name) for i in inputs]
        given = [(when, name) for when, name in times if when is not None]
        if not given:
            continue
        chosen[milestone] = min(given)
        if len({when for when, _ in given}) > 1:
            others = ", ".join(f"{name}: {when:%H:%M:%S} UTC" for when, name in given)
            notes.append(
                f"milestone {milestone.cli_name}: the earliest time kept, "
                f"{chosen[milestone][0]:%H:%M:%S} UTC ({others})"
            )
    return chosen, notes


def merge_files(a: Path, b: Path, out: Path, *, clock: Clock = system_clock) -> MergeSummary:
    """Merge incident files `a` and `b` into the new file `out`; IncidentFileError if one
    cannot be read or `out` cannot be created (then nothing is left at `out`)."""
    if out.exists():
        raise IncidentFileError(f"{out} already exists: merge into a new file")
    for path in (a, b):
        if path.resolve() == out.resolve():
            raise IncidentFileError(f"{out} is one of the files being merged")
    with (
        IncidentFile.open(a, readonly=True) as file_a,
        IncidentFile.open(b, readonly=True) as file_b,
    ):
        inputs = [_Input(a, file_a), _Input(b, file_b)]
        if inputs[0].recorder == inputs[1].recorder and a.stem == b.stem:
            inputs[1].recorder = f"{b.parent.name}/{b.name}"
        merged: dict[tuple[object, ...], _Merged] = {}
        duplicates = 0
        for source in inputs:
            linked = source.record.milestone_entries
            for entry in source.record.entries:
                key = _key(entry)
                found = merged.get(key)
                author = source.author(entry)
                if found is None:
                    merged[key] = _Merged(
                        entry, [author], entry.hidden, entry.public, entry.starred,
                        source.path.name,
                    )  # fmt: skip
                else:
                    duplicates += 1
                    if author not in found.authors:
                        found.authors.append(author)
                    found.hidden = found.hidden and entry.hidden
                    found.public = found.public or entry.public
                    found.starred = found.starred or entry.starred
                if entry.id in linked:
                    merged[key].milestone = merged[key].milestone or linked[entry.id]
        milestones, notes = _earliest(inputs)
        by_input = {source.path.name: source for source in inputs}
        items = []
        shas = set()
        for item in sorted(merged.values(), key=lambda m: (m.entry.occurred_at, m.origin)):
            capture, shapes = by_input[item.origin].capture(item.entry)
            if capture is not None:
                shas.add(capture.sha256)
            milestone = item.milestone
            if milestone is not None and milestones[milestone][0] != item.entry.occurred_at:
                milestone = None  # the other file's earlier time is kept
            items.append(
                ImportedEntry(
                    kind=item.entry.kind,
                    text=item.entry.text,
                    occurred_at=item.entry.occurred_at,
                    source=item.entry.source,
                    public=item.public,
                    starred=item.starred,
                    hidden=item.hidden,
                    author=", ".join(item.authors),
                    occurred_offset=item.entry.occurred_offset,
                    milestone=milestone,
                    capture=capture,
                    shapes=shapes,
                    recorded_at=item.entry.recorded_at,
                )
            )
        linked_now = {item.milestone for item in items if item.milestone is not None}
        standalone = {m: when for m, (when, _) in milestones.items() if m not in linked_now}
        for milestone in linked_now:  # one entry marks it (the first at that time)
            marked = [n for n, item in enumerate(items) if item.milestone is milestone]
            for n in marked[1:]:
                items[n] = replace(items[n], milestone=None)
        details_a = inputs[0].record.details
        details = IncidentDetails(
            title=details_a.title,
            severity=details_a.severity,
            status=details_a.status,
            services=_services(details_a.services, inputs[1].record.details.services),
            roles=details_a.roles,
            detection_source=details_a.detection_source,
        )
    _write(out, details, items, standalone, clock)
    return MergeSummary(len(items), duplicates, len(shas), milestones, notes)


def _write(
    out: Path,
    details: IncidentDetails,
    items: list[ImportedEntry],
    standalone: dict[Milestone, datetime],
    clock: Clock,
) -> None:
    handle = IncidentFile.create(out, details.title, clock=clock)
    try:
        handle.set_details(details)
        handle.import_entries(items, milestones=standalone, milestone_source="merge")
    except BaseException:
        handle.close()
        for leftover in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    handle.close()

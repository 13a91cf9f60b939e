"""Merging two incident files recorded by two people into a third one.

The merged timeline holds every entry of both, ordered by *occurred at*. Two entries are the
same one (kept once) when they happened in the same second, read the same (case, spacing and
surrounding punctuation aside), have the same kind and show the same capture, if any. Each
entry keeps who recorded it: its author, else the recorder named in its file's details, else
the file's name; an entry both recorded names both. Captures are stored once per SHA-256 with
every shape drawn on them in either file (so a redaction is never lost). Each milestone takes
the earliest time either file gives it. Details come from A, with the services of both. The
inputs are opened read-only and never written; the output must not exist yet.

Either input may come from anyone, so no stored SHA-256 is trusted: every capture read is
checked (importers/capture_check.py: hashed again, sized from its header, decoded). An entry
whose capture fails takes the image of another copy of it that passes; if none does, the entry
is merged without its capture, with a line saying so in its text, and the summary names the
file, the entry and the reason. The merge goes on: one bad capture never stops it, and the
merged file holds only captures that every export can show.
"""

from __future__ import annotations

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
from incident_recorder.importers.capture_check import check_capture
from incident_recorder.importers.common import entry_key
from incident_recorder.storage import IncidentFile, IncidentFileError

CHUNK = 200
"""Entries written per transaction (the new file is removed if any fails)."""


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
        if self.milestones:
            lines.append(
                f"milestones: each at the earliest time either file gives it "
                f"({len(self.milestones)} set)"
            )
        return lines + self.notes


def _key(entry: Entry) -> tuple[object, ...]:
    sha = entry.capture.sha256 if entry.capture is not None else None
    return (*entry_key(entry.kind, entry.text, entry.occurred_at), sha)


@dataclass(slots=True)
class _Merged:
    entry: Entry
    authors: list[str]
    hidden: bool
    public: bool
    starred: bool
    origin: int
    """The position of its file among the inputs."""
    copies: list[tuple[int, Entry]]
    """(input position, entry) of every copy folded into it, this one first."""
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

    def shapes(self, entry: Entry) -> list[Shape]:
        return [] if entry.capture is None else self.handle.annotations(entry.capture.id)

    def capture(self, entry: Entry) -> tuple[NewCapture | None, str | None]:
        """The entry's capture as checked (None, None: it has none), or (None, why not:
        naming this file and the entry)."""
        info = entry.capture
        if info is None:
            return None, None
        png = self.handle.capture_png(info.id)
        capture, problem = check_capture(info, png, self.handle.capture_thumbnail(info.id))
        if problem is not None:
            return None, f"{self.path.name}, entry {entry.id} (capture {info.id}): {problem}"
        return capture, None


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


def _collect(inputs: Sequence[_Input]) -> tuple[list[_Merged], int]:
    """Every entry of the inputs, duplicates folded into the first; how many were folded."""
    merged: dict[tuple[object, ...], _Merged] = {}
    duplicates = 0
    for origin, source in enumerate(inputs):
        linked = source.record.milestone_entries
        for entry in source.record.entries:
            key = _key(entry)
            author = source.author(entry)
            found = merged.get(key)
            if found is None:
                found = merged[key] = _Merged(
                    entry, [author], entry.hidden, entry.public, entry.starred, origin, []
                )
            else:
                duplicates += 1
                if author not in found.authors:
                    found.authors.append(author)
                found.hidden = found.hidden and entry.hidden
                found.public = found.public or entry.public
                found.starred = found.starred or entry.starred
            found.copies.append((origin, entry))
            if entry.id in linked and found.milestone is None:
                found.milestone = linked[entry.id]
    ordered = sorted(merged.values(), key=lambda m: (m.entry.occurred_at, m.origin, m.entry.id))
    return ordered, duplicates


def _plan(
    merged: Sequence[_Merged], milestones: dict[Milestone, tuple[datetime, str]]
) -> tuple[list[ImportedEntry], dict[Milestone, datetime]]:
    """The entries to write (captures still to load) and the milestones no entry marks.

    An entry marks its milestone only if its time is the one kept (the earliest), and only
    the first such entry does.
    """
    items: list[ImportedEntry] = []
    marked: set[Milestone] = set()
    for item in merged:
        entry, milestone = item.entry, item.milestone
        if milestone is not None and (
            milestone in marked or milestones[milestone][0] != entry.occurred_at
        ):
            milestone = None
        if milestone is not None:
            marked.add(milestone)
        items.append(
            ImportedEntry(
                kind=entry.kind,
                text=entry.text,
                occurred_at=entry.occurred_at,
                source=entry.source,
                public=item.public,
                starred=item.starred,
                hidden=item.hidden,
                author=", ".join(item.authors),
                occurred_offset=entry.occurred_offset,
                milestone=milestone,
                recorded_at=entry.recorded_at,
            )
        )
    standalone = {m: when for m, (when, _) in milestones.items() if m not in marked}
    return items, standalone


def _details(inputs: Sequence[_Input]) -> IncidentDetails:
    """A's details, with the affected services of both."""
    first = inputs[0].record.details
    services = _services(first.services, inputs[1].record.details.services)
    return replace(first, services=services)


def merge_files(a: Path, b: Path, out: Path, *, clock: Clock = system_clock) -> MergeSummary:
    """Merge incident files `a` and `b` into the new file `out`; IncidentFileError if one
    cannot be read or `out` cannot be created (then nothing is left at `out`)."""
    if out.exists():
        raise IncidentFileError(f"{out} already exists: merge into a new file")
    with (
        IncidentFile.open(a, readonly=True) as file_a,
        IncidentFile.open(b, readonly=True) as file_b,
    ):
        inputs = [_Input(a, file_a), _Input(b, file_b)]
        if inputs[0].recorder == inputs[1].recorder and a.stem == b.stem:
            inputs[1].recorder = f"{b.parent.name}/{b.name}"
        merged, duplicates = _collect(inputs)
        milestones, notes = _earliest(inputs)
        items, standalone = _plan(merged, milestones)
        sources = [[(inputs[origin], entry) for origin, entry in m.copies] for m in merged]
        shas, quarantined = _write(out, _details(inputs), items, sources, standalone, clock)
    notes += [f"capture not merged: {line}" for line in quarantined]
    return MergeSummary(len(items), duplicates, len(shas), milestones, notes)


def _checked(copies: list[tuple[_Input, Entry]]) -> tuple[NewCapture | None, list[str]]:
    """The first copy's capture that passes the checks, and why each failing one failed."""
    chosen, problems = None, []
    for source, entry in copies:
        capture, problem = source.capture(entry)
        if problem is not None:
            problems.append(problem)
        elif chosen is None:
            chosen = capture
    return chosen, problems


def _write(
    out: Path,
    details: IncidentDetails,
    items: list[ImportedEntry],
    sources: list[list[tuple[_Input, Entry]]],
    standalone: dict[Milestone, datetime],
    clock: Clock,
) -> tuple[set[str], list[str]]:
    """Create `out` and write the entries CHUNK at a time, loading and checking their
    captures as it goes (two files full of screenshots never sit in memory at once); on any
    failure `out` is removed, so a merge is all or nothing. Returns the SHA-256 of every
    capture written and a line for each capture quarantined."""
    shas: set[str] = set()
    quarantined: list[str] = []
    handle = IncidentFile.create(out, details.title, clock=clock)
    try:
        handle.set_details(details)
        for start in range(0, max(len(items), 1), CHUNK):
            chunk = []
            for item, copies in zip(
                items[start : start + CHUNK], sources[start : start + CHUNK], strict=True
            ):
                capture, problems = _checked(copies)
                quarantined += problems
                if capture is None and problems:
                    note = f"[Capture not merged: {problems[0]}]"
                    item = replace(item, text=f"{item.text}\n{note}" if item.text else note)
                shapes: tuple[Shape, ...] = ()
                if capture is not None:
                    shas.add(capture.sha256)
                    # The shapes every recorder drew on it: a redaction made in one file stays.
                    shapes = tuple(shape for source, e in copies for shape in source.shapes(e))
                chunk.append(replace(item, capture=capture, shapes=shapes))
            last = start + CHUNK >= len(items)
            handle.import_entries(
                chunk, milestones=standalone if last else None, milestone_source="merge"
            )
    except BaseException:
        handle.close()
        for leftover in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    handle.close()
    return shas, quarantined

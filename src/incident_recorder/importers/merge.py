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

Two files that look like two different incidents are not merged without a word: with
different titles and timelines more than an hour apart (SAME_INCIDENT_GAP), the merge is refused
(DifferentIncidents) unless the caller says they are different on purpose; different titles
with overlapping timelines (two people naming one outage differently) merge with a note saying
whose title the merged file keeps. Each recorder's `new` gives its file its own id, so ids
cannot tell one incident from two; a file's copy shares its id and is always merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
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


SAME_INCIDENT_GAP = timedelta(hours=1)
"""Timelines further apart than this, under different titles, are two incidents."""


class DifferentIncidents(Exception):
    """The two files look like two different incidents; str() says why, in one line."""


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


def _span(record: IncidentRecord) -> tuple[datetime, datetime] | None:
    times = [entry.occurred_at for entry in record.entries]
    return (min(times), max(times)) if times else None


def _title_key(title: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in title.casefold()).split())


def same_incident(a: IncidentRecord, b: IncidentRecord, names: tuple[str, str]) -> str | None:
    """A note when the two records have different titles yet overlapping timelines (merged
    as one incident); DifferentIncidents when the titles differ and the timelines are more
    than SAME_INCIDENT_GAP apart; None when they are plainly one incident."""
    titles = (a.details.title, b.details.title)
    if a.incident.uuid == b.incident.uuid or _title_key(titles[0]) == _title_key(titles[1]):
        return None
    span_a, span_b = _span(a), _span(b)
    shown = f"{names[0]} is {titles[0]!r}, {names[1]} is {titles[1]!r}"
    if span_a is not None and span_b is not None:
        gap = max(span_b[0] - span_a[1], span_a[0] - span_b[1])
        if gap > SAME_INCIDENT_GAP:
            first, last = sorted((span_a, span_b))
            raise DifferentIncidents(
                f"these look like two different incidents: {shown}, and their timelines are "
                f"{_hours(gap)} apart ({first[1]:%Y-%m-%d %H:%M} to {last[0]:%Y-%m-%d %H:%M} "
                "UTC)"
            )
    return (
        f"the titles differ ({shown}); their timelines overlap, so they were merged as one "
        f"incident titled {titles[0]!r} (A's title)"
    )


def _hours(gap: timedelta) -> str:
    hours = gap.total_seconds() / 3600
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.0f} days"


def merge_files(
    a: Path,
    b: Path,
    out: Path,
    *,
    clock: Clock = system_clock,
    different_incidents: bool = False,
) -> MergeSummary:
    """Merge incident files `a` and `b` into the new file `out`; IncidentFileError if one
    cannot be read or `out` cannot be created (then nothing is left at `out`);
    DifferentIncidents (nothing written) if they look like two incidents, unless
    `different_incidents` says that is meant."""
    if out.exists():
        raise IncidentFileError(f"{out} already exists: merge into a new file")
    with (
        IncidentFile.open(a, readonly=True) as file_a,
        IncidentFile.open(b, readonly=True) as file_b,
    ):
        for file in (file_a, file_b):  # a teammate's capture still arriving: not half a merge
            file.check_pixels_here(doing="merged")
        inputs = [_Input(a, file_a), _Input(b, file_b)]
        try:
            told = same_incident(inputs[0].record, inputs[1].record, (a.name, b.name))
        except DifferentIncidents as different:
            if not different_incidents:
                raise
            told = f"{different}: merged as asked (--different-incidents)"
        if inputs[0].recorder == inputs[1].recorder and a.stem == b.stem:
            inputs[1].recorder = f"{b.parent.name}/{b.name}"
        merged, duplicates = _collect(inputs)
        milestones, notes = _earliest(inputs)
        items, standalone = _plan(merged, milestones)
        sources = [[(inputs[origin], entry) for origin, entry in m.copies] for m in merged]
        shas, quarantined = _write(out, _details(inputs), items, sources, standalone, clock)
    notes += [f"capture not merged: {line}" for line in quarantined]
    if told is not None:
        notes.insert(0, f"note: {told}")
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

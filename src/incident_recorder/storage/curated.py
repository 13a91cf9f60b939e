"""The curation half of an incident file: milestones, details, report texts, action items.

IncidentFile inherits these methods; they live here to keep that class to the timeline itself.
The SQL is in storage/curation.py. Every write is one transaction, durable when it returns.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from incident_recorder.domain import Entry, EntryKind, Incident
from incident_recorder.domain.actions import ActionItem
from incident_recorder.domain.details import IncidentDetails
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.record import GlobalIds, IncidentRecord
from incident_recorder.domain.text import clean_note_text
from incident_recorder.domain.times import to_iso
from incident_recorder.storage import batch, curation
from incident_recorder.storage.annotations import AnnotationSummary
from incident_recorder.storage.errors import IncidentFileError, translate
from incident_recorder.storage.handle import FileHandle
from incident_recorder.storage.origins import global_ids

_T = TypeVar("_T")


class CuratedFile(FileHandle):
    """Milestones, details, report texts and action items of an open incident file."""

    if TYPE_CHECKING:  # the entries and the incident row are IncidentFile's (incident_file.py)

        def incident(self) -> Incident: ...

        def entry(self, entry_id: int) -> Entry: ...

        def entries(self, *, include_hidden: bool = True) -> list[Entry]: ...

        def annotation_summaries(self) -> dict[int, AnnotationSummary]: ...

        def corrections(self) -> dict[int, datetime]: ...

    def record(self) -> IncidentRecord:
        """The whole incident for a report, read in one snapshot (no write half-seen)."""
        with self._snapshot():
            summaries = self.annotation_summaries()
            return IncidentRecord(
                incident=self.incident(),
                details=self.details(),
                milestones=self.milestones(),
                entries=tuple(self.entries()),
                milestone_entries=self.milestone_entries(),
                report_texts=self.report_texts(),
                action_items=tuple(self.action_items()),
                reviewed_captures=frozenset(summaries),
                corrected_at=self.corrections(),
                sensitive_captures=frozenset(
                    cid for cid, summary in summaries.items() if summary.sensitive
                ),
                uids=self._curated(global_ids, GlobalIds()),
            )

    def _require_version(self, version: int, what: str) -> None:
        if self.version < version:
            raise IncidentFileError(
                f"{self.path.name} is opened read-only in an older format: {what} cannot be saved"
            )

    def _curated(self, read: Callable[[sqlite3.Connection], _T], empty: _T) -> _T:
        """`read` on the connection, or `empty` for an older file opened read-only."""
        if self.version < 3:
            return empty
        try:
            return read(self._connection())
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the incident") from None

    def header_marks(self) -> tuple[int, int]:
        """The highest milestone and detail row ids (0, 0 before version 3): when neither moved,
        the header has nothing new to read."""
        if self.version < 3:
            return 0, 0
        rows = self._read(
            "SELECT (SELECT coalesce(max(id), 0) FROM milestones), "
            "(SELECT coalesce(max(id), 0) FROM details)"
        )
        return int(rows[0][0]), int(rows[0][1])

    def milestones(self) -> Milestones:
        return self._curated(curation.milestones, Milestones())

    def milestone_entries(self) -> dict[int, Milestone]:
        """entry id → the milestone that entry marks on the timeline."""
        return self._curated(curation.milestone_entries, {})

    def milestone_history(self, milestone: Milestone) -> list[datetime | None]:
        return self._curated(lambda c: curation.milestone_history(c, milestone), [])

    def set_milestone(
        self,
        milestone: Milestone,
        when: datetime | None,
        *,
        offset: str | None = None,
        entry_id: int | None = None,
        source: str = "gui",
    ) -> Milestones:
        """Set (or, with None, clear) a milestone's time; the earlier values stay in the file."""
        self._require_version(3, "milestones")
        with self._write("saving the milestone") as conn:
            curation.set_milestone(
                conn,
                milestone,
                when,
                set_at=self._clock(),
                offset=offset,
                entry_id=entry_id,
                source=source,
            )
        return self.milestones()

    def record_milestone(
        self,
        milestone: Milestone,
        when: datetime | None = None,
        *,
        text: str = "",
        kind: EntryKind | None = None,
        source: str = "gui",
        public: bool = False,
        offset: str | None = None,
        author: str | None = None,
    ) -> Entry:
        """The milestone key: a timeline entry marking it and the milestone, in one transaction.

        The entry reads `text` (the note being typed, say) or the milestone's name. `offset` is
        the UTC offset a person typed the time in ('+01:00'), kept on both.
        """
        self._require_version(3, "milestones")
        when = when or self._clock()
        note = clean_note_text(text) if text.strip() else milestone.label
        with self._write("saving the milestone") as conn:
            entry_id = conn.execute(
                "INSERT INTO entries (kind, text, occurred_at, recorded_at, source, public, "
                "occurred_offset, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(kind or milestone.entry_kind),
                    note,
                    to_iso(when),
                    to_iso(self._clock()),
                    source,
                    int(public),
                    offset,
                    author,
                ),
            ).lastrowid
            curation.set_milestone(
                conn,
                milestone,
                when,
                set_at=self._clock(),
                offset=offset,
                entry_id=entry_id,
                source=source,
            )
        assert entry_id is not None
        return self.entry(entry_id)

    def import_entries(
        self,
        items: Sequence[ImportedEntry],
        *,
        milestones: Mapping[Milestone, datetime] | None = None,
        milestone_source: str = "import",
    ) -> list[Entry]:
        """Store every imported entry, its milestone and capture, in ONE transaction.

        Either all of them are in the file when this returns, or (IncidentFileError, or
        ValueError for a text that cannot be a note) none is. `milestones` are set without an
        entry (a merge's earliest times). The stored entries, in the order given.
        """
        self._require_version(3, "imported entries")
        with self._write("importing the entries") as conn:
            ids = batch.insert_batch(
                conn,
                items,
                milestones or {},
                self._clock(),
                milestone_source=milestone_source,
            )
        with self._snapshot():
            if len(ids) < 1000:
                return [self.entry(entry_id) for entry_id in ids]
            # A big import: one pass over the timeline beats a query per entry.
            wanted = set(ids)
            stored = {entry.id: entry for entry in self.entries() if entry.id in wanted}
            return [stored[entry_id] for entry_id in ids]

    def details(self) -> IncidentDetails:
        """Title, severity, status, services, roles and detection source as they now read."""
        title = self.incident().title
        return self._curated(lambda c: curation.details(c, title), IncidentDetails(title))

    def set_details(self, details: IncidentDetails) -> IncidentDetails:
        """Save the fields of `details` that changed (each a new value in its history)."""
        self._require_version(3, "incident details")
        title = " ".join(details.title.split())
        if not title:
            raise IncidentFileError("an incident needs a title")
        details = dataclasses.replace(details, title=title)
        with self._write("saving the incident details") as conn:
            current = curation.details(conn, self.incident().title)
            curation.set_details(conn, details, current, self._clock())
        return self.details()

    def report_texts(self) -> dict[str, str]:
        """The report editor's sections: key → text last saved."""
        return self._curated(curation.report_texts, {})

    def save_report_texts(self, texts: Mapping[str, str]) -> list[str]:
        """Save the sections whose text changed (the keys saved). Nothing changed: nothing is
        written (a read-only incident's report window closes without an error)."""
        self._require_version(3, "report texts")
        current = self.report_texts()
        if all(current.get(key, "") == text for key, text in texts.items()):
            return []
        with self._write("saving the report") as conn:
            return curation.save_report_texts(conn, texts, self._clock())

    def action_items(self, *, include_hidden: bool = False) -> list[ActionItem]:
        return self._curated(lambda c: curation.action_items(c, include_hidden=include_hidden), [])

    def action_item_history(self, item: int) -> list[ActionItem]:
        return self._curated(lambda c: curation.action_item_history(c, item), [])

    def save_action_item(self, item: ActionItem) -> ActionItem:
        """Add an action item (id None) or save a new revision of one; the saved item.

        ValueError for an item without description; IncidentFileError if it was changed
        elsewhere since `item.revision` was read.
        """
        self._require_version(3, "action items")
        with self._write("saving the action item") as conn:
            try:
                return curation.save_action_item(conn, item, self._clock())
            except LookupError:
                raise IncidentFileError(f"no action item {item.id} in {self.path.name}") from None
            except curation.StaleItem as stale:
                raise IncidentFileError(
                    f"the action item was changed elsewhere since it was opened ({stale})"
                ) from None

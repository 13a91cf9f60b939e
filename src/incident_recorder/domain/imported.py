"""An entry brought in from outside (a CSV, a JSON export, a chat export, another incident file).

Importers build these; `IncidentFile.import_entries` stores a whole list in one transaction, so
an import is never half done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_recorder.domain.annotation import Shape
from incident_recorder.domain.entry import NewCapture
from incident_recorder.domain.kinds import EntryKind
from incident_recorder.domain.milestones import Milestone


@dataclass(frozen=True, slots=True)
class ImportedEntry:
    """One entry to import.

    `source` says where it came from ('import:csv', 'import:slack:incident-42', 'merge:a').
    `milestone`, when set, is recorded with the entry and linked to it. `capture` (with the
    `shapes` drawn on it, redactions included) is stored once per SHA-256 in the file.
    `recorded_at` None means "now" (when it is imported).
    """

    kind: EntryKind
    text: str
    occurred_at: datetime
    source: str
    public: bool = False
    starred: bool = False
    hidden: bool = False
    author: str | None = None
    occurred_offset: str | None = None
    milestone: Milestone | None = None
    capture: NewCapture | None = None
    shapes: tuple[Shape, ...] = ()
    recorded_at: datetime | None = None

"""The shapes drawn on captures (arrows, boxes, redactions) of an open incident file.

Every save is a new revision of a capture's shapes; the original PNG is never touched
(schema version 2; the SQL is in annotations.py). A save made from an editor names the revision
it was edited from, so a save made elsewhere meanwhile (a redaction) is never silently dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import TypeVar

from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.times import to_iso
from incident_recorder.storage import annotations as annotation_store
from incident_recorder.storage.annotations import AnnotationSummary
from incident_recorder.storage.errors import CorruptFileError, IncidentFileError, translate
from incident_recorder.storage.handle import FileHandle

_T = TypeVar("_T")


class AnnotatedFile(FileHandle):
    """Annotations of the captures of an open incident file."""

    def _annotations_table(self) -> bool:
        """Whether the file has the annotations table (a v1 file opened read-only has not)."""
        try:
            return annotation_store.has_table(self._connection())
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the incident") from None

    def set_annotations(
        self, capture_id: int, shapes: Sequence[Shape], *, base_revision: int
    ) -> int:
        """Save `shapes` as the capture's annotations; the new revision's number (1, 2, …).

        `base_revision` is the revision the shapes were edited from (`annotation_revision`
        when they were loaded; 0 for a capture never annotated). If another save came in
        between, nothing is saved and IncidentFileError says so: saving would silently drop
        that save (a redaction, say). Earlier revisions stay in the file and the original PNG
        is never touched. An empty list is a revision too: it clears the annotations. Durable
        when this returns.
        """
        if not self._annotations_table():
            raise IncidentFileError(f"{self.path.name} is read-only: annotations cannot be saved")
        with self._write("saving the annotations") as conn:
            try:
                return annotation_store.insert(
                    conn,
                    capture_id,
                    list(shapes),
                    to_iso(self._clock()),
                    base_revision=base_revision,
                )
            except LookupError:
                raise IncidentFileError(f"no capture {capture_id} in {self.path.name}") from None
            except annotation_store.StaleRevision as stale:
                raise IncidentFileError(
                    "the annotations were changed elsewhere since this viewer opened them; "
                    f"reopen to see them (now revision {stale.current}, opened at revision "
                    f"{stale.base})"
                ) from None

    def annotation_revision(self, capture_id: int) -> int:
        """The capture's current annotations revision (0 if never annotated)."""
        return self._read_annotations(lambda c: annotation_store.revision(c, capture_id), 0)

    def annotations_at_revision(self, capture_id: int) -> tuple[list[Shape], int]:
        """The capture's current shapes and their revision, read together (for an editor)."""
        with self._snapshot():
            return self.annotations(capture_id), self.annotation_revision(capture_id)

    def _read_annotations(self, read: Callable[[sqlite3.Connection], _T], empty: _T) -> _T:
        if not self._annotations_table():
            return empty
        try:
            return read(self._connection())
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the annotations") from None
        except ValueError as error:
            raise CorruptFileError(
                f"{self.path.name} holds annotations that cannot be read ({error})"
            ) from None

    def annotations(self, capture_id: int) -> list[Shape]:
        """The capture's current shapes ([] if never annotated)."""
        return self._read_annotations(lambda c: annotation_store.current(c, capture_id), [])

    def annotation_history(self, capture_id: int) -> list[list[Shape]]:
        """Every saved revision of the capture's shapes, the first first."""
        return self._read_annotations(lambda c: annotation_store.history(c, capture_id), [])

    def annotation_summaries(self) -> dict[int, AnnotationSummary]:
        """capture id → its current annotations counted (shapes, redactions, revision)."""
        return self._read_annotations(annotation_store.summaries, {})

    def sensitive_captures(self) -> set[int]:
        """Ids of the captures whose current annotations hold a redaction."""
        return {cid for cid, summary in self.annotation_summaries().items() if summary.sensitive}

    def is_sensitive(self, capture_id: int) -> bool:
        return any(shape.kind is ShapeKind.REDACTION for shape in self.annotations(capture_id))

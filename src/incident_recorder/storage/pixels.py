"""A capture's pixels, and the teammates' captures whose pixels are still on their way.

The team sync pulls a teammate's capture in two steps (sync/replicator.py): its row with the
thumbnail first, so the timeline shows it within the catch-up, then its full image. Until the
image arrives the row's `png` is empty (zero bytes: the column is NOT NULL, and every table is
append-only, so it can never be filled in); the image is then added once to `capture_pixels`
(schema version 8), checked against the SHA-256 the capture row was shared with. `capture_png`
reads either place; for a capture still arriving it raises PixelsArrivingError, so an export,
a merge or the viewer says so instead of showing something else. This recorder's own captures
always carry their pixels in their row.
"""

from __future__ import annotations

import hashlib
import logging

from incident_recorder.domain.times import to_iso
from incident_recorder.storage.errors import IncidentFileError, PixelsArrivingError
from incident_recorder.storage.handle import FileHandle
from incident_recorder.storage.schema import PIXELS_VERSION

logger = logging.getLogger(__name__)

_ARRIVING = (
    "SELECT c.id, c.sha256 FROM captures AS c WHERE length(c.png) = 0 "
    "AND NOT EXISTS (SELECT 1 FROM capture_pixels AS p WHERE p.capture_id = c.id) ORDER BY c.id"
)
ARRIVING = (
    "its full image is still arriving from the team database (the timeline shows its "
    "thumbnail meanwhile; the team sync brings the image right after)"
)


class PixelsFile(FileHandle):
    """IncidentFile inherits these (see the module)."""

    def _has_pixels_table(self) -> bool:
        """Whether the file has `capture_pixels` (an older file opened read-only has not)."""
        return self.version >= PIXELS_VERSION

    def capture_png(self, capture_id: int) -> bytes:
        """The capture's full image. PixelsArrivingError while it is on its way."""
        if self._has_pixels_table():
            sql = (  # the row's own image if it has one: capture_pixels only fills a gap
                "SELECT CASE WHEN length(c.png) > 0 THEN c.png ELSE (SELECT p.png FROM "
                "capture_pixels AS p WHERE p.capture_id = c.id) END FROM captures AS c "
                "WHERE c.id = ?"
            )
        else:
            sql = "SELECT png FROM captures WHERE id = ?"
        rows = self._read(sql, (capture_id,))
        if not rows:
            raise IncidentFileError(f"no capture {capture_id} in {self.path.name}")
        png = bytes(rows[0][0] or b"")
        if not png:
            raise PixelsArrivingError(f"Capture {capture_id} of {self.path.name}: {ARRIVING}")
        return png

    def check_pixels_here(self, doing: str = "exported") -> None:
        """PixelsArrivingError if any capture's image is still on its way (before an export,
        which would otherwise leave it out or stop half-way; a merge; a copy)."""
        count = len(self.arriving_captures())
        if count:
            some = "1 capture" if count == 1 else f"{count} captures"
            raise PixelsArrivingError(
                f"{some} of {self.path.name} {'is' if count == 1 else 'are'} still arriving "
                f"from the team database (thumbnail first, the full image right after): "
                f"{self.path.name} can be {doing} once the team sync has brought "
                f"{'it' if count == 1 else 'them'} (`incident-recorder sync FILE --once` "
                "brings them now)"
            )

    def arriving_captures(self) -> dict[int, str]:
        """Captures here without their pixels yet: rowid → the SHA-256 of the image to come."""
        if not self._has_pixels_table():
            return {}
        return {int(c): str(sha) for c, sha in self._read(_ARRIVING)}

    def add_pixels(self, pixels: dict[int, bytes]) -> list[int]:
        """Store the images of captures still arriving (rowid → PNG bytes), in one transaction;
        the rowids stored. Images whose SHA-256 differs from their capture's (logged), and
        captures that have their pixels already (another writer's fetch: the window's sync and
        `sync --once` at once), are left out."""
        now = to_iso(self._clock())
        stored: list[int] = []
        with self._write("saving teammates' capture images") as conn:
            waiting = {int(c): str(sha).lower() for c, sha in conn.execute(_ARRIVING)}
            for capture_id, png in pixels.items():
                expected = waiting.get(capture_id)
                if expected is None:
                    continue
                if hashlib.sha256(png).hexdigest() != expected:
                    logger.warning("capture %d: an image not the one shared: left out", capture_id)
                    continue
                conn.execute(
                    "INSERT INTO capture_pixels (capture_id, png, arrived_at) VALUES (?, ?, ?)",
                    (capture_id, png, now),
                )
                stored.append(capture_id)
        return stored

"""The note being typed, kept on disk so a closed window or a crash does not lose it.

One small JSON file per incident file (named by a hash of its path) in the config folder. A
draft is not part of the record: it becomes an entry only when the user presses Enter.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from incident_recorder.atomic import atomic_write
from incident_recorder.domain import EntryKind
from incident_recorder.domain.times import from_iso, to_iso


@dataclass(frozen=True)
class SavedDraft:
    text: str
    kind: EntryKind
    occurred_at: object  # datetime | None


class DraftStore:
    def __init__(self, folder: Path, incident_path: Path) -> None:
        digest = hashlib.sha256(str(incident_path.resolve()).encode()).hexdigest()[:24]
        self.file = folder / f"{digest}.json"
        self._incident_path = incident_path

    def load(self) -> SavedDraft | None:
        """The kept draft, or None (a damaged draft file is ignored, never an error)."""
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
            occurred = raw.get("occurred_at")
            return SavedDraft(
                str(raw["text"]),
                EntryKind(raw.get("kind", "observation")),
                from_iso(occurred) if occurred else None,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, text: str, kind: EntryKind, occurred_at: object) -> None:
        """Keep the draft (an empty one removes the file). Failing to keep it is not an error."""
        try:
            if not text:
                self.file.unlink(missing_ok=True)
                return
            self.file.parent.mkdir(parents=True, exist_ok=True)
            payload = {
                "incident": str(self._incident_path.resolve()),
                "text": text,
                "kind": str(kind),
                "occurred_at": to_iso(occurred_at) if occurred_at else None,  # type: ignore[arg-type]
            }
            atomic_write(self.file, json.dumps(payload).encode("utf-8"), 0o600)  # a note: private
        except OSError:
            pass

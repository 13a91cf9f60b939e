"""The list of recently opened incident files, kept as JSON in the config folder.

A damaged list is ignored (and replaced on the next save), never an error: it is a convenience.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from incident_recorder.atomic import atomic_write

MAX_RECENT = 20


@dataclass(frozen=True)
class RecentIncident:
    path: str
    title: str
    opened_at: str


class RecentList:
    """Recent incidents, newest first, stored in `file`."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def load(self) -> list[RecentIncident]:
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
            return [
                RecentIncident(str(r["path"]), str(r["title"]), str(r["opened_at"])) for r in raw
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def add(self, path: Path, title: str, opened_at: str) -> None:
        """Put `path` at the top of the list (saving fails silently: it is only a convenience)."""
        resolved = str(Path(path).resolve())
        items = [r for r in self.load() if r.path != resolved]
        items.insert(0, RecentIncident(resolved, title, opened_at))
        self._save(items[:MAX_RECENT])

    def remove(self, path: Path) -> None:
        resolved = str(Path(path).resolve())
        self._save([r for r in self.load() if r.path != resolved])

    def _save(self, items: list[RecentIncident]) -> None:
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            data = json.dumps([asdict(r) for r in items], indent=1).encode("utf-8")
            atomic_write(self.file, data, 0o600)  # which incidents one works on: one's own
        except OSError:
            pass

"""The recorder window's notes and milestone keys: what the note bar commits, and its draft.

`NoteController` is handed the session, the note bar, the timeline model (for its time format)
and the header (for the milestones the status message compares with). A note or a milestone is
made durable through the session first; only then is the field cleared and the draft dropped.
The note being typed is kept on disk (drafts.DraftStore) a moment after each keystroke, so a
crash or a closed window does not lose it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.times import Clock
from incident_recorder.drafts import DraftStore
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFileError
from incident_recorder.ui.common.window_host import WindowHost
from incident_recorder.ui.recorder.header import IncidentHeader, recorded_message
from incident_recorder.ui.recorder.note_bar import Draft, NoteBar
from incident_recorder.ui.timeline.timeline_model import TimelineModel

NOTE_NOT_SAVED = "The note was not saved"
DRAFT_DEBOUNCE_MS = 300
"""How long typing must pause before the draft is written to disk."""


class NoteController(QObject):
    """Saves notes and milestones from one window's note bar; keeps its draft."""

    def __init__(
        self,
        session: IncidentSession,
        note_bar: NoteBar,
        model: TimelineModel,
        header: IncidentHeader,
        *,
        clock: Clock,
        drafts: DraftStore | None,
        host: WindowHost,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._note_bar = note_bar
        self._model = model
        self._header = header
        self._clock = clock
        self._drafts = drafts
        self._host = host
        note_bar.submitted.connect(self.save_note)
        note_bar.discarded.connect(
            lambda: host.statusBar().showMessage("Draft discarded — Ctrl+Z brings it back", 6000)
        )
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DEBOUNCE_MS)
        self._draft_timer.timeout.connect(self.keep_draft)
        if drafts is not None:
            kept = drafts.load()
            if kept is not None:
                when = kept.occurred_at if isinstance(kept.occurred_at, datetime) else None
                note_bar.load_draft(Draft(kept.text, kept.kind, when))
            note_bar.draft_changed.connect(self._draft_timer.start)

    def handlers(self) -> dict[str, Callable[..., object]]:
        """Action id → its function, for the window's actions table: the kind and milestone
        keys."""
        handlers: dict[str, Callable[..., object]] = {}
        for kind in EntryKind:
            handlers[f"kind_{kind.value}"] = lambda _=False, k=kind: self._note_bar.set_kind(k)
        for milestone in Milestone:
            handlers[f"milestone_{milestone.value}"] = lambda _=False, m=milestone: (
                self.record_milestone(m)
            )
        return handlers

    def keep_draft(self) -> None:
        """Write the note being typed to disk now (an empty one removes the draft)."""
        if self._drafts is not None:
            draft = self._note_bar.draft()
            self._drafts.save(draft.text, draft.kind, draft.occurred_at)

    def _committed(self) -> None:
        self._note_bar.committed()
        self._draft_timer.stop()
        self.keep_draft()  # now, not after the debounce: a crash must not bring it back

    def save_note(self, text: str, kind: EntryKind, occurred_at: datetime | None) -> None:
        """Make the note durable, then show it; on failure the note stays in the field."""
        try:
            entry = self._session.add_note(text, kind, occurred_at, public=self._note_bar.public)
        except (ValueError, IncidentFileError) as error:
            self._host.show_error(NOTE_NOT_SAVED, f"{error} — the note is still in the field.")
            self._note_bar.not_saved()
            return
        self._host.clear_error(NOTE_NOT_SAVED)
        self._committed()
        self._host.statusBar().showMessage(
            f"Saved {entry.kind.value} at {self._model.format_time(entry.occurred_at)}", 4000
        )

    def record_milestone(self, milestone: Milestone) -> Entry | None:
        """The milestone key: durable first, then shown. A note being typed becomes its entry
        (its first keystroke is the milestone's time); otherwise the time is the key press."""
        pressed = self._clock()
        note_bar = self._note_bar
        text = note_bar.text()
        note = bool(text.strip())
        when = (note_bar.occurred_at or pressed) if note else pressed
        kind = note_bar.kind if note and note_bar.kind_chosen else None
        public = note and note_bar.public  # Ctrl+P on the typed note holds for its entry
        try:
            result = self._session.record_milestone(
                milestone, when, text=text if note else "", kind=kind, public=public
            )
        except (ValueError, IncidentFileError) as error:
            kept = " — the note is still in the field." if note else ""
            self._host.show_error(f"{milestone.label} was not recorded", f"{error}{kept}")
            if note:
                note_bar.not_saved()
            return None
        self._host.clear_error(f"{milestone.label} was not recorded")
        if note:
            self._host.clear_error(NOTE_NOT_SAVED)
            self._committed()
        status = ""
        if result.status is not None:
            status = f" · status set to {result.status.label} (Ctrl+I changes it)"
        elif result.status_problem is not None:
            status = f" · the status was not changed: {result.status_problem}"
        message = recorded_message(
            milestone, result.before, self._header.milestones, self._model.format_time
        )
        self._host.statusBar().showMessage(message + status, 10_000)
        return result.entry

    def close(self) -> None:
        """The window is closing: a note being typed is there again when the incident reopens."""
        self._draft_timer.stop()
        self.keep_draft()

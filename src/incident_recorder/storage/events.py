"""Events recorded from outside (webhooks, scripts), and the token that lets them in.

IncidentFile inherits these methods. Each event becomes an ordinary timeline entry; an event with
a delivery key also gets a row in `event_keys` (schema version 4), written in the same transaction
as its entry, so a key already there marks a delivery recorded before, which is skipped and
reported as a duplicate. An event that marks a milestone sets it, with its entry, in the same
transaction, unless the milestone already has a time (a person's, or an earlier event's: kept).
An event that can recur under the same key (domain.events.Recurrence) has its key completed, in
the same transaction, with the latest key that ended it. The webhook token
lives in the `details` table under its own name, `webhook_token`: a history like every detail (a
new token is a new row; the latest is current).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from incident_recorder.domain.events import NewEvent
from incident_recorder.domain.text import clean_note_text
from incident_recorder.domain.times import from_iso, to_iso
from incident_recorder.storage import curation
from incident_recorder.storage.errors import IncidentFileError, translate
from incident_recorder.storage.handle import FileHandle

WEBHOOK_TOKEN = "webhook_token"
"""The name of the token's rows in the `details` table."""

_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]{16,512}=*")
"""RFC 6750 b64token characters, at least 16 of them (a bearer token people can also type)."""
MAX_KEY_CHARS = 1000


@dataclass(frozen=True, slots=True)
class EventOutcome:
    """What became of one event: the entry recorded for it now, or (duplicate) earlier."""

    entry_id: int
    key: str | None
    duplicate: bool


def _latest_key(conn: sqlite3.Connection, prefix: str) -> str | None:
    """The most recently recorded key that starts with `prefix` (a range of the key's index:
    the keys starting with "a:b:" are exactly those from "a:b:" up to, not including, "a:b;")."""
    if not prefix:
        return None
    end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    row = conn.execute(
        "SELECT key FROM event_keys WHERE key >= ? AND key < ? ORDER BY entry_id DESC LIMIT 1",
        (prefix, end),
    ).fetchone()
    return None if row is None else str(row[0])


def _mark_milestone(
    conn: sqlite3.Connection, event: NewEvent, entry_id: int, at: datetime, now: datetime
) -> None:
    """Set the milestone `event` marks, at its entry's time, if it has no time yet."""
    assert event.milestone is not None
    if curation.milestones(conn)[event.milestone] is None:
        curation.set_milestone(
            conn, event.milestone, at, set_at=now, entry_id=entry_id, source=event.source
        )


def check_token(token: str) -> str:
    """`token` if it can be a bearer token, else ValueError saying why."""
    if not _TOKEN.fullmatch(token):
        raise ValueError(
            "a webhook token needs at least 16 characters, all letters, digits or - . _ ~ + / "
            "(and = at the end)"
        )
    return token


class EventsFile(FileHandle):
    """Recording events and keeping the webhook token, for an open incident file."""

    def _require_events(self, what: str) -> None:
        if self.version < 4:
            raise IncidentFileError(
                f"{self.path.name} is opened read-only in an older format: {what} cannot be saved"
            )

    def record_events(self, events: Sequence[NewEvent]) -> list[EventOutcome]:
        """Record each event as an entry, all in one transaction, durable when this returns.

        An event whose key was recorded before (or earlier in `events`) is skipped: its outcome
        names the entry recorded then. An event with a recurrence whose end is recorded is keyed
        after the latest end (see domain.events.Recurrence). ValueError (nothing saved) if an
        event's text cannot be a note.
        """
        self._require_events("events")
        texts = [clean_note_text(event.text) for event in events]
        again = [
            clean_note_text(event.recurrence.text) if event.recurrence is not None else None
            for event in events
        ]
        for event in events:
            if event.key is not None and not 0 < len(event.key) <= MAX_KEY_CHARS:
                raise ValueError(f"an event key needs 1 to {MAX_KEY_CHARS} characters")
        outcomes: list[EventOutcome] = []
        with self._write("recording the events") as conn:
            now = to_iso(self._clock())
            for event, text, text_again in zip(events, texts, again, strict=True):
                key = event.key
                occurred = now if event.occurred_at is None else to_iso(event.occurred_at)
                if key is not None and event.recurrence is not None and text_again is not None:
                    ended = _latest_key(conn, event.recurrence.ended_by)
                    if ended is not None:
                        key = f"{key}:after:{ended[len(event.recurrence.ended_by) :]}"
                        text, occurred = text_again, now
                if key is not None:
                    row = conn.execute(
                        "SELECT entry_id FROM event_keys WHERE key = ?", (key,)
                    ).fetchone()
                    if row is not None:
                        outcomes.append(EventOutcome(int(row[0]), key, duplicate=True))
                        continue
                entry_id = conn.execute(
                    "INSERT INTO entries (kind, text, occurred_at, recorded_at, source, public) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (str(event.kind), text, occurred, now, event.source, int(event.public)),
                ).lastrowid
                assert entry_id is not None
                if key is not None:
                    conn.execute(
                        "INSERT INTO event_keys (key, entry_id, received_at) VALUES (?, ?, ?)",
                        (key, entry_id, now),
                    )
                if event.milestone is not None:
                    _mark_milestone(conn, event, entry_id, from_iso(occurred), from_iso(now))
                outcomes.append(EventOutcome(entry_id, key, duplicate=False))
        return outcomes

    def event_key_count(self) -> int:
        """How many delivery keys the file holds (0 for a file older than version 4)."""
        if self.version < 4:
            return 0
        try:
            return int(self._connection().execute("SELECT count(*) FROM event_keys").fetchone()[0])
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the incident") from None

    def _stored_token(self, conn: sqlite3.Connection) -> str | None:
        row = conn.execute(
            "SELECT value FROM details WHERE name = ? ORDER BY id DESC LIMIT 1", (WEBHOOK_TOKEN,)
        ).fetchone()
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None

    def webhook_token(self, *, create: bool = False) -> str | None:
        """The incident's webhook bearer token; with `create`, one is generated (and saved)
        when there is none yet. None for a file without one (or older than version 3)."""
        if self.version < 3:
            return None
        try:
            token = self._stored_token(self._connection())
        except sqlite3.Error as error:
            raise translate(error, self.path, "reading the incident") from None
        if token is not None or not create:
            return token
        self._require_events("a webhook token")
        with self._write("saving the webhook token") as conn:
            token = self._stored_token(conn)  # another connection may have just made one
            if token is None:
                import secrets  # only the webhook server needs it

                token = secrets.token_urlsafe(32)
                self._insert_token(conn, token)
        return token

    def set_webhook_token(self, token: str) -> str:
        """Make `token` the incident's webhook token (ValueError if it cannot be one). The
        earlier tokens stay in the file's history but no longer let anything in."""
        check_token(token)
        self._require_events("a webhook token")
        with self._write("saving the webhook token") as conn:
            if self._stored_token(conn) != token:
                self._insert_token(conn, token)
        return token

    def _insert_token(self, conn: sqlite3.Connection, token: str) -> None:
        conn.execute(
            "INSERT INTO details (name, value, set_at) VALUES (?, ?, ?)",
            (WEBHOOK_TOKEN, json.dumps(token), to_iso(self._clock())),
        )

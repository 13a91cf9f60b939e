"""Push this replica's rows to the team database, pull everyone else's through the session.

`Replicator` works on one open IncidentSession (and so on the thread that owns its file):

- `push`: this recorder's rows after the push mark, oldest first, in batches; each batch one
  transaction of INSERT … ON CONFLICT (uid) DO NOTHING, and only after its COMMIT the mark
  moves. A push cut anywhere (the server gone, the connection killed, the process killed) is
  repeated from the mark and adds nothing twice.
- `pull`: rows after the cursor (tx, seq), only of transactions older than every one still
  running, in batches; each batch goes through `IncidentSession.receive`: stored with the new
  cursor in one SQLite transaction, then announced to the listeners. A pull cut anywhere resumes
  from the last cursor saved, and a row already here is skipped.
- `run`: the loop a shell's `sync` and the window's worker run: connect, LISTEN, push and pull,
  then wait for a NOTIFY, a local write (PRAGMA data_version) or the slow poll; on a lost
  connection report offline and retry with a growing pause.

`connect` completes a connection string without a password from the system keyring
(passwords.py), else libpq looks in its own places (~/.pgpass, a service file, PGPASSWORD).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from incident_recorder import gc_pause
from incident_recorder.domain.times import Clock, system_clock
from incident_recorder.session import IncidentSession
from incident_recorder.storage.replica import SharedRow
from incident_recorder.sync import passwords, team_db
from incident_recorder.sync.conninfo import error_text, is_refusal, parsed, shown
from incident_recorder.sync.watchdog import Watchdog

logger = logging.getLogger(__name__)

PUSH_ROWS = 500
PUSH_BYTES = 4 * 1024 * 1024
"""A push batch's images at most (a batch is the watchdog's unit of progress, watchdog.py)."""
PULL_ROWS = 500
PIXELS_ROWS = 4
"""Capture images fetched by one query (a megabyte or so each: a few MB a batch)."""
POLL_SECONDS = 30.0
"""The slow poll, should a NOTIFY be missed (a proxy that drops them, say)."""
LOCAL_CHECK_SECONDS = 0.1
"""How often the loop looks for rows written to the file by another connection."""
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0)
MARK_SAVE_SECONDS = 2.0
"""How often the live loop saves its push mark in the file (see Replicator.push)."""

Conn = psycopg.Connection[tuple[Any, ...]]


class NotSharedError(Exception):
    """The incident file is not linked to a team database (`share` or `join` it first)."""


@dataclass(frozen=True, slots=True)
class SyncState:
    """What the header shows: live with n teammates, offline since a time with rows waiting,
    or an error with its reason."""

    status: str  # "live", "offline" or "error"
    teammates: int = 0
    waiting: int = 0
    since: datetime | None = None
    reason: str = ""

    def text(self) -> str:
        if self.status == "live":
            who = f"{self.teammates} teammate{'s' if self.teammates != 1 else ''}"
            return f"live · {who}"
        since = f" since {self.since.astimezone():%H:%M}" if self.since else ""
        waiting = (
            f", {self.waiting} entr{'ies' if self.waiting != 1 else 'y'} waiting"
            if self.waiting
            else ""
        )
        if self.status == "offline":
            return f"offline{since}{waiting}"
        return f"error: {short_reason(self.reason)}{waiting}"


def short_reason(reason: str) -> str:
    """What the server said, without libpq's "connection to server at … failed:" prefix."""
    for marker in ("FATAL:", "failed:"):
        if marker in reason:
            return reason.rsplit(marker, 1)[1].strip() or reason
    return reason


def connect(
    conninfo: str, *, timeout: float = 5.0, password: str | None = None, look_up: bool = True
) -> Conn:
    """An autocommit connection (transactions are explicit), named in pg_stat_activity. A
    string without a password gets `password`, else (`look_up`) the system keyring's for its
    server, if any (passwords.py), else libpq finds one in its own places."""
    parsed(conninfo)  # BadConninfoError, which never repeats the string, before libpq reads it
    if password is None and look_up:
        password = passwords.lookup(conninfo)
    try:
        conn: Conn = psycopg.connect(
            conninfo, autocommit=True, connect_timeout=max(1, round(timeout)),
            application_name="incident-recorder", password=password or None,
        )  # fmt: skip
    except psycopg.OperationalError as error:
        text = error_text(error, conninfo)
        if password and password in text:
            text = text.replace(password, "***")
        if text != str(error):  # one line, and no password in it, wherever it is shown
            raise psycopg.OperationalError(text) from None
        raise
    return conn


class Replicator:
    """One replica's exchange with the team database (see the module docstring)."""

    def __init__(
        self, session: IncidentSession, conninfo: str | None = None, *, clock: Clock = system_clock
    ) -> None:
        state = session.file.team_state()
        if "incident" not in state or not (conninfo or state.get("conninfo")):
            raise NotSharedError(
                f"{session.file.path.name} is not shared with a team database: "
                "`incident-recorder share FILE --db URL` first"
            )
        self.session = session
        self.conninfo = conninfo or state["conninfo"]
        self.incident = state["incident"]
        self.recorder = session.file.recorder_id()
        self._clock = clock
        self._mark: int | None = None
        self._saved_mark: int | None = None
        self._mark_saved_at = time.monotonic()
        self._watch: Watchdog | None = None  # while `run` runs

    @property
    def shown_conninfo(self) -> str:
        return shown(self.conninfo)

    # -- push ---------------------------------------------------------------------------------

    @property
    def pushed_mark(self) -> int:
        """The origin seq up to which this recorder's rows are in the database (this sync's
        own mark, which may be ahead of the one saved in the file)."""
        if self._mark is None:
            self._mark = self._saved_mark = int(self.session.file.team_state().get("pushed", "0"))
        return self._mark

    def save_mark(self) -> None:
        """Save the push mark in the file, if it moved. A mark saved late only means rows
        pushed again after a crash, which the database takes once (ON CONFLICT DO NOTHING)."""
        if self._mark is not None and self._mark != self._saved_mark:
            self.session.file.set_team_state(pushed=str(self._mark))
            self._saved_mark = self._mark
        self._mark_saved_at = time.monotonic()

    def push(self, conn: Conn, *, save: bool = True) -> int:
        """Push every row of this recorder the database lacks; how many were sent. The mark
        moves only once a batch is committed; `save=False` leaves saving it to the caller (the
        live loop saves it every few seconds: a write into the file after every note would
        contend with the next note's commit)."""
        file = self.session.file
        sent = 0
        while True:
            batch = file.outgoing(self.pushed_mark, PUSH_ROWS)
            if not batch:
                if save:
                    self.save_mark()
                return sent
            rows, size = [], 0
            for seq, row in batch:
                rows.append((seq, row))
                size += len(row.data or b"") + len(row.thumb or b"")
                if size >= PUSH_BYTES:
                    break
            self._insert(conn, [row for _, row in rows])
            self._progress()
            self._mark = rows[-1][0]  # only once the database has them
            if save:
                self.save_mark()
            sent += len(rows)

    def _insert(self, conn: Conn, rows: Sequence[SharedRow]) -> None:
        with conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO incident_recorder.records "
                "(incident_id, uid, kind, recorder, author, body, data, thumb) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (uid) DO NOTHING",
                [
                    (self.incident, r.uid, r.table, r.recorder, r.author, Jsonb(r.body),
                     r.data, r.thumb)
                    for r in rows
                ],
            )  # fmt: skip

    # -- pull ---------------------------------------------------------------------------------

    def pull(self, conn: Conn) -> int:
        """Pull every row of other recorders past the cursor; how many were new here."""
        received, paused = 0, False
        # A catch-up's batches create hundreds of thousands of objects: the cyclic collector
        # waits until they are in (gc_pause.py), or its collections would hold the window's
        # UI thread (this runs on its worker) 20–60 ms at a time.
        with ExitStack() as quiet:
            while True:
                tx, seq = self._cursor()
                rows = conn.execute(  # a capture's pixels come after (fetch_pixels)
                    "SELECT tx::text, seq, uid::text, kind, recorder::text, author, body, "
                    "CASE WHEN kind = 'captures' THEN NULL ELSE data END, thumb "
                    "FROM incident_recorder.records WHERE incident_id = %s "
                    "AND (tx, seq) > (%s::xid8, %s) AND recorder <> %s "
                    "AND tx < pg_snapshot_xmin(pg_current_snapshot()) "
                    "ORDER BY tx, seq LIMIT %s",
                    (self.incident, tx, seq, self.recorder, PULL_ROWS),
                ).fetchall()
                if not rows:
                    return received
                if len(rows) == PULL_ROWS and not paused:  # a catch-up: more batches follow
                    quiet.enter_context(gc_pause.paused())
                    paused = True
                shared = [
                    SharedRow(uid, kind, recorder, author, body,
                              None if data is None else bytes(data),
                              None if thumb is None else bytes(thumb))
                    for _, _, uid, kind, recorder, author, body, data, thumb in rows
                ]  # fmt: skip
                self._progress()
                last_tx, last_seq = rows[-1][0], rows[-1][1]
                applied = self.session.receive(shared, {"cursor": f"{last_tx}:{last_seq}"})
                received += applied.added

    def fetch_pixels(self, conn: Conn) -> int:
        """Bring the full images of the captures pulled before their pixels (storage/pixels.py),
        `PIXELS_ROWS` at a time; how many arrived. The pull brings a capture with its thumbnail
        only, so a catch-up's timeline fills before its images, a megabyte each, are read."""
        file = self.session.file
        waiting = file.arriving_captures()
        if not waiting:
            return 0
        uid_of = {row_id: uid for uid, row_id in file.uids("captures").items()
                  if row_id in waiting}  # fmt: skip
        ids, arrived = sorted(uid_of), 0
        for start in range(0, len(ids), PIXELS_ROWS):
            chunk = ids[start : start + PIXELS_ROWS]
            rows = conn.execute(
                "SELECT uid::text, data FROM incident_recorder.records "
                "WHERE incident_id = %s AND uid = ANY(%s::uuid[]) AND data IS NOT NULL",
                (self.incident, [uid_of[row_id] for row_id in chunk]),
            ).fetchall()
            self._progress()
            row_of = {uid: row_id for row_id, uid in uid_of.items()}
            arrived += len(file.add_pixels({row_of[uid]: bytes(data) for uid, data in rows}))
        return arrived

    def _held_back(self, conn: Conn) -> bool:
        """Whether rows past the cursor exist that the snapshot rule does not let through yet."""
        tx, seq = self._cursor()
        row = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM incident_recorder.records WHERE incident_id = %s "
            "AND (tx, seq) > (%s::xid8, %s) AND recorder <> %s)",
            (self.incident, tx, seq, self.recorder),
        ).fetchone()
        return bool(row and row[0])

    def _cursor(self) -> tuple[str, int]:
        tx, _, seq = self.session.file.team_state().get("cursor", "0:0").partition(":")
        return tx, int(seq)

    # -- both ---------------------------------------------------------------------------------

    def sync_once(self, conn: Conn) -> tuple[int, int]:
        """Push, then pull, then fetch the pulled captures' images: (rows pushed, rows pulled)."""
        team_db.check(conn)
        pushed, pulled = self.push(conn), self.pull(conn)
        self.fetch_pixels(conn)
        return pushed, pulled

    def agrees(self, conn: Conn) -> bool:
        """Whether the file and the database hold the same rows of this incident."""
        file = self.session.file
        if file.unpushed(after=self.pushed_mark) or file.arriving_captures():
            return False
        row = conn.execute(
            "SELECT count(*) FROM incident_recorder.records WHERE incident_id = %s",
            (self.incident,),
        ).fetchone()
        return row is not None and int(row[0]) == file.shared_count()

    def state(self, status: str, since: datetime | None = None, reason: str = "") -> SyncState:
        file = self.session.file
        teammates = len(set(file.recorders()) - {self.recorder})
        waiting = len(file.unpushed_entries(after=self.pushed_mark))
        return SyncState(status, teammates, waiting, since, reason)

    def run(
        self,
        should_stop: Callable[[], bool],
        on_state: Callable[[SyncState], None] = lambda state: None,
    ) -> None:
        """Sync until `should_stop()`: live while the database is reachable, offline (and
        retrying) while it is not. Errors that retrying cannot mend end the loop as an
        "error" state (a newer team schema, say)."""
        try:
            with self.watched(should_stop):
                self._run(should_stop, on_state)
        finally:
            self.save_mark()

    @contextmanager
    def watched(self, should_stop: Callable[[], bool] = lambda: False) -> Iterator[Watchdog]:
        """A watchdog over this replicator's exchanges with the database (watchdog.py): a step
        that stops making progress has its connection cut. `run` watches itself."""
        with Watchdog(should_stop) as self._watch:
            try:
                yield self._watch
            finally:
                self._watch = None

    def _progress(self) -> None:
        if self._watch is not None:
            self._watch.progress()

    def _step(self, conn: Conn) -> AbstractContextManager[None]:
        """An exchange with the database, cut should it stop answering (watchdog.py)."""
        return self._watch.step(conn) if self._watch is not None else nullcontext()

    def _run(self, should_stop: Callable[[], bool], on_state: Callable[[SyncState], None]) -> None:
        offline_since: datetime | None = None
        failures = 0
        # The keyring is asked once per run: a locked one would otherwise prompt at every retry.
        password = passwords.lookup(self.conninfo)
        while not should_stop():
            password = passwords.typed(self.conninfo) or password  # typed into a dialog meanwhile
            if self._watch is not None:
                self._watch.new_attempt()
            try:
                with connect(self.conninfo, password=password, look_up=False) as conn:
                    with self._step(conn):
                        conn.execute(f"LISTEN {team_db.CHANNEL}")
                        self.sync_once(conn)
                    offline_since, failures = None, 0
                    on_state(self.state("live"))
                    self._live(conn, should_stop, on_state)
            except psycopg.OperationalError as error:
                offline_since = offline_since or self._clock()
                reason = error_text(error, self.conninfo)
                if self._watch is not None and self._watch.cut:
                    reason = self._watch.reason
                # Refused (a wrong or missing password, say) is an error the header shows as
                # one; out of reach is offline. Both are tried again: a password typed or kept
                # meanwhile, or the server back, and the sync goes on by itself.
                status = "error" if is_refusal(error) else "offline"
                logger.info("team database %s (%s): %s", "refused" if status == "error"
                            else "unreachable", self.shown_conninfo, reason)  # fmt: skip
                on_state(self.state(status, offline_since, reason))
                pause = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                offline = functools.partial(self.state, status, offline_since, reason)
                self._wait_offline(pause, should_stop, offline, on_state)
            except team_db.TeamSchemaError as error:
                on_state(self.state("error", reason=str(error)))
                return

    def _live(
        self, conn: Conn, should_stop: Callable[[], bool], on_state: Callable[[SyncState], None]
    ) -> None:
        file = self.session.file
        seen = file.data_version()
        last_poll = time.monotonic()
        behind = False
        while not should_stop():
            woken = False
            for _ in conn.notifies(timeout=LOCAL_CHECK_SECONDS, stop_after=1):
                woken = True
            version = file.data_version()
            local = version != seen
            polled = time.monotonic() - last_poll >= POLL_SECONDS
            if not (woken or local or polled or behind):
                continue
            seen, last_poll = version, time.monotonic()
            with self._step(conn):
                pushed = self.push(conn, save=False)
                if time.monotonic() - self._mark_saved_at >= MARK_SAVE_SECONDS:
                    self.save_mark()
                pulled = self.pull(conn) if (woken or polled or behind) else 0
                if pulled or polled:
                    self.fetch_pixels(conn)  # the timeline has their thumbnails already
                # A row whose transaction committed while an older one still runs is held back
                # by the cursor rule: look again at the next tick rather than at the next poll.
                behind = (woken or behind) and self._held_back(conn)
            if pushed or pulled or local:
                on_state(self.state("live"))

    def _wait_offline(
        self,
        seconds: float,
        should_stop: Callable[[], bool],
        offline: Callable[[], SyncState],
        on_state: Callable[[SyncState], None],
    ) -> None:
        """Wait before trying again; what is recorded meanwhile is reported as waiting."""
        file = self.session.file
        seen = file.data_version()
        end = time.monotonic() + seconds
        while not should_stop() and time.monotonic() < end:
            time.sleep(min(LOCAL_CHECK_SECONDS, max(0.0, end - time.monotonic())))
            if file.data_version() != seen:
                seen = file.data_version()
                on_state(offline())

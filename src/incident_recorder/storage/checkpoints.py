"""Folding the WAL into the main file soon after each write, on a thread of its own.

A user who copies `checkout.incident` mid-incident (to mail it, to archive it) copies the main
file alone; whatever the WAL holds that was not yet folded in is not in the copy. SQLite's own
automatic checkpoint runs inside a commit, and only after 1,000 pages: a quiet `serve` could
leave 30 minutes of events in the WAL, and a checkpoint fsyncs the main file, hundreds of
milliseconds on a slow disk inside a note's commit.

So every writable connection turns SQLite's automatic checkpoint off (connection.py), and its
IncidentFile tells a `Checkpointer` after each commit. The checkpointer waits `DELAY_S` from the
first write it has not folded in yet (not from the last: a steady stream of webhook events must
not postpone it forever), then runs a PASSIVE checkpoint on a connection of its own, in its own
thread: it never blocks a writer, never runs inside a commit, never on a UI thread. A checkpoint
that could not fold everything in (a reader in another process still needs older pages) is tried
again. Closing the file runs the last one before the connection closes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable

DELAY_S = 1.0
"""From the first unfolded write to the checkpoint; with the checkpoint's own time, a plain copy
of the main file holds every entry saved more than a few seconds earlier."""
RETRIES = 30
"""Checkpoints tried again (each `DELAY_S` later) while a reader keeps one from completing."""


class Checkpointer:
    """Runs PASSIVE checkpoints of one incident file on a daemon thread (see module docstring).

    `connect()` opens the thread's own connection (called on that thread); `ready()` is asked
    before each checkpoint and may veto it (a connection that lost its locks must not fold a
    stale WAL into the file).
    """

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        ready: Callable[[], bool],
        delay: float = DELAY_S,
    ) -> None:
        self._connect = connect
        self._ready = ready
        self._delay = delay
        self._cond = threading.Condition()
        self._due: float | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.completed = 0
        """Checkpoints that folded the whole WAL in (for tests and benchmarks)."""

    def written(self) -> None:
        """A commit just made it to the WAL: fold it in within `delay` seconds."""
        with self._cond:
            if self._stopping:
                return
            if self._due is None:
                self._due = time.monotonic() + self._delay
                self._cond.notify()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="incident-checkpoints", daemon=True
                )
                self._thread.start()

    def close(self, timeout: float = 10.0) -> None:
        """Run the pending checkpoint now (if any), then stop the thread."""
        with self._cond:
            self._stopping = True
            if self._due is not None:
                self._due = time.monotonic()
            self._cond.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        retries = 0
        try:
            while True:
                with self._cond:
                    while self._due is None and not self._stopping:
                        self._cond.wait()
                    if self._due is None:  # stopping, nothing pending
                        return
                    while not self._stopping and time.monotonic() < self._due:
                        self._cond.wait(self._due - time.monotonic())
                    self._due = None
                    stopping = self._stopping
                if not self._ready():
                    return
                if conn is None:
                    conn = self._connect()
                if self._fold(conn):
                    retries = 0
                    self.completed += 1
                elif retries < RETRIES and not stopping:
                    retries += 1
                    with self._cond:
                        if self._due is None:
                            self._due = time.monotonic() + self._delay
                if stopping:
                    return
        except sqlite3.Error:
            return  # the writers' own checks report a vanished or broken file
        finally:
            if conn is not None:
                conn.close()

    @staticmethod
    def _fold(conn: sqlite3.Connection) -> bool:
        """One PASSIVE checkpoint; whether every frame of the WAL is now in the main file."""
        busy, frames, folded = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return not busy and frames == folded

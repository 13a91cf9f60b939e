"""Bounds on what a file can make a connection do: no schema SQL trusted, values capped, and every
statement stoppable.

`harden` runs on every connection before it reads anything (connection.py):
- SQL functions in a file's schema run only where SQLite marks them harmless
  (`trusted_schema = OFF`), wherever the SQLite library accepts our own schema that way
  (`untrusted_schema_works`). Our CHECK constraints call json_valid(), which SQLite 3.40 does not
  mark harmless and then refuses to parse; there the schema check (schema_check.py), which lets
  no SQL but ours into a connection, is the whole guard.
- A single value is capped at `MAX_VALUE_BYTES` ("string or blob too big" past it).
- No database can be attached, triggers nest at most `MAX_TRIGGER_DEPTH` deep.
- Where Python exposes it (3.12+) the connection is DEFENSIVE (no writable_schema, no direct
  shadow-table writes).

`Interrupter` installs one progress handler that stops a statement when its deadline passes (the
UI's reads: a window must never freeze on a file) or when a caller asks (Cancel, SIGTERM: a
Python signal handler cannot run while SQLite is busy in C, but this handler is Python code that
SQLite calls every `PROGRESS_STEPS` virtual-machine steps, so a pending signal runs there).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from functools import cache

MAX_VALUE_BYTES = 256 * 1024 * 1024
"""The longest text or blob a connection reads or writes. A note is at most 10,000,000
characters (40 MB of UTF-8 at worst), an imported image 200 MB; a screen capture is a few MB."""
MAX_SQL_BYTES = 1024 * 1024
MAX_TRIGGER_DEPTH = 8
PROGRESS_STEPS = 500_000
"""Virtual-machine steps between two calls of the progress handler (a few milliseconds of work).
Each call takes the GIL back from whatever thread holds it: called more often, a statement on the
UI thread would wait for the GIL again and again while workers run."""


def untrusted_schema_works() -> bool:
    """Whether this SQLite library runs our own schema (the migrations as they are now) with
    `trusted_schema = OFF`.

    The answer belongs to the schema as much as to the library, so it is kept per schema: a
    process that opened a file with fewer migrations (an old file made in a test) and then a
    current one asks again, rather than reusing an answer about a schema without json_valid()
    or full-text search (which made the result of a test depend on the tests before it)."""
    from incident_recorder.storage import schema

    return _probe(tuple(schema.MIGRATIONS))


@cache
def _probe(migrations: tuple[str, ...]) -> bool:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        for script in migrations:
            conn.executescript(script)
        # An entry runs the triggers too: those of full-text search write into FTS5 tables,
        # which SQLite refuses inside a trigger when the schema is not trusted.
        conn.execute(
            "INSERT INTO entries (kind, text, occurred_at, recorded_at) VALUES ('note', 'x', "
            "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')"
        )
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return True


def harden(conn: sqlite3.Connection) -> None:
    """Apply the bounds in the module docstring to a new connection."""
    trusted = "OFF" if untrusted_schema_works() else "ON"
    conn.execute(f"PRAGMA trusted_schema = {trusted}")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.setlimit(sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH, MAX_TRIGGER_DEPTH)
    setconfig = getattr(conn, "setconfig", None)  # Python 3.12+
    defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
    if setconfig is not None and defensive is not None:
        setconfig(defensive, True)


class Interrupter:
    """Stops the running statement of one connection on a deadline or on request."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._limit: float | None = None
        self._deadline = float("inf")
        self._stop: Callable[[], bool] | None = None

    def limit_statements(self, seconds: float | None) -> None:
        """Stop any statement that runs longer than `seconds` (None: no limit)."""
        self._limit = seconds
        self._install()

    def stop_when(self, should_stop: Callable[[], bool] | None) -> None:
        """Stop the running statement as soon as `should_stop()` is true."""
        self._stop = should_stop
        self._install()

    def _install(self) -> None:
        """The handler only while something asks for it: none costs nothing."""
        needed = self._limit is not None or self._stop is not None
        self._conn.set_progress_handler(self._progress if needed else None, PROGRESS_STEPS)

    def started(self) -> None:
        """A new operation begins: its statements get the full time limit again."""
        if self._limit is not None:
            self._deadline = time.monotonic() + self._limit

    def _progress(self) -> int:
        if self._stop is not None and self._stop():
            return 1
        if self._limit is not None and time.monotonic() > self._deadline:
            return 1
        return 0

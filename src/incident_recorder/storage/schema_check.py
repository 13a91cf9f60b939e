"""A file is opened only if its schema is exactly ours: a received file is data, never code.

An SQLite file carries SQL of its own: triggers run inside our INSERTs (one that swallows every
note, one that rewrites each note after it is saved), views stand where we expect tables (one
that never finishes, one that yields 300 MB strings). A file with our application id and a
known version is not enough. So before anything reads a table, `verify` compares the file's
whole `sqlite_master` — every table, index, trigger and view, with its SQL (whitespace folded) —
with what our own migrations produce for that version, and refuses any difference with one
line naming it. The file is not written to: nothing but `sqlite_master` has been read.

Two differences are not code and are let through: the statistics tables SQLite's ANALYZE makes
(someone ran it with the sqlite3 shell), in their standard form only, which steer the query
planner; and one of our indexes missing (another tool dropped it), which makes reads slower,
never different (incident_file._Queries follows what the file has).
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from incident_recorder.storage import schema
from incident_recorder.storage.errors import NotAnIncidentFileError

SchemaRow = tuple[str, str, str, str]
"""(type, name, tbl_name, sql with whitespace folded) of one row of sqlite_master."""

_ANALYZE_TABLES = {
    ("table", "sqlite_stat1", "sqlite_stat1", "CREATE TABLE sqlite_stat1(tbl,idx,stat)"),
    (
        "table",
        "sqlite_stat4",
        "sqlite_stat4",
        "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)",
    ),
}


class ForeignSchemaError(NotAnIncidentFileError):
    """The file's schema is not the one our migrations make: it is not opened."""


def _fold(sql: str | None) -> str:
    return " ".join((sql or "").split())


def schema_rows(conn: sqlite3.Connection) -> set[SchemaRow]:
    """The schema of `conn`'s main database, whitespace folded."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master").fetchall()
    return {(str(kind), str(name), str(table), _fold(sql)) for kind, name, table, sql in rows}


@cache
def expected(version: int) -> frozenset[SchemaRow]:
    """The schema our migrations produce for a file at `version` (built once, in memory)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for script in schema.MIGRATIONS[:version]:
            conn.executescript(script)
        return frozenset(schema_rows(conn))
    finally:
        conn.close()


def _replaced(row: SchemaRow, found: set[SchemaRow]) -> bool:
    """Whether something else of the file stands under the name of our `row`."""
    return any(other[1] == row[1] for other in found)


def verify(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """ForeignSchemaError unless the schema of `conn` is exactly ours for `version`."""
    found = schema_rows(conn)
    wanted = expected(version)
    extra = sorted(found - wanted - _ANALYZE_TABLES)
    missing = sorted(row for row in wanted - found if row[0] != "index" or _replaced(row, found))
    if not extra and not missing:
        return
    if extra:
        kind, name = extra[0][0], extra[0][1]
        changed = any(row[:2] == (kind, name) for row in missing)
        what = f"a changed {kind} {name!r}" if changed else f"a {kind} {name!r} of its own"
    else:
        what = f"no {missing[0][0]} {missing[0][1]!r}"
    more = len(extra) + len(missing) - 1
    also = f" (and {more} more difference{'s' if more != 1 else ''})" if more > 0 else ""
    raise ForeignSchemaError(
        f"{path.name} is not an incident file as this app writes them: it has {what}{also}, "
        "SQL that could run inside the app; it was not opened, and nothing was written to it"
    )

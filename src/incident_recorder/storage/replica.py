"""This file as one replica of a shared incident: its rows out as `SharedRow`s, teammates' rows in.

The team sync (sync/) moves rows between replicas and the team database; this is the only part
that reads or writes the file for it. Every row of the shared tables has an origin
(storage/origins.py): `outgoing` reads this recorder's rows added after the push mark, in the
order they were added (a capture before the entry showing it, an entry before its revisions);
`apply_shared` stores rows from elsewhere in one transaction, each under its global id, skipping
any already here (a pull repeated after a crash adds nothing), and moves the pull cursor in the
same transaction (so a pull resumes exactly where the last one committed). References between
rows travel as global ids and become this file's rowids on the way in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from incident_recorder.storage.handle import FileHandle

_NO_TEAM = "{name} was made by an older version: open it for writing once to bring it up to date"


@dataclass(frozen=True, slots=True)
class SharedRow:
    """One row of the shared record as it travels: its table, global id, recorder, author, the
    column values (`body`, references as global ids) and a capture's image and thumbnail (the
    image None when a capture is pulled before its pixels: storage/pixels.py)."""

    uid: str
    table: str
    recorder: str
    author: str | None
    body: dict[str, Any]
    data: bytes | None = None
    thumb: bytes | None = None


@dataclass(slots=True)
class Applied:
    """What `apply_shared` added, by kind: how many rows, new entries' and revised entries'
    rowids, whether any milestone or detail row came in, the report sections saved, the action
    items saved (this file's item numbers) and the captures annotated (their rowids)."""

    added: int = 0
    entries: list[int] = field(default_factory=list)
    revised: list[int] = field(default_factory=list)
    milestones: bool = False
    details: bool = False
    report_texts: list[str] = field(default_factory=list)
    action_items: list[int] = field(default_factory=list)
    annotations: list[int] = field(default_factory=list)

    @property
    def curated(self) -> bool:
        """Report texts, action items or annotations came in."""
        return bool(self.report_texts or self.action_items or self.annotations)

    @property
    def nothing(self) -> bool:
        return not (self.entries or self.revised or self.milestones or self.details or self.curated)


class MissingReferenceError(LookupError):
    """A row refers to one this file has not received (a database edited by hand)."""


# Per table: the columns that travel, and the references (column → table it refers to).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "captures": ("width", "height", "monitor", "sha256", "window_title", "captured_at"),
    "entries": (
        "kind", "text", "occurred_at", "recorded_at", "source", "capture_id", "public",
        "starred", "author", "occurred_offset",
    ),
    "revisions": (
        "entry_id", "kind", "text", "occurred_at", "hidden", "revised_at", "public", "starred",
        "occurred_offset",
    ),
    "milestones": ("name", "occurred_at", "occurred_offset", "entry_id", "source", "set_at"),
    "details": ("name", "value", "set_at"),
    "annotations": ("capture_id", "shapes", "redactions", "created_at"),
    "report_texts": ("section", "text", "saved_at"),
    "action_items": (
        "item", "description", "owner", "due", "status", "type", "ticket", "hidden", "saved_at",
    ),
}  # fmt: skip
_REFERENCES = {"capture_id": "captures", "entry_id": "entries"}
# An action item travels as the global id of its first save (item numbers are per file).
_FIRST_SAVE = (
    "(SELECT o.uid FROM action_items AS f JOIN origins AS o ON o.tbl = 'action_items' "
    "AND o.row_id = f.id WHERE f.item = t.item AND f.revision = 1)"
)


class ReplicaFile(FileHandle):
    """The replica side of an open incident file (see the module docstring)."""

    def _team_connection(self) -> sqlite3.Connection:
        conn = self._connection()
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'replica'"
        ).fetchone()
        if row is None:
            from incident_recorder.storage.errors import IncidentFileError

            raise IncidentFileError(_NO_TEAM.format(name=self.path.name))
        return conn

    def recorder_id(self) -> str:
        """This replica's recorder id (a UUID of its own)."""
        conn = self._team_connection()
        return str(conn.execute("SELECT recorder FROM replica WHERE id = 1").fetchone()[0])

    def author(self) -> str | None:
        conn = self._team_connection()
        value = conn.execute("SELECT author FROM replica WHERE id = 1").fetchone()[0]
        return None if value is None else str(value)

    def set_author(self, name: str | None) -> None:
        """Who records in this replica from now on (every new row's origin names them)."""
        name = " ".join(name.split()) if name else None
        if name == self.author():
            return
        with self._write("saving the author") as conn:
            conn.execute("UPDATE replica SET author = ? WHERE id = 1", (name or None,))

    # -- the link to the team database --------------------------------------------------------

    def team_state(self) -> dict[str, str]:
        """This replica's sync state: 'conninfo', 'incident', 'pushed', 'cursor' when set."""
        conn = self._team_connection()
        return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM team_sync")}

    def set_team_state(self, **values: str) -> None:
        with self._write("saving the team link") as conn:
            self._put_state(conn, values)

    @staticmethod
    def _put_state(conn: sqlite3.Connection, values: dict[str, str]) -> None:
        conn.executemany(
            "INSERT INTO team_sync (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    # -- out ------------------------------------------------------------------------------------

    def outgoing(self, after: int, limit: int) -> list[tuple[int, SharedRow]]:
        """This recorder's rows added after origin `after`, at most `limit`, each with its
        origin's seq (the push mark to save once they are in the database)."""
        conn = self._team_connection()
        with self._snapshot():
            origins = conn.execute(
                "SELECT o.seq, o.uid, o.tbl, o.row_id, o.recorder, o.author FROM origins AS o "
                "WHERE o.seq > ? AND o.recorder = (SELECT recorder FROM replica WHERE id = 1) "
                "ORDER BY o.seq LIMIT ?",
                (after, limit),
            ).fetchall()
            rows: dict[tuple[str, int], tuple[Any, ...]] = {}
            for table in _COLUMNS:
                ids = [o[3] for o in origins if o[2] == table]
                rows.update(((table, r[0]), r[1:]) for r in self._rows_of(conn, table, ids))
        return [
            (seq, self._shared(table, uid, recorder, author, rows[(table, row_id)]))
            for seq, uid, table, row_id, recorder, author in origins
        ]

    @staticmethod
    def _rows_of(conn: sqlite3.Connection, table: str, ids: list[int]) -> Iterable[Any]:
        if not ids:
            return []
        columns = [
            f"(SELECT uid FROM origins WHERE tbl = '{_REFERENCES[c]}' AND row_id = t.{c})"
            if c in _REFERENCES
            else _FIRST_SAVE
            if (table, c) == ("action_items", "item")
            else f"t.{c}"
            for c in _COLUMNS[table]
        ]
        if table == "captures":
            columns += ["t.png", "t.thumbnail"]
        marks = ", ".join("?" * len(ids))
        sql = f"SELECT t.id, {', '.join(columns)} FROM {table} AS t WHERE t.id IN ({marks})"
        return conn.execute(sql, ids).fetchall()

    @staticmethod
    def _shared(
        table: str, uid: str, recorder: str, author: str | None, values: Sequence[Any]
    ) -> SharedRow:
        names = _COLUMNS[table]
        body = dict(zip(names, values[: len(names)], strict=True))
        if table == "captures":
            return SharedRow(uid, table, recorder, author, body, values[-2], values[-1])
        return SharedRow(uid, table, recorder, author, body)

    def unpushed(self, after: int | None = None) -> int:
        """How many of this recorder's rows are not in the team database yet (past the saved
        push mark, or past `after`: a sync's own, newer mark)."""
        conn = self._team_connection()
        pushed = int(self.team_state().get("pushed", "0")) if after is None else after
        return int(
            conn.execute(
                "SELECT count(*) FROM origins WHERE seq > ? AND "
                "recorder = (SELECT recorder FROM replica WHERE id = 1)",
                (pushed,),
            ).fetchone()[0]
        )

    def unpushed_entries(self, after: int | None = None) -> set[int]:
        """The rowids of this recorder's entries not in the team database yet (the window marks
        them); `after` as for `unpushed`."""
        conn = self._team_connection()
        pushed = int(self.team_state().get("pushed", "0")) if after is None else after
        return {
            int(row_id)
            for (row_id,) in conn.execute(
                "SELECT row_id FROM origins WHERE tbl = 'entries' AND seq > ? AND "
                "recorder = (SELECT recorder FROM replica WHERE id = 1)",
                (pushed,),
            )
        }

    def shared_count(self) -> int:
        """How many rows of the shared record this file holds (from every recorder)."""
        return int(self._team_connection().execute("SELECT count(*) FROM origins").fetchone()[0])

    def recorders(self) -> dict[str, str | None]:
        """Every recorder this file has rows of → the latest author name seen from it."""
        conn = self._team_connection()
        return {
            str(recorder): author
            for recorder, author in conn.execute(
                "SELECT recorder, author FROM origins AS o WHERE seq = "
                "(SELECT max(seq) FROM origins WHERE recorder = o.recorder)"
            )
        }

    def entry_origins(self) -> dict[int, tuple[str, str | None]]:
        """entry rowid → (recorder, author) of every entry."""
        conn = self._team_connection()
        return {
            int(row_id): (str(recorder), author)
            for row_id, recorder, author in conn.execute(
                "SELECT row_id, recorder, author FROM origins WHERE tbl = 'entries'"
            )
        }

    def uids(self, table: str | None = None) -> dict[str, int]:
        """Global id → rowid of every row with an origin (of `table` only, if given)."""
        conn = self._team_connection()
        sql, params = "SELECT uid, row_id FROM origins", tuple[str, ...]()
        if table is not None:
            sql, params = sql + " WHERE tbl = ?", (table,)
        return {str(uid): int(row_id) for uid, row_id in conn.execute(sql, params)}

    # -- in -------------------------------------------------------------------------------------

    def apply_shared(self, rows: Sequence[SharedRow], state: dict[str, str]) -> Applied:
        """Store `rows` from other replicas (those already here are skipped) and save `state`
        (the pull cursor), in one transaction. MissingReferenceError if a row refers to one
        neither here nor earlier in `rows`."""
        self._team_connection()
        applied = Applied()
        with self._write("saving teammates' entries") as conn:
            for row in rows:
                if conn.execute("SELECT 1 FROM origins WHERE uid = ?", (row.uid,)).fetchone():
                    continue
                self._insert(conn, row, applied)
                applied.added += 1
            self._put_state(conn, state)
        return applied

    def _insert(self, conn: sqlite3.Connection, row: SharedRow, applied: Applied) -> None:
        table = row.table
        if table not in _COLUMNS:
            raise ValueError(f"a shared row of an unknown kind: {table!r}")
        values: dict[str, Any] = {name: row.body.get(name) for name in _COLUMNS[table]}
        for column, target in _REFERENCES.items():
            if column in values and values[column] is not None:
                values[column] = self._local_id(conn, target, str(values[column]))
        if table == "revisions":
            values["revision"] = conn.execute(
                "SELECT coalesce(max(revision), 1) + 1 FROM revisions WHERE entry_id = ?",
                (values["entry_id"],),
            ).fetchone()[0]
        if table == "annotations":
            values["revision"] = conn.execute(
                "SELECT coalesce(max(revision), 0) + 1 FROM annotations WHERE capture_id = ?",
                (values["capture_id"],),
            ).fetchone()[0]
        if table == "action_items":
            values["item"], values["revision"] = self._local_item(conn, row, str(values["item"]))
        if table == "captures":  # without its pixels yet: an empty png (storage/pixels.py)
            values["png"], values["thumbnail"] = row.data or b"", row.thumb
        row_id = int(conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])
        conn.execute(
            "INSERT INTO origins (uid, tbl, row_id, recorder, author) VALUES (?, ?, ?, ?, ?)",
            (row.uid, table, row_id, row.recorder, row.author),
        )
        names = ["id", *values]
        conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [row_id, *values.values()],
        )
        if table == "entries":
            applied.entries.append(row_id)
        elif table == "revisions":
            applied.revised.append(int(values["entry_id"]))
        elif table == "milestones":
            applied.milestones = True
        elif table == "details":
            applied.details = True
        elif table == "report_texts":
            applied.report_texts.append(str(values["section"]))
        elif table == "action_items":
            applied.action_items.append(int(values["item"]))
        elif table == "annotations":
            applied.annotations.append(int(values["capture_id"]))

    @staticmethod
    def _local_item(conn: sqlite3.Connection, row: SharedRow, first: str) -> tuple[int, int]:
        """(this file's item number, next revision) for an action item's save from elsewhere:
        a new number for an item's first save, else the number its first save got here."""
        if first == row.uid:
            number = conn.execute("SELECT coalesce(max(item), 0) + 1 FROM action_items")
            return int(number.fetchone()[0]), 1
        found = conn.execute(
            "SELECT f.item FROM origins AS o JOIN action_items AS f ON f.id = o.row_id "
            "WHERE o.uid = ? AND o.tbl = 'action_items'",
            (first,),
        ).fetchone()
        if found is None:
            raise MissingReferenceError(f"a shared row refers to action item {first}")
        revision = conn.execute(
            "SELECT max(revision) + 1 FROM action_items WHERE item = ?", (found[0],)
        ).fetchone()[0]
        return int(found[0]), int(revision)

    @staticmethod
    def _local_id(conn: sqlite3.Connection, table: str, uid: str) -> int:
        found = conn.execute(
            "SELECT row_id FROM origins WHERE uid = ? AND tbl = ?", (uid, table)
        ).fetchone()
        if found is None:
            raise MissingReferenceError(f"a shared row refers to {table} {uid}, not received")
        return int(found[0])

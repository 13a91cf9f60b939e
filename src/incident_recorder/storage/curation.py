"""Milestones, incident details, report texts and action items (schema version 3).

Each is a history in its own append-only table; the latest row of a name (milestone, detail,
section, item) is what it now reads, and every earlier value stays in the file. These helpers
run on a connection of an IncidentFile, which wraps them in its transactions. A file of an older
version opened read-only (so not migrated) reads as having none of them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from incident_recorder.domain.actions import ActionItem, ActionStatus, ActionType
from incident_recorder.domain.details import (
    DETAIL_FIELDS,
    IncidentDetails,
    details_from_json,
    details_to_json,
)
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.times import from_iso, to_iso
from incident_recorder.storage.origins import has_origins

TABLE_EXISTS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'milestones'"


def has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute(TABLE_EXISTS).fetchone() is not None


# -- milestones -------------------------------------------------------------------------------


def set_milestone(
    conn: sqlite3.Connection,
    milestone: Milestone,
    when: datetime | None,
    *,
    set_at: datetime,
    offset: str | None = None,
    entry_id: int | None = None,
    source: str = "gui",
) -> None:
    """Record that `milestone` was reached at `when` (None: clear it, it was set by mistake)."""
    conn.execute(
        "INSERT INTO milestones (name, occurred_at, occurred_offset, entry_id, source, set_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            milestone.value,
            None if when is None else to_iso(when),
            offset,
            entry_id,
            source,
            to_iso(set_at),
        ),
    )


_LATEST = """
SELECT name, occurred_at, entry_id FROM milestones AS m
WHERE id = (SELECT max(id) FROM milestones WHERE name = m.name)
"""
# From the team step (storage/origins.py): the latest by (set_at, recorder, id), the same in
# every replica; a value set at the same moment by another recorder stays in the history.
_BY_RULE = (
    "ORDER BY x.set_at DESC, (SELECT recorder FROM origins WHERE tbl = '{table}' "
    "AND row_id = x.id) DESC, x.id DESC LIMIT 1"
)
_TEAM_LATEST = f"""
SELECT name, occurred_at, entry_id FROM milestones AS m
WHERE id = (SELECT x.id FROM milestones AS x WHERE x.name = m.name
            {_BY_RULE.format(table="milestones")})
"""
_TEAM_HISTORY = """
SELECT m.occurred_at FROM milestones AS m JOIN origins AS o
  ON o.tbl = 'milestones' AND o.row_id = m.id
WHERE m.name = ? ORDER BY m.set_at, o.recorder, m.id
"""


def _latest_milestones(conn: sqlite3.Connection) -> sqlite3.Cursor:
    return conn.execute(_TEAM_LATEST if has_origins(conn) else _LATEST)


def milestones(conn: sqlite3.Connection) -> Milestones:
    """Each milestone's latest time (absent: never set, or cleared)."""
    times = {
        Milestone(name): from_iso(occurred_at)
        for name, occurred_at, _ in _latest_milestones(conn)
        if occurred_at is not None
    }
    return Milestones(times)


def milestone_entries(conn: sqlite3.Connection) -> dict[int, Milestone]:
    """entry id → the milestone it marks (the entries recorded with, or linked to, a milestone
    whose latest value is still set)."""
    return {
        int(entry_id): Milestone(name)
        for name, occurred_at, entry_id in _latest_milestones(conn)
        if entry_id is not None and occurred_at is not None
    }


def milestone_history(conn: sqlite3.Connection, milestone: Milestone) -> list[datetime | None]:
    """Every value the milestone was given, the first first (None where it was cleared)."""
    sql = "SELECT occurred_at FROM milestones WHERE name = ? ORDER BY id"
    rows = conn.execute(_TEAM_HISTORY if has_origins(conn) else sql, (milestone.value,))
    return [None if at is None else from_iso(at) for (at,) in rows]


# -- details ----------------------------------------------------------------------------------


def details(conn: sqlite3.Connection, title: str) -> IncidentDetails:
    """The incident's details as they now read; `title` is the one it was created with."""
    values: dict[str, object] = {}
    latest = (
        "SELECT name, value FROM details AS d WHERE id = (SELECT x.id FROM details AS x "
        f"WHERE x.name = d.name {_BY_RULE.format(table='details')})"
        if has_origins(conn)
        else "SELECT name, value FROM details AS d WHERE id = (SELECT max(id) FROM details "
        "WHERE name = d.name)"
    )
    for name, value in conn.execute(latest):
        try:
            values[name] = json.loads(value)
        except ValueError:
            continue
    return details_from_json(values, title=title)


def set_details(
    conn: sqlite3.Connection, new: IncidentDetails, current: IncidentDetails, set_at: datetime
) -> list[str]:
    """Record every field of `new` that differs from `current`; the names of those fields."""
    old, wanted = details_to_json(current), details_to_json(new)
    changed = [name for name in DETAIL_FIELDS if old[name] != wanted[name]]
    for name in changed:
        conn.execute(
            "INSERT INTO details (name, value, set_at) VALUES (?, ?, ?)",
            (name, json.dumps(wanted[name], ensure_ascii=False), to_iso(set_at)),
        )
    return changed


# -- report texts ------------------------------------------------------------------------------


def report_texts(conn: sqlite3.Connection) -> dict[str, str]:
    """section key → the text last saved for it."""
    latest = (
        "SELECT section, text FROM report_texts AS r WHERE id = (SELECT x.id FROM report_texts "
        "AS x WHERE x.section = r.section "
        + _BY_RULE.format(table="report_texts").replace("x.set_at", "x.saved_at")
        + ")"
        if has_origins(conn)
        else "SELECT section, text FROM report_texts AS r WHERE id = (SELECT max(id) FROM "
        "report_texts WHERE section = r.section)"
    )
    return {section: text for section, text in conn.execute(latest)}


def save_report_texts(
    conn: sqlite3.Connection, texts: Mapping[str, str], saved_at: datetime
) -> list[str]:
    """Save the sections whose text changed; their keys."""
    current = report_texts(conn)
    changed = [key for key, text in texts.items() if current.get(key, "") != text]
    for key in changed:
        conn.execute(
            "INSERT INTO report_texts (section, text, saved_at) VALUES (?, ?, ?)",
            (key, texts[key], to_iso(saved_at)),
        )
    return changed


# -- action items -------------------------------------------------------------------------------

_ITEM_COLUMNS = "item, revision, description, owner, due, status, type, ticket, hidden"


def _item(row: tuple[Any, ...]) -> ActionItem:
    item, revision, description, owner, due, status, kind, ticket, hidden = row
    return ActionItem(
        description=description,
        owner=owner,
        due=date.fromisoformat(due) if due else None,
        status=ActionStatus(status)
        if status in ActionStatus._value2member_map_
        else ActionStatus.OPEN,
        type=ActionType(kind) if kind in ActionType._value2member_map_ else ActionType.PREVENT,
        ticket=ticket,
        id=int(item),
        revision=int(revision),
        hidden=bool(hidden),
    )


def action_items(conn: sqlite3.Connection, *, include_hidden: bool = False) -> list[ActionItem]:
    """The action items as they now read, in the order they were first added."""
    rows = conn.execute(
        _TEAM_ITEMS
        if has_origins(conn)
        else f"SELECT {_ITEM_COLUMNS} FROM action_items AS a WHERE revision = "
        "(SELECT max(revision) FROM action_items WHERE item = a.item) ORDER BY item"
    )
    items = [_item(row) for row in rows]
    return [item for item in items if include_hidden or not item.hidden]


# From the team step: an item reads as its latest save by (saved_at, recorder, id), numbered
# by how many saves it has; items in the order they were first added anywhere (the first
# save's time, then its recorder), the same in every replica.
_FIRST_ORIGIN = (
    "(SELECT {what} FROM action_items AS f JOIN origins AS o ON o.tbl = 'action_items' "
    "AND o.row_id = f.id WHERE f.item = a.item AND f.revision = 1)"
)
_TEAM_ITEMS = (
    "SELECT item, (SELECT max(revision) FROM action_items WHERE item = a.item), description, "
    "owner, due, status, type, ticket, hidden FROM action_items AS a WHERE id = (SELECT x.id "
    "FROM action_items AS x WHERE x.item = a.item "
    + _BY_RULE.format(table="action_items").replace("x.set_at", "x.saved_at")
    + ") ORDER BY "
    + _FIRST_ORIGIN.format(what="f.saved_at")
    + ", "
    + _FIRST_ORIGIN.format(what="o.recorder")
    + ", item"
)


def action_item_history(conn: sqlite3.Connection, item: int) -> list[ActionItem]:
    rows = conn.execute(
        f"SELECT {_ITEM_COLUMNS} FROM action_items WHERE item = ? ORDER BY revision", (item,)
    )
    return [_item(row) for row in rows]


class StaleItem(Exception):
    """The item was saved by someone else since the revision the caller edited."""


def save_action_item(conn: sqlite3.Connection, item: ActionItem, saved_at: datetime) -> ActionItem:
    """Save `item` as a new item (id None) or a new revision of it; the saved item.

    `item.revision` must be the revision the caller edited (StaleItem otherwise), so a save never
    silently drops another's.
    """
    description = " ".join(item.description.split())
    if not description and not item.hidden:
        raise ValueError("an action item needs a description")
    if item.id is None:
        number = int(
            conn.execute("SELECT coalesce(max(item), 0) + 1 FROM action_items").fetchone()[0]
        )
        revision = 1
    else:
        number = item.id
        current = int(
            conn.execute(
                "SELECT coalesce(max(revision), 0) FROM action_items WHERE item = ?", (number,)
            ).fetchone()[0]
        )
        if current == 0:
            raise LookupError(f"no action item {number}")
        if current != item.revision:
            raise StaleItem(f"action item {number} is at revision {current}, not {item.revision}")
        revision = current + 1
    row = (
        number,
        revision,
        description,
        item.owner.strip(),
        item.due.isoformat() if item.due else None,
        item.status.value,
        item.type.value,
        item.ticket.strip(),
        int(item.hidden),
    )
    conn.execute(
        f"INSERT INTO action_items ({_ITEM_COLUMNS}, saved_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*row, to_iso(saved_at)),
    )
    return _item(row)

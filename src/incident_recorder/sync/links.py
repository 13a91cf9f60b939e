"""Linking an incident file to the team database: share one, join one (CLI and window alike).

`share` publishes the file's incident (its id is the file's incident id) and keeps the link in
the file; `join` creates a new replica file of a shared incident. Both then sync once. The link
kept in the file is the connection string without its password (conninfo.kept).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from incident_recorder.domain import Incident
from incident_recorder.domain.times import from_iso, to_iso
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile
from incident_recorder.sync import team_db
from incident_recorder.sync.conninfo import kept
from incident_recorder.sync.replicator import Conn, Replicator


class LinkError(Exception):
    """The incident cannot be shared or joined (already another's replica, no such incident)."""


class AlreadySharedError(LinkError):
    """The file's incident is shared already: it syncs, it is not shared again (to another
    database, say: the file would silently follow a new one)."""

    def __init__(self, file: IncidentFile, incident: str) -> None:
        super().__init__(f"{file.path.name} is already shared (incident id {incident})")
        self.incident = incident


def share(session: IncidentSession, conn: Conn, conninfo: str) -> tuple[str, int]:
    """Publish the session's incident over `conn` and push its record: (incident id, rows
    pushed). TeamSchemaError if the database is not ready, AlreadySharedError if the file is
    shared already, LinkError if it is a replica of another incident."""
    file = session.file
    incident = file.incident()
    check_shareable(file)
    team_db.check(conn)
    conn.execute(
        "INSERT INTO incident_recorder.incidents (id, title, created_at, app_version, "
        "shared_by) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
        (incident.uuid, incident.title, to_iso(incident.created_at), incident.app_version,
         session.author),
    )  # fmt: skip
    file.set_team_state(conninfo=kept(conninfo), incident=incident.uuid)
    pushed, _ = Replicator(session).sync_once(conn)
    return incident.uuid, pushed


def check_shareable(file: IncidentFile) -> None:
    """AlreadySharedError if `file` is shared already, LinkError if it is a replica of another
    incident: asked before connecting, and again by `share`."""
    uuid = file.incident().uuid
    linked = file.team_state().get("incident")
    if linked == uuid:
        raise AlreadySharedError(file, uuid)
    if linked is not None:
        raise LinkError(f"{file.path.name} is a replica of incident {linked}")


def incident_uuid(text: str) -> str:
    """`text` as an incident id is kept (a UUID, lower case); LinkError if it is none."""
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise LinkError(
            f"{text} is not an incident id (a UUID, as `share` prints it: "
            "0b1e9c1c-3f4f-4c52-8a8a-2f7f3b7c0d11)"
        ) from None


def join(
    conn: Conn, conninfo: str, incident_id: str, out: Path, author: str | None
) -> tuple[Incident, int]:
    """Create `out` as a new replica of the shared incident and pull its record: (the
    incident, entries). LinkError if `incident_id` is not one or the database has no such
    incident."""
    wanted = incident_uuid(incident_id)
    team_db.check(conn)
    row = conn.execute(
        "SELECT id::text, title, created_at, app_version FROM incident_recorder.incidents "
        "WHERE id::text = %s",
        (wanted,),
    ).fetchone()
    if row is None:
        raise LinkError(f"no incident {incident_id} in the team database")
    created = from_iso(row[2].isoformat(timespec="milliseconds").replace("+00:00", "Z"))
    shared = Incident(row[0], row[1], created, row[3])
    with IncidentFile.create(out, shared.title, shared=shared) as handle:
        session = IncidentSession(handle, author=author)
        handle.set_team_state(conninfo=kept(conninfo), incident=shared.uuid)
        Replicator(session).sync_once(conn)
        return shared, handle.entry_count()

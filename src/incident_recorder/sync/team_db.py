"""The team database's schema: versioned, made and migrated by `team init`, append-only.

Everything lives in the schema `incident_recorder`:

- `schema_version`: one row per step applied; the highest is the schema's version. A database
  at a version newer than this app knows is refused (by `init` and by every sync), never
  written to.
- `incidents`: one row per shared incident (its id is the incident file's uuid).
- `records`: the shared record, one row per row of any replica (`uid` its global id, `kind` the
  incident-file table it belongs to, `body` its columns as JSON, `data`/`thumb` a capture's
  image and thumbnail). `seq` and `tx` (the inserting transaction) give the pull cursor:
  replicas read only rows of transactions older than every one still running
  (`pg_snapshot_xmin`), so a slow transaction can never commit a row behind a cursor.
- Triggers: UPDATE, DELETE and TRUNCATE of either table are refused (for every role, the owner
  too), and each INSERT notifies channel `incident_recorder` with the incident id, which wakes
  every replica LISTENing.
- `incident_metrics` (version 2; version 3 makes its status and times the app's): the archive
  view, one row per incident: title, severity, status (as the app says it: never NULL),
  services, the five milestones and the times to detect, acknowledge, mitigate and resolve,
  each from impact start in whole seconds (the report's definitions and rounding), for Grafana
  without this app.
- Roles (created when the initialising role may, see docs/team.md): `incident_recorder_writer`
  may read and insert, nothing else; `incident_recorder_reader` may only read (Grafana).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

CHANNEL = "incident_recorder"
KINDS = (
    "captures", "entries", "revisions", "milestones", "details", "annotations", "report_texts",
    "action_items",
)  # fmt: skip

_V1 = f"""
CREATE TABLE incident_recorder.incidents (
    id uuid PRIMARY KEY,
    title text NOT NULL,
    created_at timestamptz NOT NULL,
    app_version text NOT NULL,
    shared_at timestamptz NOT NULL DEFAULT now(),
    shared_by text
);
CREATE TABLE incident_recorder.records (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
    incident_id uuid NOT NULL REFERENCES incident_recorder.incidents (id),
    uid uuid NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ({", ".join(f"'{k}'" for k in KINDS)})),
    recorder uuid NOT NULL,
    author text,
    body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
    data bytea,
    thumb bytea,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX records_cursor ON incident_recorder.records (incident_id, tx, seq);

CREATE FUNCTION incident_recorder.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the team record is append-only: % of % refused', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER incidents_append_only BEFORE UPDATE OR DELETE ON incident_recorder.incidents
    FOR EACH ROW EXECUTE FUNCTION incident_recorder.refuse_change();
CREATE TRIGGER incidents_no_truncate BEFORE TRUNCATE ON incident_recorder.incidents
    FOR EACH STATEMENT EXECUTE FUNCTION incident_recorder.refuse_change();
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON incident_recorder.records
    FOR EACH ROW EXECUTE FUNCTION incident_recorder.refuse_change();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON incident_recorder.records
    FOR EACH STATEMENT EXECUTE FUNCTION incident_recorder.refuse_change();

CREATE FUNCTION incident_recorder.notify_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', n.incident_id::text)
    FROM (SELECT DISTINCT incident_id FROM new_rows) AS n;
    RETURN NULL;
END $$;
CREATE TRIGGER records_notify AFTER INSERT ON incident_recorder.records
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incident_recorder.notify_records();

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'incident_recorder_writer') THEN
        CREATE ROLE incident_recorder_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'incident_recorder_reader') THEN
        CREATE ROLE incident_recorder_reader NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'roles not created (this role may not create roles): see docs/team.md';
END $$;
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'incident_recorder_writer') THEN
        GRANT USAGE ON SCHEMA incident_recorder TO incident_recorder_writer;
        GRANT SELECT, INSERT ON incident_recorder.incidents, incident_recorder.records
            TO incident_recorder_writer;
        GRANT SELECT ON incident_recorder.schema_version TO incident_recorder_writer;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'incident_recorder_reader') THEN
        GRANT USAGE ON SCHEMA incident_recorder TO incident_recorder_reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA incident_recorder TO incident_recorder_reader;
    END IF;
END $$;
"""

# The archive: per-incident metrics Grafana or Metabase can chart without this app. Current
# values follow the replicas' rule (latest by time set, then recorder id, then arrival).
_V2 = """
CREATE VIEW incident_recorder.incident_metrics AS
WITH milestones AS (
    SELECT DISTINCT ON (r.incident_id, r.body ->> 'name')
           r.incident_id, r.body ->> 'name' AS name,
           (r.body ->> 'occurred_at')::timestamptz AS at
    FROM incident_recorder.records AS r WHERE r.kind = 'milestones'
    ORDER BY r.incident_id, r.body ->> 'name', r.body ->> 'set_at' DESC, r.recorder DESC,
             r.seq DESC
), details AS (
    SELECT DISTINCT ON (r.incident_id, r.body ->> 'name')
           r.incident_id, r.body ->> 'name' AS name, (r.body ->> 'value')::jsonb AS value
    FROM incident_recorder.records AS r WHERE r.kind = 'details'
    ORDER BY r.incident_id, r.body ->> 'name', r.body ->> 'set_at' DESC, r.recorder DESC,
             r.seq DESC
), pivot AS (
    SELECT i.id, i.title, i.created_at,
           (SELECT value #>> '{}' FROM details WHERE incident_id = i.id AND name = 'title')
               AS current_title,
           (SELECT value #>> '{}' FROM details WHERE incident_id = i.id AND name = 'severity')
               AS severity,
           (SELECT value #>> '{}' FROM details WHERE incident_id = i.id AND name = 'status')
               AS status,
           (SELECT array_agg(s ->> 'name' ORDER BY s ->> 'name')
              FROM details, jsonb_array_elements(value) AS s
              WHERE incident_id = i.id AND name = 'services') AS services,
           (SELECT at FROM milestones WHERE incident_id = i.id AND name = 'impact_started')
               AS impact_started,
           (SELECT at FROM milestones WHERE incident_id = i.id AND name = 'detected') AS detected,
           (SELECT at FROM milestones WHERE incident_id = i.id AND name = 'acknowledged')
               AS acknowledged,
           (SELECT at FROM milestones WHERE incident_id = i.id AND name = 'mitigated')
               AS mitigated,
           (SELECT at FROM milestones WHERE incident_id = i.id AND name = 'resolved') AS resolved,
           (SELECT count(*) FROM incident_recorder.records
              WHERE incident_id = i.id AND kind = 'entries') AS entries
    FROM incident_recorder.incidents AS i
)
SELECT id AS incident_id, coalesce(current_title, title) AS title, created_at, severity, status,
       coalesce(services, ARRAY[]::text[]) AS services,
       impact_started, detected, acknowledged, mitigated, resolved,
       detected - impact_started AS time_to_detect,
       acknowledged - impact_started AS time_to_acknowledge,
       mitigated - impact_started AS time_to_mitigate,
       resolved - impact_started AS time_to_resolve,
       entries
FROM pivot;
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'incident_recorder_writer') THEN
        GRANT SELECT ON incident_recorder.incident_metrics TO incident_recorder_writer;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'incident_recorder_reader') THEN
        GRANT SELECT ON incident_recorder.incident_metrics TO incident_recorder_reader;
    END IF;
END $$;
"""

# The archive's status and metrics as the app shows them (domain/record.current_status,
# domain/milestones.Milestones.metric): resolved once the resolved milestone is set, else the
# status last set, else investigating (never NULL); each metric between the whole seconds shown
# (domain/times.elapsed), negative when the milestone is before impact start, as in the report.
# Version 2's milestones, details and pivot are kept as they are (the view keeps its columns
# and grants); only the final SELECT changes.
_PIVOT = _V2[_V2.index("WITH milestones AS") : _V2.index("SELECT id AS incident_id")]
_V3 = f"""CREATE OR REPLACE VIEW incident_recorder.incident_metrics AS
{_PIVOT}SELECT id AS incident_id, coalesce(current_title, title) AS title, created_at, severity,
       CASE WHEN resolved IS NOT NULL THEN 'resolved' ELSE coalesce(status, 'investigating')
       END AS status,
       coalesce(services, ARRAY[]::text[]) AS services,
       impact_started, detected, acknowledged, mitigated, resolved,
       date_trunc('second', detected, 'UTC') - date_trunc('second', impact_started, 'UTC')
           AS time_to_detect,
       date_trunc('second', acknowledged, 'UTC') - date_trunc('second', impact_started, 'UTC')
           AS time_to_acknowledge,
       date_trunc('second', mitigated, 'UTC') - date_trunc('second', impact_started, 'UTC')
           AS time_to_mitigate,
       date_trunc('second', resolved, 'UTC') - date_trunc('second', impact_started, 'UTC')
           AS time_to_resolve,
       entries
FROM pivot;
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3]
"""SQL scripts; script N (0-based) takes the team database from version N to N + 1."""
SCHEMA_VERSION = len(MIGRATIONS)


class TeamSchemaError(Exception):
    """The team database has no schema of ours, or one this app cannot use."""


def version(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """The team schema's version in the database of `conn` (0: none yet)."""
    row = conn.execute("SELECT to_regclass('incident_recorder.schema_version') IS NOT NULL")
    exists = row.fetchone()
    if not exists or not exists[0]:
        return 0
    found = conn.execute("SELECT coalesce(max(version), 0) FROM incident_recorder.schema_version")
    value = found.fetchone()
    return int(str(value[0])) if value else 0


def init(conn: psycopg.Connection[tuple[object, ...]]) -> tuple[int, int]:
    """Create or migrate the team schema (each step and its version row in one transaction,
    under an advisory lock, so two `team init`s at once do each step once). The versions before
    and after; TeamSchemaError for a newer schema, which is left alone."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('incident_recorder schema'))")
        before = version(conn)
        _refuse_newer(before)
        if before == 0:
            conn.execute("CREATE SCHEMA IF NOT EXISTS incident_recorder")
            conn.execute(
                "CREATE TABLE incident_recorder.schema_version ("
                "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        for number in range(before, SCHEMA_VERSION):
            conn.execute(MIGRATIONS[number].encode())
            conn.execute(
                "INSERT INTO incident_recorder.schema_version (version) VALUES (%s)",
                (number + 1,),
            )
    return before, SCHEMA_VERSION


def check(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """TeamSchemaError unless the database's team schema is exactly this app's version."""
    found = version(conn)
    _refuse_newer(found)
    if found < SCHEMA_VERSION:
        what = "no team schema" if found == 0 else f"team schema version {found}"
        raise TeamSchemaError(
            f"the team database has {what} (this app uses {SCHEMA_VERSION}): "
            "run `incident-recorder team init URL` first"
        )


def _refuse_newer(found: int) -> None:
    if found > SCHEMA_VERSION:
        raise TeamSchemaError(
            f"the team database is at schema version {found}, newer than this app's "
            f"{SCHEMA_VERSION}: update Incident Recorder; nothing was written"
        )

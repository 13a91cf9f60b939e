"""libpq connection strings as this app keeps and shows them: never with a password.

A password belongs in libpq's own places (PGPASSFILE / ~/.pgpass, a service file, PGPASSWORD in
the environment) or the system keyring (passwords.py): a connection string given with one is used
for that run, but what is saved in the incident file (`kept`) and every string shown or logged
(`shown`) has it removed.
"""

from __future__ import annotations

from psycopg.conninfo import conninfo_to_dict

_SECRET_KEYS = ("password", "sslpassword")


class BadConninfoError(ValueError):
    """Not a libpq connection string."""


def parsed(conninfo: str) -> dict[str, object]:
    """`conninfo`'s keywords and values (a URL's too); BadConninfoError if it is none."""
    try:
        return dict(conninfo_to_dict(conninfo))
    except Exception as error:  # psycopg.ProgrammingError: "invalid connection option …"
        raise BadConninfoError(f"not a PostgreSQL connection string: {shown(conninfo)}") from error


def has_password(conninfo: str) -> bool:
    return any(key in parsed(conninfo) for key in _SECRET_KEYS)


def kept(conninfo: str) -> str:
    """`conninfo` without its password, as saved in an incident file."""
    parts = parsed(conninfo)
    if not any(key in parts for key in _SECRET_KEYS):
        return conninfo
    return _joined({k: v for k, v in parts.items() if k not in _SECRET_KEYS})


def with_password(conninfo: str, password: str) -> str:
    """`conninfo` carrying `password` (typed into a dialog): for one connection, never kept."""
    from psycopg.conninfo import make_conninfo

    try:
        return make_conninfo(conninfo, password=password)
    except Exception as error:  # psycopg.ProgrammingError
        raise BadConninfoError(f"not a PostgreSQL connection string: {shown(conninfo)}") from error


def shown(conninfo: str) -> str:
    """`conninfo` safe to print or log: its password (if any) replaced by ***."""
    try:
        parts = dict(conninfo_to_dict(conninfo))
    except Exception:
        return "(a connection string that cannot be read)"
    if not any(key in parts for key in _SECRET_KEYS):
        return conninfo
    return _joined({k: ("***" if k in _SECRET_KEYS else v) for k, v in parts.items()})


def _joined(parts: dict[str, object]) -> str:
    """libpq's key=value form, each value quoted."""

    def quoted(value: object) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{key}={quoted(value)}" for key, value in parts.items() if value is not None)

"""libpq connection strings as this app keeps and shows them: never with a password.

A password belongs in libpq's own places (PGPASSFILE / ~/.pgpass, a service file, PGPASSWORD in
the environment) or the system keyring (passwords.py): a connection string given with one is used
for that run, but what is saved in the incident file (`kept`) and every string shown or logged
(`shown`) has it removed.
"""

from __future__ import annotations

from collections.abc import Mapping

from psycopg.conninfo import conninfo_to_dict

_SECRET_KEYS = ("password", "sslpassword")


NOT_A_CONNINFO = (
    "not a PostgreSQL connection string: write postgresql://host/db (a URL) or key=value "
    "pairs such as service=team"
)
"""What a string libpq cannot read is told: never the string, which may hold a password."""


class BadConninfoError(ValueError):
    """Not a libpq connection string (the message never repeats it)."""

    def __init__(self, message: str = NOT_A_CONNINFO) -> None:
        super().__init__(message)


def parsed(conninfo: str) -> dict[str, object]:
    """`conninfo`'s keywords and values (a URL's too); BadConninfoError if it is none."""
    try:
        return dict(conninfo_to_dict(conninfo))
    except Exception:  # psycopg.ProgrammingError, whose text repeats the string: not chained
        raise BadConninfoError() from None


def has_password(conninfo: str) -> bool:
    return any(key in parsed(conninfo) for key in _SECRET_KEYS)


def kept(conninfo: str) -> str:
    """`conninfo` without its password, as saved in an incident file (a URL stays a URL)."""
    parts = parsed(conninfo)
    if not any(key in parts for key in _SECRET_KEYS):
        return conninfo
    rest = {k: v for k, v in parts.items() if k not in _SECRET_KEYS}
    return _url_without(conninfo, None, rest) or _joined(rest)


def _url_without(conninfo: str, stand_in: str | None, rest: Mapping[str, object]) -> str:
    """A postgresql:// URL with its password left out (`stand_in` None) or replaced by
    `stand_in`, in the user's own spelling otherwise; "" if `conninfo` is no URL, or the result
    would not read back as `rest` (then the caller writes key=value pairs)."""
    from urllib.parse import unquote, urlsplit, urlunsplit

    if not conninfo.startswith(("postgresql://", "postgres://")):
        return ""
    try:
        url = urlsplit(conninfo)
        netloc = url.netloc
        if "@" in netloc:
            userinfo, hosts = netloc.rsplit("@", 1)
            user, colon, _ = userinfo.partition(":")
            shown_user = f"{user}:{stand_in}" if colon and stand_in is not None else user
            netloc = f"{shown_user}@{hosts}" if shown_user else hosts
        query = []
        for pair in filter(None, url.query.split("&")):
            key = pair.partition("=")[0]
            if unquote(key) not in _SECRET_KEYS:
                query.append(pair)
            elif stand_in is not None:
                query.append(f"{key}={stand_in}")
        result = urlunsplit((url.scheme, netloc, url.path, "&".join(query), url.fragment))
        read_back = dict(conninfo_to_dict(result))
        secrets = [str(v) for k, v in dict(conninfo_to_dict(conninfo)).items()
                   if k in _SECRET_KEYS and v]  # fmt: skip
    except Exception:
        return ""
    if any(secret in result for secret in secrets):  # a spelling urlsplit reads otherwise
        return ""  # than libpq (a ? or # in the password): key=value pairs instead
    if stand_in is not None:
        if any(read_back.get(k) != stand_in for k in _SECRET_KEYS if k in read_back):
            return ""
        read_back = {k: v for k, v in read_back.items() if k not in _SECRET_KEYS}
    return result if read_back == rest else ""


def with_password(conninfo: str, password: str) -> str:
    """`conninfo` carrying `password` (typed into a dialog): for one connection, never kept."""
    from psycopg.conninfo import make_conninfo

    try:
        return make_conninfo(conninfo, password=password)
    except Exception:  # psycopg.ProgrammingError, whose text repeats the string
        raise BadConninfoError() from None


def shown(conninfo: str) -> str:
    """`conninfo` safe to print or log: its password (if any) replaced by ***."""
    try:
        parts = dict(conninfo_to_dict(conninfo))
    except Exception:
        return "(a connection string that cannot be read)"
    if not any(key in parts for key in _SECRET_KEYS):
        return conninfo
    rest = {k: v for k, v in parts.items() if k not in _SECRET_KEYS}
    return _url_without(conninfo, "***", rest) or _joined(
        {k: ("***" if k in _SECRET_KEYS else v) for k, v in parts.items()}
    )


def error_text(error: BaseException, conninfo: str) -> str:
    """An error of a connection to `conninfo` as one line: libpq's line breaks and tabs
    folded, the password (if the string carries one) replaced by ***."""
    text = " ".join(str(error).split())
    try:
        parts = dict(conninfo_to_dict(conninfo))
    except Exception:
        return text
    for key in _SECRET_KEYS:
        secret = parts.get(key)
        if secret:
            text = text.replace(str(secret), "***")
    return text


REFUSALS = (
    "password authentication failed",
    "no password supplied",
    "pg_hba.conf",
    "authentication failed",
    "does not exist",
    "permission denied",
)
"""Phrases of libpq's connection errors that mean the server answered and said no (a wrong or
missing password, an unknown role or database): waiting will not mend them."""
NOT_SET_UP = ("definition of service",)
"""Phrases of libpq's errors about this machine's own setup (a service no service file defines):
no server was asked, and waiting will not mend them either."""


def is_refusal(error: BaseException) -> bool:
    """Whether a failed connection was refused by the server (REFUSALS, or SQLSTATE class 28,
    invalid authorization) rather than the server being out of reach."""
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str) and state.startswith("28"):
        return True
    text = str(error)
    return any(phrase in text for phrase in (*REFUSALS, *NOT_SET_UP))


def is_not_set_up(error: BaseException) -> bool:
    """Whether a failed connection failed here, on this machine's setup (NOT_SET_UP)."""
    return any(phrase in str(error) for phrase in NOT_SET_UP)


def failure(error: BaseException) -> str:
    """How a connection failed, said after "the team database …"."""
    if is_not_set_up(error):
        return "cannot be used from here"
    return "refused the connection" if is_refusal(error) else "cannot be reached"


def _joined(parts: dict[str, object]) -> str:
    """libpq's key=value form, each value quoted."""

    def quoted(value: object) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{key}={quoted(value)}" for key, value in parts.items() if value is not None)

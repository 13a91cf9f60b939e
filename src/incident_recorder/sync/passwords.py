"""Team database passwords in the system keyring (docs/team.md, "Connection strings, passwords
and TLS").

A password is kept under the service `SERVICE` and the name `key(conninfo)`:
`user@host:port/dbname` of the connection string as libpq would complete it (a `service=` read
from its service file; then PGUSER, PGHOST, PGPORT, PGDATABASE; then libpq's defaults: the login
name, `localhost`, 5432, the user's name as database).

`lookup` is what a team connection asks (replicator.connect) when its string carries no
password: nothing when the string, its service section or PGPASSWORD gives one (libpq uses that),
else a password typed into Share or Join in this run (`keep_for_this_run`: memory only), else
the keyring's password for the key, if any. No keyring backend (no D-Bus session bus, no
Secret Service on it), a locked keyring whose unlock is refused, any error of the keyring: no
password, logged at debug level, and libpq goes on to its own places (~/.pgpass, PGPASSFILE).
No password is ever logged. `keyring` is imported on the first call, never at start-up.

The backend is keyring's own choice (`keyring.get_keyring()`: PYTHON_KEYRING_BACKEND, its
config file, else the best available, decided once per process).
"""

from __future__ import annotations

import configparser
import getpass
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from incident_recorder.sync.conninfo import BadConninfoError, parsed

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

logger = logging.getLogger(__name__)

SERVICE = "incident-recorder team database"
"""The keyring's service name of every team database password."""


LIBPQ_SYSCONFDIR = "/etc/postgresql-common"
"""Where libpq looks for the system service file when PGSYSCONFDIR is not set: the directory
it was built with, this one for psycopg-binary's libpq and Debian's."""


class NoKeyringError(Exception):
    """No system keyring can keep a password here (the message says why)."""


class UnknownServiceError(BadConninfoError):
    """The connection string names a service (service=, or PGSERVICE) that no service file
    defines: libpq refuses it ("definition of service … not found"), and so does `key`."""


def key(conninfo: str) -> str:
    """`user@host:port/dbname` of `conninfo` (see the module docstring); BadConninfoError if it
    is not a connection string, UnknownServiceError if it names a service no file defines."""
    parts = _resolved(conninfo)
    user = _given(parts, "user", "PGUSER") or _login_name()
    host = _given(parts, "host", "PGHOST") or _given(parts, "hostaddr", "PGHOSTADDR")
    if not host or host.startswith("/"):
        host = "localhost"  # a Unix socket, named as ~/.pgpass names it
    port = _given(parts, "port", "PGPORT") or "5432"
    dbname = _given(parts, "dbname", "PGDATABASE") or user
    return f"{user}@{host}:{port}/{dbname}"


def lookup(conninfo: str) -> str | None:
    """The keyring's password for `conninfo`, when libpq has none in the string, its service
    section or PGPASSWORD; None otherwise, and whenever the keyring cannot answer."""
    try:
        parts = _resolved(conninfo)
        if "password" in parts or os.environ.get("PGPASSWORD"):
            return None
        name = key(conninfo)
    except (BadConninfoError, OSError, configparser.Error) as error:
        logger.debug("no keyring lookup: %s", error)
        return None
    if name in _TYPED:  # typed into a dialog this run: before the keyring
        return _TYPED[name]
    try:
        password = _backend().get_password(SERVICE, name)
    except Exception as error:  # no backend, no bus, locked, refused: libpq's own places next
        logger.debug("no password from the system keyring for %s: %s", name, _reason(error))
        return None
    logger.debug(
        "password for %s %s in the system keyring", name, "found" if password else "not found"
    )
    return password or None


_TYPED: dict[str, str] = {}
"""key → a password typed into a dialog this run (never written anywhere; gone at exit)."""


def keep_for_this_run(conninfo: str) -> None:
    """Keep the password `conninfo` carries (typed into Share or Join) in memory for this
    process, so a window's sync reconnects with it after an outage; nothing is written."""
    password = parsed(conninfo).get("password")
    if password:
        _TYPED[key(conninfo)] = str(password)


def typed(conninfo: str) -> str | None:
    """The password typed this run for `conninfo`'s server and role (keep_for_this_run)."""
    try:
        return _TYPED.get(key(conninfo))
    except (BadConninfoError, OSError, configparser.Error):
        return None


def store(conninfo: str, password: str) -> str:
    """Keep `password` for `conninfo`'s key; the key. NoKeyringError if there is no keyring or
    it refuses (locked, say)."""
    name = key(conninfo)
    backend = _available_backend()
    try:
        backend.set_password(SERVICE, name, password)
    except Exception as error:
        raise NoKeyringError(f"the system keyring did not keep it: {_reason(error)}") from None
    return name


def remember(conninfo: str) -> str | None:
    """Keep the password `conninfo` carries (a dialog's password field, merged into the string
    for one connection) under its key; the key, or None if it carries none. Called once the
    connection has succeeded: a service libpq found but `key` cannot (a service file in a
    place of libpq's build other than LIBPQ_SYSCONFDIR) is NoKeyringError, said as a keyring's
    refusal is (the share or join stands)."""
    password = parsed(conninfo).get("password")
    if not password:
        return None
    try:
        return store(conninfo, str(password))
    except UnknownServiceError as error:
        raise NoKeyringError(f"no name to keep it under: {error}") from None


def forget(conninfo: str) -> bool:
    """Remove the password kept for `conninfo`'s key; whether there was one."""
    name = key(conninfo)
    backend = _available_backend()
    try:
        if backend.get_password(SERVICE, name) is None:
            return False
        backend.delete_password(SERVICE, name)
    except Exception as error:
        raise NoKeyringError(f"the system keyring refused: {_reason(error)}") from None
    return True


def unavailable() -> str | None:
    """Why no password can be kept in a system keyring here, or None when one can."""
    try:
        _available_backend()
    except NoKeyringError as error:
        return str(error)
    return None


def backend_name() -> str:
    """The keyring in use, as its backend names itself (e.g. "SecretService Keyring")."""
    return str(_available_backend().name)


def _backend() -> KeyringBackend:
    import keyring

    return keyring.get_keyring()


def _available_backend() -> KeyringBackend:
    from keyring.backends import fail, null

    try:
        backend = _backend()
    except Exception as error:
        raise NoKeyringError(f"no system keyring: {_reason(error)}") from None
    if isinstance(backend, fail.Keyring | null.Keyring):
        hint = ""
        if sys.platform.startswith("linux"):
            hint = (
                " (no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set)"
                if not os.environ.get("DBUS_SESSION_BUS_ADDRESS")
                else " (no Secret Service, such as gnome-keyring or KeePassXC, on the session bus)"
            )
        raise NoKeyringError(f"no system keyring is available{hint}")
    return backend


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _given(parts: dict[str, object], name: str, variable: str) -> str:
    value = parts.get(name)
    return str(value) if value not in (None, "") else os.environ.get(variable, "")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _resolved(conninfo: str) -> dict[str, object]:
    """`conninfo`'s parts, completed from its service's section (service=, else PGSERVICE) as
    libpq does: the user's service file (PGSERVICEFILE, else ~/.pg_service.conf), else the
    system one (pg_service.conf in PGSYSCONFDIR, else LIBPQ_SYSCONFDIR); what the string gives
    wins. UnknownServiceError, as libpq, when none of them has the service's section."""
    parts = {k: v for k, v in parsed(conninfo).items() if v not in (None, "")}
    service = str(parts.get("service") or os.environ.get("PGSERVICE", ""))
    if not service:
        return parts
    user_file = os.environ.get("PGSERVICEFILE") or str(Path.home() / ".pg_service.conf")
    system_dir = os.environ.get("PGSYSCONFDIR") or LIBPQ_SYSCONFDIR
    files = [Path(user_file), Path(system_dir) / "pg_service.conf"]
    for path in files:
        section = _service_section(path, service)
        if section is not None:
            return {**section, **parts}
    raise UnknownServiceError(
        f'definition of service "{service}" not found (looked in {", ".join(map(str, files))})'
    )


def _service_section(path: Path, service: str) -> dict[str, object] | None:
    if not path.is_file():
        return None
    reader = configparser.RawConfigParser(
        delimiters=("=",), comment_prefixes=("#",), strict=False, interpolation=None
    )
    reader.optionxform = str  # type: ignore[assignment,method-assign]
    reader.read(path, encoding="utf-8")
    if not reader.has_section(service):
        return None
    return {k.strip(): v.strip() for k, v in reader.items(service)}

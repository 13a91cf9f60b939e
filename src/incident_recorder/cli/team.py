"""Commands of the team sync: team init, team password, share, join, sync; and the --author of
recording commands (see docs/team.md)."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incident_recorder.cli.common import INCIDENT_SUFFIX, PROG, CliError, with_incident_suffix

if TYPE_CHECKING:
    from incident_recorder.sync.replicator import Conn, Replicator

TEAM_COMMANDS = ("team", "share", "join", "sync")
ONCE_SECONDS = 30.0
"""How long `sync --once` goes on pushing and pulling before it gives up on agreeing."""


def add_author_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--author",
        metavar="NAME",
        help="who records this (shown to teammates); default: the name set in the app's Settings",
    )


def author_of(args: argparse.Namespace) -> str | None:
    """--author, else the name saved in Settings, else None."""
    given = getattr(args, "author", None)
    if given:
        return str(given)
    from incident_recorder import paths
    from incident_recorder.settings import FILE_NAME, saved_author

    return saved_author(paths.config_dir() / FILE_NAME) or None


def team_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    url_help = (
        "a libpq connection string: postgresql://host/db?sslmode=verify-full or service=team; "
        "the password comes from the system keyring (`team password`), ~/.pgpass, PGPASSFILE, "
        "a service file or PGPASSWORD, and is never saved or shown"
    )
    team = sub.add_parser(
        "team",
        help="set up the team database; keep its password in the system keyring",
        description="`team init URL` creates the team schema in a PostgreSQL database, or "
        "migrates it to this version. `team password URL` keeps URL's password in the system "
        "keyring. `team init --help` and `team password --help` say more.",
    )
    actions = team.add_subparsers(
        dest="action", metavar="{init,password}", title="team commands", required=True
    )
    init = actions.add_parser(
        "init",
        help="create or migrate the team schema",
        description="Create the team schema `incident_recorder` in URL's database, or migrate "
        "it to this version of the app (run it again after upgrading); a schema newer than "
        "this app knows is refused and left alone. The role needs CREATE on the database (or "
        "is its owner), and CREATEROLE to have the roles incident_recorder_writer and "
        "incident_recorder_reader made (docs/team.md).",
    )
    init.add_argument("url", metavar="URL", help=url_help)
    password = actions.add_parser(
        "password",
        help="keep the database password in the system keyring",
        description="Ask for the password of URL's user (never echoed; when standard input is "
        "not a terminal, its first line) and keep it in the system keyring under "
        "user@host:port/dbname; share, join and sync then use it when their URL has no "
        "password.",
    )
    password.add_argument("url", metavar="URL", help=url_help.split(";")[0] + ", without password")
    password.add_argument("--forget", action="store_true", help="remove the kept password")

    share = sub.add_parser(
        "share",
        help="publish an incident to the team database",
        description="Publish FILE's incident to the team database, push its record and keep "
        "the link in the file; prints the incident id teammates join with.",
    )
    share.add_argument(
        "file", type=Path, metavar="FILE", help="the incident file to share (it keeps the link)"
    )
    share.add_argument("--db", required=True, metavar="URL", help=url_help)
    add_author_option(share)

    join = sub.add_parser(
        "join",
        help="make a local replica of a team incident",
        description="Create FILE as a new replica of a shared incident and pull its record.",
    )
    join.add_argument("url", metavar="URL", help=url_help)
    join.add_argument(
        "incident",
        metavar="INCIDENT_ID",
        help="the incident's id, a UUID (what `share` printed; the window's Share with Team "
        "shows it)",
    )
    join.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the replica to create (a name without .incident gets it, as with `new`)",
    )
    add_author_option(join)

    sync = sub.add_parser(
        "sync",
        help="sync a shared incident with the team database",
        description="Push FILE's new rows and pull teammates', live until interrupted. With "
        "--once: sync what is pending and exit 0 when the file and the database agree "
        "(1 when unreachable or still apart).",
    )
    sync.add_argument("file", type=Path, metavar="FILE")
    sync.add_argument("--once", action="store_true", help="sync what is pending and exit")
    sync.add_argument("--db", metavar="URL", help="another connection string for this run")
    add_author_option(sync)


def _connect(url: str) -> Conn:
    import psycopg

    from incident_recorder.sync.conninfo import BadConninfoError, error_text, failure, shown
    from incident_recorder.sync.replicator import connect

    try:
        return connect(url)
    except BadConninfoError as error:  # its text never repeats the string
        raise CliError(str(error)) from None
    except (psycopg.OperationalError, psycopg.ProgrammingError) as error:
        how = failure(error)
        raise CliError(f"the team database {shown(url)} {how}: {error_text(error, url)}") from None


def cmd_team(args: argparse.Namespace) -> int:
    from incident_recorder.sync import team_db

    if args.action == "password":
        return team_password(args.url, forget=args.forget)

    import psycopg

    with _connect(args.url) as conn:
        try:
            before, after = team_db.init(conn)
        except team_db.TeamSchemaError as error:
            raise CliError(str(error)) from None
        except psycopg.errors.InsufficientPrivilege as error:
            raise CliError(
                f"{_role(conn)} may not create the team schema ({_denied(error)}): team init "
                "needs a role with CREATE on the database, or the database's owner (to "
                "migrate: the owner of the schema incident_recorder) (docs/team.md, Set up the "
                "team database)"
            ) from None
    if before == after:
        print(f"The team schema is up to date (version {after})")
    else:
        print(f"Team schema at version {after} (was {before or 'none'})")
    return 0


def cmd_share(args: argparse.Namespace) -> int:
    from incident_recorder.session import IncidentSession
    from incident_recorder.storage import IncidentFile
    from incident_recorder.sync.links import AlreadySharedError, LinkError, check_shareable, share

    with IncidentFile.open(args.file) as handle:
        try:
            check_shareable(handle)  # before connecting: refused offline too
            with _connect(args.db) as conn:
                session = IncidentSession(handle, author=author_of(args))
                incident, pushed = _checked(conn, lambda c: share(session, c, args.db))
        except AlreadySharedError as error:
            raise CliError(f'{error}: use "{PROG} sync {args.file}"') from None
        except LinkError as error:
            raise CliError(str(error)) from None
    print(incident)
    print(f"Shared {args.file.name}: {counted(pushed, 'row')} pushed", file=sys.stderr)
    _hint_no_author(args)
    return 0


NO_AUTHOR = (
    "No name is set for your entries: teammates see them as 'teammate'. Give one with --author "
    "NAME, or set Your name in the window's Settings (entries recorded from then on carry it)"
)


def _hint_no_author(args: argparse.Namespace) -> None:
    if author_of(args) is None:
        print(NO_AUTHOR, file=sys.stderr)


def cmd_join(args: argparse.Namespace) -> int:
    from incident_recorder.sync.links import LinkError, incident_uuid, join

    given: Path = args.out
    out = with_incident_suffix(given)
    try:
        incident = incident_uuid(args.incident)  # before connecting
        with _connect(args.url) as conn:
            shared, entries = _checked(
                conn, lambda c: join(c, args.url, incident, out, author_of(args))
            )
    except LinkError as error:
        raise CliError(str(error)) from None
    added = f" (added {INCIDENT_SUFFIX} to {given.name})" if out != given else ""
    print(f"Joined {shared.title!r} into {out}{added}: {counted(entries, 'entry', 'entries')}")
    _hint_no_author(args)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from incident_recorder.session import IncidentSession
    from incident_recorder.storage import IncidentFile
    from incident_recorder.sync.replicator import NotSharedError, Replicator

    with IncidentFile.open(args.file) as handle:
        session = IncidentSession(handle, author=author_of(args))
        try:
            replicator = Replicator(session, args.db)
        except NotSharedError as error:
            raise CliError(str(error)) from None
        if args.once:
            return _sync_once(replicator)
        return _sync_live(replicator)


def _sync_once(replicator: Replicator) -> int:
    import psycopg

    from incident_recorder.sync.conninfo import error_text, failure, is_refusal
    from incident_recorder.sync.replicator import connect

    deadline = time.monotonic() + ONCE_SECONDS
    pushed = pulled = 0
    watch = None
    try:
        with (
            replicator.watched() as watch,  # a database that stops answering: cut, said
            connect(replicator.conninfo) as conn,
            watch.step(conn),
        ):
            while True:
                up, down = _checked(conn, replicator.sync_once)
                watch.progress()
                pushed, pulled = pushed + up, pulled + down
                if replicator.agrees(conn):
                    print(f"In sync: {counted(pushed, 'row')} pushed, {pulled} pulled")
                    return 0
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
    except psycopg.OperationalError as error:
        waiting = counted(replicator.session.file.unpushed(), "row")
        reason = (
            watch.reason
            if watch is not None and watch.cut
            else error_text(error, replicator.conninfo)
        )
        # refused or not set up, waiting will not mend it (a password, a role, a service)
        offline = "" if is_refusal(error) else "offline, "
        raise CliError(
            f"{offline}{waiting} waiting: the team database {replicator.shown_conninfo} "
            f"{failure(error)} ({reason})"
        ) from None
    arriving = len(replicator.session.file.arriving_captures())
    images = f", {counted(arriving, 'capture image')} not arrived" if arriving else ""
    raise CliError(
        f"not in sync after {ONCE_SECONDS:.0f} s: {pushed} pushed, {pulled} pulled{images}"
    )


def _sync_live(replicator: Replicator) -> int:
    stop = False

    def stopping(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, stopping)
    last = ""

    def show(state: Any) -> None:
        nonlocal last
        text = state.text()
        if text != last:
            print(text, flush=True)
            last = text

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: stop quietly, all saved
        replicator.run(lambda: stop, show)
    return 0


def team_password(url: str, *, forget: bool) -> int:
    """`team password URL [--forget]`: keep (or remove) URL's password in the system keyring."""
    from incident_recorder.sync import passwords
    from incident_recorder.sync.conninfo import BadConninfoError, has_password

    try:
        if has_password(url):
            raise CliError("give URL without its password: `team password` asks for it")
        name = passwords.key(url)
        problem = passwords.unavailable()
        if problem:
            raise CliError(f"cannot keep a password: {problem}")
        if forget:
            if passwords.forget(url):
                print(f"Removed the password for {name} from the system keyring")
            else:
                print(f"No password for {name} in the system keyring")
            return 0
        password = _ask_password(f"Password for {name}: ")
        if not password:
            raise CliError("no password given: nothing kept")
        untried = _try_password(url, password)
        passwords.store(url, password)
    except (BadConninfoError, passwords.NoKeyringError) as error:
        raise CliError(str(error)) from None
    print(f"Kept the password for {name} in the system keyring ({passwords.backend_name()})"
          + (f"; not tried, the team database cannot be reached now: {untried}" if untried
             else "; the team database accepted it"))  # fmt: skip
    return 0


def _try_password(url: str, password: str) -> str:
    """Connect with `password` before it is kept: CliError if the database refuses it (a typo
    would otherwise only show at the next sync); "" when accepted, or why it could not be tried
    (the server out of reach: offline is normal, it is kept all the same)."""
    import psycopg

    from incident_recorder.sync.conninfo import error_text, is_refusal
    from incident_recorder.sync.replicator import connect

    try:
        connect(url, password=password, look_up=False).close()
    except psycopg.OperationalError as error:
        reason = error_text(error, url).replace(password, "***")
        if is_refusal(error):
            raise CliError(f"the team database refused it ({reason}): nothing kept") from None
        return reason
    return ""


def _ask_password(prompt: str) -> str:
    """The password typed at the terminal, never echoed (getpass); when stdin is not a terminal
    (a script, a test), its first line, as in `incident-recorder team password URL < file`."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def _checked(conn: Conn, step: Any) -> Any:
    """`step(conn)`, with the team schema's refusals, and the database's refusal of a role
    without the writer's rights, as one-line errors."""
    import psycopg

    from incident_recorder.sync import team_db

    try:
        return step(conn)
    except team_db.TeamSchemaError as error:
        raise CliError(str(error)) from None
    except psycopg.errors.InsufficientPrivilege as error:
        raise CliError(
            f"{_role(conn)} may not write to the team database ({_denied(error)}): share, join "
            "and sync need a role in incident_recorder_writer (docs/team.md, Roles)"
        ) from None


def counted(number: int, noun: str, nouns: str | None = None) -> str:
    """'1 row', '2 rows', '0 rows'; `nouns` for a plural not made with -s ('entries')."""
    return f"{number} {noun if number == 1 else (nouns or noun + 's')}"


def _role(conn: Conn) -> str:
    """'the role "ada"': who `conn` is logged in as (never its password)."""
    return f'the role "{conn.info.user}"'


def _denied(error: Exception) -> str:
    """The server's own words for a refusal ("permission denied for table incidents")."""
    diag = getattr(error, "diag", None)
    primary = getattr(diag, "message_primary", None)
    return str(primary or str(error).strip().splitlines()[0])

"""The command line: create, record into, capture into and export incident files; open the GUI.

Exit status: 0 on success, 2 on a usage error (argparse), 1 on any other error, reported as one
clear line on stderr, never a traceback. Qt is imported only when a window is asked for, or
(QtNetwork only) to forward a request to the running app: a second `incident-recorder [FILE]`,
`--capture` and `--note` (see ui/single_instance.py and app_requests.py).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from incident_recorder.report.writer import FormatRenderer

from incident_recorder import __version__

PROG = "incident-recorder"
COMMANDS: tuple[str, ...] = ("new", "open", "note", "capture", "export", "milestone", "review")
COMMANDS += ("serve", "import", "merge", "copy", "status-page")
FOCUS_NOTE = "\0focus"
"""`--note` given without TEXT."""
NOT_RUNNING = (
    f"no Incident Recorder window is running; start it with `{PROG} FILE`, or record from a "
    f"shell with `{PROG} note FILE TEXT`"
)


EXPORT_FORMATS = {
    "markdown": "DIR/report.md, the report (default)",
    "html": "DIR/report.html, the report as one self-contained, printable page",
    "pdf": "DIR/report.pdf, the report on A4 pages",
    "json": "DIR/incident.json, the record as data",
}
"""The --format choices and what each writes; a format with a renderer adds itself here and
in `export_renderers`."""


def export_formats() -> tuple[str, ...]:
    return tuple(EXPORT_FORMATS)


def export_renderers() -> dict[str, FormatRenderer]:
    """Renderers for formats beyond markdown and json (report.writer.FormatRenderer), made
    lazily: a PDF renderer needs Qt, which only this layer may import."""
    from incident_recorder.report.html_export import write_html

    return {"html": write_html, "pdf": _write_pdf}


def _write_pdf(markdown: str, images: Mapping[str, Path], out_dir: Path, title: str) -> Path:
    """The "pdf" renderer: Qt's PDF writer, in an offscreen QGuiApplication made for it.

    Painting a PDF needs fonts, not a screen: unless QT_QPA_PLATFORM says otherwise the
    offscreen platform is used, so a missing or unreachable display can never abort the export.
    """
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from incident_recorder.ui.pdf import write_pdf_report

    app = QGuiApplication.instance() or QGuiApplication([PROG])  # alive until the PDF is written
    written = write_pdf_report(markdown, images, out_dir, title)
    del app
    return written


class CliError(Exception):
    """An error to print as one line, exit status 1."""


def one_line(text: str) -> str:
    """`text` safe to print as one line: control and other unprintable characters (a carriage
    return in an argument would overwrite the message on a terminal) shown escaped."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape", "backslashreplace").decode()
        for char in text
    )


class _Parser(argparse.ArgumentParser):
    """argparse, with the user's arguments quoted in usage errors kept on one line."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n")


def _parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog=PROG,
        description="Record an outage live — one-key notes and screen captures — into one "
        "incident file, and export the incident report.",
        epilog="Run without a command to open the recorder window (FILE) or the start window. "
        f"`{PROG} COMMAND --help` explains each command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    running = parser.add_argument_group(
        "forwarded to the running app",
        "For desktop shortcuts (Wayland, where the global keys cannot work) and scripts: "
        "the request goes to the most recently active recorder window of the running app. "
        "Exit 1 when none is running.",
    )
    running.add_argument(
        "--capture",
        action="store_true",
        help="capture the monitor under the pointer now (like Ctrl+Alt+S), stamped when the "
        "command ran",
    )
    running.add_argument(
        "--all", action="store_true", help="with --capture: every monitor (like Ctrl+Alt+A)"
    )
    running.add_argument(
        "--window",
        action="store_true",
        help="with --capture: the active window only (like Ctrl+Alt+W)",
    )
    running.add_argument(
        "--note",
        nargs="?",
        const=FOCUS_NOTE,
        metavar="TEXT",
        help="add the note TEXT ('-' reads standard input) and print what was saved; without "
        "TEXT bring the recorder forward with the note field focused and stamped now "
        "(like Ctrl+Alt+N)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    new = sub.add_parser(
        "new", help="create an incident file", description="Create a new incident file."
    )
    new.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="the incident file to create (e.g. checkout.incident)",
    )
    new.add_argument("--title", required=True, help='the incident title, e.g. "Checkout outage"')
    new.add_argument(
        "--open", action="store_true", help="open it in the recorder window afterwards"
    )

    open_ = sub.add_parser(
        "open",
        help="open the recorder window (the default command)",
        description="Open FILE in the recorder window, or the start window without FILE.",
    )
    open_.add_argument("file", type=Path, nargs="?", metavar="FILE", help="the incident file")

    note = sub.add_parser(
        "note",
        help="add a note",
        description="Add a note to an incident file "
        "(a running recorder window shows it within a second).",
    )
    note.add_argument("file", type=Path, metavar="FILE")
    note.add_argument("text", metavar="TEXT", help="the note; '-' reads it from standard input")
    note.add_argument(
        "--kind",
        default="observation",
        type=_kind,
        help="observation (default), detection, impact, "
        "action, decision, communication, cause or resolution",
    )
    note.add_argument(
        "--at",
        metavar="WHEN",
        type=_when,
        help="when it happened: ISO 8601 (2026-11-27T14:02:07Z), "
        "a local time (14:02: the latest one, today or yesterday), or an offset back from "
        "now (--at -5m, "
        '--at "5m ago"); default now',
    )
    note.add_argument(
        "--public",
        action="store_true",
        help="mark the note public: it may appear in the public report (internal by default)",
    )
    _milestone_parser(sub)
    _review_parser(sub)

    capture = sub.add_parser(
        "capture",
        help="capture the screen into an incident file",
        description="Capture the monitor under the mouse pointer now.",
    )
    capture.add_argument("file", type=Path, metavar="FILE")
    capture.add_argument(
        "--monitor", type=int, metavar="N", help="capture monitor N (1 = first) instead"
    )
    capture.add_argument("--text", default="", help="a caption for the capture entry")
    capture.add_argument(
        "--format",
        choices=("png", "jpeg"),
        default="png",
        help="png: lossless (default); jpeg: smaller files (the app's capture-format setting "
        "applies to the app's own captures, this to this one)",
    )
    capture.add_argument(
        "--quality",
        type=_jpeg_quality,
        default=85,
        metavar="N",
        help="with --format jpeg: the JPEG quality, 50 to 100 (default 85)",
    )
    capture.add_argument(
        "--kind", default="observation", type=_kind, help="the entry's kind (default observation)"
    )

    export = sub.add_parser(
        "export",
        help="export the report or the record",
        description="Export the report into DIR (markdown: DIR/report.md; html: "
        "DIR/report.html, images embedded; pdf: DIR/report.pdf; json: DIR/incident.json), "
        "with every capture and the timeline picture in DIR/images/: annotated captures as their "
        "rendered copy, redactions solid black. Originals stay in the incident file unless "
        "--include-originals is given. --public exports only the entries marked public, "
        "without names of people or roles.",
    )
    export.add_argument("file", type=Path, metavar="FILE")
    export.add_argument(
        "--format",
        choices=export_formats(),
        default="markdown",
        help="; ".join(f"{name}: {what}" for name, what in EXPORT_FORMATS.items()),
    )
    export.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="the folder to write into"
    )
    export.add_argument(
        "--public",
        action="store_true",
        help="the customer-facing report: public entries only, reviewed (redacted) captures "
        "only, no author or role names, only services marked public",
    )
    export.add_argument(
        "--template",
        metavar="NAME",
        help="the report template: default, short, postmortem, public, or a team template "
        "in the data folder's templates/ (default: default; with --public: public)",
    )
    export.add_argument(
        "--include-originals",
        action="store_true",
        help="also write the unannotated original of every annotated capture to "
        "DIR/images/originals/ (UNREDACTED: they show what redactions hide; the report says "
        "so; refused with --public)",
    )
    export.add_argument(
        "--tz",
        type=_zone,
        metavar="ZONE",
        help="the zone of local times in the report: an IANA name (Europe/Paris), UTC, or "
        "+HH:MM [ABBREVIATION] (default: the machine's)",
    )
    export.add_argument(
        "--progress",
        action="store_true",
        help="print machine-readable lines instead: 'progress DONE TOTAL' as images are "
        "written, then 'written PATH' (or 'cancelled' after SIGTERM/Ctrl+C, exit status 1)",
    )
    _serve_parser(sub)
    _import_merge_parsers(sub)
    _status_page_parser(sub)
    return parser


def _status_page_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    page = sub.add_parser(
        "status-page",
        help="write the customer status page (index.html and an Atom feed)",
        description="Write DIR/index.html — where things stand and every public update, newest "
        "first — and DIR/feed.xml, an Atom feed of the same updates. Only public entries are "
        "written, without names of people; internal entries and services never are. "
        "See docs/status-page.md.",
    )
    page.add_argument("file", type=Path, metavar="FILE")
    page.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="the folder to write into"
    )
    page.add_argument(
        "--base-url",
        metavar="URL",
        help="where DIR is published (https://status.example.com/checkout): the feed then "
        "links to itself and to the page, as feed readers expect",
    )
    page.add_argument(
        "--watch",
        action="store_true",
        help="keep running and write the page again whenever the public part of FILE changes "
        "(a public update added, the status set…), until Ctrl+C",
    )


def _serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="take webhooks (alerts, deploys, scripts) into an incident file",
        description="Listen for webhooks and record each event as a timeline entry of FILE: "
        "POST /events (generic JSON), /alertmanager (Prometheus Alertmanager), /grafana "
        "(Grafana alerting). Every request needs the incident's bearer token; each event is "
        "on disk before the reply. Runs until Ctrl+C. See docs/webhooks.md.",
    )
    serve.add_argument("file", type=Path, metavar="FILE")
    serve.add_argument(
        "--port",
        type=int,
        default=8765,
        metavar="P",
        help="the port to listen on (default 8765; 0 picks a free one)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="H",
        help="the address to listen on (default 127.0.0.1, this machine only; another address "
        "lets the network in, over plain HTTP)",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        type=_allowed_host,
        metavar="NAME",
        help="also answer requests whose Host header is NAME (repeatable): the name a reverse "
        "proxy passes on. Without it only localhost, 127.0.0.1, [::1], --host and the address "
        "dialled are answered; any other Host gets 421 (DNS rebinding)",
    )
    token = serve.add_mutually_exclusive_group()
    token.add_argument(
        "--token-file",
        type=Path,
        metavar="PATH",
        help="use the token in PATH (its first line) as the incident's webhook token from now "
        f"on; so does ${TOKEN_ENV}. Default: the token stored in FILE, generated the first "
        "time. The token is stored in the incident file: it travels with every copy of it",
    )
    token.add_argument(
        "--token",
        metavar="TOKEN",
        help="as --token-file, but on the command line, where every user of this computer can "
        "read it (ps): prefer --token-file or the environment",
    )


def _allowed_host(text: str) -> str:
    """argparse type for --allow-host: a host name or address, normalised."""
    from incident_recorder.webhooks.hosts import check_allowed_name

    try:
        return check_allowed_name(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _import_merge_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`import` and `merge` (importers/)."""
    import_ = sub.add_parser(
        "import",
        help="import entries from a CSV, a JSON export or a Slack channel export",
        description="Import SOURCE into the incident file FILE, all of it in one transaction: "
        "a bad row or message is reported with its line (or file and message number) and "
        "then nothing is imported. Imported entries keep their source (import:csv, "
        "import:json, import:slack:CHANNEL).",
    )
    import_.add_argument("file", type=Path, metavar="FILE", help="the incident file")
    import_.add_argument(
        "source",
        type=Path,
        metavar="SOURCE",
        help="a .csv file, an incident.json (or the export folder holding it), or a Slack "
        "channel folder of per-day JSON files",
    )
    import_.add_argument(
        "--format",
        choices=("csv", "json", "slack"),
        help="what SOURCE is (default: guessed: .csv, .json, a folder)",
    )
    when = "ISO 8601 (2026-11-27T14:00:00Z; no zone: local time) or a local clock time"
    import_.add_argument(
        "--start",
        metavar="WHEN",
        type=_moment,
        help=f"csv: the moment offset_s 0 stands for: {when}",
    )
    import_.add_argument(
        "--since", metavar="WHEN", type=_moment, help=f"slack: only messages from WHEN: {when}"
    )
    import_.add_argument(
        "--until", metavar="WHEN", type=_moment, help=f"slack: only messages up to WHEN: {when}"
    )

    merge = sub.add_parser(
        "merge",
        help="merge two incident files into a new one",
        description="Merge the incident files A and B (two people recording the same "
        "incident) into the new file C: one timeline by occurred-at time, entries recorded in "
        "both kept once, each naming who recorded it, captures stored once per SHA-256, each "
        "milestone at the earliest time either file gives, details from A with the services "
        "of both. A and B are only read.",
    )
    merge.add_argument("a", type=Path, metavar="A")
    merge.add_argument("b", type=Path, metavar="B")
    merge.add_argument(
        "--out", type=Path, required=True, metavar="C", help="the merged file (must not exist)"
    )

    copy = sub.add_parser(
        "copy",
        help="copy a live incident file safely (to mail or archive it)",
        description="Copy FILE to DEST as it reads now, including what is still in its -wal "
        "(SQLite's backup API): safe while the recorder, serve or others are writing to it, "
        "where a plain file copy may miss the last seconds. DEST is a new file or a folder.",
    )
    copy.add_argument("file", type=Path, metavar="FILE")
    copy.add_argument("dest", type=Path, metavar="DEST")


def _normalise(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """`incident-recorder FILE` means `incident-recorder open FILE`; `--at -5m` is a value."""
    argv = [
        f"--at={argv[i + 1]}" if arg == "--at" and i + 1 < len(argv) else arg
        for i, arg in enumerate(argv)
        if not (i > 0 and argv[i - 1] == "--at")
    ]
    if not argv:
        return ["open"]
    first = argv[0]
    if first not in COMMANDS and not first.startswith("-"):
        looks_like_command = not Path(first).exists() and not {".", "/", "\\"} & set(first)
        close = difflib.get_close_matches(first, COMMANDS, n=1)
        if looks_like_command and close:
            parser.error(f"unknown command {first!r} (did you mean {close[0]!r}?)")
        return ["open", *argv]
    return argv


def _kind(text: str) -> object:
    """argparse type for --kind: a kind name or a unique prefix of one."""
    from incident_recorder.domain import EntryKind

    try:
        return EntryKind.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _when(text: str) -> object:
    """argparse type for --at: a moment that is not in the future."""
    from incident_recorder.domain.times import in_zone, is_future, parse_when, system_clock

    now = system_clock()
    try:
        moment = parse_when(text, now)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if is_future(moment, now):  # the rule the importers and `serve` share
        local = in_zone(moment, None)
        raise argparse.ArgumentTypeError(
            f"{text!r} is in the future ({local:%Y-%m-%d %H:%M:%S %Z}): a note records what "
            "has happened"
        )
    return moment


def _moment(text: str) -> object:
    """argparse type for --start/--since/--until: a moment (the future allowed)."""
    from incident_recorder.domain.times import parse_when, system_clock

    try:
        return parse_when(text, system_clock())
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_new(args: argparse.Namespace) -> int:
    from incident_recorder.storage import IncidentFile

    with IncidentFile.create(args.file, args.title) as handle:
        title = handle.incident().title
    print(f"Created {args.file} — {title}")
    if args.open:
        return cmd_open(args)
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from incident_recorder.ui.gc_pause import paused

    with ExitStack() as start_up:  # closed once the window has painted (see app.run_gui)
        start_up.enter_context(paused())  # the collector is off while PySide6 loads, too
        if args.file is not None:
            from incident_recorder.storage import IncidentFile

            IncidentFile.open(args.file).close()  # a clear error now, before any window
        from incident_recorder.app_requests import open_request

        reply = _forward(open_request(args.file), timeout_ms=15_000)
        if reply is not None:  # an app is running: it opens the file, no second app
            return _reply(reply)
        from incident_recorder.app import display_problem, run_gui

        problem = display_problem()
        if problem:
            raise CliError(problem)
        return run_gui(args.file, start_up)


def _forward(request: dict[str, object], timeout_ms: int = 5000) -> dict[str, object] | None:
    """The running app's reply to `request`, or None when no app is running."""
    from incident_recorder.ui.single_instance import ForwardError, forward

    try:
        return forward(request, timeout_ms=timeout_ms)
    except ForwardError as error:
        raise CliError(str(error)) from None


def _reply(reply: dict[str, object]) -> int:
    if reply.get("ok"):
        print(reply.get("message", ""))
        return 0
    raise CliError(str(reply.get("error") or "the running app refused the request"))


def cmd_forward(args: argparse.Namespace) -> int:
    """--capture / --note: a request for the running app, stamped now."""
    from incident_recorder.domain.times import system_clock, to_iso

    at = to_iso(system_clock())
    if args.capture:
        mode = "all" if args.all else "window" if args.window else "screen"
        request: dict[str, object] = {"cmd": "capture", "mode": mode, "at": at}
    elif args.note == FOCUS_NOTE:
        request = {"cmd": "focus_note", "at": at}
    else:
        text = sys.stdin.read() if args.note == "-" else args.note
        request = {"cmd": "note", "text": text, "at": at}
    reply = _forward(request)
    if reply is None:
        raise CliError(NOT_RUNNING)
    return _reply(reply)


def cmd_note(args: argparse.Namespace) -> int:
    from incident_recorder.domain.times import in_zone, show
    from incident_recorder.session import IncidentSession
    from incident_recorder.storage import IncidentFile

    text = sys.stdin.read() if args.text == "-" else args.text
    with IncidentFile.open(args.file) as handle:
        session = IncidentSession(handle)
        try:
            entry = session.add_note(text, args.kind, args.at, source="cli", public=args.public)
        except ValueError as error:
            raise CliError(f"{error}: nothing was saved") from None
    local = in_zone(entry.occurred_at, None)
    kind = f"{entry.kind.value}, public" if entry.public else entry.kind.value
    print(f"Saved entry {entry.id} ({kind}) at {show(local, '%Y-%m-%d %H:%M:%S %Z')}")
    return 0


def _jpeg_quality(text: str) -> int:
    from incident_recorder.settings import JPEG_QUALITIES

    if not text.strip().isdigit() or int(text) not in JPEG_QUALITIES:
        low, high = JPEG_QUALITIES.start, JPEG_QUALITIES.stop - 1
        raise argparse.ArgumentTypeError(f"JPEG quality must be a number from {low} to {high}")
    return int(text)


def cmd_capture(args: argparse.Namespace) -> int:
    from incident_recorder.capture import CaptureError, Grabber, capture_now
    from incident_recorder.domain.times import system_clock
    from incident_recorder.session import IncidentSession
    from incident_recorder.storage import IncidentFile

    pressed_at = system_clock()
    with IncidentFile.open(args.file) as handle:
        grabber = Grabber()
        try:
            image = capture_now(
                grabber, monitor=args.monitor, fmt=args.format, quality=args.quality
            )
        except CaptureError as error:
            raise CliError(str(error)) from None
        finally:
            grabber.close()
        entry = IncidentSession(handle).add_capture(
            image, pressed_at, text=args.text, kind=args.kind, source="cli"
        )
    print(
        f"Saved capture entry {entry.id}: {image.width}×{image.height} {args.format.upper()}, "
        f"monitor {image.monitor}"
    )
    return 0


def _zone(text: str) -> object:
    from incident_recorder.domain.zones import parse_zone

    try:
        return parse_zone(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_export(args: argparse.Namespace) -> int:
    """Write the report. SIGTERM or Ctrl+C stops it at the next image: no report file is written
    and a report already in DIR stays as it was (report/export_protocol.py)."""
    from incident_recorder import paths
    from incident_recorder.report import ExportCancelled, ReportError, load_template, write_report
    from incident_recorder.report.export_protocol import ProgressPrinter, cancel_on_signals
    from incident_recorder.report.html_export import timeline_pictures
    from incident_recorder.storage import IncidentFile
    from incident_recorder.storage.errors import StoppedError

    if args.public and args.include_originals:
        raise CliError(
            "--include-originals cannot be used with --public (originals are unredacted)"
        )
    template = None
    if args.template is not None:
        try:
            template = load_template(args.template, paths.template_dirs())
        except ValueError as error:
            raise CliError(str(error)) from None
    printer = ProgressPrinter() if args.progress else None
    with cancel_on_signals() as cancelled, IncidentFile.open(args.file, readonly=True) as handle:
        handle.stop_when(cancelled)  # SIGTERM stops a long read too, not only between images
        try:
            written = write_report(
                args.out,
                args.format,
                handle.record(),
                handle.capture_png,
                template=template,
                public=args.public,
                tz=args.tz,
                progress=printer.progress if printer is not None else None,
                cancelled=cancelled,
                load_shapes=handle.annotations,
                include_originals=args.include_originals,
                renderers=export_renderers(),
                picture=timeline_pictures,
            )
        except (ExportCancelled, StoppedError):
            if printer is not None:
                printer.cancelled()
            raise CliError("export cancelled: no report was written") from None
        except ReportError as error:
            raise CliError(str(error)) from None
    if printer is not None:
        printer.written(written)
        return 0
    print(f"Wrote {written}")
    if args.include_originals:
        print(f"Unredacted originals of annotated captures: {args.out / 'images' / 'originals'}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve webhooks into FILE until Ctrl+C or SIGTERM; exit 0 after a clean stop."""
    from incident_recorder import logs

    logs.start("serve")
    import signal
    import threading

    from incident_recorder.domain.times import system_clock
    from incident_recorder.webhooks.console import (
        LinePrinter,
        recorded_lines,
        refusal_line,
        serving_lines,
    )
    from incident_recorder.webhooks.server import Refusal, ServerError, WebhookServer, is_loopback

    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port} is not a port (0 to 65535)")
    printer, complaints = LinePrinter(), LinePrinter(sys.stderr)

    def show(events: Sequence[Any], outcomes: Sequence[Any]) -> None:
        printer.put(recorded_lines(events, outcomes, system_clock().astimezone()))

    def complain(refusal: Refusal) -> None:  # a misconfigured sender must be visible
        complaints.put([refusal_line(refusal, system_clock().astimezone())])

    server = WebhookServer(
        args.file,
        host=args.host,
        port=args.port,
        token=_serve_token(args),
        listener=show,
        on_refusal=complain,
        allow_hosts=args.allow_host,
    )
    try:
        server.start()
    except (ServerError, ValueError) as error:
        printer.close()
        complaints.close()
        raise CliError(str(error)) from None
    stop = threading.Event()
    previous = {
        number: signal.signal(number, lambda *_: stop.set())
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        if args.token is not None:
            print(
                f"{PROG}: warning: --token shows the token to every user of this computer (ps); "
                f"use --token-file PATH or ${TOKEN_ENV}",
                file=sys.stderr,
            )
        if not is_loopback(args.host):
            print(
                f"{PROG}: warning: listening on {args.host}: anyone who can reach this machine "
                "can try the token, and it travels in plain HTTP; use 127.0.0.1 (the default), "
                "or put a TLS proxy in front",
                file=sys.stderr,
            )
        lines = serving_lines(server.url, server.token, str(server.path), server.title)
        print("\n".join(lines), flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        printer.close()
        complaints.close()
        for number, handler in previous.items():
            signal.signal(number, handler)
    entries = "entry" if server.recorded == 1 else "entries"
    skipped = "delivery" if server.duplicates == 1 else "deliveries"
    print(
        f"Stopped. {server.recorded} {entries} recorded, {server.duplicates} duplicate "
        f"{skipped} skipped.",
        flush=True,
    )
    return 0


TOKEN_ENV = "INCIDENT_RECORDER_WEBHOOK_TOKEN"
"""The environment variable `serve` reads a chosen webhook token from."""


def _serve_token(args: argparse.Namespace) -> str | None:
    """The token `serve` was given: --token-file, --token, the environment (None: none)."""
    if args.token_file is not None:
        try:
            lines = args.token_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            raise CliError(f"cannot read the token from {args.token_file}: {reason}") from None
        if not lines or not lines[0].strip():
            raise CliError(f"{args.token_file} holds no token (its first line is empty)")
        return str(lines[0]).strip()
    if args.token is not None:
        return str(args.token)  # warned about once the server runs (cmd_serve)
    from_env = os.environ.get(TOKEN_ENV, "").strip()
    return from_env or None


def _import_format(source: Path, given: str | None) -> str:
    if given:
        return given
    if source.is_dir():
        return "json" if (source / "incident.json").is_file() else "slack"
    suffix = source.suffix.lower()
    if suffix in (".csv", ".json"):
        return suffix[1:]
    if suffix == ".zip":
        return "slack"  # a Slack channel export, read in place (importers/slack_source.py)
    raise CliError(f"cannot tell what {source} is: give --format csv, json or slack")


def cmd_import(args: argparse.Namespace) -> int:
    from incident_recorder.importers import ImportFailed, store
    from incident_recorder.importers.csv_import import read_csv_file
    from incident_recorder.importers.json_import import read_json
    from incident_recorder.importers.slack_import import read_slack
    from incident_recorder.storage import IncidentFile

    form = _import_format(args.source, args.format)
    misplaced = [
        option
        for option, value, wanted in (
            ("--start", args.start, "csv"),
            ("--since", args.since, "slack"),
            ("--until", args.until, "slack"),
        )
        if value is not None and form != wanted
    ]
    if misplaced:
        verb = "does" if len(misplaced) == 1 else "do"
        raise CliError(f"{' and '.join(misplaced)} {verb} not apply to a {form} import")
    if not args.source.exists():
        raise CliError(f"no such file or folder: {args.source}")
    with IncidentFile.open(args.file) as handle:
        try:
            if form == "csv":
                # Read as data from elsewhere: a regular file, no link, FIFO or device, capped
                # (importers/files.py); ImportFailed names the file otherwise.
                summary = store(handle, read_csv_file(args.source, start=args.start))
            elif form == "json":
                parsed = read_json(args.source)
                summary = store(handle, parsed.entries, parsed.notes, milestones=parsed.milestones)
            else:
                messages = read_slack(args.source, since=args.since, until=args.until)
                summary = store(handle, messages.entries, messages.notes())
        except ImportFailed as failed:
            for problem in failed.problems:
                print(f"{PROG}: error: {args.source.name}: {problem}", file=sys.stderr)
            count = len(failed.problems)
            raise CliError(
                f"nothing was imported ({count} problem{'s' if count != 1 else ''})"
            ) from None
    print(summary.line())
    for note in summary.notes:
        print(note)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from incident_recorder.importers.merge import merge_files

    summary = merge_files(args.a, args.b, args.out)
    for line in summary.lines():
        print(line)
    print(f"Wrote {args.out}")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from incident_recorder.storage.snapshot import snapshot

    copied = snapshot(args.file, args.dest)
    entries = "entry" if copied.entries == 1 else "entries"
    print(f"Copied {args.file.name} to {copied.path}: {copied.entries} {entries}, "
          f"{copied.size / 1024 / 1024:.1f} MB, complete as of now")  # fmt: skip
    return 0


WATCH_INTERVAL_S = 0.5
"""How often `status-page --watch` looks at the file's data_version (a cheap read)."""


def _write_page(handle: Any, args: argparse.Namespace, last: object) -> object:
    """Write the status page when the public part of the record differs from `last`; the
    public part now (compare it next time)."""
    from datetime import UTC, datetime

    from incident_recorder.report import ReportError
    from incident_recorder.report.facts import local_zone
    from incident_recorder.report.public import public_record
    from incident_recorder.report.status_page import write_status_page

    record = handle.record()
    public = public_record(record)
    if public == last:
        return last
    try:
        written = write_status_page(
            record, args.out, now=datetime.now(UTC), tz=local_zone(), base_url=args.base_url
        )
    except ReportError as error:
        raise CliError(str(error)) from None
    count = len(public.entries)
    shown = f"{count} public update{'s' if count != 1 else ''}"
    print(f"Wrote {written[0]} and {written[1].name} ({shown})", flush=True)
    return public


def watch_status_page(args: argparse.Namespace, stop: Any) -> None:
    """Write the page, then again whenever the public record changes, until `stop` (a
    threading.Event) is set. The file is polled every WATCH_INTERVAL_S by data_version."""
    from incident_recorder.storage import IncidentFile

    with IncidentFile.open(args.file, readonly=True) as handle:
        version = handle.data_version()
        last = _write_page(handle, args, None)
        if not args.watch:
            return
        print(
            f"Watching {args.file}: the page is written again when a public update is added "
            "(Ctrl+C stops)",
            flush=True,
        )
        while not stop.wait(WATCH_INTERVAL_S):
            handle.check_still_there()
            now = handle.data_version()
            if now != version:
                version = now
                last = _write_page(handle, args, last)


def cmd_status_page(args: argparse.Namespace) -> int:
    import signal
    import threading

    stop = threading.Event()
    previous = {}
    if args.watch:
        previous = {
            number: signal.signal(number, lambda *_: stop.set())
            for number in (signal.SIGINT, signal.SIGTERM)
        }
    try:
        watch_status_page(args, stop)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if args.watch:
        print("Stopped.", flush=True)
    return 0


def _milestone_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from incident_recorder.domain.milestones import Milestone

    names = ", ".join(milestone.cli_name for milestone in Milestone)
    parser = sub.add_parser(
        "milestone",
        help="set (or clear) a milestone: impact started, detected, …",
        description="Record that the incident reached a milestone — a timeline entry and the "
        "milestone, together — and print the metric it gives (each measured from impact start).",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument(
        "name", type=_milestone, metavar="NAME", help=f"one of {names} (a unique prefix is enough)"
    )
    parser.add_argument(
        "--at",
        metavar="WHEN",
        type=_typed_when,
        help="when it was reached: ISO 8601 (an offset typed, as in 2026-11-27T15:04:22+01:00, "
        "is kept), a local time (14:04:22) or an offset back from now (-5m); default now",
    )
    parser.add_argument(
        "--note",
        dest="text",  # not `note`: that is the top-level --note (forwarded to the running app)
        metavar="TEXT",
        default="",
        help="the text of the timeline entry (default: the milestone's name)",
    )
    parser.add_argument(
        "--clear",
        action="store_true",
        help="clear the milestone (set by mistake); earlier values and the entry stay in the file",
    )


def _review_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "review",
        help="check the record before export (never blocking)",
        description="Print the review before export, one finding a line, most important first: "
        "captures not reviewed for redaction, blame-oriented language (with a blameless "
        "rewording), missing milestones, entries still at the default kind, long silent gaps, "
        "action items without owner or due date. Exit 0 even with findings.",
        epilog="The word lists are resources/review/*.txt; a team extends them with its own "
        "files in <data dir>/review/ (see docs/cli.md).",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when there is any warning (for scripts, CI)"
    )
    parser.add_argument(
        "--gap",
        type=_minutes,
        default=15.0,
        metavar="MINUTES",
        help="a silence longer than this is a gap (default 15)",
    )


def _milestone(text: str) -> object:
    """argparse type for a milestone name ('detected', 'impact-started', 'ack')."""
    from incident_recorder.domain.milestones import Milestone

    try:
        return Milestone.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of minutes: {text!r}") from None
    if not 0 < value < 100_000:
        raise argparse.ArgumentTypeError(f"minutes must be more than 0: {text!r}")
    return value


def _typed_when(text: str) -> tuple[object, str | None]:
    """argparse type for milestone --at: the moment, and the UTC offset typed with an ISO time."""
    from datetime import datetime

    moment = _when(text)
    try:
        typed = datetime.fromisoformat(text.strip())
    except ValueError:
        return moment, None
    offset = typed.utcoffset()
    if offset is None:
        return moment, None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return moment, f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _shown(moment: datetime, offset: str | None) -> str:
    """'14:04:22 (UTC 13:04:22)': in the typed offset when there is one, else local time."""
    from datetime import UTC, datetime

    zone = datetime.strptime(offset, "%z").tzinfo if offset else None
    local = moment.astimezone(zone)
    return f"{local:%H:%M:%S} (UTC {moment.astimezone(UTC):%H:%M:%S})"


def cmd_milestone(args: argparse.Namespace) -> int:
    from incident_recorder.domain.milestones import Metric, Milestone
    from incident_recorder.domain.times import format_duration_exact
    from incident_recorder.session import IncidentSession
    from incident_recorder.storage import IncidentFile

    milestone: Milestone = args.name
    name = milestone.cli_name
    if args.clear and (args.at is not None or args.text):
        print(f"{PROG} milestone: error: --clear takes no --at or --note", file=sys.stderr)
        return 2
    with IncidentFile.open(args.file) as handle:
        session = IncidentSession(handle)
        if args.clear:
            before = session.clear_milestone(milestone, source="cli")
            if before is None:
                print(f"{name} is not set: nothing to clear")
                return 0
            was = _shown(before, None).replace(" (", ", ").rstrip(")")
            print(f"{name} cleared (it was {was}); its timeline entry stays")
            return 0
        when, offset = args.at if args.at is not None else (None, None)
        try:
            result = session.record_milestone(
                milestone, when, text=args.text, source="cli", offset=offset
            )
        except ValueError as error:
            raise CliError(f"{error}: nothing was saved") from None
        entry, before = result.entry, result.before
        milestones = handle.milestones()
    line = f"{name} at {_shown(entry.occurred_at, offset)}"
    if before is not None and before != entry.occurred_at:
        line += f", replacing {_shown(before, None)}"
    if milestone is Milestone.IMPACT_STARTED:
        reached = [
            f"{metric.label.lower()} {format_duration_exact(value)}"
            for metric, value in milestones.metrics().items()
            if value is not None
        ]
        line += " — the metrics are measured from here" + (
            f": {', '.join(reached)}" if reached else ""
        )
    else:
        metric = next(m for m in Metric if m.milestone is milestone)
        value = milestones.metric(metric)
        label = metric.label.lower()
        if value is None:
            line += f" — {label} {milestones.why_missing(metric)}"
        else:
            line += f" — {label} {format_duration_exact(value)}"
    print(f"{line} (entry {entry.id})")
    if result.status is not None:
        status = result.status.label
        print(f"Status set to {status}: the first Mitigated (Incident Details changes it)")
    elif result.status_problem is not None:
        print(f"{PROG}: warning: the status was not changed: {result.status_problem}",
              file=sys.stderr)  # fmt: skip
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from datetime import datetime, timedelta

    from incident_recorder import paths
    from incident_recorder.domain.blame import load_phrases
    from incident_recorder.domain.review import review
    from incident_recorder.domain.times import in_zone
    from incident_recorder.storage import IncidentFile

    phrases = load_phrases(paths.review_word_lists())
    for problem in phrases.problems:
        print(f"{PROG}: warning: {problem}", file=sys.stderr)
    with IncidentFile.open(args.file, readonly=True) as handle:
        record = handle.record()
    now = datetime.now().astimezone()
    findings = review(record, phrases=phrases, now=now, gap=timedelta(minutes=args.gap))
    times = {entry.id: entry.occurred_at for entry in record.entries}
    for finding in findings:
        at = times.get(finding.entry_id) if finding.entry_id is not None else finding.start
        parts = [f"{finding.severity}:"]
        if at is not None:
            parts.append(f"{in_zone(at, None):%H:%M:%S}")
        parts.append(finding.message)
        if finding.sentence:
            parts.append(f"— “{finding.sentence}”")
        if finding.hint:
            parts.append(f"Hint: {finding.hint}")
        print(" ".join(" ".join(parts).split()))
    if not findings:
        print("No findings: nothing to check before export.")
    warnings = sum(finding.severity == "warning" for finding in findings)
    if args.strict and warnings:
        print(f"{PROG}: {warnings} warning(s) (--strict)", file=sys.stderr)
        return 1
    return 0


HANDLERS = {
    "new": cmd_new,
    "open": cmd_open,
    "note": cmd_note,
    "capture": cmd_capture,
    "export": cmd_export,
    "milestone": cmd_milestone,
    "review": cmd_review,
    "serve": cmd_serve,
    "forward": cmd_forward,
    "import": cmd_import,
    "merge": cmd_merge,
    "copy": cmd_copy,
    "status-page": cmd_status_page,
}


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = _parser()
    args = parser.parse_args(_normalise(argv, parser))
    forwarded = args.capture or args.note is not None
    if (args.all or args.window) and not args.capture:
        parser.error("--all and --window go with --capture")
    if args.all and args.window:
        parser.error("--all and --window cannot be combined")
    if args.capture and args.note is not None:
        parser.error("--capture and --note cannot be combined")
    if forwarded and args.command is not None:
        parser.error(f"--capture and --note take no command (got {args.command!r})")
    if args.command is None:
        if not forwarded:
            parser.error("nothing to do")
        args.command = "forward"
    return args


def _desktop_launch(argv: list[str]) -> argparse.Namespace | None:
    """`incident-recorder FILE` with FILE an existing file (a double-click, the desktop entry):
    the arguments the parser would give, without building it (~10 ms of a cold start)."""
    if len(argv) != 1 or argv[0] in COMMANDS or argv[0].startswith("-"):
        return None
    if not Path(argv[0]).is_file():
        return None  # the parser's checks and messages ("did you mean …?")
    return argparse.Namespace(
        command="open", file=Path(argv[0]), capture=False, all=False, window=False, note=None
    )


def _warn_if_shared(args: argparse.Namespace) -> None:
    """One line on stderr when the incident file named can be read by other users."""
    from incident_recorder.storage.connection import shared_with_others

    path = getattr(args, "file", None)
    if isinstance(path, Path) and args.command != "new":
        warning = shared_with_others(path, check_header=True)
        if warning:
            print(f"{PROG}: warning: {warning}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = _desktop_launch(arguments)
    if args is None:
        args = _parse(arguments)
    from incident_recorder.storage import IncidentFileError
    from incident_recorder.storage.guard import install_open_guard

    install_open_guard()  # no plain open() of an incident file this process has open
    _warn_if_shared(args)
    try:
        return HANDLERS[args.command](args)
    except (CliError, IncidentFileError) as error:
        print(f"{PROG}: error: {one_line(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 1
    except Exception as error:  # last resort: one line, never a traceback
        print(f"{PROG}: error: unexpected {type(error).__name__}: {one_line(str(error))}",
              file=sys.stderr)  # fmt: skip
        return 1

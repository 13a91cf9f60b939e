"""The argument parser: every command, its options and the types that read their values."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    pass

from incident_recorder import __version__
from incident_recorder.cli.common import COMMANDS, FOCUS_NOTE, PROG, one_line
from incident_recorder.cli.reports import EXPORT_FORMATS, export_formats
from incident_recorder.cli.subparsers import (
    _import_merge_parsers,
    _milestone_parser,
    _review_parser,
    _serve_parser,
    _status_page_parser,
)
from incident_recorder.cli.team import add_author_option, team_parsers
from incident_recorder.cli.text import text_parsers
from incident_recorder.cli.values import _jpeg_quality, _kind, _when, _zone, kind_help


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
        help="the incident file to create (e.g. checkout.incident; a name without "
        ".incident gets it: `new checkout` creates checkout.incident)",
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
        help=kind_help(),
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
        "--kind", default="observation", type=_kind, help=f"the entry's kind: {kind_help()}"
    )

    export = sub.add_parser(
        "export",
        help="export the report or the record",
        description="Export the report into DIR (markdown: DIR/report.md; html: "
        "DIR/report.html, images embedded; pdf: DIR/report.pdf; json: DIR/incident.json), "
        "with every capture and the timeline picture in DIR/images/: annotated captures as their "
        "rendered copy, redactions solid black. Originals stay in the incident file unless "
        "--include-originals is given. --public exports only the entries marked public, "
        "without names of people or roles, as DIR/report-public.md (.html, .pdf; "
        "incident-public.json), into a folder that holds no internal export. An existing "
        "report file is replaced only with --force.",
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
        "only, no author or role names, only services marked public; written as "
        "report-public.* into a folder of its own (refused where an internal export is)",
    )
    export.add_argument(
        "--force",
        action="store_true",
        help="replace the report file if DIR already has one (without it the export is "
        "refused and nothing is written)",
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
    team_parsers(sub)
    for name in ("note", "capture", "milestone"):
        add_author_option(sub.choices[name])
    text_parsers(sub)
    return parser


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

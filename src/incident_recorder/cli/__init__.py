"""The command line: create, record into, capture into and export incident files; open the GUI.

Exit status: 0 on success, 2 on a usage error (argparse), 1 on any other error, reported as one
clear line on stderr, never a traceback. Qt is imported only when a window is asked for, or
(QtNetwork only) to forward a request to the running app: a second `incident-recorder [FILE]`,
`--capture` and `--note` (see ui/start/single_instance.py and app_requests.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from incident_recorder.cli.common import COMMANDS, PROG, CliError, one_line
from incident_recorder.cli.incidents import cmd_copy, cmd_import, cmd_merge
from incident_recorder.cli.parser import _normalise, _parser
from incident_recorder.cli.recording import (
    cmd_capture,
    cmd_forward,
    cmd_milestone,
    cmd_new,
    cmd_note,
    cmd_open,
)
from incident_recorder.cli.reports import cmd_export, cmd_review, cmd_status_page
from incident_recorder.cli.serving import cmd_serve
from incident_recorder.cli.team import cmd_join, cmd_share, cmd_sync, cmd_team
from incident_recorder.cli.text import cmd_findings, cmd_recognise, cmd_search

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
    "team": cmd_team,
    "share": cmd_share,
    "join": cmd_join,
    "sync": cmd_sync,
    "recognise": cmd_recognise,
    "search": cmd_search,
    "findings": cmd_findings,
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
    except BrokenPipeError:
        return _reader_gone()
    except Exception as error:  # last resort: one line, never a traceback
        print(f"{PROG}: error: unexpected {type(error).__name__}: {one_line(str(error))}",
              file=sys.stderr)  # fmt: skip
        return 1


def _reader_gone() -> int:
    """`… | head`: the reader of standard output has what it wanted and closed the pipe. Stop
    quietly, as grep does; what is still buffered goes nowhere (not into a second error as
    Python flushes standard output on exit)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 1

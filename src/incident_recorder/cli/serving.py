"""`serve`: webhooks into an incident file until Ctrl+C (webhooks/)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incident_recorder.cli.common import PROG, CliError

if TYPE_CHECKING:
    pass


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
        pagerduty_secret=_pagerduty_secret(args),
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
        signed = "checked" if server.pagerduty_secret else "not checked (no signing secret)"
        lines.insert(-1, f"PagerDuty signatures: {signed}.")
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


PAGERDUTY_SECRET_ENV = "INCIDENT_RECORDER_PAGERDUTY_SECRET"
"""The environment variable `serve` reads PagerDuty's webhook signing secret from."""


def _first_line(path: Path, what: str) -> str:
    """The first line of `path`, stripped; CliError if it cannot be read or is empty."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise CliError(f"cannot read the {what} from {path}: {reason}") from None
    if not lines or not lines[0].strip():
        raise CliError(f"{path} holds no {what} (its first line is empty)")
    return str(lines[0]).strip()


def _pagerduty_secret(args: argparse.Namespace) -> str | None:
    """PagerDuty's signing secret: --pagerduty-secret-file, the environment (None: none)."""
    if args.pagerduty_secret_file is not None:
        return _first_line(args.pagerduty_secret_file, "PagerDuty signing secret")
    return os.environ.get(PAGERDUTY_SECRET_ENV, "").strip() or None


def _serve_token(args: argparse.Namespace) -> str | None:
    """The token `serve` was given: --token-file, --token, the environment (None: none)."""
    if args.token_file is not None:
        return _first_line(args.token_file, "token")
    if args.token is not None:
        return str(args.token)  # warned about once the server runs (cmd_serve)
    from_env = os.environ.get(TOKEN_ENV, "").strip()
    return from_env or None

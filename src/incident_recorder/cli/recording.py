"""Commands that record: new, note, capture, milestone; opening the GUI, forwarding to it."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from incident_recorder.cli.common import (
    FOCUS_NOTE,
    INCIDENT_SUFFIX,
    NOT_RUNNING,
    PROG,
    CliError,
    with_incident_suffix,
)
from incident_recorder.cli.team import author_of

if TYPE_CHECKING:
    pass


def cmd_new(args: argparse.Namespace) -> int:
    from incident_recorder.storage import IncidentFile

    given: Path = args.file
    args.file = with_incident_suffix(given)  # `new checkout` makes checkout.incident, says so
    with IncidentFile.create(args.file, args.title) as handle:
        title = handle.incident().title
    added = f" (added {INCIDENT_SUFFIX} to {given.name})" if args.file != given else ""
    print(f"Created {args.file}{added} — {title}")
    if args.open:
        return cmd_open(args)
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from incident_recorder.gc_pause import paused
    from incident_recorder.ui.common import startup_measures

    with ExitStack() as start_up:  # closed once the window has painted (see app.run_gui)
        if startup_measures.enabled():
            start_up.enter_context(paused())  # the collector is off while PySide6 loads, too
        if args.file is not None:
            from incident_recorder.storage import IncidentFile
            from incident_recorder.storage.errors import ReadOnlyFileError

            try:  # a clear error now, before any window
                IncidentFile.open(args.file).close()
            except ReadOnlyFileError:  # it opens to view and export (ui/recorder/read_only.py)
                IncidentFile.open(args.file, readonly=True).close()
        startup_measures.import_core_first()  # before PySide6 (app_requests loads it)
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
    from incident_recorder.ui.start.single_instance import ForwardError, forward

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
        session = IncidentSession(handle, author=author_of(args))
        try:
            entry = session.add_note(text, args.kind, args.at, source="cli", public=args.public)
        except ValueError as error:
            raise CliError(f"{error}: nothing was saved") from None
    local = in_zone(entry.occurred_at, None)
    kind = f"{entry.kind.value}, public" if entry.public else entry.kind.value
    print(f"Saved entry {entry.id} ({kind}) at {show(local, '%Y-%m-%d %H:%M:%S %Z')}")
    return 0


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
        entry = IncidentSession(handle, author=author_of(args)).add_capture(
            image, pressed_at, text=args.text, kind=args.kind, source="cli"
        )
    print(
        f"Saved capture entry {entry.id}: {image.width}×{image.height} {args.format.upper()}, "
        f"monitor {image.monitor}"
    )
    return 0


def _shown(moment: datetime, offset: str | None) -> str:
    """'14:04:22 (UTC 13:04:22)': in the typed offset when there is one, else local time."""
    from datetime import UTC, datetime

    zone = datetime.strptime(offset, "%z").tzinfo if offset else None
    local = moment.astimezone(zone)
    return f"{local:%H:%M:%S} (UTC {moment.astimezone(UTC):%H:%M:%S})"


def cmd_milestone(args: argparse.Namespace) -> int:
    from incident_recorder.domain.milestones import Metric, Milestone, order_warning
    from incident_recorder.domain.times import format_duration_exact
    from incident_recorder.session import IncidentSession
    from incident_recorder.storage import IncidentFile

    milestone: Milestone = args.name
    name = milestone.cli_name
    if args.clear and (args.at is not None or args.text):
        print(f"{PROG} milestone: error: --clear takes no --at or --note", file=sys.stderr)
        return 2
    with IncidentFile.open(args.file) as handle:
        session = IncidentSession(handle, author=author_of(args))
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
    order = order_warning(milestones, milestone, lambda at: _shown(at, offset))
    if order is not None:
        print(f"{PROG}: warning: {order} (correct it with `milestone … --at`)", file=sys.stderr)
    return 0

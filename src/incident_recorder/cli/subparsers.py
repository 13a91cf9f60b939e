"""The options of the commands with many: serve, status-page, import, merge, copy, milestone,
review (the main parser in parser.py adds them)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from incident_recorder.cli.serving import PAGERDUTY_SECRET_ENV, TOKEN_ENV
from incident_recorder.cli.values import _moment, _when


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
        "(Grafana alerting), /pagerduty (PagerDuty v3 webhooks), /opsgenie (Opsgenie webhook "
        "integration). Every request needs the incident's bearer token; each event is "
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
    serve.add_argument(
        "--pagerduty-secret-file",
        type=Path,
        metavar="PATH",
        help="check PagerDuty's X-PagerDuty-Signature with the webhook subscription's signing "
        f"secret in PATH (its first line); so does ${PAGERDUTY_SECRET_ENV}. Then a delivery "
        "to /pagerduty that is unsigned or signed with another secret is refused (401)",
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
    merge.add_argument(
        "--different-incidents",
        action="store_true",
        help="merge even though A and B look like two different incidents (different titles "
        "and timelines more than an hour apart), which is otherwise refused",
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

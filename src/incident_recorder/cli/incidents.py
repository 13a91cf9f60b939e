"""Commands that bring whole incidents in and out: import, merge, copy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from incident_recorder.cli.common import PROG, CliError

if TYPE_CHECKING:
    pass


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
    from incident_recorder.importers.merge import DifferentIncidents, merge_files

    try:
        summary = merge_files(
            args.a, args.b, args.out, different_incidents=args.different_incidents
        )
    except DifferentIncidents as different:
        raise CliError(
            f"{different}; nothing was merged. If they are one incident after all (or you "
            "mean to combine two), run again with --different-incidents"
        ) from None
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
    if copied.unlinked:
        print("The copy is not linked to the team database (a snapshot: `incident-recorder "
              "join` makes another live replica)")  # fmt: skip
    return 0

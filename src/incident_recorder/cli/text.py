"""Commands on the text of an incident: `recognise` (read the text in captures) and `search`.

`search FILE QUERY` exits like grep: 0 with matches, 1 with none (2 on a usage error, and an
error other than "no match" is reported on stderr with exit status 2 as well, so a script can
tell "nothing found" from "could not look").
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from contextlib import suppress
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from incident_recorder.cli.common import PROG, CliError

if TYPE_CHECKING:
    from incident_recorder.storage import IncidentFile

SEARCH_ERROR = 2
"""Exit status of `search` when it could not search (grep's: 0 found, 1 none, 2 trouble)."""


def text_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    recognise = sub.add_parser(
        "recognise",
        help="read the text in every capture not yet read (Tesseract)",
        description="Recognise the text of every capture of FILE that has not been read yet, "
        "oldest first, each saved as soon as it is read (the window runs this in the background "
        "after each capture). Runs at low priority. Exit 0 when done, 1 when text recognition "
        "is not available on this machine (the message says what to install).",
    )
    recognise.add_argument("file", type=Path, metavar="FILE")
    recognise.add_argument(
        "--progress",
        action="store_true",
        help="print 'progress DONE TOTAL' after each capture (for the window)",
    )
    search = sub.add_parser(
        "search",
        help="find notes, captions and text in captures (exit 0 found, 1 none)",
        description="Search FILE's notes, captions and the text recognised in its captures, "
        "best match first. Words in any order; typed as is (no query syntax). Exit status as "
        "grep's: 0 when something matches, 1 when nothing does, 2 when FILE cannot be searched.",
    )
    search.add_argument("file", type=Path, metavar="FILE")
    search.add_argument("query", metavar="QUERY", nargs="+")
    search.add_argument("--json", action="store_true", help="print the matches as JSON")
    findings_parser(sub)


def cmd_recognise(args: argparse.Namespace) -> int:
    from incident_recorder.recognition.engine import Recogniser, unavailable_reason
    from incident_recorder.session.recognition import recognise_pending
    from incident_recorder.storage import IncidentFile

    reason = unavailable_reason()
    if reason is not None:
        raise CliError(f"text recognition is not available here: {reason}")
    with suppress(OSError):
        os.nice(10)  # a background job: the window and the recorder's other work come first
    stop = {"now": False}

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    with IncidentFile.open(args.file) as handle:
        if not handle.pending_captures(limit=1):  # nothing to read: no engine loaded
            if not args.progress:
                print("Recognised 0 capture(s), 0 words")
            return 0
    with IncidentFile.open(args.file) as handle, Recogniser() as engine:

        def _progress(done: int, total: int) -> None:
            print(f"progress {done} {total}", flush=True)

        run = recognise_pending(
            handle,
            engine,
            should_stop=lambda: stop["now"],
            progress=_progress if args.progress else None,
        )
    if not args.progress:
        failed = f", {run.failed} could not be read" if run.failed else ""
        print(f"Recognised {run.recognised} capture(s), {run.words} words{failed}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from incident_recorder.domain.times import in_zone
    from incident_recorder.storage import IncidentFile, IncidentFileError

    query = " ".join(args.query)
    try:
        with IncidentFile.open(args.file, readonly=True) as handle:
            hits = handle.search(query)
            times = {e.id: e.occurred_at for e in handle.entries()} if hits else {}
    except IncidentFileError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return SEARCH_ERROR
    if args.json:
        rows = [
            {
                "entry": hit.entry_id,
                "where": hit.where,
                "occurred_at": times[hit.entry_id].isoformat() if hit.entry_id in times else None,
                "text": hit.text,
            }
            for hit in hits
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for hit in hits:
            at = times.get(hit.entry_id)
            shown = f"{in_zone(at, None):%H:%M:%S}" if at is not None else "--:--:--"
            print(f"entry {hit.entry_id} {shown} {hit.where}: {_excerpt(hit.text, query)}")
    return 0 if hits else 1


def _excerpt(text: str, query: str, width: int = 100) -> str:
    """One line of `text` around the first word of `query` it contains."""
    flat = " ".join(text.split())
    lowered = flat.lower()
    starts = [lowered.find(w.lower()) for w in query.split() if w.lower() in lowered]
    start = max(0, min(starts, default=0) - width // 3)
    piece = flat[start : start + width]
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(flat) else "")


def review_findings(path: Path) -> list[str]:
    """One review line per capture or note with an unhandled finding."""
    from incident_recorder.session.findings import finding_rules, incident_findings, unhandled
    from incident_recorder.storage import IncidentFile

    with IncidentFile.open(path, readonly=True) as handle:
        found = unhandled(incident_findings(handle, finding_rules()))
    return [f"warning: {finding.message}" for finding in found]


def refuse_unhandled_findings(handle: IncidentFile) -> None:
    """CliError naming every unhandled finding of a public entry (a public export)."""
    from incident_recorder.session.findings import finding_rules, incident_findings, unhandled

    public = {entry.id for entry in handle.entries(include_hidden=False) if entry.public}
    found = unhandled(incident_findings(handle, finding_rules()), public)
    if found:
        named = "; ".join(finding.message for finding in found[:5])
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        raise CliError(
            f"not exported: public entries show what looks sensitive: {named}{more}. Redact it "
            f"(`{PROG} findings FILE --redact`) or mark it not sensitive (`--dismiss`)"
        )


def findings_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    findings = sub.add_parser(
        "findings",
        help="list what looks sensitive in notes and captures; redact or dismiss it",
        description="List every finding of FILE (credentials, e-mail addresses, card numbers, IP "
        "addresses, host names of the team's own domains) in notes, captions and the text "
        "recognised in captures, with whether it is handled. --redact adds a redaction over "
        "every unhandled finding of each capture (one annotation revision per capture); "
        "--dismiss marks findings as not sensitive, recorded with --by and the time. The value "
        "found is never printed.",
    )
    findings.add_argument("file", type=Path, metavar="FILE")
    findings.add_argument("--redact", action="store_true", help="accept the proposed redactions")
    findings.add_argument(
        "--dismiss", action="append", default=[], metavar="ENTRY:KEY", help="not sensitive"
    )
    findings.add_argument("--by", default="", metavar="NAME", help="who dismissed (--dismiss)")
    findings.add_argument("--json", action="store_true", help="print the findings as JSON")


def cmd_findings(args: argparse.Namespace) -> int:
    from incident_recorder.session.findings import (
        accept_redactions,
        dismiss,
        finding_rules,
        incident_findings,
    )
    from incident_recorder.storage import IncidentFile

    rules = finding_rules()
    writable = args.redact or bool(args.dismiss)
    if args.dismiss and not args.by.strip():
        raise CliError("--dismiss needs --by NAME: who decided it is not sensitive")
    with IncidentFile.open(args.file, readonly=not writable) as handle:
        found = incident_findings(handle, rules)
        for wanted in args.dismiss:
            entry, _, key = wanted.partition(":")
            match = [f for f in found if str(f.entry_id) == entry and f.key == key]
            if not match:
                raise CliError(f"no finding {wanted} in {args.file.name}")
            dismiss(handle, match[0], args.by.strip())
        if args.redact:
            captures = {
                cid
                for f in found
                if f.source == "capture" and f.handled is None
                for cid in _cap(handle, f.entry_id)
            }
            for capture_id in sorted(captures):
                accept_redactions(handle, capture_id, rules)
        if writable:
            found = incident_findings(handle, rules)
    if args.json:
        rows = [
            {
                "entry": f.entry_id,
                "source": f.source,
                "kind": f.kind,
                "key": f.key,
                "box": None
                if f.box is None
                else [f.box.left, f.box.top, f.box.width, f.box.height],
                "handled": f.handled,
            }
            for f in found
        ]
        print(json.dumps(rows, indent=2))
    else:
        for f in found:
            print(f"{f.entry_id}:{f.key} {f.message}")
    return 0


def _cap(handle: IncidentFile, entry_id: int) -> list[int]:
    entry = handle.entry(entry_id)
    return [] if entry.capture is None else [entry.capture.id]

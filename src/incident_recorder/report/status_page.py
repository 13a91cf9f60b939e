"""A static status page for customers: index.html and an Atom feed, from the public record only.

`write_status_page` writes two files into a folder a web server (or a file share) publishes:
`index.html` — where things stand (status, started/resolved, affected public services) and every
public update, newest first, its time in UTC and in the recorder's zone — and `feed.xml`, an
Atom 1.0 feed (RFC 4287) of the same updates for feed readers and chat integrations. Each
entry's id is a UUID URN (`urn:uuid:` + a UUID version 5 named from the incident and the
update: the same on every rewrite); its `<updated>` is when the update happened or, once it
was corrected, when it was last corrected, so feed readers show the correction.

Everything comes from `public_record`: an internal entry, an author, a role or an internal
service can never reach either file. Note text is escaped, never rendered as Markdown or HTML.
The page runs no script and loads nothing (a Content-Security-Policy says so to the browser);
both files are written atomically, with the mode a plain open() gives (0644 under umask 022).
"""

from __future__ import annotations

import html
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from incident_recorder.domain import Entry
from incident_recorder.domain.details import Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.text import visible
from incident_recorder.domain.times import in_zone, show
from incident_recorder.report.files import ReportError, _make_dir, file_mode, write_atomically
from incident_recorder.report.public import public_record

INDEX, FEED = "index.html", "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"
AUTHOR = "Incident Recorder"
"""The feed's author: the tool, never a person (a public update names nobody)."""
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
TITLE_CHARS = 80

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 cannot carry (a note pasted from a terminal may hold them)."""

STYLE = """
body { margin: 0; background: #f6f7f9; color: #1f2933;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 2.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.05rem; margin: 2.25rem 0 .75rem; color: #52606d; }
.state { background: #fff; border: 1px solid #dde1e6; border-left: 6px solid var(--c);
  border-radius: 8px; padding: 1rem 1.25rem; }
.label { font-size: 1.25rem; font-weight: 650; color: var(--c); margin: 0 0 .35rem; }
.state dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
.state dt { color: #52606d; } .state dd { margin: 0; }
ol { list-style: none; margin: 0; padding: 0; }
li { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; padding: .9rem 1.25rem;
  margin-bottom: .75rem; }
time { display: block; font-size: .875rem; color: #52606d; margin-bottom: .3rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.none { color: #52606d; }
footer { margin-top: 2.5rem; font-size: .85rem; color: #616e7c; }
footer a { color: inherit; }
"""
COLOURS = {
    Status.INVESTIGATING: "#b45309",
    Status.IDENTIFIED: "#7c3aed",
    Status.MONITORING: "#1d4ed8",
    Status.RESOLVED: "#15803d",
}


def clean(text: str) -> str:
    """`text` without the characters XML cannot hold (HTML gets the same text), bidirectional
    controls and zero-width characters shown as markers (domain/text.py `visible`)."""
    return visible(_NOT_XML.sub("", text))


def rfc3339(moment: datetime) -> str:
    """'2026-11-27T14:06:45Z' (RFC 3339, UTC, whole seconds)."""
    return show(in_zone(moment, UTC), "%Y-%m-%dT%H:%M:%SZ")


def feed_namespace(record: IncidentRecord) -> uuid.UUID:
    """The incident's UUID (the feed's id); one named from it if it is not a valid UUID."""
    try:
        return uuid.UUID(record.incident.uuid)
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:incident-recorder:{record.incident.uuid}")


def update_id(record: IncidentRecord, entry: Entry) -> str:
    """A feed entry's id: 'urn:uuid:' + uuid5(the incident, 'update:N'), stable across
    rewrites and a valid UUID URN (RFC 4122, RFC 4287 §4.2.6)."""
    return uuid.uuid5(feed_namespace(record), f"update:{entry.id}").urn


def last_changed(record: IncidentRecord, entry: Entry) -> datetime:
    """When a public update last changed: when it happened, or when it was last corrected."""
    corrected = record.corrected_at.get(entry.id)
    return max(entry.occurred_at, corrected) if corrected is not None else entry.occurred_at


def updates(record: IncidentRecord) -> list[Entry]:
    """The public updates of `record`, newest first (from `public_record`)."""
    entries = public_record(record).entries
    return sorted(entries, key=lambda e: (e.occurred_at, e.id), reverse=True)


def current_status(record: IncidentRecord) -> Status:
    """Where things stand for a reader: resolved once the resolved milestone is set, else the
    status the team chose (never guessed from the entries)."""
    return record.status


def _both(moment: datetime, tz: tzinfo) -> str:
    utc = in_zone(moment, UTC)
    local = in_zone(moment, tz)
    shown = f"{show(utc, '%a %d %b %Y, %H:%M')} UTC"
    if local.utcoffset() != utc.utcoffset():
        shown += f" ({local:%H:%M} {local.tzname() or local.strftime('%z')})"
    return shown


def _one_line(text: str) -> str:
    return " ".join(clean(text).split())


def entry_title(entry: Entry) -> str:
    """A feed entry's title: its time (UTC) and the start of its text."""
    text = _one_line(entry.text) or "Update"
    if len(text) > TITLE_CHARS:
        text = text[: TITLE_CHARS - 1].rstrip() + "\u2026"
    return f"{in_zone(entry.occurred_at, UTC):%H:%M} UTC \u2014 {text}"


def render_index(record: IncidentRecord, *, now: datetime, tz: tzinfo) -> str:
    """index.html of the public part of `record`."""
    public = public_record(record)
    esc = html.escape
    title = _one_line(public.title)
    status = current_status(public)
    facts: list[tuple[str, str]] = []
    started = public.milestones[Milestone.IMPACT_STARTED]
    if started is not None:
        facts.append(("Started", _both(started, tz)))
    resolved = public.milestones[Milestone.RESOLVED]
    if resolved is not None:
        facts.append(("Resolved", _both(resolved, tz)))
    services = ", ".join(_one_line(s.name) for s in public.details.services)
    if services:
        facts.append(("Affected", services))
    rows = "".join(f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>" for name, value in facts)
    items = [
        f'<li id="update-{entry.id}"><time datetime="{rfc3339(entry.occurred_at)}">'
        f"{esc(_both(entry.occurred_at, tz))}</time>"
        f'<p class="text">{esc(clean(entry.text).strip())}</p></li>'
        for entry in updates(record)
    ]
    listing = (
        f"<ol>{''.join(items)}</ol>" if items else '<p class="none">No updates published yet.</p>'
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} \u2014 {esc(status.label)}</title>\n"
        f'<link rel="alternate" type="application/atom+xml" href="{FEED}" '
        f'title="{esc(title)}">\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{esc(title)}</h1>\n"
        f'<section class="state" style="--c: {COLOURS[status]}" aria-label="Current status">'
        f'<p class="label">{esc(status.label)}</p><dl>{rows}</dl></section>\n'
        f"<h2>Updates</h2>\n{listing}\n"
        f"<footer>Last updated {esc(_both(now, tz))} \u00b7 "
        f'<a href="{FEED}">Subscribe (Atom feed)</a></footer>\n'
        "</main>\n</body>\n</html>\n"
    )


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def render_feed(record: IncidentRecord, *, base_url: str | None = None) -> bytes:
    """feed.xml: an Atom 1.0 feed of the public updates, newest first."""
    public = public_record(record)
    entries = updates(record)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", feed_namespace(public).urn)
    _add(feed, "title", _one_line(public.title) or "Incident")
    changed = [last_changed(public, entry) for entry in entries]
    latest = max(changed) if changed else public.incident.created_at
    _add(feed, "updated", rfc3339(latest))
    _add(_add(feed, "author"), "name", AUTHOR)
    if base_url:
        root = base_url.rstrip("/")
        _add(feed, "link", rel="self", type="application/atom+xml", href=f"{root}/{FEED}")
        _add(feed, "link", rel="alternate", type="text/html", href=f"{root}/")
    _add(feed, "generator", AUTHOR)
    for entry in entries:
        item = _add(feed, "entry")
        _add(item, "id", update_id(public, entry))
        _add(item, "title", entry_title(entry))
        _add(item, "updated", rfc3339(last_changed(public, entry)))
        _add(item, "published", rfc3339(entry.occurred_at))
        if base_url:
            href = f"{base_url.rstrip('/')}/#update-{entry.id}"
            _add(item, "link", rel="alternate", type="text/html", href=href)
        _add(item, "content", clean(entry.text).strip(), type="text")
    ET.register_namespace("", ATOM)
    ET.indent(feed)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


def write_status_page(
    record: IncidentRecord,
    out_dir: Path,
    *,
    now: datetime,
    tz: tzinfo,
    base_url: str | None = None,
) -> list[Path]:
    """Write index.html and feed.xml for `record` into `out_dir` (created if needed); their
    paths. Only what `public_record` keeps is written. ReportError (one line) on failure."""
    if base_url is not None and not re.match(r"https?://[^\s/]+", base_url):
        raise ReportError(f"the base URL must start with http:// or https://: {base_url!r}")
    out_dir = Path(out_dir)
    _make_dir(out_dir, may_be_link=True)  # the folder chosen; index.html, feed.xml never links
    mode = file_mode()
    feed, index = out_dir / FEED, out_dir / INDEX
    write_atomically(feed, render_feed(record, base_url=base_url), mode)
    write_atomically(index, render_index(record, now=now, tz=tz).encode("utf-8"), mode)
    return [index, feed]

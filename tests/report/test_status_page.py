"""The status page: index.html and feed.xml from the public record only, the feed valid Atom."""

from __future__ import annotations

import os
import re
import stat
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

import atom_check
import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario import INTERNAL_SERVICE, ROLES, START

from incident_recorder.domain import EntryKind
from incident_recorder.domain.details import IncidentDetails, Role, Service, Status
from incident_recorder.report import ReportError
from incident_recorder.report.status_page import AUTHOR, write_status_page
from incident_recorder.storage import IncidentFile

A = "{http://www.w3.org/2005/Atom}"
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
PUBLIC_TEXTS = [  # the scenario's public rows, newest first
    "This incident has been resolved",
    "A fix has been implemented",
    "We are investigating elevated errors",
]


def write(handle: IncidentFile, out: Path, **kw: object) -> list[Path]:
    return write_status_page(handle.record(), out, now=NOW, tz=BERLIN, **kw)  # type: ignore[arg-type]


def check_atom(feed_xml: bytes) -> ET.Element:
    """The elements RFC 4287 requires of a feed and its entries; timestamps RFC 3339; and every
    rule of the strict check (atom_check.py: the W3C feed validator's rules that apply)."""
    assert atom_check.problems(feed_xml) == []
    root = ET.fromstring(feed_xml)
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{name}")) == 1, name
    assert RFC3339.fullmatch(root.findtext(f"{A}updated") or "")
    feed_author = root.find(f"{A}author/{A}name")
    for entry in root.findall(f"{A}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        assert RFC3339.fullmatch(entry.findtext(f"{A}updated") or "")
        assert feed_author is not None or entry.find(f"{A}author/{A}name") is not None
        content = entry.find(f"{A}content")
        assert content is not None and content.get("type") == "text"
    return root


def test_page_and_feed_of_the_scenario(scenario_file: IncidentFile, tmp_path: Path) -> None:
    out = tmp_path / "status"
    written = write(scenario_file, out, base_url="https://status.example.com/checkout/")
    assert written == [out / "index.html", out / "feed.xml"]
    page = written[0].read_text(encoding="utf-8")
    positions = [page.index(text) for text in PUBLIC_TEXTS]
    assert positions == sorted(positions)  # newest first
    assert "Resolved" in page and "checkout-api" in page
    assert "14:30 UTC (15:30 CET)" in page  # UTC and the recorder's zone
    assert '<meta http-equiv="Content-Security-Policy"' in page
    assert '<link rel="alternate" type="application/atom+xml" href="feed.xml"' in page
    assert "<script" not in page.lower()

    raw = written[1].read_bytes()
    root = check_atom(raw)
    uuid = scenario_file.incident().uuid
    assert root.findtext(f"{A}id") == f"urn:uuid:{uuid}"
    assert root.findtext(f"{A}author/{A}name") == AUTHOR
    self_link = root.find(f"{A}link[@rel='self']")
    assert self_link is not None
    assert self_link.get("href") == "https://status.example.com/checkout/feed.xml"
    entries = root.findall(f"{A}entry")
    public = [e for e in scenario_file.record().entries if e.public]
    assert root.findtext(f"{A}updated") == "2026-11-27T14:30:02Z"  # the latest public entry
    # entry ids: valid UUID URNs (uuid5 of the incident and the update), one per update
    assert [e.findtext(f"{A}id") for e in entries] == [
        uuid5(UUID(uuid), f"update:{entry.id}").urn for entry in reversed(public)
    ]
    assert atom_check.problems(raw) == []

    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [next(t for t in PUBLIC_TEXTS if t in e.summary) for e in parsed.entries] == PUBLIC_TEXTS
    assert parsed.feed.author == AUTHOR


def test_files_are_readable_by_others_and_ids_stable(
    scenario_file: IncidentFile, tmp_path: Path
) -> None:
    old = os.umask(0o022)
    try:
        first = write(scenario_file, tmp_path)
    finally:
        os.umask(old)
    for path in first:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    ids = re.findall(r"<id>(.*?)</id>", first[1].read_text(encoding="utf-8"))
    scenario_file.add_note(
        "We are seeing recovery", EntryKind.COMMUNICATION, START + timedelta(hours=1), public=True
    )
    again = write(scenario_file, tmp_path)
    later = re.findall(r"<id>(.*?)</id>", again[1].read_text(encoding="utf-8"))
    assert later[0] == ids[0] and later[2:] == ids[1:]  # the old ids kept, the new one first
    assert "We are seeing recovery" in again[0].read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_note_text_is_escaped_never_rendered(incident_file: IncidentFile, tmp_path: Path) -> None:
    text = '<script>alert(1)</script> **bold** [x](javascript:y) & "q"\x07 ]]>'
    saved = incident_file.add_note(text, EntryKind.COMMUNICATION, START, public=True)
    index, feed = write(incident_file, tmp_path)
    page = index.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "**bold**" in page and "<strong>" not in page and 'href="javascript' not in page
    parsed = feedparser.parse(feed.read_bytes())
    assert parsed.bozo == 0
    assert parsed.entries[0].summary == saved.text  # as stored (a control character shown)
    check_atom(feed.read_bytes())


def test_an_incident_without_public_updates(incident_file: IncidentFile, tmp_path: Path) -> None:
    incident_file.add_note("internal only", EntryKind.OBSERVATION, START)
    index, feed = write(incident_file, tmp_path)
    assert "No updates published yet" in index.read_text(encoding="utf-8")
    assert "internal only" not in index.read_text(encoding="utf-8")
    root = check_atom(feed.read_bytes())
    assert root.findall(f"{A}entry") == []
    assert feedparser.parse(feed.read_bytes()).bozo == 0


def test_a_bad_base_url_is_refused(incident_file: IncidentFile, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="http"):
        write(incident_file, tmp_path, base_url="javascript:alert(1)")
    assert not (tmp_path / "index.html").exists()


WORDS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    words=st.lists(WORDS, min_size=12, max_size=12, unique=True),
    specs=st.lists(
        st.tuples(st.booleans(), st.booleans(), st.sampled_from(list(EntryKind))),
        min_size=1,
        max_size=8,
    ),
)
def test_nothing_internal_ever_reaches_the_page_or_feed(
    tmp_path_factory: pytest.TempPathFactory,
    words: list[str],
    specs: list[tuple[bool, bool, EntryKind]],
) -> None:
    base = tmp_path_factory.mktemp("page")
    author, commander, service, *marks = words
    internal = []
    with IncidentFile.create(base / "x.incident", "Outage") as handle:
        for number, (public, hidden, kind) in enumerate(specs):
            entry = handle.add_note(
                f"note {marks[number]} <i>",
                kind,
                START + timedelta(minutes=number),
                public=public,
                author=author,
            )
            if hidden:
                handle.revise(entry.id, hidden=True)
            if hidden or not public:
                internal.append(marks[number])
        handle.set_details(
            IncidentDetails(
                "Outage",
                status=Status.IDENTIFIED,
                services=(Service("shop", public=True), Service(service)),
                roles={Role.INCIDENT_COMMANDER: commander},
            )
        )
        index, feed = write(handle, base / "out")
    texts = [index.read_text(encoding="utf-8"), feed.read_text(encoding="utf-8")]
    for text in texts:
        for word in (*internal, author, commander, service):
            assert word not in text
    shown = [
        m for m, (public, hidden, _) in zip(marks, specs, strict=False) if public and not hidden
    ]
    for word in shown:
        assert all(word in text for text in texts)
    parsed = feedparser.parse(feed.read_bytes())
    assert parsed.bozo == 0 and len(parsed.entries) == len(shown)


def test_scenario_roles_and_internal_service_stay_out(
    scenario_file: IncidentFile, tmp_path: Path
) -> None:
    index, feed = write(scenario_file, tmp_path)
    for path in (index, feed):
        text = path.read_text(encoding="utf-8")
        for word in (INTERNAL_SERVICE, *ROLES.values(), "Sam Okafor", "PagerDuty"):
            assert word not in text


def test_the_feed_passes_the_strict_check_and_a_correction_is_seen(
    scenario_file: IncidentFile, clock: Any, tmp_path: Path
) -> None:
    raw = write(scenario_file, tmp_path)[1].read_bytes()
    assert atom_check.problems(raw) == []
    before = {e.findtext(f"{A}id"): e for e in ET.fromstring(raw).findall(f"{A}entry")}
    [update] = [e for e in scenario_file.record().entries if "A fix has been" in e.text]
    clock.now = datetime(2026, 11, 27, 16, 5, 9, 400_000, tzinfo=UTC)  # the correction's time
    scenario_file.revise(update.id, text=update.text + " (all regions)")
    clock.advance(60)
    scenario_file.revise(update.id, starred=True)  # a star is not a correction: no later time
    again = write(scenario_file, tmp_path)[1].read_bytes()
    assert atom_check.problems(again) == []
    after = {e.findtext(f"{A}id"): e for e in ET.fromstring(again).findall(f"{A}entry")}
    assert list(after) == list(before)  # stable ids
    changed = [key for key in after if "all regions" in (after[key].findtext(f"{A}content") or "")]
    [key] = changed
    assert after[key].findtext(f"{A}updated") == "2026-11-27T16:05:09Z"
    assert after[key].findtext(f"{A}published") == before[key].findtext(f"{A}published")
    assert ET.fromstring(again).findtext(f"{A}updated") == "2026-11-27T16:05:09Z"
    for other in set(after) - {key}:
        assert after[other].findtext(f"{A}updated") == before[other].findtext(f"{A}updated")


@pytest.mark.parametrize(
    ("broken", "rule"),
    [
        (b"<id>urn:uuid:3ef52b34-6f22-45af-8cc7-7a8a5dab3f41:entry:4</id>", "UUID URN"),
        (b"<id>not an iri</id>", "absolute IRI"),
        (b"<updated>2026-11-27 14:30:02</updated>", "RFC 3339"),
        (b"<updated>2026-02-30T14:30:02Z</updated>", "exists"),
    ],
)
def test_the_strict_check_finds_what_the_validator_finds(broken: bytes, rule: str) -> None:
    """The check can fail: each broken element of an otherwise valid feed is reported."""
    good = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:3ef52b34-6f22-45af-8cc7-'
        b"7a8a5dab3f41</id><title>t</title><updated>2026-11-27T14:30:02Z</updated><author>"
        b"<name>a</name></author><entry><id>urn:uuid:d3c1441d-906a-541f-91c9-d788780060ab</id>"
        b'<title>u</title><updated>2026-11-27T14:30:02Z</updated><content type="text">x'
        b"</content></entry></feed>"
    )
    assert atom_check.problems(good) == []
    tag = broken[1 : broken.index(b">")]
    start = good.index(b"<" + tag + b">", good.index(b"<entry>"))
    end = good.index(b"</" + tag + b">", start) + len(tag) + 3
    found = atom_check.problems(good[:start] + broken + good[end:])
    assert any(rule in problem for problem in found), found
    duplicate = good.replace(b"</feed>", good[good.index(b"<entry>") : good.index(b"</feed>")])
    assert any("used 2 times" in p for p in atom_check.problems(duplicate + b"</feed>"))

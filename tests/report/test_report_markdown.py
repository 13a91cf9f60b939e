"""report.md from a real incident file: sections, pre-fill by kind, timeline, captures, zones."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from report_helpers import (
    START,
    Recorded,
    headings,
    parse,
    scenario_rows,
    section_rows,
    sections,
    timeline_rows,
)

from incident_recorder.domain import EntryKind
from incident_recorder.domain.times import format_offset
from incident_recorder.report import SECTIONS, render_markdown, write_report
from incident_recorder.report.markdown import PROMPTS
from incident_recorder.storage import IncidentFile

PARIS = ZoneInfo("Europe/Paris")
EIGHT = [
    "Summary",
    "Detection",
    "Impact",
    "Timeline",
    "Root cause analysis",
    "Resolution",
    "Prevention",
    "Action items",
]


def export(recorded: Recorded, out: Path, **kwargs: object) -> str:
    path = write_report(out, "markdown", recorded.record, recorded.load_png, **kwargs)  # type: ignore[arg-type]
    assert path == out / "report.md"
    return path.read_text(encoding="utf-8")


def test_eight_sections_in_order_with_title(recorded: Recorded, tmp_path: Path) -> None:
    text = export(recorded, tmp_path / "out", tz=PARIS)
    tokens = parse(text)
    assert tuple(EIGHT) == SECTIONS
    # Prevention (no text, no prevent item) and the root-cause sub-parts (no text) are empty:
    # left out, never shown with a writing prompt.
    assert headings(tokens, 2) == [name for name in EIGHT if name != "Prevention"]
    assert headings(tokens, 1) == ["Checkout outage"]
    assert headings(tokens, 3) == []
    assert not [prompt for prompt in PROMPTS.values() if prompt in text]


def test_metadata_block(recorded: Recorded, tmp_path: Path) -> None:
    text = export(recorded, tmp_path / "out", tz=PARIS)
    head = text.split("## Summary")[0]
    assert "_Incident report_" in head
    assert "- **Severity:** not set\n" in head
    assert "- **Status:** Investigating\n" in head
    # No milestone was recorded: nothing is guessed from the entries.
    assert "**Duration of impact:** not recorded (no \u201cimpact started\u201d milestone)" in head
    assert "- **Services affected:** not recorded\n" in head
    assert "- **Detected by:** not recorded\n" in head
    visible = [e for e in recorded.entries if not e.hidden]
    assert f"**Entries:** {len(visible)}, of which 2 with a capture" in head
    assert "**Exported:**" in head
    assert (
        "- **Time zone:** local times are Europe/Paris (CET, UTC+01:00); each is followed by"
        " UTC and T+ (time since the first entry)\n"
    ) in head
    assert f"- **Incident:** `{recorded.incident.uuid}`\n" in head


def test_sections_prefilled_by_kind(recorded: Recorded, tmp_path: Path) -> None:
    text = export(recorded, tmp_path / "out", tz=PARIS)
    parts = sections(text)
    by_kind: dict[EntryKind, list[str]] = {}
    for _, kind, note in scenario_rows():
        by_kind.setdefault(kind, []).append(note[:20])
    for note in by_kind[EntryKind.DETECTION]:
        assert note in parts["Detection"]
    for note in by_kind[EntryKind.IMPACT]:
        assert note in parts["Impact"]
    for note in by_kind[EntryKind.CAUSE]:
        assert note in parts["Root cause analysis"]
    # Resolution: what mitigated or resolved it, never every action or decision
    for note in by_kind[EntryKind.RESOLUTION]:
        assert note in parts["Resolution"]
    for kind in (EntryKind.ACTION, EntryKind.DECISION):
        for note in by_kind[kind]:
            assert note not in parts["Resolution"]
    for note in by_kind[EntryKind.COMMUNICATION] + by_kind[EntryKind.OBSERVATION]:
        assert note not in parts["Resolution"] and note not in parts["Detection"]
    # a writing prompt belongs to the editor: never in a report, an empty section left out
    assert "How could we have cut the time to detection in half?" not in text
    assert "\u201coperator error\u201d is never a root cause" not in text
    assert "Prevention" not in parts
    assert "- 15:04:22 CET (14:04:22 UTC, T+00:04:22) \u2014 PagerDuty alert" in parts["Detection"]
    summary = parts["Summary"]
    assert "| Time to detect | not recorded (no \u201cimpact started\u201d milestone" in summary
    assert "| Impact started | not recorded |" in summary
    impact = parts["Impact"]
    assert "**Impact started:** not recorded" in impact
    assert "**Impact ended (resolved):** not recorded" in impact


def test_action_items_without_items_say_so(recorded: Recorded, tmp_path: Path) -> None:
    text = export(recorded, tmp_path / "out", tz=PARIS)
    assert "_No action items yet._" in sections(text)["Action items"]
    assert section_rows(parse(text), "Action items") == []


def test_timeline_every_visible_entry_in_order(recorded: Recorded, tmp_path: Path) -> None:
    text = export(recorded, tmp_path / "out", tz=PARIS)
    visible = sorted((e for e in recorded.entries if not e.hidden), key=lambda e: e.occurred_at)
    rows = timeline_rows(parse(text))
    assert len(rows) == len(visible)
    first = visible[0].occurred_at
    for row, entry in zip(rows, visible, strict=True):
        assert len(row) == 5
        local, utc, offset, kind, _ = (cell.content for cell in row)
        assert local == entry.occurred_at.astimezone(PARIS).strftime("%H:%M:%S CET")
        assert utc == entry.occurred_at.strftime("%H:%M:%S UTC")
        assert offset == format_offset(entry.occurred_at - first)
        assert kind == entry.kind.label
    assert "T+00:04:22" in text
    assert "| Local time | UTC | T+ | Kind | Entry |" in text


def test_hidden_entries_are_never_exported(recorded: Recorded, tmp_path: Path) -> None:
    assert any(e.hidden for e in recorded.entries)
    text = export(recorded, tmp_path / "out", tz=PARIS)
    assert recorded.hidden_text.split(",")[0] not in text


def test_captures_embedded_with_relative_links(recorded: Recorded, tmp_path: Path) -> None:
    out = tmp_path / "out"
    calls: list[tuple[int, int]] = []
    text = export(recorded, out, tz=PARIS, progress=lambda done, total: calls.append((done, total)))
    images = [
        child for token in parse(text) for child in token.children or [] if child.type == "image"
    ]
    assert len(images) == 2
    # An image is named by the entry's place in the export (the same in every replica of a
    # shared incident, whose rowids differ), hidden entries counted: the JSON export's `id`.
    number = {entry.id: n for n, entry in enumerate(recorded.entries, start=1)}
    for image, entry in zip(images, [e for e in recorded.entries if e.capture], strict=True):
        src = str(image.attrs["src"])
        assert src.startswith("images/entry-") and src.endswith(".png")
        assert src == f"images/entry-{number[entry.id]:04d}-{entry.capture.sha256[:12]}.png"  # type: ignore[union-attr]
        assert (out / src).read_bytes() == recorded.load_png(entry.capture.id)  # type: ignore[union-attr]
    assert images[0].content == "Capture at 14:05:42 UTC \u2014 96\u00d754"
    assert calls == [(0, 2), (1, 2), (2, 2)]


def test_default_zone_is_the_machines_and_utc_zone_works(
    recorded: Recorded, tmp_path: Path
) -> None:
    text = export(recorded, tmp_path / "a")
    assert "## Timeline" in text
    text = export(recorded, tmp_path / "b", tz=UTC)
    assert "| 14:00:00 UTC | T+00:00:00 | Impact |" in text
    text = export(recorded, tmp_path / "c", tz=timezone(timedelta(hours=-5, minutes=-30)))
    assert "08:30:00 UTC\u221205:30" in text


def test_nothing_recorded_means_nothing_guessed(incident_file: IncidentFile) -> None:
    incident_file.add_note("Something looks odd", EntryKind.OBSERVATION, START)
    incident_file.add_note("fixed", EntryKind.RESOLUTION, START + timedelta(minutes=9))
    text = render_markdown(incident_file.incident(), incident_file.entries(), {}, PARIS)
    parts = sections(text)
    assert "**Impact started:** not recorded" in parts["Impact"]
    assert "**Impact ended (resolved):** not recorded" in parts["Impact"]
    assert "**Detected:** not recorded (no \u201cdetected\u201d milestone)" in parts["Detection"]
    assert (
        "| Time to resolve | not recorded (no \u201cimpact started\u201d milestone and no"
        " \u201cresolved\u201d milestone) |"
    ) in parts["Summary"]
    assert "No detection entry." in parts["Detection"]


def test_empty_incident_still_has_every_section_with_facts(incident_file: IncidentFile) -> None:
    text = render_markdown(incident_file.incident(), [], {}, PARIS)
    # every section saying what was (not) recorded; Prevention has nothing and is left out
    assert headings(parse(text), 2) == [name for name in EIGHT if name != "Prevention"]
    assert timeline_rows(parse(text)) == []
    assert "No entries were recorded." in text


def test_multi_day_incident_shows_dates_in_the_timeline(incident_file: IncidentFile) -> None:
    incident_file.add_note("start", EntryKind.IMPACT, START)
    incident_file.add_note("next day", EntryKind.RESOLUTION, START + timedelta(days=1, hours=2))
    text = render_markdown(incident_file.incident(), incident_file.entries(), {}, UTC)
    rows = timeline_rows(parse(text))
    assert rows[1][0].content == "2026-11-28 16:00:00 UTC"
    assert rows[1][1].content == "T+1d 02:00:00"
    rows = timeline_rows(
        parse(render_markdown(incident_file.incident(), incident_file.entries(), {}, PARIS))
    )
    assert [cell.content for cell in rows[1][:3]] == [
        "2026-11-28 17:00:00 CET",
        "2026-11-28 16:00:00 UTC",
        "T+1d 02:00:00",
    ]


@pytest.mark.parametrize(
    "zone", [UTC, timezone(timedelta(0)), ZoneInfo("UTC"), ZoneInfo("Etc/UTC")]
)
def test_in_utc_each_time_is_written_once(recorded: Recorded, zone: tzinfo) -> None:
    text = render_markdown(
        recorded.incident, recorded.entries, {}, zone, exported_at=START + timedelta(hours=1)
    )
    head = text.split("## Summary")[0]
    assert "- **Exported:** 2026-11-27 15:00:00 UTC\n" in head
    assert "- **Time zone:** times are in " in head and "UTC+00:00" not in head
    assert "- 14:04:22 UTC (T+00:04:22) \u2014 PagerDuty alert" in text
    assert "| UTC | T+ | Kind | Entry |" in text and "Local time" not in text
    assert not re.search(r"(\d\d:\d\d:\d\d) UTC \(\1 UTC", text)


def test_a_zone_at_utc_offset_but_not_utc_keeps_both(recorded: Recorded) -> None:
    text = render_markdown(recorded.incident, recorded.entries, {}, ZoneInfo("Europe/London"))
    assert "- 14:04:22 GMT (14:04:22 UTC, T+00:04:22) \u2014 PagerDuty alert" in text
    assert "Europe/London (GMT, UTC+00:00)" in text
    assert "| Local time | UTC | T+ | Kind | Entry |" in text

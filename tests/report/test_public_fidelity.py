"""What a report says agrees with itself and tells customers only what is meant for them.

No writing prompt in any report; the public Summary's own list and the facts' list stay two
lists in every renderer; the public picture shows only the public milestones, named as the
public text names them; a used draft is printed once; Resolution lists what mitigated or
resolved; incident.json says the status every other output says; metrics and T+ are measured
between the whole-second times a reader sees.
"""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import markdown
from markdown_it import MarkdownIt
from report_helpers import section_rows, sections
from scenario_record import START, scenario_record

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.details import IncidentDetails, Status
from incident_recorder.domain.milestones import Metric, Milestone, Milestones
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report import (
    available_templates,
    draft_texts,
    load_template,
    render_report,
    write_report,
)
from incident_recorder.report.public import public_record
from incident_recorder.report.timeline_picture import timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
PROMPTS = {s.prompt for t in available_templates() for s in t.sections if s.prompt}


def render(record: IncidentRecord, template: str = "default") -> str:
    return render_report(
        record,
        template=load_template(template),
        image_files={},
        tz=UTC,
        exported_at=START + timedelta(hours=2),
    )


def test_no_template_writes_a_prompt_and_empty_sections_are_left_out() -> None:
    record = scenario_record()
    assert len(PROMPTS) > 10
    for template in available_templates():
        text = render(record, template.name)
        assert not [prompt for prompt in PROMPTS if prompt in text], template.name
    public = render(record, "public")
    assert "## What we are doing about it" not in public  # nothing written: left out
    written = dataclasses.replace(record, report_texts={"public_prevention": "We validate units."})
    assert "## What we are doing about it\n\nWe validate units." in render(written, "public")


def test_the_public_summary_and_its_facts_stay_two_lists_in_every_renderer() -> None:
    record = dataclasses.replace(
        scenario_record(),
        report_texts={"public_summary": "- Orders failed.\n- Retry them now."},
    )
    text = render(record, "public")
    summary = sections(text)["Summary"]
    tokens = MarkdownIt("commonmark").enable("table").parse(summary)
    assert [t.type for t in tokens].count("bullet_list_open") == 2
    html = markdown.markdown(summary)
    assert html.count("<ul>") == 2
    assert "<li>Retry them now.</li>" in html and "<li><strong>Started:</strong>" in html


def test_the_public_picture_shows_only_public_milestones_in_public_words() -> None:
    record = scenario_record()
    for picture in (
        timeline_svg(record, tz=UTC, public=True),
        timeline_svg(public_record(record), tz=UTC),
    ):
        words = " ".join("".join(el.itertext()) for el in ET.fromstring(picture).iter(f"{SVG}text"))
        for internal in ("Detected", "Acknowledged", "Mitigated", "Mitigation", "Detection"):
            assert internal not in words
        for shown in ("Started 14:00:00", "Service restored 14:12:25", "Resolved 14:30:02"):
            assert shown in words
    internal_words = " ".join(
        "".join(el.itertext())
        for el in ET.fromstring(timeline_svg(record, tz=UTC)).iter(f"{SVG}text")
    )
    assert "Detected 14:04:22" in internal_words  # the team's picture keeps them


def test_a_used_draft_is_printed_once_and_resolution_lists_what_fixed_it() -> None:
    record = scenario_record()
    drafts = draft_texts(record, UTC)
    used = dataclasses.replace(record, report_texts={k: v for k, v in drafts.items() if v})
    text = render(used)
    parts = sections(text)
    outside_timeline = text.replace(parts["Timeline"], "")
    for entry in record.entries:
        head = entry.text[:40]
        assert outside_timeline.count(head) <= 1, head
    resolution = parts["Resolution"]
    assert "Error rate back under 0.5%" in resolution  # the mitigated milestone
    assert "This incident has been resolved" in resolution  # the resolved milestone
    for not_a_fix in ("Rolled checkout-api back", "Config push 7731 reverted", "IC decides"):
        assert not_a_fix not in resolution
    public = render(used, "public")
    assert public.count("We are investigating elevated errors") == 1


def test_incident_json_says_resolved_when_everything_else_does(tmp_path: Path) -> None:
    record = dataclasses.replace(
        scenario_record(), details=IncidentDetails("Checkout outage", status=Status.MONITORING)
    )
    assert record.status is Status.RESOLVED  # the resolved milestone is set
    for public in (False, True):
        path = write_report(tmp_path / str(public), "json", record, lambda _: b"", public=public)
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["details"]["status"] == "resolved"
        assert "- **Status:** Resolved" in render(record, "public" if public else "default")


AT_23_4 = datetime(2026, 11, 27, 1, 49, 23, 400_000, tzinfo=UTC)
AT_00_2 = datetime(2026, 11, 27, 1, 50, 0, 200_000, tzinfo=UTC)


def test_metrics_and_t_plus_are_measured_between_the_times_shown(tmp_path: Path) -> None:
    """01:49:23 → 01:50:00 reads 00:00:37 (the milliseconds give 36.8 s, truncated 36)."""
    milestones = Milestones({Milestone.IMPACT_STARTED: AT_23_4, Milestone.DETECTED: AT_00_2})
    assert milestones.metric(Metric.TIME_TO_DETECT) == timedelta(seconds=37)
    entries = (
        Entry(1, EntryKind.IMPACT, "errors climb", AT_23_4, AT_23_4),
        Entry(2, EntryKind.DETECTION, "alert fired", AT_00_2, AT_00_2),
    )
    record = IncidentRecord(
        incident=scenario_record().incident,
        details=IncidentDetails("Blip"),
        milestones=milestones,
        entries=entries,
        milestone_entries={1: Milestone.IMPACT_STARTED, 2: Milestone.DETECTED},
    )
    text = render(record)
    assert "| Time to detect | 00:00:37 |" in text
    assert "| Detected | 2026-11-27 01:50:00 UTC | T+00:00:37 |" in text
    rows = [
        [cell.content for cell in row]
        for row in section_rows(MarkdownIt("commonmark").enable("table").parse(text), "Timeline")
    ]
    assert rows[1][:2] == ["01:50:00 UTC", "T+00:00:37"]
    assert "- **Time to detect:** 00:00:37" in text
    path = write_report(tmp_path, "json", record, lambda _: b"")
    assert json.loads(path.read_text(encoding="utf-8"))["metrics"]["time_to_detect"] == 37

"""render_report: details, metrics, milestones, the team's text, marks and action items."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_helpers import cell_text, headings, parse, section_rows, sections, timeline_rows
from scenario import INTERNAL_SERVICE, ROLES, START

from incident_recorder.domain.actions import ActionItem, ActionStatus, ActionType
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report import load_template, render_report
from incident_recorder.storage import IncidentFile

PARIS = ZoneInfo("Europe/Paris")
DEFAULT = load_template("default")


def report(record: IncidentRecord, template: str = "default", **kwargs: object) -> str:
    return render_report(
        record,
        template=load_template(template),
        image_files=kwargs.pop("image_files", {}),  # type: ignore[arg-type]
        tz=kwargs.pop("tz", UTC),  # type: ignore[arg-type]
        exported_at=START + timedelta(hours=1),
        **kwargs,  # type: ignore[arg-type]
    )


def test_details_metrics_and_milestones(scenario_file: IncidentFile) -> None:
    text = report(scenario_file.record(), tz=PARIS)
    head = text.split("## Summary")[0]
    assert headings(parse(text), 1) == ["Checkout outage"]
    for line in [
        "- **Severity:** SEV2",
        "- **Status:** Resolved",
        "- **Duration of impact:** 00:12:25 (impact started to mitigated)",
        f"- **Services affected:** checkout-api, {INTERNAL_SERVICE}",
        "- **Detected by:** Automated (alerting)",
        "- **Incident commander:** Dana Whitfield",
        "- **Time zone:** local times are Europe/Paris (CET, UTC+01:00); each is followed by"
        " UTC and T+ (time since impact started)",
    ]:
        assert line + "\n" in head
    metrics = [[cell_text(c) for c in row] for row in section_rows(parse(text), "Summary")]
    assert [row[:2] for row in metrics] == [
        ["Time to detect", "00:04:22"],
        ["Time to acknowledge", "00:05:00"],
        ["Time to mitigate", "00:12:25"],
        ["Time to resolve", "00:30:02"],
    ]
    assert all("from the moment impact started" in row[2].lower() for row in metrics)
    summary = sections(text)["Summary"]
    assert (
        "| Detected | 2026-11-27 15:04:22 CET | 2026-11-27 14:04:22 UTC | T+00:04:22 |" in summary
    )


def test_missing_milestones_are_not_recorded_with_the_reason(scenario_file: IncidentFile) -> None:
    scenario_file.set_milestone(Milestone.ACKNOWLEDGED, None)
    text = report(scenario_file.record())
    summary = sections(text)["Summary"]
    assert (
        "| Time to acknowledge | not recorded (no \u201cacknowledged\u201d milestone) |" in summary
    )
    assert "| Acknowledged | not recorded |" in summary
    assert "| Time to detect | 00:04:22 |" in summary


def test_timeline_marks_milestones_stars_and_counts_from_impact_start(
    scenario_file: IncidentFile,
) -> None:
    entries = scenario_file.entries()
    scenario_file.revise(entries[6].id, starred=True)  # the hypothesis
    early = scenario_file.add_note(
        "config push 7731 went out", occurred_at=START - timedelta(minutes=2)
    )
    text = report(scenario_file.record())
    rows = timeline_rows(parse(text))
    first = rows[0]
    assert first[1].content == "T\u221200:02:00" and "config push 7731" in cell_text(first[-1])
    assert early.id not in scenario_file.milestone_entries()
    detected = next(r for r in rows if "PagerDuty" in cell_text(r[-1]))
    assert detected[1].content == "T+00:04:22"
    assert cell_text(detected[-1]).startswith("\u25c6 Detected: PagerDuty")
    starred = next(r for r in rows if "Hypothesis" in cell_text(r[-1]))
    assert cell_text(starred[-1]).startswith("\u2605 Hypothesis")
    assert "\u2605 marks a key moment. \u25c6 marks a milestone." in text


def test_the_teams_text_goes_first_and_cannot_break_the_structure(
    scenario_file: IncidentFile,
) -> None:
    scenario_file.save_report_texts(
        {
            "summary": "Checkout failed for *12 minutes*.\n\n# Timeline\n\nSub\n===\n\n"
            "```\n## open",
            "prevention": "<!-- swallow everything\n<script>alert(1)</script>",
            "root_cause_immediate": "## Fault\nThe pool timeout was 50 ms.",
        }
    )
    text = report(scenario_file.record())
    tokens = parse(text)
    assert headings(tokens, 2) == [s.heading for s in DEFAULT.sections if s.level == 2]
    # Underlying issues has no text: left out (its prompt is the editor's, never the report's)
    assert headings(tokens, 3) == ["Timeline", "Sub", "Immediate cause"]
    assert headings(tokens, 4) == ["Fault"]  # under a level-3 section: one level below it
    parts = sections(text)
    assert parts["Summary"].lstrip().startswith("Checkout failed for *12 minutes*.")
    assert "In two or three sentences" not in parts["Summary"]
    assert "How could we have cut" not in text  # still empty: a prompt is never exported
    assert not [t for t in tokens if t.type == "html_block"]
    html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    assert "<script" not in html and "<!--" not in html


def test_action_items_table(scenario_file: IncidentFile) -> None:
    items = [
        ActionItem("Validate idle_timeout units on push", "Platform team", date(2026, 12, 15),
                   ActionStatus.IN_PROGRESS, ActionType.PREVENT, "https://jira.example/OPS-1"),
        ActionItem("Alert on pool saturation | fast", ticket="javascript:alert(1)"),
        ActionItem("Page the DB team", ticket="OPS-2", type=ActionType.MITIGATE),
    ]  # fmt: skip
    for item in items:
        scenario_file.save_action_item(item)
    text = report(scenario_file.record())
    rows = [[cell_text(c) for c in row] for row in section_rows(parse(text), "Action items")]
    assert rows[0] == [
        "Validate idle_timeout units on push", "Platform team", "2026-12-15", "In progress",
        "Prevent", "jira.example/OPS-1",
    ]  # fmt: skip
    assert rows[1] == [
        "Alert on pool saturation | fast", "no owner", "no due date", "Open", "Prevent",
        "javascript:alert(1)",
    ]  # fmt: skip
    assert rows[2][-2:] == ["Mitigate", "OPS-2"]
    links = [c for t in parse(text) for c in t.children or [] if c.type == "link_open"]
    assert [link.attrs["href"] for link in links] == ["https://jira.example/OPS-1"]


def test_captures_and_the_timeline_picture(scenario_file: IncidentFile) -> None:
    from report_helpers import make_capture

    entry = scenario_file.add_capture(make_capture(), START + timedelta(seconds=342))
    text = report(
        scenario_file.record(),
        image_files={entry.id: f"images/entry-{entry.id:04d}-abc.png"},
        timeline_picture="images/timeline.svg",
    )
    images = [c.attrs["src"] for t in parse(text) for c in t.children or [] if c.type == "image"]
    assert images == ["images/timeline.svg", f"images/entry-{entry.id:04d}-abc.png"]
    assert sections(text)["Timeline"].lstrip().startswith("![Timeline of the incident]")


def test_the_public_template_shows_no_people_and_no_internal_service(
    scenario_file: IncidentFile,
) -> None:
    scenario_file.save_report_texts({"summary": "internal words", "public_summary": "For you."})
    text = report(scenario_file.record(), "public")
    for name in [*ROLES.values(), INTERNAL_SERVICE, "internal words", "Incident commander"]:
        assert name not in text
    assert "For you." in text
    assert len(section_rows(parse(text), "Updates")) == 3
    assert "- **Services affected:** checkout-api" in text


def test_other_templates_render(scenario_file: IncidentFile) -> None:
    for name in ("short", "postmortem"):
        template = load_template(name)
        text = report(scenario_file.record(), name)
        # every section with something from the record; those with only free text (none
        # written here) are left out, never shown with their prompt
        shown = [s.heading for s in template.sections if s.fill != "none"]
        assert headings(parse(text), 2) == shown
        assert not [s.prompt for s in template.sections if s.prompt and s.prompt in text]
    leadup = sections(report(scenario_file.record(), "postmortem"))["Leadup"]
    assert "No entry was recorded before impact started." in leadup
    cause_and_fix = sections(report(scenario_file.record(), "short"))["Cause and fix"]
    assert "**Cause** Root cause: config schema" in cause_and_fix
    assert "\u25c6 **Mitigated:** Error rate back" in cause_and_fix
    assert "Rolled checkout-api back" not in cause_and_fix  # an action did not fix it


FREE = st.lists(
    st.sampled_from(
        ["# H1", "## H2", "Para", "===", "---", "```", "~~~", "<!--", "<script>", "<pre>",
         "| a | b |", "| - | - |", "> q", "- item", "    code", "", "`<b>`", "[x]: http://e",
         "> # Q", "- ## L", "1. # O", "  ```", "> Sub", "> ==="]
    )
    | st.text(max_size=30),
    max_size=12,
).map("\n".join)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FREE, min_size=3, max_size=3))
def test_any_free_text_keeps_every_section(texts: list[str]) -> None:
    from report_helpers import START as T0

    from incident_recorder.domain import Entry, EntryKind, Incident
    from incident_recorder.domain.details import IncidentDetails

    record = IncidentRecord(
        incident=Incident("u", "Incident", T0, "0"),
        details=IncidentDetails("Incident"),
        entries=(Entry(1, EntryKind.IMPACT, "note", T0, T0),),
        report_texts=dict(
            zip(["summary", "root_cause_immediate", "prevention"], texts, strict=True)
        ),
    )
    text = report(record)
    tokens = parse(text)
    assert headings(tokens, 1) == ["Incident"]
    written = texts[2].strip()  # prevention: without text or a prevent item it is left out
    assert headings(tokens, 2) == [
        s.heading
        for s in DEFAULT.sections
        if s.level == 2 and (s.heading != "Prevention" or written)
    ]
    assert not [t for t in tokens if t.type == "html_block"]
    assert [cell_text(r[-1]) for r in timeline_rows(tokens)] == ["note"]
    if not any(
        line.startswith(" ") and line.strip().startswith("```") for line in text.split("\n")
    ):
        # Python-Markdown knows no indented fences (list items): CommonMark is checked above.
        html = markdown.markdown(text, extensions=["tables", "fenced_code"])
        assert "<script" not in html.lower()


def test_a_record_with_nothing_is_calm() -> None:
    from incident_recorder.domain import Incident
    from incident_recorder.domain.details import IncidentDetails

    record = IncidentRecord(Incident("u", "Quiet", START, "0"), IncidentDetails("Quiet"))
    text = report(record)
    assert "_No entries were recorded._" in text and "_No action items yet._" in text
    assert dataclasses.replace(record).entries == ()


@pytest.mark.parametrize("template", ["default", "short", "postmortem", "public"])
def test_output_depends_only_on_the_arguments(scenario_file: IncidentFile, template: str) -> None:
    record = scenario_file.record()
    assert report(record, template) == report(record, template)

"""Draft texts for the report editor: from the entries and the metrics, blameless, never saved."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from report_helpers import parse
from scenario import START

from incident_recorder.domain.actions import ActionItem, ActionType
from incident_recorder.domain.details import IncidentDetails
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report import EDITABLE_SECTIONS, draft_texts
from incident_recorder.storage import IncidentFile

BLAME = ("human error", "operator error", "should have", "forgot", "careless", "fault of")


def test_a_draft_for_every_editable_section(scenario_file: IncidentFile) -> None:
    drafts = draft_texts(scenario_file.record(), UTC)
    assert set(drafts) == {key for key, _ in EDITABLE_SECTIONS}
    summary = drafts["summary"]
    assert summary.startswith("Checkout outage affected checkout-api, pgbouncer-eu-internal")
    assert "starting 2026-11-27 14:00:00 UTC" in summary
    assert "It was rated SEV2." in summary
    assert "detected after 00:04:22, mitigated after 00:12:25, resolved after 00:30:02" in summary
    detection = drafts["detection"]
    assert detection.startswith("Automated alerting detected it. Time to detect: 00:04:22")
    assert "- 14:04:22 UTC \u2014 PagerDuty alert" in detection
    impact = drafts["impact"]
    assert (
        "Impact lasted 00:12:25, from 2026-11-27 14:00:00 UTC to 2026-11-27 14:12:25 UTC" in impact
    )
    cause = drafts["root_cause_immediate"]
    assert "Hypothesis: config push" in cause and "Root cause: config schema" in cause
    resolution = drafts["resolution"]
    # what mitigated or resolved it: not every action and decision (the rollback that did
    # not help, the deploy that caused it)
    for kind in ("Mitigation:", "Resolution:"):
        assert kind in resolution
    for kind in ("Action:", "Decision:", "Communication:"):
        assert kind not in resolution
    public = drafts["public_summary"]
    assert public == (
        "Between 2026-11-27 14:00:00 UTC and 2026-11-27 14:12:25 UTC, checkout-api was affected."
    )  # not the updates: the public report lists them under Updates
    for text in drafts.values():
        assert not any(phrase in text.lower() for phrase in BLAME)
        tokens = parse(text)
        assert not [t for t in tokens if t.type in ("heading_open", "html_block")]


def test_drafts_are_never_saved(scenario_file: IncidentFile) -> None:
    draft_texts(scenario_file.record(), ZoneInfo("Europe/Paris"))
    assert scenario_file.report_texts() == {}


def test_local_times_and_prevention_from_action_items(scenario_file: IncidentFile) -> None:
    scenario_file.save_action_item(ActionItem("Validate units on push", type=ActionType.PREVENT))
    scenario_file.save_action_item(ActionItem("Faster rollback", type=ActionType.MITIGATE))
    drafts = draft_texts(scenario_file.record(), ZoneInfo("Europe/Paris"))
    assert "starting 2026-11-27 15:00:00 CET (14:00:00 UTC)" in drafts["summary"]
    assert drafts["prevention"] == "Planned measures:\n\n- Validate units on push"


def test_nothing_recorded_gives_honest_drafts() -> None:
    from incident_recorder.domain import Incident

    record = IncidentRecord(Incident("u", "Blip", START, "0"), IncidentDetails("Blip"))
    drafts = draft_texts(record, UTC)
    assert drafts["summary"] == "Blip. Impact start and end were not recorded as milestones."
    assert drafts["detection"] == "" and drafts["resolution"] == ""


def test_note_text_cannot_add_structure_to_a_draft(incident_file: IncidentFile) -> None:
    from incident_recorder.domain import EntryKind

    incident_file.add_note("## Fault\n<script>x</script> [a](javascript:b)", EntryKind.CAUSE, START)
    draft = draft_texts(incident_file.record(), UTC)["root_cause_immediate"]
    tokens = parse(draft)
    assert not [t for t in tokens if t.type in ("heading_open", "html_block")]
    children = [c for t in tokens for c in t.children or []]
    assert not [c for c in children if c.type == "link_open"]

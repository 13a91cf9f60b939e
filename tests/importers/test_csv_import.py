"""CSV timelines: the scenario file imports whole; bad rows are all reported and nothing lands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from importer_support import SCENARIO, START

from incident_recorder.domain import EntryKind
from incident_recorder.domain.milestones import Metric, Milestone
from incident_recorder.importers import ImportFailed, store
from incident_recorder.importers.csv_import import parse_csv, read_csv
from incident_recorder.storage import IncidentFile


def test_scenario_imports_into_an_empty_incident(incident_file: IncidentFile) -> None:
    summary = store(incident_file, read_csv(SCENARIO.read_bytes(), start=START))
    assert summary.line() == "imported 13 entries (5 milestones, 3 public)"

    entries = incident_file.entries()
    assert len(entries) == 13
    assert {entry.source for entry in entries} == {"import:csv"}
    assert sum(entry.public for entry in entries) == 3
    milestones = incident_file.milestones()
    assert milestones[Milestone.IMPACT_STARTED] == START
    assert milestones.metric(Metric.TIME_TO_DETECT) == timedelta(seconds=262)
    assert milestones.metric(Metric.TIME_TO_ACKNOWLEDGE) == timedelta(seconds=300)
    assert milestones.metric(Metric.TIME_TO_MITIGATE) == timedelta(seconds=745)
    assert milestones.metric(Metric.TIME_TO_RESOLVE) == timedelta(seconds=1802)
    linked = incident_file.milestone_entries()
    by_id = {entry.id: entry for entry in entries}
    assert {m: by_id[i].text[:14] for i, m in linked.items()} == {
        Milestone.IMPACT_STARTED: "Error rate on ",
        Milestone.DETECTED: "PagerDuty aler",
        Milestone.ACKNOWLEDGED: "On-call acknow",
        Milestone.MITIGATED: "Error rate bac",
        Milestone.RESOLVED: "Status page: T",
    }
    mitigated = next(e for i, e in by_id.items() if linked.get(i) is Milestone.MITIGATED)
    assert mitigated.kind is EntryKind.MITIGATION
    public = [entry.kind for entry in entries if entry.public]
    assert public == [EntryKind.COMMUNICATION, EntryKind.COMMUNICATION, EntryKind.RESOLUTION]


def test_two_bad_rows_report_both_lines_and_import_nothing(
    incident_file: IncidentFile, incident_path: Path
) -> None:
    incident_file.add_note("already there")
    lines = SCENARIO.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("observation", "obzervation")  # line 4
    lines[8] = lines[8].replace("internal", "secret")  # line 9
    with pytest.raises(ImportFailed) as failed:
        store(incident_file, read_csv("\n".join(lines).encode(), start=START))
    problems = failed.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("line 4: unknown kind 'obzervation'")
    assert problems[1].startswith("line 9: visibility 'secret'")
    incident_file.close()
    with IncidentFile.open(incident_path, readonly=True) as reread:
        assert reread.entry_count() == 1
        assert reread.milestones().reached() == []


def test_absolute_times_keep_the_offset_they_were_written_in() -> None:
    text = (
        "occurred_at,kind,milestone,text,author\n"
        "2026-11-27T15:04:22+01:00,det,detected,Alert fired,Alice\n"
        '2026-11-27T14:05:00Z,,acknowledged,"",\n'
    )
    first, second = parse_csv(text)
    assert first.occurred_at == datetime(2026, 11, 27, 14, 4, 22, tzinfo=UTC)
    assert first.occurred_offset == "+01:00"
    assert first.kind is EntryKind.DETECTION
    assert first.author == "Alice"
    assert second.occurred_offset is None
    assert second.kind is EntryKind.OBSERVATION  # the acknowledged milestone's kind
    assert second.text == "Acknowledged"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "the CSV is empty"),
        ("offset_s,kind,txt\n1,action,x\n", "line 1: unknown column 'txt'"),
        ("kind,text\naction,x\n", "line 1: no time column"),
        ("offset_s,text\n1,a\n2,b\n", "lines 2–3: offset_s needs --start"),
        ("time,text\n2026-11-27 14:00,x\n", "line 2: time '2026-11-27 14:00' has no zone"),
        ("offset_s,text\nabc,x\n", "line 2: offset_s 'abc' is not a number"),
        ("offset_s,text\n1,x,extra\n", "line 2: 3 fields, the header has 2"),
        ("offset_s,text\n1,   \n", "line 2: the note is empty"),
        ('offset_s,text\n1,"never closed\n', "not valid CSV"),
        (
            "offset_s,milestone,text\n1,detected,a\n\n2,detected,b\n",
            "line 4: milestone detected already set on line 2",
        ),
    ],
)
def test_clear_errors(text: str, fragment: str) -> None:
    with pytest.raises(ImportFailed) as failed:
        parse_csv(text, start=START if "--start" not in fragment else None)
    assert any(fragment in problem for problem in failed.value.problems), failed.value.problems


def test_multiline_text_keeps_the_line_it_starts_on() -> None:
    text = 'offset_s,text\n1,"two\nlines"\n2,bad,field\n'
    with pytest.raises(ImportFailed) as failed:
        parse_csv(text, start=START)
    assert failed.value.problems == ["line 4: 3 fields, the header has 2"]


def test_not_utf8_names_the_line() -> None:
    with pytest.raises(ImportFailed) as failed:
        read_csv(b"offset_s,text\n1,ok\n2,caf\xe9\n", start=START)
    assert failed.value.problems == ["line 3: not UTF-8 text (save the CSV as UTF-8)"]


def test_a_milestone_already_set_is_moved_and_the_summary_says_so(
    incident_file: IncidentFile,
) -> None:
    incident_file.set_milestone(Milestone.DETECTED, START + timedelta(seconds=300))
    summary = store(incident_file, parse_csv("offset_s,milestone,text\n262,detected,Alert\n",
                                             start=START))  # fmt: skip
    assert summary.notes == [
        "milestone detected moved from 2026-11-27 14:05:00 UTC to 2026-11-27 14:04:22 UTC "
        "(the earlier time stays in its history)"
    ]
    assert incident_file.milestone_history(Milestone.DETECTED) == [
        START + timedelta(seconds=300),
        START + timedelta(seconds=262),
    ]


def test_blank_lines_before_the_header_count() -> None:
    with pytest.raises(ImportFailed) as failed:
        parse_csv("\n\nofset_s,text\n1,x\n", start=START)
    assert failed.value.problems[0].startswith("line 3: unknown column 'ofset_s'")


def test_the_import_gives_the_record_the_keys_would_have(tmp_path: Path, clock) -> None:
    """Importing the scenario gives the record a recorder pressing the keys would have made
    (so the same report): the same entries, milestones and the entries marking them."""
    import csv

    pressed = IncidentFile.create(tmp_path / "pressed.incident", "Checkout outage", clock=clock)
    imported = IncidentFile.create(tmp_path / "imported.incident", "Checkout outage", clock=clock)
    with SCENARIO.open(newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            when = START + timedelta(seconds=int(row["offset_s"]))
            kind, public = EntryKind(row["kind"]), row["visibility"] == "public"
            if row["milestone"]:
                pressed.record_milestone(
                    Milestone(row["milestone"]), when, text=row["text"], kind=kind, public=public
                )
            else:
                pressed.add_note(row["text"], kind, when, public=public)
    store(imported, read_csv(SCENARIO.read_bytes(), start=START))

    def seen(handle: IncidentFile) -> tuple[object, ...]:
        record = handle.record()
        entries = [(e.kind, e.text, e.occurred_at, e.public, e.hidden) for e in record.entries]
        texts = {e.id: e.text for e in record.entries}
        marks = {texts[i]: m for i, m in record.milestone_entries.items()}
        return entries, record.milestones, marks

    assert seen(imported) == seen(pressed)
    pressed.close()
    imported.close()


def test_a_start_in_the_future_is_refused_in_one_line(incident_file: IncidentFile) -> None:
    now = START - timedelta(hours=3, minutes=30)  # the trial: --start 3.5 h ahead of now
    with pytest.raises(ImportFailed) as failed:
        store(incident_file, read_csv(SCENARIO.read_bytes(), start=START, now=now))
    assert failed.value.problems == [
        "lines 2–14: 13 rows, the first at 2026-11-27 14:00:00 UTC, are in the future "
        "(--start 2026-11-27 14:00:00 UTC is later than now): an entry records what has "
        "happened (now 2026-11-27 10:30:00 UTC)"
    ]
    assert incident_file.entry_count() == 0


def test_one_future_row_is_named_and_a_minute_of_clock_skew_is_allowed() -> None:
    now = START
    text = (
        "occurred_at,text\n"
        "2026-11-27T13:00:00Z,fine\n"
        "2026-11-27T14:00:59Z,within a minute\n"
        "2026-11-27T14:05:00Z,later\n"
    )
    with pytest.raises(ImportFailed) as failed:
        parse_csv(text, now=now)
    assert failed.value.problems == [
        "line 4: 2026-11-27 14:05:00 UTC is in the future: an entry records what has happened "
        "(now 2026-11-27 14:00:00 UTC)"
    ]
    assert len(parse_csv(text.rsplit("2026-11-27T14:05", 1)[0], now=now)) == 2


def test_the_missing_start_example_is_an_hour_before_now() -> None:
    with pytest.raises(ImportFailed) as failed:
        parse_csv("offset_s,text\n1,a\n", now=datetime(2026, 11, 27, 10, 52, tzinfo=UTC))
    assert failed.value.problems == [
        "line 2: offset_s needs --start WHEN (the moment offset 0 stands for, e.g. "
        "--start 2026-11-27T09:00:00Z)"
    ]

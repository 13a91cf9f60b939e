"""`milestone`, `note --public` and `review`, run as a user runs them (a real process)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scenario_incident import START, record_scenario

from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
        timeout=60,
    )


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    path = tmp_path / "checkout.incident"
    IncidentFile.create(path, "Checkout outage").close()
    return path


@pytest.mark.parametrize("command", ["milestone", "review"])
def test_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert f"usage: incident-recorder {command}" in result.stdout


def test_milestone_at_a_time_with_an_offset_keeps_it_and_prints_the_metric(
    incident: Path,
) -> None:
    first = run("milestone", str(incident), "impact-started", "--at", "2026-11-26T14:00:00Z")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(
        "impact-started at 14:00:00 (UTC 14:00:00) — the metrics are measured from here"
    )
    result = run("milestone", str(incident), "detected", "--at", "2026-11-26T15:04:22+01:00")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith("detected at 15:04:22 (UTC 14:04:22) — time to detect 4 min 22 s")
    with IncidentFile.open(incident, readonly=True) as handle:
        assert handle.milestones()[Milestone.DETECTED] == datetime(
            2026, 11, 26, 14, 4, 22, tzinfo=UTC
        )
        (entry_id,) = [i for i, m in handle.milestone_entries().items() if m is Milestone.DETECTED]
        entry = handle.entry(entry_id)
    assert (entry.text, entry.occurred_offset, entry.source) == ("Detected", "+01:00", "cli")
    assert f"(entry {entry_id})" in line


def test_milestone_now_with_a_note_and_a_missing_impact_start(incident: Path) -> None:
    before = datetime.now(UTC)
    result = run("milestone", str(incident), "ack", "--note", "On-call acknowledges")
    assert result.returncode == 0, result.stderr
    assert "acknowledged at " in result.stdout
    assert "time to acknowledge not recorded: no “impact started” milestone" in result.stdout
    with IncidentFile.open(incident, readonly=True) as handle:
        when = handle.milestones()[Milestone.ACKNOWLEDGED]
        texts = [entry.text for entry in handle.entries()]
    assert when is not None and before - timedelta(seconds=1) <= when <= datetime.now(UTC)
    assert texts == ["On-call acknowledges"]


def test_milestone_relative_time(incident: Path) -> None:
    before = datetime.now(UTC)
    result = run("milestone", str(incident), "mitigated", "--at", "-5m")
    assert result.returncode == 0, result.stderr
    with IncidentFile.open(incident, readonly=True) as handle:
        when = handle.milestones()[Milestone.MITIGATED]
    assert when is not None
    assert abs((before - timedelta(minutes=5)) - when) < timedelta(seconds=30)


def test_milestone_clear_keeps_the_history(incident: Path) -> None:
    assert (
        run("milestone", str(incident), "resolved", "--at", "2026-11-26T14:30:02Z").returncode == 0
    )
    result = run("milestone", str(incident), "resolved", "--clear")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "resolved cleared (it was 14:30:02, UTC 14:30:02); its timeline entry stays"
    )
    with IncidentFile.open(incident, readonly=True) as handle:
        assert handle.milestones()[Milestone.RESOLVED] is None
        assert handle.milestone_history(Milestone.RESOLVED)[0] is not None
        assert len(handle.entries()) == 1
    again = run("milestone", str(incident), "resolved", "--clear")
    assert (again.returncode, again.stdout.strip()) == (0, "resolved is not set: nothing to clear")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["fixed"],
            "unknown milestone 'fixed' (one of: impact-started, detected, acknowledged, "
            "mitigated, resolved)",
        ),
        (["detected", "--at", "tomorrow"], "cannot read time 'tomorrow'"),
        (["detected", "--at", "2099-01-01T00:00:00Z"], "is in the future"),
        (["detected", "--clear", "--at", "-5m"], "--clear takes no --at or --note"),
    ],
)
def test_milestone_usage_errors_exit_2(incident: Path, args: list[str], fragment: str) -> None:
    result = run("milestone", str(incident), *args)
    assert result.returncode == 2, result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    with IncidentFile.open(incident, readonly=True) as handle:
        assert handle.entries() == []


def test_milestone_on_a_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    result = run("milestone", str(tmp_path / "nope.incident"), "detected")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("incident-recorder: error: ")


def test_note_public(incident: Path) -> None:
    public = run("note", str(incident), "Status page updated", "--public", "--kind", "comm")
    internal = run("note", str(incident), "Checking the pool")
    assert public.returncode == internal.returncode == 0
    assert "(communication, public)" in public.stdout
    assert "(observation)" in internal.stdout
    with IncidentFile.open(incident, readonly=True) as handle:
        assert [(e.text, e.public) for e in handle.entries()] == [
            ("Status page updated", True),
            ("Checking the pool", False),
        ]


def review_lines(path: Path, *args: str) -> tuple[int, list[str], str]:
    result = run("review", str(path), *args)
    return result.returncode, result.stdout.splitlines(), result.stderr


def test_review_of_the_scenario_finds_no_blame(tmp_path: Path) -> None:
    path = record_scenario(tmp_path / "checkout.incident")
    code, lines, stderr = review_lines(path)
    assert (code, stderr) == (0, "")
    assert lines == [
        # the scenario has public updates but no public text yet: no prompt stands in for it
        "warning: the “Public summary” section is empty: customers read none of your words "
        "there (the public report prints no writing prompt; write it in the report window)",
        "warning: the “Public: what we are doing about it” section is empty: customers read none "
        "of your words there (the public report prints no writing prompt; write it in the report "
        "window)",
        "warning: 14:05:41 1 entry is still an observation: give it the kind it is (Ctrl+1…9), "
        "so it lands in the right report section: entry 4 (14:05:41)",
        "warning: 14:13:20 nothing recorded for 16 min 42 s, 14:13:20–14:30:02 UTC: add what "
        "happened then, or a note that it was quiet",
        "info: no action items: what will the team do so this does not happen again, or hurts "
        "less?",
    ]


def test_review_names_the_blaming_sentence_with_a_hint_and_never_blocks(tmp_path: Path) -> None:
    path = record_scenario(
        tmp_path / "checkout.incident", extra=((1000, "Dana forgot to renew the cert"),)
    )
    code, lines, _ = review_lines(path)
    assert code == 0
    at = (START + timedelta(seconds=1000)).strftime("%H:%M:%S")
    assert lines[0] == (
        f"warning: {at} blame-oriented language in entry 14: “forgot” (Dana as the subject of a "
        "failure) — “Dana forgot to renew the cert” Hint: Describe the condition that allowed "
        "it: what made the mistake easy to make and hard to notice?"
    )
    assert sum("blame-oriented" in line for line in lines) == 1
    strict, _, stderr = review_lines(path, "--strict")
    assert strict == 1
    # blame, the observation, and the two empty public sections (the scenario has public updates)
    assert stderr.strip() == "incident-recorder: 4 warning(s) (--strict)"


def test_review_uses_a_teams_word_list_and_reports_its_bad_lines(tmp_path: Path) -> None:
    team = Path(os.environ["INCIDENT_RECORDER_DATA_DIR"]) / "review"
    team.mkdir(parents=True)
    (team / "ours.txt").write_text("rookie mistake\tSay what made it easy.\n\tbad\n", "utf-8")
    path = record_scenario(tmp_path / "checkout.incident", extra=((1000, "A rookie mistake."),))
    code, lines, stderr = review_lines(path)
    assert code == 0
    assert stderr.strip() == (
        "incident-recorder: warning: ours.txt line 2: no word before the tab ('bad'); skipped"
    )
    assert any("“rookie mistake”" in line and "Say what made it easy." in line for line in lines)


def test_review_of_a_clean_record_says_so(incident: Path) -> None:
    with IncidentFile.open(incident) as handle:
        for minute, milestone in enumerate(Milestone):
            handle.record_milestone(milestone, START + timedelta(minutes=minute))
    code, lines, _ = review_lines(incident, "--strict")
    # acknowledged is an observation-kind milestone entry: it does not count as unclassified
    assert code == 0
    assert lines == [
        "info: no action items: what will the team do so this does not happen again, or hurts less?"
    ]


def test_review_flags_detected_after_acknowledged(incident: Path) -> None:
    for name, when in (("ack", "2026-11-26T14:03:00Z"), ("detected", "2026-11-26T14:05:00Z")):
        assert run("milestone", str(incident), name, "--at", when).returncode == 0
    result = run("review", str(incident), "--strict")
    assert result.returncode == 1
    (line,) = [line for line in result.stdout.splitlines() if "is before" in line]
    assert line.startswith(
        "warning: 14:03:00 “Acknowledged” (14:03:00) is before “detected” (14:05:00): "
    )
    assert line.endswith("Hint: correct it in Incident ▸ Details, or `milestone detected --at …`")


def test_a_milestone_out_of_order_is_said_the_moment_it_is_set(incident: Path) -> None:
    """Acknowledged set after resolved, at a time before detected: said at once on stderr
    (not only by a later `review`), and saved all the same (the record keeps what was said)."""
    for name, at in (("detected", "14:05:00"), ("resolved", "14:30:00")):
        done = run("milestone", str(incident), name, "--at", f"2026-11-26T{at}Z")
        assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
    late = run("milestone", str(incident), "acknowledged", "--at", "2026-11-26T14:40:00Z")
    assert late.returncode == 0, late.stderr
    assert "warning: Acknowledged is after resolved (14:30:00" in late.stderr
    early = run("milestone", str(incident), "mitigated", "--at", "2026-11-26T14:01:00Z")
    assert early.returncode == 0, early.stderr
    assert "warning: Mitigated is before detected (14:05:00" in early.stderr
    assert "before acknowledged (14:40:00" in early.stderr
    assert "before resolved" not in early.stderr and "after resolved" not in early.stderr
    with IncidentFile.open(incident, readonly=True) as handle:
        assert handle.milestones()[Milestone.ACKNOWLEDGED] == datetime(
            2026, 11, 26, 14, 40, tzinfo=UTC
        )

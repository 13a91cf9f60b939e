"""`incident-recorder import` and `merge`, run as a user runs them (a real process)."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

from test_cli import run, sha

from incident_recorder.domain.milestones import Metric
from incident_recorder.storage import IncidentFile

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "data" / "checkout-outage.csv"
sys.path.insert(0, str(ROOT / "importers"))
from importer_support import START, ts, write_slack  # noqa: E402

PAST = START - timedelta(days=7)
"""The scenario a week back: these imports run with the real clock, and an import refuses
entries in the future (a --start later than now)."""


def new(path: Path) -> Path:
    assert run("new", str(path), "--title", "Checkout outage").returncode == 0
    return path


def test_import_the_scenario_csv(tmp_path: Path) -> None:
    target = new(tmp_path / "a.incident")
    result = run("import", str(target), str(SCENARIO), "--start", "2026-11-20T14:00:00Z")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "imported 13 entries (5 milestones, 3 public)\n"
    with IncidentFile.open(target, readonly=True) as handle:
        assert handle.entry_count() == 13
        assert handle.milestones().metric(Metric.TIME_TO_RESOLVE) == timedelta(seconds=1802)


def test_bad_rows_one_line_each_exit_1_nothing_imported(tmp_path: Path) -> None:
    target = new(tmp_path / "a.incident")
    source = tmp_path / "timeline.csv"
    source.write_text(
        "offset_s,kind,text\n0,impact,fine\n5,guess,bad kind\n9,action,fine\nx,action,bad\n",
        encoding="utf-8",
    )
    before = sha(target)
    result = run("import", str(target), str(source), "--start", "2026-11-20T14:00:00Z")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("incident-recorder: error: timeline.csv: line 3: unknown kind")
    assert lines[1].startswith("incident-recorder: error: timeline.csv: line 5: offset_s 'x'")
    assert lines[2] == "incident-recorder: error: nothing was imported (2 problems)"
    assert len(lines) == 3 and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert sha(target) == before
    with IncidentFile.open(target, readonly=True) as handle:
        assert handle.entry_count() == 0


def test_offsets_without_start(tmp_path: Path) -> None:
    result = run("import", str(new(tmp_path / "a.incident")), str(SCENARIO))
    assert result.returncode == 1
    assert "lines 2–14: offset_s needs --start WHEN" in result.stderr


def test_import_slack_window(tmp_path: Path) -> None:
    target = new(tmp_path / "a.incident")
    folder = write_slack(
        tmp_path / "export",
        "inc-1",
        {
            "2026-11-20": [
                {"ts": ts(PAST - timedelta(minutes=5)), "user": "U1", "text": "before"},
                {"ts": ts(PAST), "user": "U2", "subtype": "channel_join", "text": "joined"},
                {"ts": ts(PAST + timedelta(minutes=1)), "user": "U1", "text": "<@U2> look"},
                {"ts": ts(PAST + timedelta(hours=2)), "user": "U2", "text": "after"},
            ]
        },
    )
    result = run(
        "import", str(target), str(folder),
        "--since", "2026-11-20T14:00:00Z", "--until", "2026-11-20T15:00:00Z",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "imported 1 entry (0 milestones, 0 public)",
        "skipped 3 messages: 1 channel_join, 2 outside the window",
    ]
    with IncidentFile.open(target, readonly=True) as handle:
        (entry,) = handle.entries()
    assert (entry.text, entry.author, entry.source) == ("@Bob Brown look", "Alice Adams",
                                                        "import:slack:inc-1")  # fmt: skip


def test_unknown_format_and_missing_source(tmp_path: Path) -> None:
    target = new(tmp_path / "a.incident")
    odd = tmp_path / "notes.txt"
    odd.write_text("x", encoding="utf-8")
    result = run("import", str(target), str(odd))
    assert result.returncode == 1 and "give --format csv, json or slack" in result.stderr
    result = run("import", str(target), str(tmp_path / "gone.csv"))
    assert result.returncode == 1 and "no such file or folder" in result.stderr
    result = run("import", str(target), str(odd), "--format", "pdf")
    assert result.returncode == 2
    result = run("import", str(target), str(SCENARIO), "--since", "2026-11-20T14:00:00Z")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("--since does not apply to a csv import")


def test_merge(tmp_path: Path) -> None:
    a, b = new(tmp_path / "alice.incident"), new(tmp_path / "bob.incident")
    for path, start in ((a, "2026-11-20T14:00:00Z"), (b, "2026-11-20T14:00:00.400Z")):
        assert run("import", str(path), str(SCENARIO), "--start", start).returncode == 0
    with IncidentFile.open(b) as handle:
        handle.add_note("Only Bob saw this", occurred_at=PAST + timedelta(minutes=20))
    before = sha(a), sha(b)
    out = tmp_path / "merged.incident"
    result = run("merge", str(a), str(b), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "merged 14 entries (13 recorded in both kept once, 0 captures)"
    )
    assert result.stdout.splitlines()[-1] == f"Wrote {out}"
    assert (sha(a), sha(b)) == before
    exported = tmp_path / "export"
    assert run("export", str(out), "--format", "json", "--out", str(exported)).returncode == 0
    document = json.loads((exported / "incident.json").read_text(encoding="utf-8"))
    assert len(document["entries"]) == 14
    with IncidentFile.open(out, readonly=True) as handle:
        authors = {entry.text: entry.author for entry in handle.entries()}
    assert authors["Only Bob saw this"] == "bob"
    assert authors["Config push 7731 reverted on all regions"] == "alice, bob"

    again = run("merge", str(a), str(b), "--out", str(out))
    assert again.returncode == 1
    assert (
        again.stderr.strip()
        == f"incident-recorder: error: {out} already exists: merge into a new file"
    )


def test_importing_twice_says_the_entries_were_there(tmp_path: Path) -> None:
    target = new(tmp_path / "a.incident")
    args = ("import", str(target), str(SCENARIO), "--start", "2026-11-20T14:00:00Z")
    assert run(*args).returncode == 0
    again = run(*args)
    assert again.returncode == 0
    assert again.stdout.splitlines()[-1] == (
        "13 of the imported entries read like entries the incident already had (same second, "
        "kind and text): if this was imported before, hide the copies"
    )


def test_help() -> None:
    for command in ("import", "merge"):
        result = run(command, "--help")
        assert result.returncode == 0
        assert f"usage: incident-recorder {command}" in result.stdout


def test_a_start_in_the_future_imports_nothing_and_says_so_in_one_line(tmp_path: Path) -> None:
    """The user trial: --start 3.5 h ahead imported 13 entries silently."""
    from datetime import UTC, datetime

    target = new(tmp_path / "a.incident")
    before = sha(target)
    ahead = (datetime.now(UTC) + timedelta(hours=3, minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = run("import", str(target), str(SCENARIO), "--start", ahead)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith(
        "incident-recorder: error: checkout-outage.csv: lines 2–14: 13 rows, the first at "
    )
    assert "are in the future (--start " in lines[0] and "is later than now)" in lines[0]
    assert lines[1] == "incident-recorder: error: nothing was imported (1 problem)"
    assert sha(target) == before


def _titled(path: Path, title: str, *at: str) -> Path:
    assert run("new", str(path), "--title", title).returncode == 0
    for when in at:
        assert run("note", str(path), f"noted at {when}", "--at", when).returncode == 0
    return path


def test_merging_two_different_incidents_is_refused_unless_meant(tmp_path: Path) -> None:
    """Different titles, timelines a week apart: refused in one line naming both and the way
    out; nothing written. --different-incidents merges them and says so."""
    a = _titled(tmp_path / "checkout.incident", "Checkout outage", "2026-11-27T14:00:00Z")
    b = _titled(tmp_path / "search.incident", "Search latency", "2026-11-20T09:00:00Z")
    out = tmp_path / "merged.incident"
    refused = run("merge", str(a), str(b), "--out", str(out))
    assert refused.returncode == 1 and refused.stdout == ""
    (line,) = refused.stderr.splitlines()
    assert line.startswith("incident-recorder: error: these look like two different incidents: ")
    assert "'Checkout outage'" in line and "'Search latency'" in line
    assert "nothing was merged" in line and "--different-incidents" in line
    assert not out.exists()
    meant = run("merge", str(a), str(b), "--out", str(out), "--different-incidents")
    assert meant.returncode == 0, meant.stderr
    assert "merged as asked (--different-incidents)" in meant.stdout
    with IncidentFile.open(out, readonly=True) as handle:
        assert handle.entry_count() == 2


def test_one_incident_under_two_titles_is_merged_with_a_note(tmp_path: Path) -> None:
    a = _titled(tmp_path / "alice.incident", "Checkout outage", "2026-11-27T14:00:00Z")
    b = _titled(tmp_path / "bob.incident", "checkout down", "2026-11-27T14:20:00Z")
    same = _titled(tmp_path / "carol.incident", "checkout OUTAGE!", "2026-11-29T09:00:00Z")
    out = tmp_path / "merged.incident"
    result = run("merge", str(a), str(b), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "note: the titles differ (alice.incident is 'Checkout outage', bob.incident is " in (
        result.stdout
    )
    result = run("merge", str(a), str(same), "--out", str(tmp_path / "m2.incident"))
    assert result.returncode == 0 and "note:" not in result.stdout  # the same title: no word

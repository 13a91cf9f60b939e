"""Exports survive any stored time: a record holding an entry dated 9999 and one dated year 1.

One webhook event dated 9999 used to break every Markdown, HTML and PDF export (the timeline
picture padded its span past datetime.max; local times near either end overflowed). Each
export here is the real command line, in a zone that takes 9999-12-31 past the end
(Pacific/Kiritimati, UTC+14) and one that takes year 1 before the start (America/New_York,
local mean time −04:56), and must show both times.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from incident_recorder.domain import EntryKind
from incident_recorder.domain.cadence import next_update_due
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.times import from_iso
from incident_recorder.report import timeline_axis
from incident_recorder.storage import IncidentFile

LAST = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
FIRST = datetime(1, 1, 1, tzinfo=UTC)
ZONES = ["Pacific/Kiritimati", "America/New_York", "UTC"]


def run(*args: str, tz: str = "UTC") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TZ=tz, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def extreme(tmp_path: Path) -> Path:
    path = tmp_path / "extreme.incident"
    with IncidentFile.create(path, "Dated at both ends") as handle:
        normal = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
        handle.add_note("an ordinary note", EntryKind.OBSERVATION, normal, public=True)
        handle.add_note("webhook dated 9999", EntryKind.DETECTION, LAST, public=True)
        handle.add_note("imported dated year 1", EntryKind.IMPACT, FIRST, public=True)
        handle.set_milestone(Milestone.IMPACT_STARTED, FIRST)
        handle.set_milestone(Milestone.DETECTED, LAST)
        handle.set_milestone(Milestone.RESOLVED, LAST)
    return path


@pytest.mark.parametrize("zone", ZONES)
def test_every_export_format_survives_times_at_both_ends(
    extreme: Path, tmp_path: Path, zone: str
) -> None:
    for fmt in ("markdown", "html", "pdf", "json"):
        out = tmp_path / f"out-{fmt}"
        result = run("export", str(extreme), "--format", fmt, "--tz", zone, "--out", str(out))
        assert result.returncode == 0, (fmt, result.stderr)
        if fmt == "json":
            text = (out / "incident.json").read_text("utf-8")
            assert "9999-12-31T23:59:59.999" in text and "0001-01-01T00:00:00.000" in text
            json.loads(text)
            continue
        if fmt == "pdf":
            if shutil.which("pdftotext") is None:
                pytest.skip("pdftotext (poppler-utils) is not installed")
            pdf = out / "report.pdf"
            text = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
        else:
            text = (out / ("report.md" if fmt == "markdown" else "report.html")).read_text("utf-8")
        # The UTC form of each time is always there (the local one too, where it exists)
        assert "9999-12-31 23:59:59" in text, fmt
        assert "0001-01-01 00:00:00" in text, fmt
        assert "webhook dated 9999" in text and "imported dated year 1" in text, fmt
        assert (out / "images" / "timeline.svg").is_file(), fmt


def test_public_report_and_status_page_survive_times_at_both_ends(
    extreme: Path, tmp_path: Path
) -> None:
    for zone in ZONES[:2]:
        out = tmp_path / f"public-{zone.replace('/', '-')}"
        result = run("export", str(extreme), "--public", "--tz", zone, "--out", str(out), tz=zone)
        assert result.returncode == 0, result.stderr
        assert "9999-12-31" in (out / "report-public.md").read_text("utf-8")
        page = tmp_path / f"status-{zone.replace('/', '-')}"
        result = run("status-page", str(extreme), "--out", str(page), tz=zone)
        assert result.returncode == 0, result.stderr
        html = (page / "index.html").read_text("utf-8")
        assert "9999" in html and "0001" in html
        assert "0001-01-01T00:00:00Z" in (page / "feed.xml").read_text("utf-8")


def test_review_and_note_survive_times_at_both_ends(extreme: Path) -> None:
    for zone in ZONES:
        result = run("review", str(extreme), tz=zone)
        assert "unexpected" not in result.stderr, (zone, result.stderr)
    result = run(
        "note", str(extreme), "noted at year 1", "--at", "0001-01-01T00:00:00Z", tz=ZONES[1]
    )
    assert result.returncode == 0, result.stderr
    assert "0001-01-01" in result.stdout


def test_timeline_axis_spans_ten_thousand_years_with_a_few_ticks() -> None:
    start, end = FIRST, LAST
    for zone_name in ZONES:
        ticks = timeline_axis.ticks(start, end, ZoneInfo(zone_name), 600.0)
        assert 2 <= len(ticks) <= 12, (zone_name, len(ticks))
    reached = Milestones({Milestone.IMPACT_STARTED: FIRST, Milestone.RESOLVED: LAST})
    assert timeline_axis.span([], reached) == (FIRST, datetime.max.replace(tzinfo=UTC))


def test_the_next_update_due_after_9999_is_held_at_the_end() -> None:
    due = next_update_due(
        severity="SEV1", cadence={"SEV1": 30}, last_update=None, started=LAST, resolved=False
    )
    assert due is not None and due >= LAST - timedelta(seconds=1)


def test_a_stored_time_whose_offset_takes_it_past_either_end_is_read_and_exported(
    extreme: Path, tmp_path: Path
) -> None:
    """Text another program wrote into the file ('0001-01-01T00:30:00+01:00' is before year 1 in
    UTC) is read as the first or last moment there is, not an OverflowError on every read."""
    assert from_iso("0001-01-01T00:30:00+01:00") == datetime.min.replace(tzinfo=UTC)
    assert from_iso("9999-12-31T23:00:00-05:00") == datetime.max.replace(tzinfo=UTC)
    with sqlite3.connect(extreme) as conn:
        names = [row[1] for row in conn.execute("PRAGMA table_info(entries)")]
        columns = ", ".join(n for n in names if n not in ("id", "occurred_at"))
        for odd in ("0001-01-01T00:30:00+01:00", "9999-12-31T23:00:00-05:00"):
            conn.execute(
                f"INSERT INTO entries ({columns}, occurred_at) "  # noqa: S608 (our own names)
                f"SELECT {columns}, ? FROM entries WHERE id = 1",
                (odd,),
            )
    conn.close()
    out = tmp_path / "odd"
    result = run("export", str(extreme), "--tz", ZONES[0], "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "report.md").read_text("utf-8").count("an ordinary note") == 3

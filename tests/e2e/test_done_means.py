"""Issue 5, "Done means", with the real CLI in real processes: the scenario CSV imported into an
empty incident reproduces the report issue's metrics and public report, and the status page
built from it lists the three public updates newest first with a feed a reader accepts.

(The GUI half — an Alertmanager alert posted over HTTP showing in the timeline within a
second — is tests/ui/test_webhook_toggle.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "checkout-outage.csv"
PUBLIC = [  # the scenario's public rows, in time order (offsets 405, 800, 1802 s)
    "We are investigating elevated errors when placing orders.",
    "A fix has been implemented and we are monitoring the results.",
    "This incident has been resolved.",
]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_the_scenario_imports_reports_and_publishes(tmp_path: Path) -> None:
    incident = tmp_path / "checkout.incident"
    cli("new", str(incident), "--title", "Checkout outage")
    imported = cli("import", str(incident), str(SCENARIO), "--start", "2026-11-20T14:00:00Z")
    assert imported.stdout.startswith("imported 13 entries")

    cli("export", str(incident), "--format", "json", "--out", str(tmp_path / "internal"))
    document = json.loads((tmp_path / "internal" / "incident.json").read_text(encoding="utf-8"))
    assert document["metrics"] == {
        "time_to_detect": 262,
        "time_to_acknowledge": 300,
        "time_to_mitigate": 745,
        "time_to_resolve": 1802,
    }
    assert len(document["entries"]) == 13

    cli("export", str(incident), "--format", "json", "--public", "--out", str(tmp_path / "pub"))
    public = json.loads((tmp_path / "pub" / "incident-public.json").read_text(encoding="utf-8"))
    assert len(public["entries"]) == 3
    assert all(p in e["text"] for e, p in zip(public["entries"], PUBLIC, strict=True))

    cli("export", str(incident), "--public", "--out", str(tmp_path / "pub-md"))
    report = (tmp_path / "pub-md" / "report-public.md").read_text(encoding="utf-8")
    assert all(text in report for text in PUBLIC)
    assert not [word for word in ("PagerDuty", "Rolled", "Hypothesis") if word in report]

    site = tmp_path / "site"
    cli(
        "status-page", str(incident), "--out", str(site), "--base-url", "https://status.example.com"
    )
    page = (site / "index.html").read_text(encoding="utf-8")
    positions = [page.index(text) for text in PUBLIC]
    assert positions == sorted(positions, reverse=True)  # newest first
    internal = ("PagerDuty", "DB connections", "pgbouncer", "Rolled back")
    assert not [word for word in internal if word in page]

    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    summaries = [e.summary.removeprefix("Status page: ") for e in parsed.entries]
    assert len(summaries) == 3
    assert all(s.startswith(p) for s, p in zip(summaries, PUBLIC[::-1], strict=True))
    updated = [e.updated_parsed for e in parsed.entries]
    assert updated == sorted(updated, reverse=True)

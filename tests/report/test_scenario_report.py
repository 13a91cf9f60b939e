"""Done means: the checkout-outage scenario, recorded into a real file and exported with the
real CLI, gives metrics right to the second, and a public report of the three public entries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from report_helpers import cell_text, parse, section_rows
from scenario import INTERNAL_SERVICE, ROLES, record_scenario, rows

from incident_recorder.storage import IncidentFile

PUBLIC_TEXTS = [row["text"] for row in rows() if row["visibility"] == "public"]
INTERNAL_TEXTS = [row["text"] for row in rows() if row["visibility"] != "public"]


def export(path: Path, out: Path, *args: str) -> None:
    env = dict(os.environ, TZ="Europe/Paris")
    result = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "export", str(path), "--out", str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote ")


@pytest.fixture
def scenario_path(tmp_path: Path) -> Path:
    path = tmp_path / "checkout.incident"
    with IncidentFile.create(path, "Checkout outage") as handle:
        record_scenario(handle, author="Sam Okafor")
        handle.save_report_texts({"public_summary": "Some orders could not be placed."})
    return path


def test_the_scenario_metrics_are_right_to_the_second(scenario_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "internal"
    export(scenario_path, out, "--format", "json")
    document = json.loads((out / "incident.json").read_text(encoding="utf-8"))
    assert document["metrics"] == {
        "time_to_detect": 262,
        "time_to_acknowledge": 300,
        "time_to_mitigate": 745,
        "time_to_resolve": 1802,
    }
    assert document["milestones"]["detected"] == "2026-11-27T14:04:22.000+00:00"
    assert len(document["entries"]) == len(rows())
    assert sorted(e["milestone"] for e in document["entries"] if e["milestone"]) == sorted(
        ["impact_started", "detected", "acknowledged", "mitigated", "resolved"]
    )
    assert {e["kind"] for e in document["entries"]} >= {"mitigation", "impact", "cause"}

    export(scenario_path, out)
    text = (out / "report.md").read_text(encoding="utf-8")
    metrics = {cell_text(row[0]): cell_text(row[1]) for row in section_rows(parse(text), "Summary")}
    assert metrics == {
        "Time to detect": "00:04:22",
        "Time to acknowledge": "00:05:00",
        "Time to mitigate": "00:12:25",
        "Time to resolve": "00:30:02",
    }
    assert "(time since impact started)" in text and "CET" in text
    for entry in INTERNAL_TEXTS[:3]:
        assert entry[:30] in text


def test_the_public_report_holds_only_the_three_public_entries(
    scenario_path: Path, tmp_path: Path
) -> None:
    assert len(PUBLIC_TEXTS) == 3
    out = tmp_path / "public"
    export(scenario_path, out, "--public")
    export(scenario_path, out, "--public", "--format", "json")
    text = (out / "report-public.md").read_text(encoding="utf-8")
    document = json.loads((out / "incident-public.json").read_text(encoding="utf-8"))
    rows_ = section_rows(parse(text), "Updates")
    assert [cell_text(row[-1]).split(": ", 1)[-1] for row in rows_][:2] == [
        t.split(": ", 1)[-1] for t in PUBLIC_TEXTS[:2]
    ]
    assert len(rows_) == 3
    assert [e["text"] for e in document["entries"]] == PUBLIC_TEXTS
    assert "Some orders could not be placed." in text
    for content in (text, json.dumps(document, ensure_ascii=False)):
        for internal in INTERNAL_TEXTS:
            assert internal not in content
        for name in [*ROLES.values(), INTERNAL_SERVICE, "Sam Okafor"]:
            assert name not in content

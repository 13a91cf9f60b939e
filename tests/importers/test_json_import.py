"""Our own JSON export read back: a round trip keeps every entry field; captures are checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from importer_support import START

from incident_recorder.domain import EntryKind, NewCapture
from incident_recorder.domain.milestones import Milestone
from incident_recorder.importers import ImportFailed, store
from incident_recorder.importers.json_import import parse_document, read_json
from incident_recorder.storage import IncidentFile

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))
from storage_support import new_capture  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def entry_fields(document: dict[str, Any]) -> list[dict[str, Any]]:
    """What a round trip must keep of each entry (ids, file names and source may change; the
    global ids too: the entries imported are new rows of another record)."""
    fields = []
    for entry in document["entries"]:
        kept = {k: v for k, v in entry.items() if k not in ("id", "uid", "source", "capture")}
        capture = entry["capture"]
        if capture is not None:
            kept["capture"] = {
                k: v for k, v in capture.items() if k not in ("id", "uid", "file", "original_file")
            }
        fields.append(kept)
    return fields


def recorded(path: Path) -> None:
    """An incident a week before the scenario: the CLI imports it with the real clock, and an
    import refuses entries in the future."""
    begin = START - timedelta(days=7)
    with IncidentFile.create(path, "Checkout outage") as handle:
        handle.add_note("Error rate climbing", EntryKind.IMPACT, begin)
        handle.add_note("Pager fired", EntryKind.DETECTION, begin + timedelta(seconds=262))
        handle.add_capture(new_capture(), begin + timedelta(seconds=300), text="Grafana")
        blank = handle.add_capture(new_capture(32, 24, None), begin + timedelta(seconds=301))
        wrong = handle.add_note("typo'd note", EntryKind.ACTION, begin + timedelta(seconds=400))
        handle.revise(wrong.id, hidden=True)
        handle.add_note("Status page: investigating", EntryKind.COMMUNICATION,
                        begin + timedelta(seconds=405), public=True, author="Alice")  # fmt: skip
        assert blank.text == ""


def test_export_import_export_round_trip(tmp_path: Path) -> None:
    recorded(tmp_path / "a.incident")
    assert cli("export", str(tmp_path / "a.incident"), "--format", "json",
               "--out", str(tmp_path / "one")).returncode == 0  # fmt: skip
    assert cli("new", str(tmp_path / "b.incident"), "--title", "Copy").returncode == 0
    result = cli("import", str(tmp_path / "b.incident"), str(tmp_path / "one" / "incident.json"))
    assert result.returncode == 0, result.stderr
    one = json.loads((tmp_path / "one" / "incident.json").read_text(encoding="utf-8"))
    # The export gains public / author fields in the report issue: both shapes round-trip.
    public = sum(1 for entry in one["entries"] if entry.get("public"))
    assert result.stdout.splitlines()[0] == f"imported 6 entries (0 milestones, {public} public)"
    assert cli("export", str(tmp_path / "b.incident"), "--format", "json",
               "--out", str(tmp_path / "two")).returncode == 0  # fmt: skip

    two = json.loads((tmp_path / "two" / "incident.json").read_text(encoding="utf-8"))
    assert len(one["entries"]) == 6
    assert entry_fields(two) == entry_fields(one)
    assert {entry["source"] for entry in two["entries"]} == {"import:json"}
    with IncidentFile.open(tmp_path / "b.incident", readonly=True) as handle:
        entries = handle.entries()
        if "author" in one["entries"][-1]:
            assert [e.author for e in entries if e.public] == ["Alice"]
        png = handle.capture_png(next(e for e in entries if e.capture).capture.id)  # type: ignore[union-attr]
        assert png == new_capture().png


def test_missing_and_altered_captures_are_imported_as_notes(
    tmp_path: Path, incident_file: IncidentFile
) -> None:
    recorded(tmp_path / "a.incident")
    cli("export", str(tmp_path / "a.incident"), "--format", "json", "--out", str(tmp_path / "x"))
    images = sorted((tmp_path / "x" / "images").iterdir())
    images[0].unlink()
    images[1].write_bytes(images[1].read_bytes() + b"tampered")
    parsed = read_json(tmp_path / "x")  # the folder is enough
    summary = store(incident_file, parsed.entries, parsed.notes)
    with_capture = [e for e in summary.entries if e.capture is not None]
    assert with_capture == []
    noted = [e.text for e in summary.entries if "not imported" in e.text]
    assert len(noted) == 2
    assert any(text.startswith("Grafana\n(The capture recorded here") for text in noted)
    assert any("was not found next to the JSON file" in text for text in noted)
    assert any("does not match its SHA-256" in text for text in noted)
    assert len(summary.notes) == 2


def document(entries: list[Any], **extra: Any) -> dict[str, Any]:
    return {"format": "incident-recorder/1", "entries": entries, **extra}


def note(entry_id: int, seconds: int, kind: str = "observation", **extra: Any) -> dict[str, Any]:
    when = (START + timedelta(seconds=seconds)).isoformat()
    return {"id": entry_id, "kind": kind, "text": f"n{entry_id}", "occurred_at": when, **extra}


@pytest.mark.parametrize(
    "milestones",
    [
        {"detected": (START + timedelta(seconds=262)).isoformat(), "resolved": None},
        [{"name": "detected", "occurred_at": (START + timedelta(seconds=262)).isoformat(),
          "entry_id": 2}],
        {"detected": {"occurred_at": (START + timedelta(seconds=262)).isoformat(),
                      "entry_id": 2}},
    ],
)  # fmt: skip
def test_milestones_in_either_shape(milestones: object, incident_file: IncidentFile) -> None:
    parsed = parse_document(
        document([note(1, 0, public=True, starred=True, author="Carol",
                       occurred_offset="+01:00"), note(2, 262, "detection")],
                 milestones=milestones),
        Path("."),
    )  # fmt: skip
    summary = store(incident_file, parsed.entries, milestones=parsed.milestones)
    assert summary.line() == "imported 2 entries (1 milestone, 1 public)"
    assert incident_file.milestones()[Milestone.DETECTED] == START + timedelta(seconds=262)
    first = incident_file.entries()[0]
    assert (first.starred, first.public, first.author, first.occurred_offset) == (
        True, True, "Carol", "+01:00",
    )  # fmt: skip
    linked = incident_file.milestone_entries()
    if isinstance(milestones, list) or "resolved" not in milestones:  # given with its entry
        assert list(linked.values()) == [Milestone.DETECTED]


def test_every_bad_entry_is_reported(tmp_path: Path) -> None:
    bad = document(
        [
            note(1, 0),
            {"id": 2, "kind": "observation", "text": "x"},
            note(3, 5, "guess"),
            note(4, 6, hidden="yes"),
            "text",
        ]
    )
    with pytest.raises(ImportFailed) as failed:
        parse_document(bad, tmp_path)
    assert failed.value.problems == [
        "entry 2 (id 2): no occurred_at",
        "entry 3 (id 3): unknown kind 'guess' (one of: observation, detection, impact, action, "
        "decision, communication, cause, resolution, mitigation)",
        "entry 4 (id 4): hidden must be true or false, not 'yes'",
        "entry 5: not an object",
    ]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{", "line 1: not JSON"),
        ('{"entries": []}', "format None"),
        ("[]", "no entries list"),
    ],
)
def test_not_an_export(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "incident.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed, match=fragment):
        read_json(path)


def test_a_capture_outside_the_export_folder_refuses_the_import(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(new_capture().png)
    folder = tmp_path / "export"
    folder.mkdir()
    capture = {"file": "../secret.png", "sha256": new_capture().sha256}
    with pytest.raises(ImportFailed, match=r"^\.\./secret\.png: points outside the export's"):
        parse_document(document([note(1, 0, capture=capture)]), folder)


def test_times_stay_utc_to_the_millisecond() -> None:
    entry = note(1, 0)
    entry["occurred_at"] = "2026-11-27T15:00:00.123456+01:00"
    parsed = parse_document(document([entry]), Path("."))
    assert parsed.entries[0].occurred_at == datetime(2026, 11, 27, 14, 0, 0, 123000, tzinfo=UTC)
    assert isinstance(parsed.entries[0].capture, NewCapture | None)


def test_the_report_issue_shape_keeps_each_milestone_on_its_entry(
    incident_file: IncidentFile,
) -> None:
    """Entries carry "milestone", the top level gives every milestone (null when not set)."""
    detected = (START + timedelta(seconds=262)).isoformat()
    parsed = parse_document(
        document(
            [note(1, 0, milestone=None), note(2, 262, "detection", milestone="detected"),
             note(3, 300, milestone="acknowledged")],
            milestones={"impact_started": None, "detected": detected,
                        "acknowledged": (START + timedelta(seconds=299)).isoformat()},
            metrics={"time_to_detect": 262.0},
        ),
        Path("."),
    )  # fmt: skip
    assert parsed.milestones == {Milestone.ACKNOWLEDGED: START + timedelta(seconds=299)}
    summary = store(incident_file, parsed.entries, milestones=parsed.milestones)
    assert summary.milestones == 2
    assert list(incident_file.milestone_entries().values()) == [Milestone.DETECTED]
    assert incident_file.milestones()[Milestone.ACKNOWLEDGED] == START + timedelta(seconds=299)


def test_an_id_that_is_a_list_or_an_object_links_nothing() -> None:
    """Found by the fuzz test: a list as an entry's id, or as a milestone's entry_id, was used
    as a dict key and the import ended in a TypeError instead of reading the entries."""
    first, second = note(1, 0), note(2, 262, "detection")
    first["id"], second["id"] = [], {"n": 2}
    detected = (START + timedelta(seconds=262)).isoformat()
    parsed = parse_document(
        document([first, second],
                 milestones=[{"name": "detected", "occurred_at": detected, "entry_id": [2]}]),
        Path("."),
    )  # fmt: skip
    assert [entry.text for entry in parsed.entries] == [first["text"], second["text"]]
    assert parsed.milestones == {Milestone.DETECTED: START + timedelta(seconds=262)}


def test_entries_and_milestones_in_the_future_are_refused() -> None:
    now = START + timedelta(seconds=100)
    with pytest.raises(ImportFailed) as failed:
        parse_document(
            document([note(1, 0), note(2, 262)], milestones={"resolved": "2026-11-27T15:00:00Z"}),
            Path("."),
            now=now,
        )
    assert failed.value.problems == [
        "entry 2 (id 2): 2026-11-27 14:04:22 UTC is in the future: an entry records what has "
        "happened (now 2026-11-27 14:01:40 UTC)",
        "milestones: resolved: 2026-11-27 15:00:00 UTC is in the future: an entry records what "
        "has happened (now 2026-11-27 14:01:40 UTC)",
    ]

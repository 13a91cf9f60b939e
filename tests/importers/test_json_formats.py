"""Both JSON export formats read back: a file exported in format 1 before the change (ids were
rowids; tests/data/export-format-1, kept as written) and the same incident exported in format 2
(ids numbered in export order, global ids) import as the same entries; a newer format is
refused rather than misread."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from importer_support import START

from incident_recorder.domain import Entry
from incident_recorder.domain.milestones import Milestone
from incident_recorder.importers import ImportFailed, store
from incident_recorder.importers.json_import import FORMATS_READ, parse_document, read_json
from incident_recorder.report import JSON_FORMAT, write_report
from incident_recorder.storage import IncidentFile

FORMAT_1 = Path(__file__).resolve().parents[1] / "data" / "export-format-1"
sys.path.insert(0, str(FORMAT_1))
from make_format_1 import make  # noqa: E402


def imported(export: Path, into: Path) -> IncidentFile:
    parsed = read_json(export)
    handle = IncidentFile.create(into, "Imported")
    store(handle, parsed.entries, parsed.notes, milestones=parsed.milestones)
    return handle


def kept(entry: Entry) -> tuple[object, ...]:
    """What an import keeps of an entry (times of recording differ: the two exports were made
    from two recordings of the same incident)."""
    capture = None if entry.capture is None else entry.capture.sha256
    return (
        entry.kind, entry.text, entry.occurred_at, entry.hidden, entry.public, entry.starred,
        entry.author, entry.occurred_offset, capture,
    )  # fmt: skip


def test_the_format_1_fixture_is_an_old_export_with_rowids() -> None:
    document = json.loads((FORMAT_1 / "incident.json").read_text(encoding="utf-8"))
    assert document["format"] == "incident-recorder/1"
    # rowids, out of export order: what format 2 no longer writes
    assert [entry["id"] for entry in document["entries"]] == [2, 1, 3, 4, 5, 7, 6]
    assert all("uid" not in entry for entry in document["entries"])


def test_format_1_and_format_2_of_one_incident_import_the_same(tmp_path: Path) -> None:
    make(tmp_path / "recorded.incident")
    with IncidentFile.open(tmp_path / "recorded.incident", readonly=True) as handle:
        write_report(tmp_path / "new", "json", handle.record(), handle.capture_png)
    new = json.loads((tmp_path / "new" / "incident.json").read_text(encoding="utf-8"))
    assert new["format"] == JSON_FORMAT == FORMATS_READ[-1] == "incident-recorder/2"
    assert [entry["id"] for entry in new["entries"]] == [1, 2, 3, 4, 5, 6, 7]
    with (
        imported(FORMAT_1, tmp_path / "old.incident") as old_file,
        imported(tmp_path / "new", tmp_path / "new.incident") as new_file,
    ):
        old_entries, new_entries = old_file.entries(), new_file.entries()
        assert sorted(map(kept, old_entries)) == sorted(map(kept, new_entries))
        assert len(old_entries) == 7
        for handle in (old_file, new_file):
            assert [e.text for e in handle.entries() if e.hidden] == ["typo'd note"]
            assert handle.milestones()[Milestone.MITIGATED] is not None
            marked = {handle.entry(i).text: m for i, m in handle.milestone_entries().items()}
            assert marked == {"Rolled back": Milestone.MITIGATED}
            with_capture = [e for e in handle.entries() if e.capture is not None]
            assert [e.text for e in with_capture] == ["Grafana"]


def test_a_format_2_milestone_names_its_entry_by_the_export_number(tmp_path: Path) -> None:
    when = (START + timedelta(seconds=262)).isoformat()

    def entry(number: int, text: str) -> dict[str, object]:
        uid = f"00000000-0000-4000-8000-00000000000{number}"
        return {"id": number, "uid": uid, "kind": "detection", "text": text, "occurred_at": when}

    document = {
        "format": "incident-recorder/2",
        "entries": [entry(1, "first at that time"), entry(2, "second at that time")],
        "milestones": [{"name": "detected", "occurred_at": when, "entry_id": 2}],
    }
    parsed = parse_document(document, tmp_path)
    assert [(e.text, e.milestone) for e in parsed.entries] == [
        ("first at that time", None),
        ("second at that time", Milestone.DETECTED),
    ]


@pytest.mark.parametrize("form", ["incident-recorder/3", "incident-recorder/10"])
def test_a_newer_format_is_refused_not_misread(form: str, tmp_path: Path) -> None:
    document = {"format": form, "entries": []}
    with pytest.raises(ImportFailed) as failed:
        parse_document(document, tmp_path)
    assert failed.value.problems == [
        f"format {form!r} is not one this version reads "
        "('incident-recorder/1', 'incident-recorder/2')"
    ]

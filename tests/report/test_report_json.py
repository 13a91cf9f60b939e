"""incident.json from a real incident file: every field, hidden entries flagged, images checked."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from report_helpers import START, Recorded

from incident_recorder.report import JSON_FORMAT, render_json, write_report
from incident_recorder.report.jsondoc import dumps, record_json, write_json


def export(recorded: Recorded, out: Path) -> dict[str, object]:
    path = write_report(out, "json", recorded.record, recorded.load_png)
    assert path == out / "incident.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def aware(text: object) -> datetime:
    assert isinstance(text, str)
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    assert len(text.split(".")[1]) == len("123+00:00")  # milliseconds, explicit zone
    return moment


def test_top_level_fields(recorded: Recorded, tmp_path: Path) -> None:
    document = export(recorded, tmp_path / "out")
    assert set(document) == {
        "format", "incident", "exported_at", "details", "milestones", "metrics",
        "report_texts", "action_items", "entries",
    }  # fmt: skip
    # Nothing recorded beyond the entries: every milestone and metric null, never guessed.
    assert document["milestones"] == dict.fromkeys(
        ["impact_started", "detected", "acknowledged", "mitigated", "resolved"]
    )
    assert document["metrics"] == dict.fromkeys(
        ["time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve"]
    )
    assert document["report_texts"] == {} and document["action_items"] == []
    assert document["format"] == JSON_FORMAT == "incident-recorder/2"
    incident = recorded.incident
    assert document["incident"] == {
        "uuid": incident.uuid,
        "title": "Checkout outage",
        "created_at": "2026-11-27T14:00:00.000+00:00",
        "app_version": incident.app_version,
    }
    assert aware(document["exported_at"]) <= datetime.now(UTC)


def test_every_entry_with_every_field(recorded: Recorded, tmp_path: Path) -> None:
    document = export(recorded, tmp_path / "out")
    entries = document["entries"]
    assert isinstance(entries, list)
    stored = recorded.entries
    # Format 2: `id` numbers the entries in the export's order (no longer the rowid, which
    # differs between replicas of a shared incident); `uid` is the entry's global id.
    assert [e["id"] for e in entries] == list(range(1, len(stored) + 1))
    uid_of = {row_id: uid for uid, row_id in recorded.file.uids("entries").items()}
    assert [e["uid"] for e in entries] == [uid_of[e.id] for e in stored]
    for record, entry in zip(entries, stored, strict=True):
        assert set(record) == {
            "id", "uid", "kind", "text", "occurred_at", "recorded_at",
            "revision", "hidden", "source", "capture",
            "public", "starred", "author", "occurred_offset", "milestone",
            "findings",
        }  # fmt: skip
        assert record["findings"] == []  # this export is given no readings
        assert record["public"] is entry.public is False
        assert record["starred"] is False and record["milestone"] is None
        assert record["author"] is None and record["occurred_offset"] is None
        assert record["kind"] == entry.kind.value
        assert record["text"] == entry.text
        assert aware(record["occurred_at"]) == entry.occurred_at
        assert aware(record["recorded_at"]) == entry.recorded_at
        assert record["revision"] == entry.revision
        assert record["hidden"] is entry.hidden
        assert record["source"] == "gui"
    occurred = [aware(e["occurred_at"]) for e in entries]
    assert occurred == sorted(occurred)
    assert any(e["occurred_at"].endswith(".123+00:00") for e in entries)


def test_hidden_entries_are_included_and_flagged(recorded: Recorded, tmp_path: Path) -> None:
    entries = export(recorded, tmp_path / "out")["entries"]
    assert isinstance(entries, list)
    hidden = [e for e in entries if e["hidden"]]
    assert [e["text"] for e in hidden] == [recorded.hidden_text]
    assert hidden[0]["revision"] == 2


def test_captures_written_and_matching(recorded: Recorded, tmp_path: Path) -> None:
    out = tmp_path / "out"
    entries = export(recorded, out)["entries"]
    assert isinstance(entries, list)
    captures = [e for e in entries if e["capture"] is not None]
    assert len(captures) == 2
    for record in captures:
        capture = record["capture"]
        assert set(capture) == {
            "id",
            "uid",
            "width",
            "height",
            "sha256",
            "monitor",
            "window_title",
            "file",
            "annotations",
            "redacted",
            "original_file",
            "original_sha256",
            "text",
            "findings",
        }
        # not recognised (this export is given no readings): no text, no findings
        assert (capture["text"], capture["findings"]) == (None, [])
        assert (capture["annotations"], capture["redacted"], capture["original_file"]) == (
            0,
            False,
            None,
        )
        assert capture["original_sha256"] == capture["sha256"]  # not annotated: the original
        assert capture["file"].startswith("images/entry-")
        assert capture["file"] == f"images/entry-{record['id']:04d}-{capture['sha256'][:12]}.png"
        data = (out / capture["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == capture["sha256"]
        assert capture["window_title"] == "Grafana — checkout-api"
        assert capture["monitor"] == 1
    # Format 2: captures numbered in the order they first appear, each with its global id.
    assert [c["capture"]["id"] for c in captures] == [1, 2]
    capture_uids = recorded.file.uids("captures")
    assert {c["capture"]["uid"] for c in captures} == set(capture_uids)
    assert {(c["capture"]["width"], c["capture"]["height"]) for c in captures} == {
        (96, 54),
        (40, 30),
    }
    assert sorted(p.name for p in (out / "images").iterdir()) == sorted(
        Path(c["capture"]["file"]).name for c in captures
    )


def test_text_is_kept_exactly(recorded: Recorded) -> None:
    note = "<script>alert(1)</script> | ## x \U0001f525 \u202e"
    entry = recorded.file.add_note(note)
    document = render_json(recorded.incident, [entry], {}, START)
    assert document["entries"][0]["text"] == note
    assert document["exported_at"] == "2026-11-27T14:00:00.000+00:00"


@pytest.mark.parametrize("extra", ["", "non-ASCII — ünïcode ✓", "a lone surrogate \ud800 here"])
def test_the_streamed_file_is_byte_for_byte_dumps_of_the_document(
    recorded: Recorded, tmp_path: Path, extra: str
) -> None:
    """write_json writes one entry at a time (a 100,000-entry export would otherwise hold the
    whole document, its text and its bytes at once): the bytes are exactly dumps(record_json)."""
    record = recorded.record
    if extra:  # built directly: add_note would clean a lone surrogate out of the text
        last = record.entries[-1]
        odd = dataclasses.replace(last, id=last.id + 1, text=f"multi\nline {extra}")
        record = dataclasses.replace(record, entries=(*record.entries, odd))
    now = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    image_files = {entry.id: f"images/entry-{entry.id}.png" for entry in record.entries}
    expected = dumps(record_json(record, image_files, now)).encode("utf-8")
    out = io.BytesIO(b"kept before")
    out.seek(len(b"kept before"))
    write_json(out, record, image_files, now)
    assert out.getvalue() == b"kept before" + expected
    texts = [entry["text"] for entry in json.loads(expected)["entries"]]
    assert len(texts) == len(record.entries) > 1
    assert any(text.startswith("multi\nline") for text in texts) == bool(extra)
    assert ("\\ud800" in expected.decode()) == ("\ud800" in extra)


def test_the_streamed_file_of_an_incident_without_entries(tmp_path: Path) -> None:
    from incident_recorder.domain import Incident
    from incident_recorder.domain.details import IncidentDetails
    from incident_recorder.domain.record import IncidentRecord

    incident = Incident("u-1", "Quiet", START, "1.0")
    record = IncidentRecord(incident=incident, details=IncidentDetails("Quiet"), entries=())
    out = io.BytesIO()
    write_json(out, record, {}, START)
    assert out.getvalue() == dumps(record_json(record, {}, START)).encode("utf-8")
    assert json.loads(out.getvalue())["entries"] == []

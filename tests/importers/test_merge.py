"""Merging two recorders' files: one timeline, duplicates once, authors kept, inputs untouched."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from importer_support import START

from incident_recorder.domain import EntryKind
from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.details import IncidentDetails, Role, Service
from incident_recorder.domain.milestones import Milestone
from incident_recorder.importers import merge
from incident_recorder.importers.common import normalized
from incident_recorder.importers.merge import merge_files
from incident_recorder.storage import IncidentFile, IncidentFileError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))
from storage_support import fingerprint, new_capture  # noqa: E402

REDACTION = Shape(ShapeKind.REDACTION, 1, 1, 20, 10)


def later(seconds: float):
    return START + timedelta(seconds=seconds)


def make_inputs(folder: Path) -> tuple[Path, Path]:
    a, b = folder / "alice.incident", folder / "bob.incident"
    with IncidentFile.create(a, "Checkout outage") as handle:
        handle.set_details(
            IncidentDetails(
                "Checkout outage",
                severity="SEV1",
                services=(Service("checkout-api", public=True),),
                roles={Role.RECORDER: "Alice", Role.INCIDENT_COMMANDER: "Ines"},
            )
        )
        handle.record_milestone(Milestone.IMPACT_STARTED, later(0), text="Errors climbing")
        handle.record_milestone(Milestone.DETECTED, later(262), text="PagerDuty alert fired.")
        handle.add_capture(new_capture(), later(300), text="Grafana")
        handle.add_note("Rolled back v2024.11.3", EntryKind.ACTION, later(460))
    with IncidentFile.create(b, "Checkout outage (Bob's notes)") as handle:
        handle.set_details(
            IncidentDetails("Checkout outage", services=(Service("cart"), Service("checkout-api")))
        )
        handle.add_note("pagerduty   ALERT fired", EntryKind.DETECTION, later(262.4))
        handle.set_milestone(Milestone.DETECTED, later(250))
        # The same capture as Alice's, the same second: one entry; Bob's redaction must stay.
        shared = handle.add_capture(new_capture(), later(300.2), text="GRAFANA ")
        assert shared.capture is not None
        handle.set_annotations(shared.capture.id, [REDACTION], base_revision=0)
        handle.add_note("Rolled back v2024.11.3", EntryKind.ACTION, later(460.5), public=True)
        handle.add_note("Config push 7731 reverted", EntryKind.ACTION, later(688))
    return a, b


@pytest.mark.parametrize("chunk", [200, 2])
def test_merge_deduplicates_and_keeps_authors(
    tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merge, "CHUNK", chunk)  # 2: written over three transactions
    a, b = make_inputs(tmp_path)
    before = fingerprint(a), fingerprint(b)
    out = tmp_path / "merged.incident"

    summary = merge_files(a, b, out)

    assert (fingerprint(a), fingerprint(b)) == before
    assert summary.lines()[0] == "merged 5 entries (3 recorded in both kept once, 1 capture)"
    assert summary.lines()[1] == (
        "milestones: each at the earliest time either file gives it (2 set)"
    )
    assert summary.milestones[Milestone.DETECTED] == (later(250), "bob.incident")
    assert any(
        line.startswith("milestone detected: the earliest time kept, 14:04:10 UTC")
        for line in summary.notes
    )
    with IncidentFile.open(out, readonly=True) as merged:
        entries = merged.entries()
        assert [(e.text, e.author) for e in entries] == [
            ("Errors climbing", "Alice"),
            ("PagerDuty alert fired.", "Alice, bob"),
            ("Grafana", "Alice, bob"),
            ("Rolled back v2024.11.3", "Alice, bob"),
            ("Config push 7731 reverted", "bob"),
        ]
        assert [e.occurred_at for e in entries] == sorted(e.occurred_at for e in entries)
        assert entries[3].public  # public in either file
        captures = {e.capture.id for e in entries if e.capture is not None}
        assert len(captures) == 1
        (capture_id,) = captures
        assert merged.annotations(capture_id) == [REDACTION]  # the redaction came along
        assert merged.capture_png(capture_id) == new_capture().png
        milestones = merged.milestones()
        assert milestones[Milestone.DETECTED] == later(250)
        assert milestones[Milestone.IMPACT_STARTED] == later(0)
        assert list(merged.milestone_entries().values()) == [Milestone.IMPACT_STARTED]
        details = merged.details()
        assert details.title == "Checkout outage"
        assert details.severity == "SEV1"
        assert details.roles[Role.INCIDENT_COMMANDER] == "Ines"
        assert details.services == (Service("checkout-api", True), Service("cart"))


def test_the_output_must_not_exist(tmp_path: Path) -> None:
    a, b = make_inputs(tmp_path)
    with pytest.raises(IncidentFileError, match="already exists"):
        merge_files(a, b, a)
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"x" * 1024)
    with pytest.raises(IncidentFileError, match="not an incident file"):
        merge_files(a, garbage, tmp_path / "c.incident")
    assert not (tmp_path / "c.incident").exists()


def test_a_file_merged_with_itself_keeps_one_of_each(tmp_path: Path) -> None:
    a, _ = make_inputs(tmp_path)
    copy = tmp_path / "copy" / a.name
    copy.parent.mkdir()
    copy.write_bytes(a.read_bytes())
    summary = merge_files(a, copy, tmp_path / "c.incident")
    assert summary.entries == 4 and summary.duplicates == 4


def test_normalized_text() -> None:
    assert normalized("  PagerDuty\talert fired. ") == normalized("pagerduty alert FIRED")
    assert normalized("ﬁx") == normalized("fix")  # NFKC

"""`incident-recorder copy` of a team replica makes a snapshot, not a second live replica: a
copy that synced under the original's recorder id pushed rows the original could never pull
(a pull skips its own recorder's rows), and the two files stayed apart for good."""

from __future__ import annotations

from pathlib import Path

from incident_recorder.storage import IncidentFile
from tests.sync.replica_support import ok, record_at, run


def test_a_copy_of_a_replica_is_unlinked_and_the_original_keeps_syncing(
    tmp_path: Path, team_url: str
) -> None:
    ada, bob = tmp_path / "ada.incident", tmp_path / "bob.incident"
    ok("new", ada, "--title", "Checkout outage")
    ok("note", ada, "502s on checkout", "--author", "Ada")
    incident = ok("share", ada, "--db", team_url).strip()
    ok("join", team_url, incident, "--out", bob)
    copied = ok("copy", bob, tmp_path / "copy.incident")
    assert "not linked to the team database" in copied
    with (
        IncidentFile.open(bob, readonly=True) as original,
        IncidentFile.open(tmp_path / "copy.incident", readonly=True) as copy,
    ):
        assert copy.team_state() == {}
        assert copy.recorder_id() != original.recorder_id()
        assert record_at(tmp_path / "copy.incident") == record_at(bob), "the same record"

    ok("note", tmp_path / "copy.incident", "note in the copy")
    refused = run("sync", tmp_path / "copy.incident", "--once")
    assert refused.returncode == 1 and "not shared" in refused.stderr
    ok("note", bob, "note in Bob's replica", "--author", "Bob")
    assert "In sync" in ok("sync", bob, "--once")
    assert "In sync" in ok("sync", ada, "--once")
    assert record_at(ada) == record_at(bob)
    with IncidentFile.open(ada, readonly=True) as shared:
        assert "note in the copy" not in [entry.text for entry in shared.entries()]


def test_a_copy_of_a_file_never_shared_is_the_same_recorder_with_its_rows_to_push(
    tmp_path: Path,
) -> None:
    """Given a recorder id of its own, the copy could never push the rows it held."""
    original = tmp_path / "solo.incident"
    ok("new", original, "--title", "Checkout outage")
    ok("note", original, "502s on checkout")
    copied = ok("copy", original, tmp_path / "copy.incident")
    assert "not linked" not in copied
    with (
        IncidentFile.open(original, readonly=True) as first,
        IncidentFile.open(tmp_path / "copy.incident", readonly=True) as copy,
    ):
        assert copy.recorder_id() == first.recorder_id()
        assert copy.unpushed() == first.unpushed() >= 1, "the note is still to push, from both"

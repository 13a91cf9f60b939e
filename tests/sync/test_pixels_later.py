"""A teammate's capture arrives thumbnail first, its full image right after (a real PostgreSQL):
the pull stores the capture with its thumbnail and an empty image, the timeline can show it at
once; what needs the pixels (the viewer, exports, recognition) waits or says why; the image
then comes once, checked against the SHA-256 it was shared with, and is never written over."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile, PixelsArrivingError
from incident_recorder.sync.replicator import Replicator, connect
from tests.storage.storage_support import new_capture
from tests.sync.replica_support import record_of, run
from tests.sync.test_replicator import shared_pair


def test_a_pulled_capture_shows_its_thumbnail_before_its_pixels_arrive(
    tmp_path: Path, team_url: str
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    shot = new_capture(320, 200)
    with a, b, connect(team_url) as conn:
        on_a = IncidentSession(a, author="Ada")
        on_a.add_note("checkout 502s")
        captured = on_a.add_capture(shot, text="the error rate")
        Replicator(on_a).push(conn)
        sync_b = Replicator(IncidentSession(b))
        assert sync_b.pull(conn) == a.shared_count()

        entry = next(e for e in b.entries() if e.capture is not None)
        assert entry.text == "the error rate"
        capture_id = entry.capture.id
        assert b.capture_thumbnail(capture_id) == shot.thumbnail_png, "the timeline has it"
        assert b.arriving_captures() == {capture_id: shot.sha256}
        with pytest.raises(PixelsArrivingError, match="still arriving"):
            b.capture_png(capture_id)
        with pytest.raises(PixelsArrivingError, match="1 capture of b.incident is still"):
            b.check_pixels_here()
        assert b.pending_captures() == [], "recognition waits for the pixels"
        assert not sync_b.agrees(conn)

        assert sync_b.fetch_pixels(conn) == 1
        assert b.capture_png(capture_id) == shot.png == a.capture_png(captured.capture.id)
        assert b.arriving_captures() == {}
        b.check_pixels_here()
        assert b.pending_captures() == [capture_id]
        assert sync_b.fetch_pixels(conn) == 0, "fetched once"
        assert sync_b.agrees(conn)
        assert record_of(a) == record_of(b)


def test_pixels_that_do_not_hash_to_the_shared_sha256_are_refused(
    tmp_path: Path, team_url: str
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    shot = new_capture(64, 48)
    with a, b, connect(team_url) as conn:
        on_a = IncidentSession(a)
        on_a.add_capture(shot)
        Replicator(on_a).push(conn)
        Replicator(IncidentSession(b)).pull(conn)
        (capture_id,) = b.arriving_captures()
        assert b.add_pixels({capture_id: new_capture(65, 48).png}) == []
        assert b.arriving_captures() == {capture_id: shot.sha256}
        with IncidentFile.open(tmp_path / "b.incident") as other:  # `sync --once` meanwhile
            assert other.arriving_captures() == {capture_id: shot.sha256}
            assert b.add_pixels({capture_id: shot.png}) == [capture_id]
            assert other.add_pixels({capture_id: shot.png}) == [], "the other writer's is in"
        assert b.add_pixels({capture_id: shot.png}) == [], "never a second time"
    raw = sqlite3.connect(tmp_path / "b.incident")
    try:
        for statement in (
            "UPDATE capture_pixels SET png = x'00'",
            "DELETE FROM capture_pixels",
            "UPDATE captures SET png = x'00'",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                raw.execute(statement)
    finally:
        raw.close()


def test_export_waits_for_the_pixels_and_sync_once_brings_them(
    tmp_path: Path, team_url: str
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a = IncidentSession(a)
        on_a.add_capture(new_capture(80, 60), text="the dashboard")
        Replicator(on_a).push(conn)
        Replicator(IncidentSession(b)).pull(conn)
    refused = run("export", tmp_path / "b.incident", "--out", tmp_path / "report")
    assert refused.returncode != 0
    assert "1 capture of b.incident is still arriving from the team database" in refused.stderr
    assert "sync FILE --once" in refused.stderr
    assert not (tmp_path / "report" / "report.md").exists()
    merged = run("merge", tmp_path / "a.incident", tmp_path / "b.incident", "--out",
                 tmp_path / "merged.incident")  # fmt: skip
    assert merged.returncode != 0 and "can be merged once" in merged.stderr
    assert not (tmp_path / "merged.incident").exists()
    copied = run("copy", tmp_path / "b.incident", tmp_path / "copy.incident")
    assert copied.returncode != 0 and "can be copied once" in copied.stderr, copied.stderr
    assert not (tmp_path / "copy.incident").exists(), "unlinked, it could never fetch them"
    synced = run("sync", tmp_path / "b.incident", "--once")
    assert synced.returncode == 0, synced.stderr
    done = run("export", tmp_path / "b.incident", "--out", tmp_path / "report")
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "report" / "images").glob("entry-*.png"))) == 1
    with IncidentFile.open(tmp_path / "b.incident", readonly=True) as replica:
        assert replica.arriving_captures() == {}


def test_the_window_shows_the_thumbnail_and_says_the_image_is_on_its_way(
    tmp_path: Path,
    team_url: str,
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a = IncidentSession(a, author="Ada")
        on_a.add_capture(new_capture(320, 200), text="the error rate")
        Replicator(on_a).push(conn)
        Replicator(IncidentSession(b)).pull(conn)
        # the team database out of reach from here on: the image cannot come yet
        b.set_team_state(conninfo="postgresql://127.0.0.1:9/none?connect_timeout=1")
    window = window_on(tmp_path / "b.incident")
    qtbot.waitUntil(lambda: window.header.sync_state.text().startswith("offline"), timeout=10_000)
    entry = window.model.entry_at(0)
    assert entry.capture is not None and entry.text == "the error rate"
    thumbnail = window.model.thumbnail(entry.capture.id)
    assert thumbnail is not None and not thumbnail.isNull(), "the row shows its thumbnail"
    assert window.capture_controller.open_capture(entry) is None
    assert window.banner.isVisible()
    assert "still arriving from the team database" in window.banner.text()

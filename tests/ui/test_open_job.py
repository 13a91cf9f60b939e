"""Opening a large incident file from a window: checked and migrated on a worker first."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile, schema
from incident_recorder.ui.start import open_job
from tests.storage.storage_support import damage_page


@pytest.fixture(autouse=True)
def every_file_is_large(monkeypatch) -> None:
    monkeypatch.setattr(open_job, "PREPARE_BYTES", 0)


def _version(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _old_file(path: Path, notes: int = 30) -> Path:
    """A real file of the previous format, with notes in it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:-1])
        patch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION - 1)
        with IncidentFile.create(path, "Old format") as handle:
            for number in range(notes):
                handle.add_note(f"note {number} " + "x" * 200)
    assert _version(path) == schema.SCHEMA_VERSION - 1
    return path


def test_a_large_old_file_is_migrated_on_a_worker_then_opens(
    application, qtbot, tmp_path, monkeypatch
) -> None:
    path = _old_file(tmp_path / "old.incident")
    opened_on: list[threading.Thread] = []
    real_open = IncidentFile.open

    def watched_open(*args, **kwargs):
        opened_on.append(threading.current_thread())
        return real_open(*args, **kwargs)

    monkeypatch.setattr(IncidentFile, "open", staticmethod(watched_open))
    application.show_start()

    assert application.open_path(path) is None  # the window follows, the start window is live
    qtbot.waitUntil(lambda: bool(application.windows), timeout=10_000)

    window = application.windows[0]
    assert window.model.rowCount() == 30
    assert _version(path) == schema.SCHEMA_VERSION
    assert opened_on[0] is not threading.main_thread()  # the check and migration
    assert opened_on[1] is threading.main_thread()  # then the window's own handle
    assert not application._preparing and not application._prepared


def test_a_damaged_large_file_is_refused_with_the_reason_and_left_untouched(
    application, qtbot, tmp_path
) -> None:
    path = tmp_path / "damaged.incident"
    with IncidentFile.create(path, "Damaged") as handle:
        for number in range(400):
            handle.add_note(f"note {number} " + "y" * 300)
    damage_page(path, "entries")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    application.show_start()

    assert application.open_path(path) is None
    qtbot.waitUntil(lambda: application.start.banner.isVisible(), timeout=10_000)

    assert "damaged" in application.start.banner.text()
    assert str(path) in application.start.banner.text()
    assert not application.windows
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_asking_twice_while_it_is_checked_opens_one_window(application, qtbot, tmp_path) -> None:
    path = _old_file(tmp_path / "twice.incident")
    assert application.open_path(path) is None
    assert application.open_path(path) is None
    qtbot.waitUntil(lambda: bool(application.windows), timeout=10_000)
    qtbot.wait(100)
    assert len(application.windows) == 1


def test_small_files_and_the_command_line_open_at_once(application, tmp_path, monkeypatch) -> None:
    path = tmp_path / "small.incident"
    IncidentFile.create(path, "Small").close()
    window = application.open_path(path, in_background=False)
    assert window is not None
    window.close()
    monkeypatch.setattr(open_job, "PREPARE_BYTES", path.stat().st_size + 1)
    assert application.open_path(path) is not None

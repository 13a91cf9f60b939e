"""Bad values in a received file, in the window: refused on the start window instead of a
crash, and a bad entry another program adds while the window records is shown as an error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from incident_recorder.domain import EntryKind
from tests.security.hostile_files import fingerprint
from tests.security.test_bad_values import BAD_VALUES, crafted


@pytest.mark.parametrize("name", ["kind", "time", "binary-text"])
def test_the_app_refuses_it_on_the_start_window_instead_of_exiting(
    application, tmp_path: Path, name: str
) -> None:
    path = crafted(tmp_path, name)
    before = fingerprint(path)
    shown: list[str] = []
    application.show_start = lambda message=None: shown.append(message or "")
    assert application.open_path(path, in_background=False) is None
    assert application.windows == []
    assert shown and "entry 2" in shown[0] and BAD_VALUES[name][2] in shown[0]
    assert fingerprint(path) == before


def test_a_bad_entry_added_while_the_window_records_is_an_error_not_a_crash(
    make_window, tmp_path: Path, qtbot
) -> None:
    window = make_window(tmp_path / "live.incident")
    window.save_note("first", EntryKind.OBSERVATION, None)
    conn = sqlite3.connect(tmp_path / "live.incident", isolation_level=None)
    try:
        conn.execute(
            "INSERT INTO entries (kind, text, occurred_at, recorded_at) "
            "VALUES ('nope', 'forged', 'never', 'never')"
        )
    finally:
        conn.close()
    errors: list[str] = []
    window.show_error = lambda title, message: errors.append(message)
    window.live.poll()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "holds a value that cannot be read" in errors[0]
    assert window.model.rowCount() == 1

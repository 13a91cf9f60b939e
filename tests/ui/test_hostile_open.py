"""A crafted incident file (tests/security/hostile_files.py) opened while another incident
records: checked on a worker, refused in the recording window, which goes on recording."""

from __future__ import annotations

import time
from pathlib import Path

from incident_recorder.storage import IncidentFile
from tests.security.hostile_files import CASES, build, fingerprint

REFUSAL = "is not an incident file as this app writes them"
TIME_LIMIT_S = 20.0


def test_a_crafted_file_opened_beside_a_recording_window_never_touches_it(
    application, tmp_path: Path, qtbot
) -> None:
    """Double-click (or a forwarded open) of a crafted file while another incident records:
    the file is checked on a worker, refused in the window with its reason, and the window
    goes on recording; the crafted file is untouched."""
    from incident_recorder.domain import EntryKind

    good = tmp_path / "recording.incident"
    IncidentFile.create(good, "Recording").close()
    window = application.open_path(good, in_background=False)
    window.show()
    for case in ("never-ending-view", "huge-strings-view", "swallows-notes"):
        path = build(tmp_path, case, CASES[case])
        before = fingerprint(path)
        errors: list[str] = []
        window.show_error = lambda title, message, errors=errors: errors.append(message)
        started = time.monotonic()
        assert application.open_path(path) is None  # checked on a worker, not here
        assert time.monotonic() - started < 0.5  # the UI thread never waited on the file
        qtbot.waitUntil(lambda errors=errors: bool(errors), timeout=int(TIME_LIMIT_S * 1000))
        assert REFUSAL in errors[0]
        assert fingerprint(path) == before
        window.save_note(f"still recording after {case}", EntryKind.OBSERVATION, None)
    assert len(application.windows) == 1
    with IncidentFile.open(good, readonly=True) as handle:
        assert handle.entry_count() == 3

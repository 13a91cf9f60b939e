"""The cyclic collector is off while the app starts and on again once its window has painted."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path

from incident_recorder.app import Application, _collect_after_first_paint
from incident_recorder.gc_pause import paused
from incident_recorder.recent import RecentList
from incident_recorder.storage import IncidentFile


def test_the_collector_runs_again_after_the_first_paint(qapp, qtbot, clock, tmp_path) -> None:
    path = tmp_path / "a.incident"
    IncidentFile.create(path, "Checkout outage").close()
    app = Application(qapp, clock, RecentList(tmp_path / "recent.json"))
    assert gc.isenabled()
    start_up = contextlib.ExitStack()
    start_up.enter_context(paused())  # as run_gui does before its imports
    try:
        window = app.open_path(Path(path))
        assert window is not None
        _collect_after_first_paint(app, start_up)
        assert not gc.isenabled()  # not before the paint
        qtbot.waitUntil(gc.isenabled, timeout=5_000)
        assert gc.get_freeze_count() > 0  # what start-up built is out of the collector's way
    finally:
        start_up.close()
        gc.unfreeze()
        for shown in list(app.windows):
            shown.close()  # type: ignore[attr-defined]
    assert gc.isenabled()


def test_the_collector_runs_again_even_if_the_window_is_never_painted(
    qapp, qtbot, clock, tmp_path
) -> None:
    path = tmp_path / "a.incident"
    IncidentFile.create(path, "Checkout outage").close()
    app = Application(qapp, clock, RecentList(tmp_path / "recent.json"))
    start_up = contextlib.ExitStack()
    start_up.enter_context(paused())
    try:
        window = app.open_path(Path(path))
        _collect_after_first_paint(app, start_up)
        window.close()  # type: ignore[union-attr]  (closed, and deleted, before any paint)
        qtbot.waitUntil(gc.isenabled, timeout=5_000)
    finally:
        start_up.close()
        gc.unfreeze()


def test_the_command_line_pauses_the_collector_for_the_window_only(monkeypatch, tmp_path) -> None:
    from incident_recorder import app, cli

    path = tmp_path / "a.incident"
    IncidentFile.create(path, "Checkout outage").close()
    seen: list[tuple[bool, object]] = []

    def run_gui(file: Path | None, start_up: object = None) -> int:
        seen.append((gc.isenabled(), start_up))
        return 0

    monkeypatch.setattr(app, "run_gui", run_gui)
    monkeypatch.setattr(app, "display_problem", lambda: None)
    monkeypatch.setattr(cli.recording, "_forward", lambda request, timeout_ms=0: None)  # none
    assert cli.main([str(path)]) == 0
    assert seen and seen[0][0] is False  # off while PySide6 loads and the window is built
    assert isinstance(seen[0][1], contextlib.ExitStack)  # run_gui closes it at the first paint
    assert gc.isenabled()  # and in any case once the command returns
    assert cli.main([str(tmp_path / "missing.incident")]) == 1  # an error: no window at all
    assert gc.isenabled()

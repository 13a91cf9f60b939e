"""Two (three) writers: the window, `note` processes and the webhook server append at once.

The window (RecorderWindow offscreen, in this process, with real key events) saves a note every
~100 ms; two threads run `incident-recorder note` processes back to back; a third posts events
to a `serve` process. No "database is locked" may reach anyone (every CLI exit 0, every HTTP 200,
no error in the window), every reported id is in the file, the counts add up, and the window
shows every entry within a second (its model's row count polled against the file's count).
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from reliability_support import cli, integrity, runs
from served import Served

from incident_recorder.domain.times import system_clock
from incident_recorder.storage import IncidentFile

SAVED = re.compile(r"^Saved entry (\d+) ")


@pytest.mark.parametrize("seconds", runs(10, full=60, quick=15))
def test_window_cli_and_webhooks_write_at_once(
    tmp_path: Path, qtbot, seconds: int, figures
) -> None:
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow

    path = tmp_path / "writers.incident"
    IncidentFile.create(path, "Two writers").close()
    served = Served(path)
    window = RecorderWindow(IncidentFile.open(path), clock=system_clock, local_zone=UTC)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)
    window.show()

    stop = threading.Event()
    cli_ids: list[int] = []
    cli_failures: list[str] = []
    http_ids: list[int] = []
    http_failures: list[str] = []

    def cli_writer(name: str) -> None:
        number = 0
        while not stop.is_set():
            number += 1
            result = cli("note", str(path), f"{name} {number}")
            match = SAVED.match(result.stdout)
            if result.returncode != 0 or not match:
                cli_failures.append(result.stderr.strip() or result.stdout)
            else:
                cli_ids.append(int(match.group(1)))

    def http_writer() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            status, body = served.post({"text": f"webhook {number}", "kind": "action"})
            if status != 200:
                http_failures.append(f"{status} {body}")
            else:
                http_ids.extend(body["recorded"])

    threads = [threading.Thread(target=cli_writer, args=(f"cli{n}",)) for n in (1, 2)]
    threads.append(threading.Thread(target=http_writer))
    for thread in threads:
        thread.start()
    first_seen: dict[int, float] = {}  # file count → when the file first had it
    worst_lag = 0.0
    gui_notes = 0
    reader = IncidentFile.open(path, readonly=True)
    try:
        deadline = time.monotonic() + seconds
        next_note = time.monotonic()
        while time.monotonic() < deadline:
            if time.monotonic() >= next_note:
                gui_notes += 1
                qtbot.keyClicks(window.note_bar.edit, f"window {gui_notes}")
                qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_Return)
                assert window.last_error is None, window.last_error
                assert window.note_bar.text() == ""
                next_note = time.monotonic() + 0.1
            qtbot.wait(20)
            now = time.monotonic()
            count = reader.entry_count()
            first_seen.setdefault(count, now)
            shown = window.model.rowCount()
            for seen, at in list(first_seen.items()):
                if shown >= seen:
                    worst_lag = max(worst_lag, now - at)
                    del first_seen[seen]
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        final = reader.entry_count()
        waited = time.monotonic()
        qtbot.waitUntil(lambda: window.model.rowCount() == final, timeout=2000)
        worst_lag = max(worst_lag, time.monotonic() - waited)
        for at in first_seen.values():
            worst_lag = max(worst_lag, time.monotonic() - at)
        stored = {e.id: e.text for e in reader.entries()}
    finally:
        stop.set()
        reader.close()
        window.close()
        code, err = served.stop()
    assert cli_failures == [] and http_failures == [], (cli_failures[:3], http_failures[:3])
    assert code == 0 and "Traceback" not in err, err
    assert set(cli_ids) | set(http_ids) <= set(stored)
    assert len(stored) == len(cli_ids) + len(http_ids) + gui_notes
    assert sum(1 for text in stored.values() if text.startswith("window ")) == gui_notes
    assert integrity(path)[0] == "ok"
    assert worst_lag <= 1.0, f"the window lagged {worst_lag:.2f} s behind the file"
    figures.add("faults", "three writers at once (window, CLI processes, webhook server)",
                runs=1, entries=len(stored), lost=0, recover_s=0.0,
                note=f"{seconds} s: {len(cli_ids)} CLI notes (all exit 0), {len(http_ids)} "
                f"webhook events (all 200), {gui_notes} window notes; the window at most "
                f"{worst_lag:.2f} s behind the file")  # fmt: skip

"""One rule, one place, one record: the CLI and the window give the same record for the same
actions (the session applies the rules for both)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from incident_recorder.domain import EntryKind
from incident_recorder.domain.details import Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _record(path: Path) -> tuple[object, ...]:
    with IncidentFile.open(path, readonly=True) as handle:
        milestones = handle.milestones()
        return (
            handle.details().status,
            [(e.kind, e.text) for e in handle.entries()],
            [m for m in Milestone if milestones[m] is not None],
        )


def test_the_cli_the_window_and_an_import_give_the_same_record_for_the_same_actions(
    tmp_path: Path, make_window
) -> None:
    """`milestone FILE mitigated` used to leave the status at Investigating while the key in
    the window moved it to Monitoring: one rule, one place, one record."""
    by_cli = tmp_path / "cli.incident"
    IncidentFile.create(by_cli, "Checkout outage").close()
    _cli("note", str(by_cli), "rolled back the config push", "--kind", "action")
    out = _cli("milestone", str(by_cli), "mitigated")
    assert "Status set to Monitoring" in out

    window = make_window(tmp_path / "window.incident")
    window.save_note("rolled back the config push", EntryKind.ACTION, None)
    window.record_milestone(Milestone.MITIGATED)
    assert "status set to Monitoring" in window.statusBar().currentMessage()

    by_import = tmp_path / "import.incident"
    IncidentFile.create(by_import, "Checkout outage").close()
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "offset_s,kind,milestone,visibility,text\n"
        "0,action,,internal,rolled back the config push\n"
        "60,mitigation,mitigated,internal,Mitigated\n"
    )
    _cli("import", str(by_import), str(rows), "--start", "2026-11-27T13:00:00Z")

    cli_record, window_record = _record(by_cli), _record(window.file.path)
    import_record = _record(by_import)
    assert cli_record[0] is window_record[0] is import_record[0] is Status.MONITORING
    assert cli_record == window_record == import_record

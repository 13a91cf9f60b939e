"""The team's own domains in Settings ▸ General: stored with the other settings, read back by the
detector (with <data dir>/findings/own-domains.txt), in the window and on the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from incident_recorder import paths
from incident_recorder.session.findings import finding_rules, incident_findings
from incident_recorder.settings import FILE_NAME, saved_own_domains
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.dialogs.settings_dialog import SettingsDialog
from incident_recorder.ui.dialogs.settings_store import default_store

NOTE = "failover from db-1.corp.example.net to build.lab.example.org; www.example.com is fine"


def _save_domains(qtbot, text: str) -> SettingsDialog:
    dialog = SettingsDialog(default_store())
    qtbot.addWidget(dialog)
    dialog.general.domains_edit.setText(text)
    return dialog


def test_own_domains_round_trip_through_the_settings_file(qtbot) -> None:
    dialog = _save_domains(qtbot, "Corp.Example.NET,  *.intra.example corp.example.net")
    assert dialog.save()
    store = default_store()
    assert store.load().own_domains == ("corp.example.net", "intra.example")
    assert saved_own_domains(store.file) == ("corp.example.net", "intra.example")  # no Qt
    again = SettingsDialog(store)
    qtbot.addWidget(again)
    assert again.general.domains_edit.text() == "corp.example.net, intra.example"
    again.general.domains_edit.setText("corp.example.net")  # INI keeps one item as text
    assert again.save()
    assert store.load().own_domains == saved_own_domains(store.file) == ("corp.example.net",)


def test_a_wrong_domain_is_refused_and_nothing_saved(qtbot) -> None:
    dialog = _save_domains(qtbot, "corp.example.net, not/a-domain")
    assert not dialog.save_button.isEnabled()  # said as it is typed
    assert "not/a-domain is not a domain name" in dialog.message.text()
    assert not dialog.save()
    assert default_store().load().own_domains == ()


def test_the_detector_uses_the_settings_and_the_file_together(qtbot, tmp_path: Path) -> None:
    team = paths.data_dir() / "findings"
    team.mkdir(parents=True)
    (team / "own-domains.txt").write_text("lab.example.org\n", encoding="utf-8")
    path = tmp_path / "hosts.incident"
    with IncidentFile.create(path, "hosts") as handle:
        handle.add_note(NOTE)
        before = [f.kind for f in incident_findings(handle, finding_rules())]
    assert before == ["host"]  # the file's domain only

    assert _save_domains(qtbot, "corp.example.net").save()
    assert finding_rules().own_domains[-2:] == ("lab.example.org", "corp.example.net")
    with IncidentFile.open(path, readonly=True) as handle:
        assert [f.kind for f in incident_findings(handle, finding_rules())] == ["host", "host"]
    listed = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "findings", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("a host name of our own") == 2
    assert "corp.example.net" not in listed.stdout  # the value is never printed
    assert (paths.config_dir() / FILE_NAME).is_file()

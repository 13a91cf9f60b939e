"""Figures the help and the docs state are the code's own: they cannot drift from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from incident_recorder.domain import EntryKind
from incident_recorder.ui.recorder.recorder_window import FIRST_ROWS

ROOT = Path(__file__).resolve().parents[1]


def test_the_note_help_and_the_cli_doc_name_every_kind() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "note", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    help_text = " ".join(shown.split())
    cli_doc = (ROOT / "docs" / "cli.md").read_text()
    for kind in EntryKind:
        assert kind.value in help_text, f"note --help omits {kind.value}"
        assert f"`{kind.value}`" in cli_doc, f"docs/cli.md omits {kind.value}"


def test_the_platform_doc_says_how_many_entries_a_window_shows_first() -> None:
    platform = " ".join((ROOT / "docs" / "platform.md").read_text().split())
    assert f"shows the newest {FIRST_ROWS:,} entries at once" in platform

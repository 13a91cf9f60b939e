"""The importers refuse entries in the future; these tests read the scenario of 2026-11-27
14:00 UTC, so the importers' clock is pinned a day after it (not the machine's clock)."""

from __future__ import annotations

import pytest
from importer_support import NOW


@pytest.fixture(autouse=True)
def importers_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("csv_import", "json_import", "slack_import"):
        monkeypatch.setattr(f"incident_recorder.importers.{module}.system_clock", lambda: NOW)

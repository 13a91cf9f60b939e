"""Where the app keeps its own files (settings, recent incidents) and where new incidents go.

Every location can be overridden by an environment variable, which the test suite sets for each
test, so tests never touch the real home directory. Nothing is created at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "incident-recorder"


def config_dir() -> Path:
    """Settings and the recent-incidents list (INCIDENT_RECORDER_CONFIG_DIR overrides)."""
    override = os.environ.get("INCIDENT_RECORDER_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_config_path(APP_NAME)


def data_dir() -> Path:
    """The default folder for new incident files (INCIDENT_RECORDER_DATA_DIR overrides)."""
    override = os.environ.get("INCIDENT_RECORDER_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_documents_path() / "Incidents"


def state_dir() -> Path:
    """The app's log files (INCIDENT_RECORDER_STATE_DIR overrides)."""
    override = os.environ.get("INCIDENT_RECORDER_STATE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_state_path(APP_NAME)


def resources_dir() -> Path:
    """The shipped resources: inside the installed package, or resources/ of a source checkout."""
    packaged = Path(__file__).resolve().parent / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "resources"


def review_word_lists() -> list[Path]:
    """The review's word lists (domain/blame.py): the shipped ones in resources/review/, then a
    team's own `*.txt` in <data dir>/review/ (which extend them), each in name order."""
    shipped = sorted((resources_dir() / "review").glob("*.txt"))
    team = data_dir() / "review"
    return shipped + (sorted(team.glob("*.txt")) if team.is_dir() else [])


def template_dirs() -> list[Path]:
    """Where a team's own report templates live (report/templates.py): <data dir>/templates/.
    The shipped ones in resources/templates/ are always read first."""
    return [data_dir() / "templates"]


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path

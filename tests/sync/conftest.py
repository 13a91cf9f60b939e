"""Fixtures of the team sync tests: one real PostgreSQL cluster for the whole run (about 2 s),
a fresh database with the team schema for each test; a real Secret Service (a private session
bus with gnome-keyring) for a test that keeps passwords in the system keyring; a recorder window
on a file (`window_on`) and the app's wiring (`application`) for the window tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from incident_recorder.storage import IncidentFile
from tests.sync import secret_service as secrets
from tests.sync.postgres_cluster import Cluster, missing


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    reason = missing()
    if reason:
        pytest.skip(reason)
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def team_url(postgres: Cluster) -> str:
    """A new database with the team schema made by `team init`'s code."""
    from incident_recorder.sync import team_db
    from incident_recorder.sync.replicator import connect

    url = postgres.new_database()
    with connect(url) as conn:
        team_db.init(conn)
    return url


def _fresh_keyring() -> None:
    """Make keyring choose its backend again, from the environment as it is now (it decides
    once per process; the tests in this process change the environment)."""
    import keyring.backend
    import keyring.core

    with contextlib.suppress(KeyError):  # jaraco's `once`: KeyError when not yet computed
        keyring.backend.get_all_keyring.reset()
    keyring.core.init_backend()


@pytest.fixture
def secret_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A running Secret Service on a private session bus, set in this process's environment
    (and so in the processes a test starts); what it set, for `env=` of a subprocess."""
    reason = secrets.missing()
    if reason:
        pytest.skip(reason)
    service = secrets.SecretService(tmp_path / "secret-service")
    try:
        for name, value in service.env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
        _fresh_keyring()
        yield service.env
    finally:
        try:
            monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
            monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
            _fresh_keyring()
        finally:  # the daemons end whatever happened above
            service.close()


KEYED_PASSWORD = "kept-in-the-keyring-7Qx"
"""The password of `keyed_url`'s role."""


@pytest.fixture
def keyed_url(postgres: Cluster, team_url: str) -> str:
    """`team_url` as a writer role that must give KEYED_PASSWORD (no password in the string)."""
    return postgres.password_role(team_url, KEYED_PASSWORD)


@pytest.fixture
def window_on(qtbot, clock) -> Iterator[Callable[[Path], object]]:  # type: ignore[no-untyped-def]
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow

    windows: list[RecorderWindow] = []

    def make(path: Path) -> RecorderWindow:
        window = RecorderWindow(IncidentFile.open(path, clock=clock), clock=clock, local_zone=UTC)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.hotkeys_subscribed)  # after the first paint
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()

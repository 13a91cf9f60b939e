"""Fixtures: a real webhook server on a free loopback port, serving a fresh incident file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile
from incident_recorder.webhooks.server import WebhookServer


@pytest.fixture
def served(incident_path: Path) -> Iterator[WebhookServer]:
    IncidentFile.create(incident_path, "Checkout outage").close()
    server = WebhookServer(incident_path, port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def reader(served: WebhookServer) -> Iterator[IncidentFile]:
    """A second connection to the served file, as another program would open it."""
    handle = IncidentFile.open(served.path, readonly=True)
    yield handle
    handle.close()

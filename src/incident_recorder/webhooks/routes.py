"""What a webhook request may be: the endpoints, their body limits, and the server as a request
sees it (App: the checks it asks of the server) and tells it (Refusal: what `serve` prints).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from incident_recorder.domain.events import NewEvent
from incident_recorder.webhooks.alerts import parse_alertmanager, parse_grafana
from incident_recorder.webhooks.opsgenie import parse_opsgenie
from incident_recorder.webhooks.pagerduty import SIGNATURE_HEADER, parse_pagerduty
from incident_recorder.webhooks.payloads import parse_events

MAX_BODY_BYTES = 1024 * 1024
"""Generic events, PagerDuty (which drops webhooks over 256 KB itself) and Opsgenie (one alert
action a request): bodies over 1 MiB are refused (413) unread."""
MAX_ALERT_BODY_BYTES = 32 * 1024 * 1024
"""Alertmanager and Grafana send a whole group of alerts in one notification, and never retry a
4xx: a real group of 1,200 alerts is 1.7 MB, so their limit is 32 MiB (about 23,000 alerts)."""
ROUTES: dict[str, Callable[[Any, datetime], list[NewEvent]]] = {
    "/events": parse_events,
    "/alertmanager": parse_alertmanager,
    "/grafana": parse_grafana,
    "/pagerduty": parse_pagerduty,
    "/opsgenie": parse_opsgenie,
}
SIGNATURE_HEADERS = {"/pagerduty": SIGNATURE_HEADER}
"""The header each sender signs its bodies in, checked when its secret is configured."""
BODY_LIMITS = {
    "/events": MAX_BODY_BYTES,
    "/alertmanager": MAX_ALERT_BODY_BYTES,
    "/grafana": MAX_ALERT_BODY_BYTES,
    "/pagerduty": MAX_BODY_BYTES,
    "/opsgenie": MAX_BODY_BYTES,
}


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request answered with an error: what `serve` prints. Never holds a header or a query
    string (where a sender might put its token)."""

    status: int
    method: str
    path: str
    reason: str
    client: str


class App(Protocol):
    """What a request needs of the server (webhooks/server.py's WebhookServer)."""

    title: str
    request_deadline: float

    def host_refusal(self, values: list[str], local_address: str) -> str | None: ...

    def saturated(self) -> bool: ...

    def now(self) -> datetime: ...

    def authorized(self, header: str | None) -> bool: ...

    def signature_refusal(self, path: str, signed: str, body: bytes | bytearray) -> str | None: ...

    def refused(self, refusal: Refusal) -> None: ...

    def record(self, events: list[NewEvent]) -> dict[str, Any]: ...

    def in_flight(self) -> AbstractContextManager[None]: ...

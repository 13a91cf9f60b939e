"""What describes an incident beyond its timeline: severity, status, services, roles, detection.

Each field is kept in the incident file as its own append-only history (the latest value wins),
so correcting the severity later never loses what it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
"""The severity scale unless a team configures its own (SEV1 is the worst)."""


class Status(StrEnum):
    """Where the incident stands (the words status pages use)."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class DetectionSource(StrEnum):
    """How the incident was noticed."""

    CUSTOMER = "customer"
    INTERNAL = "internal"
    AUTOMATED = "automated"

    @property
    def label(self) -> str:
        return {
            DetectionSource.CUSTOMER: "Customer reported",
            DetectionSource.INTERNAL: "Internally noticed",
            DetectionSource.AUTOMATED: "Automated (alerting)",
        }[self]


class Role(StrEnum):
    """The incident roles a report names (internally only: never in a public report)."""

    INCIDENT_COMMANDER = "incident_commander"
    RECORDER = "recorder"
    COMMUNICATIONS_LEAD = "communications_lead"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Service:
    """An affected service; only public ones may be named in a public report."""

    name: str
    public: bool = False


@dataclass(frozen=True, slots=True)
class IncidentDetails:
    """The incident's metadata as it now reads (each field's latest value)."""

    title: str
    severity: str | None = None
    status: Status = Status.INVESTIGATING
    services: tuple[Service, ...] = ()
    roles: Mapping[Role, str] = field(default_factory=dict)
    detection_source: DetectionSource | None = None

    def public_services(self) -> tuple[Service, ...]:
        return tuple(service for service in self.services if service.public)


DETAIL_FIELDS = ("title", "severity", "status", "services", "roles", "detection_source")
"""The fields stored in the file's `details` table, by name."""


def details_to_json(details: IncidentDetails) -> dict[str, object]:
    """The JSON-able form of every field (the form stored and exported)."""
    return {
        "title": details.title,
        "severity": details.severity,
        "status": details.status.value,
        "services": [{"name": s.name, "public": s.public} for s in details.services],
        "roles": {role.value: name for role, name in details.roles.items()},
        "detection_source": details.detection_source.value if details.detection_source else None,
    }


def details_from_json(values: Mapping[str, object], *, title: str) -> IncidentDetails:
    """Rebuild details from stored field values; unknown or malformed values are dropped
    (a file written by a newer version must still open)."""
    services: list[Service] = []
    raw_services = values.get("services")
    if isinstance(raw_services, list):
        for item in raw_services:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                services.append(Service(item["name"], bool(item.get("public", False))))
    roles: dict[Role, str] = {}
    raw_roles = values.get("roles")
    if isinstance(raw_roles, dict):
        for key, name in raw_roles.items():
            if key in set(Role) and isinstance(name, str) and name.strip():
                roles[Role(key)] = name.strip()
    raw_title = values.get("title")
    severity = values.get("severity")
    status = values.get("status")
    source = values.get("detection_source")
    return IncidentDetails(
        title=raw_title if isinstance(raw_title, str) and raw_title.strip() else title,
        severity=severity if isinstance(severity, str) and severity else None,
        status=Status(status)
        if isinstance(status, str) and status in set(Status)
        else Status.INVESTIGATING,
        services=tuple(services),
        roles=roles,
        detection_source=(
            DetectionSource(source)
            if isinstance(source, str) and source in set(DetectionSource)
            else None
        ),
    )

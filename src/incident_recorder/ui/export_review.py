"""The review shown before export, read on a worker, and its findings grouped for display.

`ReviewJob` opens its own connection to the incident file, reads the record and runs the review
(and the public status-update text, which needs the same record), then hands the result back
by signal. `group_findings` orders the findings by check, most important group first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from incident_recorder.domain.review import Finding
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.report_backend import review, status_update

CHECK_TITLES: dict[str, str] = {
    "captures": "Captures not reviewed for redaction",
    "blame": "Blame-oriented language",
    "milestone": "Missing milestones",
    "unclassified": "Entries with no kind",
    "gap": "Long silent gaps in the timeline",
    "action-item": "Action items without owner or due date, or overdue",
    "action-items": "No action items yet",
}
"""The group title of each check of domain.review."""


def check_title(check: str) -> str:
    return CHECK_TITLES.get(check) or check.replace("_", " ").replace("-", " ").capitalize()


def group_findings(
    findings: Sequence[Finding],
) -> list[tuple[str, list[Finding]]]:
    """(group title, findings) in first-seen order of their checks, warnings' groups first."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(check_title(finding.check), []).append(finding)
    weight = {"warning": 0, "info": 1}
    return sorted(
        groups.items(),
        key=lambda pair: min(weight.get(f.severity, 2) for f in pair[1]),
    )


@dataclass(frozen=True)
class ReviewResult:
    findings: tuple[Finding, ...]
    status_update: str


class ReviewSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class ReviewJob(QRunnable):
    """Review the record of `path` as of `now`: done(ReviewResult) or failed(message)."""

    def __init__(self, path: Path, now: datetime, tz: tzinfo) -> None:
        super().__init__()
        self.path = path
        self.now = now
        self.tz = tz
        self.signals = ReviewSignals()

    def run(self) -> None:
        try:
            with IncidentFile.open(self.path, readonly=True) as source:
                record = source.record()
            findings = tuple(review(record, now=self.now.astimezone(self.tz)))
            update = status_update(record, now=self.now, tz=self.tz)
        except IncidentFileError as error:
            self.signals.failed.emit(str(error))
        except Exception as error:  # shown in the dialog; the export stays possible
            self.signals.failed.emit(f"{type(error).__name__}: {error}")
        else:
            self.signals.done.emit(ReviewResult(findings, update))

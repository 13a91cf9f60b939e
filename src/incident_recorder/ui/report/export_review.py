"""The review shown before export: read on a worker, shown grouped by check.

`ReviewJob` opens its own connection to the incident file, reads the record and runs the review
(and the public status-update text, which needs the same record), then hands the result back
by signal. `group_findings` orders the findings by check, most important group first;
`ReviewList` shows them, one line each with the selected one whole beneath, and says which
entry a clicked finding is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from incident_recorder.domain.review import Finding
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.common.links import plain_tip
from incident_recorder.ui.report.report_backend import review, sensitive_findings, status_update

CHECK_TITLES: dict[str, str] = {
    "captures": "Captures not reviewed for redaction",
    "sensitive": "Looks sensitive, not redacted or dismissed",
    "blame": "Blame-oriented language",
    "public-text": "Empty public sections",
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
                sensitive = sensitive_findings(source)
            findings = tuple(review(record, now=self.now.astimezone(self.tz))) + sensitive
            update = status_update(record, now=self.now, tz=self.tz)
        except IncidentFileError as error:
            self.signals.failed.emit(str(error))
        except Exception as error:  # shown in the dialog; the export stays possible
            self.signals.failed.emit(f"{type(error).__name__}: {error}")
        else:
            self.signals.done.emit(ReviewResult(findings, update))


ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
"""The entry id a finding is about (None: not about one entry)."""


class ReviewList(QWidget):
    """The findings, grouped; clicking one about an entry emits entry_selected(entry id)."""

    entry_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = QLabel("Reviewing the record…")
        self.state.setObjectName("hint")
        self.state.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("reviewFindings")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setUniformRowHeights(False)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setMinimumHeight(220)
        self.tree.currentItemChanged.connect(self._show_detail)
        self.tree.itemActivated.connect(self._clicked)
        self.tree.itemClicked.connect(self._clicked)
        self.detail = QLabel()
        self.detail.setObjectName("findingDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # quotes notes: text, never markup
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)

    def show_findings(self, findings: Sequence[Finding]) -> None:
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for title, found in group_findings(findings):
            group = QTreeWidgetItem([f"{title} ({len(found)})"])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for finding in found:
                text = finding.message
                if finding.sentence:
                    text += f"\n“{finding.sentence}”"
                if finding.hint:
                    text += f"\n→ {finding.hint}"
                child = QTreeWidgetItem([text])
                child.setData(0, ENTRY_ROLE, finding.entry_id)
                tip = text
                if finding.entry_id is not None:
                    tip += "\n\nClick to select the entry in the timeline."
                child.setToolTip(0, plain_tip(tip))
                group.addChild(child)
            self.tree.addTopLevelItem(group)
        self.tree.expandAll()
        count = len(findings)
        self.state.setText(
            f"{count} point{'s' if count != 1 else ''} to look at. None of them stops the "
            "export; click one about an entry to select it in the timeline."
            if count
            else "Nothing to look at: the record reads complete."
        )

    def _show_detail(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        """The whole finding (the list shows one line of it), wrapped under the list."""
        if item is None or item.parent() is None:
            self.detail.hide()
            return
        self.detail.setText(item.text(0))
        self.detail.show()

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        entry_id = item.data(0, ENTRY_ROLE)
        if isinstance(entry_id, int):
            self.entry_selected.emit(entry_id)

"""The start window: recent incidents, "New Incident…", "Open…", a first-run hint card.

Each recent incident is listed with its title, severity, state and date. The files are read
read-only on a worker thread (``storage.summary``), so a long list or a slow disk never holds the
window; rows fill in as the summaries arrive. A missing or unreadable file stays listed, greyed,
with the reason, and can be removed from the list (Delete, or "Remove From List"). Enter or a
double-click opens the highlighted incident; the list has the focus when it has rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.recent import RecentIncident
from incident_recorder.settings import Settings
from incident_recorder.storage.summary import IncidentSummary, read_summary
from incident_recorder.ui.common.actions import action
from incident_recorder.ui.recorder.hint_card import HintCard

PATH_ROLE = Qt.ItemDataRole.UserRole
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Title", "Severity", "State", "Started", "Last opened")


def _local(when: datetime | str | None) -> str:
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            return ""
    return when.astimezone().strftime("%d %b %Y %H:%M") if when else ""


class _SummarySignals(QObject):
    read = Signal(int, object)


class _SummaryJob(QRunnable):
    """Reads the summary of each path in turn (generation: which listing asked)."""

    def __init__(self, generation: int, paths: list[Path]) -> None:
        super().__init__()
        self.generation = generation
        self.paths = paths
        self.signals = _SummarySignals()
        self.finished = False

    def run(self) -> None:
        for path in self.paths:
            self.signals.read.emit(self.generation, read_summary(path))
        self.finished = True


class StartWindow(QWidget):
    new_requested = Signal()
    browse_requested = Signal()
    open_requested = Signal(object)
    remove_requested = Signal(object)
    hint_dismissed = Signal()

    def __init__(
        self,
        recent: list[RecentIncident],
        parent: QWidget | None = None,
        *,
        keys: Mapping[str, str] | None = None,
        show_hint: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Incident Recorder")
        self.setObjectName("startWindow")
        self._generation = 0
        self._jobs: list[_SummaryJob] = []
        self.summaries: dict[Path, IncidentSummary] = {}
        title = QLabel("Incident Recorder")
        title.setObjectName("startTitle")
        subtitle = QLabel(
            "Keep the record while production is down: one key stamps a note, "
            "one key captures the screen."
        )
        subtitle.setWordWrap(True)
        subtitle.setObjectName("incidentDetails")
        self.banner = QLabel()
        self.banner.setTextFormat(Qt.TextFormat.PlainText)  # paths and messages, never markup
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Error")
        self.banner.hide()

        self.hint = HintCard(keys or {})
        self.hint.setVisible(show_hint)
        self.hint.dismissed.connect(self._dismiss_hint)

        self.new_button = QPushButton("New Incident…")
        self.new_button.setAccessibleName("New incident")
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button = QPushButton("Open Incident File…")
        self.open_button.setAccessibleName("Open incident file")
        self.open_button.clicked.connect(self.browse_requested.emit)
        self.join_button = QPushButton("Join Team Incident…")
        self.join_button.setAccessibleName("Join a team incident")
        self.join_button.clicked.connect(self.join_team)
        self.remove_button = QPushButton("Remove From List")
        self.remove_button.setAccessibleName("Remove the selected incident from the list")
        self.remove_button.setToolTip("Forget it here; the file itself is not touched")
        self.remove_button.clicked.connect(self._remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.join_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)

        self.recent_list = QTreeWidget()
        self.recent_list.setObjectName("recentList")
        self.recent_list.setHeaderLabels(list(COLUMNS))
        self.recent_list.setRootIsDecorated(False)
        self.recent_list.setUniformRowHeights(True)
        self.recent_list.setAlternatingRowColors(True)
        self.recent_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.recent_list.setAccessibleName("Recent incidents")
        header = self.recent_list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.recent_list.itemActivated.connect(self._activated)
        self.recent_list.currentItemChanged.connect(lambda *_: self._update_remove())
        recent_label = QLabel("&Recent incidents")
        recent_label.setObjectName("sectionHeading")
        recent_label.setBuddy(self.recent_list)
        self.empty_hint = QLabel("No recent incidents yet. Start one with New Incident (Ctrl+N).")
        self.empty_hint.setObjectName("incidentDetails")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.banner)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addWidget(recent_label)
        layout.addWidget(self.recent_list, 1)
        layout.addWidget(self.empty_hint)
        self.new_shortcut = QShortcut(self)
        self.new_shortcut.activated.connect(self.new_requested.emit)
        self.open_shortcut = QShortcut(self)
        self.open_shortcut.activated.connect(self.browse_requested.emit)
        self.set_keys(keys or {})
        for button in (self.new_button, self.open_button, self.remove_button):
            button.setAutoDefault(True)  # Enter clicks the focused button, as in a dialog
        self.hint.dismiss_button.setAutoDefault(True)
        QWidget.setTabOrder(self.recent_list, self.new_button)  # the list first, then buttons
        QWidget.setTabOrder(self.new_button, self.open_button)
        QWidget.setTabOrder(self.open_button, self.remove_button)
        QWidget.setTabOrder(self.remove_button, self.hint.dismiss_button)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.recent_list)
        remove.activated.connect(self._remove_current)
        self.set_recent(recent)
        self.resize(860, 560)

    # -- keys ------------------------------------------------------------------------------

    def set_keys(self, keys: Mapping[str, str]) -> None:
        """Bind and show ``keys`` (action id → key: the actions table with the user's settings
        applied) in the shortcuts, tooltips, empty-list hint and the hint card."""
        new_key = keys.get("new_incident", action("new_incident").shortcut)
        open_key = keys.get("open_incident", action("open_incident").shortcut)
        self.new_shortcut.setKey(QKeySequence(new_key))
        self.open_shortcut.setKey(QKeySequence(open_key))
        self.new_button.setToolTip(f"Start recording a new incident ({new_key or 'no key'})")
        self.open_button.setToolTip(f"Open an incident file ({open_key or 'no key'})")
        self.empty_hint.setText(
            f"No recent incidents yet. Start one with New Incident ({new_key or 'no key'})."
        )
        self.hint.set_keys(keys)

    def apply_settings(self, settings: Settings) -> None:
        """Saved settings (the Settings dialog calls this on every top-level window)."""
        from incident_recorder.ui.dialogs.settings_dialog import shortcuts_of

        self.set_keys(shortcuts_of(settings))

    # -- the list ---------------------------------------------------------------------------

    def set_recent(self, recent: list[RecentIncident]) -> None:
        """List ``recent`` at once (titles as last seen); details follow from a worker."""
        self._generation += 1
        self._jobs = [job for job in self._jobs if not job.finished]  # running ones stay held
        self.recent_list.clear()
        for item in recent:
            row = QTreeWidgetItem([item.title, "", "…", "", _local(item.opened_at)])
            row.setData(0, PATH_ROLE, item.path)
            row.setData(0, TITLE_ROLE, item.title)
            row.setToolTip(0, item.path)
            self.recent_list.addTopLevelItem(row)
        self._relabel()
        self.empty_hint.setVisible(not recent)
        # The focus where Enter does what the window offers: open the highlighted incident
        # (itemActivated), else start a new one.
        (self.recent_list if recent else self.new_button).setFocus()
        if recent:
            self.recent_list.setCurrentItem(self.recent_list.topLevelItem(0))  # type: ignore[arg-type]
            job = _SummaryJob(self._generation, [Path(r.path) for r in recent])
            job.signals.read.connect(self._summary_read)
            self._jobs.append(job)
            QThreadPool.globalInstance().start(job)
        self._update_remove()

    def _relabel(self) -> None:
        """Each row's title, with the file's name where two listed incidents share a title
        (two "Checkout outage" rows were told apart only by a tooltip)."""
        rows = [
            self.recent_list.topLevelItem(i) for i in range(self.recent_list.topLevelItemCount())
        ]
        titles = [str(row.data(0, TITLE_ROLE)) for row in rows if row is not None]
        for row in rows:
            if row is None or row.data(0, PROBLEM_ROLE):
                continue
            title = str(row.data(0, TITLE_ROLE))
            name = Path(str(row.data(0, PATH_ROLE))).name
            row.setText(0, f"{title}  ·  {name}" if titles.count(title) > 1 else title)

    def _row(self, path: Path) -> QTreeWidgetItem | None:
        for index in range(self.recent_list.topLevelItemCount()):
            row = self.recent_list.topLevelItem(index)
            if row is not None and Path(row.data(0, PATH_ROLE)) == path:
                return row
        return None

    def _summary_read(self, generation: int, summary: IncidentSummary) -> None:
        if generation != self._generation:
            return  # an older listing's answer
        self.summaries[summary.path] = summary
        row = self._row(summary.path)
        if row is None:
            return
        if summary.problem is not None:
            grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            row.setText(2, "Cannot open")
            for column in range(len(COLUMNS)):
                row.setForeground(column, grey)
                row.setToolTip(column, f"{summary.path}\n{summary.problem}")
            row.setData(0, PROBLEM_ROLE, True)
            row.setText(0, f"{row.text(0)}  —  {summary.problem}")
            return
        row.setData(0, TITLE_ROLE, summary.title)
        self._relabel()
        row.setText(1, summary.severity or "—")
        row.setText(2, summary.state)
        row.setText(3, _local(summary.started_at))
        for column in range(len(COLUMNS)):
            row.setToolTip(column, str(summary.path))

    def problem(self, path: Path) -> str | None:
        """Why the listed file at ``path`` cannot open (None: it can, or not known yet)."""
        summary = self.summaries.get(Path(path))
        return summary.problem if summary else None

    def _update_remove(self) -> None:
        self.remove_button.setEnabled(self.recent_list.currentItem() is not None)

    def join_team(self, over: QWidget | None = None) -> None:
        """Join Team Incident…: a replica of a shared incident, opened once joined. `over`: the
        window it was asked from (a recorder window's File menu), else this one."""
        from incident_recorder.ui.dialogs.join_team import JoinTeamDialog
        from incident_recorder.ui.dialogs.settings_store import default_store

        dialog = JoinTeamDialog(default_store().load().author or None, over or self)
        dialog.joined.connect(self.open_requested.emit)
        dialog.open()

    def _remove_current(self) -> None:
        row = self.recent_list.currentItem()
        if row is None:
            return
        path = Path(row.data(0, PATH_ROLE))
        self.recent_list.takeTopLevelItem(self.recent_list.indexOfTopLevelItem(row))
        self.empty_hint.setVisible(self.recent_list.topLevelItemCount() == 0)
        self._update_remove()
        self.remove_requested.emit(path)

    def _activated(self, row: QTreeWidgetItem) -> None:
        path = Path(row.data(0, PATH_ROLE))
        problem = self.problem(path)
        if problem is not None:
            self.show_error(f"Could not open {path}: {problem}")
            return
        self.open_requested.emit(path)

    # -- messages and the hint card ---------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()

    def _dismiss_hint(self) -> None:
        self.hint.hide()
        self.hint_dismissed.emit()

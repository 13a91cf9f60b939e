"""A teammate's report texts, action items and annotations, live in the open windows.

The team sync's worker announces what it pulled to the window's session (team_sync.py); the
timeline and the header follow entries, milestones and details there (recorder_window.py). This
listener follows the rest, in the windows open beside the recorder window:

- the report window shows a section a teammate saved in place, unless the user has unsaved
  edits in that section: typed text is never overwritten, a notice says a newer text was saved
  (the user's text is then saved as the next revision; the teammate's stays in history);
- its action items table reloads (an unsaved new row of the user's stays at the end; while a
  cell is being edited, once the edit ends);
- a capture viewer shows the capture's new annotations when nothing unsaved is in it (with
  unsaved shapes, the viewer's next save meets the newer revision and is refused, as for a
  save from a second window); the timeline redraws the capture's thumbnail and marker either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView

from incident_recorder.domain.annotation import has_redaction
from incident_recorder.session import (
    ActionItemsChanged,
    AnnotationsChanged,
    Change,
    IncidentSession,
    ReportTextsChanged,
)
from incident_recorder.ui.timeline.timeline_model import TimelineModel

if TYPE_CHECKING:
    from incident_recorder.ui.capture.capture_controller import CaptureController
    from incident_recorder.ui.report.report_controller import ReportController
    from incident_recorder.ui.report.report_window import ReportWindow

EDITING_RETRY_MS = 500
"""How soon the action items are looked at again while a cell of the table is being edited."""


class TeamCuration(QObject):
    """Follows a session's report texts, action items and annotations changes (see above)."""

    def __init__(
        self,
        session: IncidentSession,
        model: TimelineModel,
        reports: ReportController,
        captures: CaptureController,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._reports = reports
        self._captures = captures
        self.kept_aside: list[str] = []
        """Report sections whose teammate's text was not shown (unsaved edits), latest last."""
        self._stop = session.listen(self._heard)
        self.destroyed.connect(lambda _=None: self._stop())

    def _heard(self, change: Change) -> None:
        if isinstance(change, ReportTextsChanged):
            window = self._reports.report_window
            if window is not None:
                self.kept_aside += window.take_saved_texts(dict(change.texts))
        elif isinstance(change, ActionItemsChanged):
            window = self._reports.report_window
            if window is not None:
                self._reload_items(window)
        elif isinstance(change, AnnotationsChanged):
            self._annotations(change)

    def _reload_items(self, window: ReportWindow) -> None:
        if self._reports.report_window is not window:
            return  # closed meanwhile
        if window.items_panel.table.state() == QAbstractItemView.State.EditingState:
            QTimer.singleShot(EDITING_RETRY_MS, self, lambda: self._reload_items(window))
            return  # a reload now would close the cell editor and drop what is typed in it
        window.items.reload()
        window.refresh()  # the preview reads the items again

    def _annotations(self, change: AnnotationsChanged) -> None:
        self._model.annotations_changed(change.capture_id, has_redaction(change.shapes))
        viewer = self._captures.viewers.get(change.capture_id)
        if viewer is None or viewer.editor.dirty or viewer.revision >= change.revision:
            return
        viewer.revision = change.revision
        viewer.editor.reset(change.shapes)

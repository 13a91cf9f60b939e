"""The report window: the report's free-text sections and action items beside a live preview.

Left, a scrolling column with one Markdown editor per editable section (its guiding prompt as
placeholder, its pre-filled draft offered beneath while it is empty) and the action items
table; right, the rendered report, re-rendered off the UI thread ~300 ms after the last change
with its scroll position kept. Every edit is saved ~1 s after typing stops, and on close, as a
new revision of the section in the incident file; a failed save keeps the text, says so, and is
retried. The window writes through the recorder's open incident file (its own thread) and
reads the whole record for drafts and preview on a worker with its own connection.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import tzinfo

from PySide6.QtCore import QEvent, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain.record import IncidentRecord
from incident_recorder.domain.times import Clock
from incident_recorder.report.facts import local_zone
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.common.actions import ACTIONS
from incident_recorder.ui.common.inert_browser import InertBrowser
from incident_recorder.ui.common.style import adapt
from incident_recorder.ui.report import report_backend
from incident_recorder.ui.report.action_items_model import ActionItemsModel
from incident_recorder.ui.report.action_items_view import ActionItemsPanel
from incident_recorder.ui.report.keep_place import KeepPlace
from incident_recorder.ui.report.report_jobs import PreviewJob, RecordJob
from incident_recorder.ui.report.section_editor import SectionEditor

SAVE_DELAY_MS = 1000
PREVIEW_DELAY_MS = 300
RETRY_MS = 5000
PREVIEW_CSS = """
h1 { font-size: 20pt; font-weight: 600; }
h2 { font-size: 14pt; font-weight: 600; margin-top: 18px; color: #1f2937; }
h3 { font-size: 11pt; font-weight: 600; color: #374151; }
table { border-collapse: collapse; margin: 6px 0; }
th { background: #f3f4f6; text-align: left; padding: 4px 8px; font-weight: 600; }
td { padding: 4px 8px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
code { font-family: monospace; }
em { color: #4b5563; }
"""
"""Qt's rich text understands a subset of CSS: enough for calm tables and headings (the light
colours: ``preview_css`` gives the ones for the current palette)."""


def preview_css() -> str:
    """PREVIEW_CSS with its colours adapted to a light or dark palette."""
    return re.sub(r"#[0-9a-f]{6}", lambda m: adapt(m.group(0)), PREVIEW_CSS)


REPORT_ACTIONS = ("export", "add_action_item", "refresh_report", "close_window")
"""The actions of the actions table this window binds (keys as the table and settings say)."""


class ReportWindow(QMainWindow):
    export_requested = Signal()
    closed = Signal(object)

    def __init__(
        self,
        incident_file: IncidentFile,
        *,
        clock: Clock,
        local_zone_: tzinfo | None = None,
        thread_pool: QThreadPool | None = None,
        keep_alive: Callable[[QRunnable], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`keep_alive(job)` takes over jobs still running when the window closes (the owner of
        `thread_pool` keeps them until the pool is done); without it, closing waits for them."""
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reportWindow")
        self.file = incident_file
        self._clock = clock
        self.tz = local_zone_ or local_zone()
        self._pool = thread_pool or QThreadPool(self)
        self._keep_alive = keep_alive
        self._jobs: dict[tuple[str, int], RecordJob | PreviewJob] = {}
        """Jobs queued or running, kept alive until they report (the pool does not own them)."""
        self._closing = False
        self.record: IncidentRecord | None = None
        self.template = "default"
        self._record_generation = 0
        self._preview_generation = 0
        self.last_save_error: str | None = None
        self.preview_source = ""
        """The sanitized HTML the preview shows now."""
        self.setWindowTitle(f"Report — {incident_file.incident().title}")

        self.editors: dict[str, SectionEditor] = {}
        column = QWidget()
        column.setObjectName("reportColumn")
        layout = QVBoxLayout(column)
        layout.setContentsMargins(20, 16, 20, 20)
        self.banner = QLabel()
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        saved = incident_file.report_texts()
        self._saved_texts = {
            key: saved.get(key, "") for key, _ in report_backend.editable_sections()
        }
        """Section key → the text this window last loaded or saved (an editor differing from
        it holds unsaved edits)."""
        prompts = report_backend.section_prompts()
        for key, label in report_backend.editable_sections():
            editor = SectionEditor(key, label, prompts.get(key, ""))
            editor.set_text(saved.get(key, ""))
            editor.edited.connect(self._edited)
            layout.addWidget(editor)
            self.editors[key] = editor
        heading = QLabel("Action items")
        heading.setObjectName("sectionHeading")
        layout.addWidget(heading)
        self.items = ActionItemsModel(incident_file, self)
        self.items.save_failed.connect(self._item_not_saved)
        self.items.saved.connect(self._item_saved)
        self.items.rowsRemoved.connect(self._schedule_preview)
        self.items_panel = ActionItemsPanel(self.items)
        layout.addWidget(self.items_panel)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(column)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.column_scroll = scroll
        self.keep_place = KeepPlace(scroll)  # the section being edited stays where it is

        self.preview = InertBrowser()  # HTML from notes: loads nothing
        self.preview.setObjectName("reportPreview")
        self.preview.setAccessibleName("Report preview")
        self.preview.setOpenLinks(False)  # a link in a note is shown, never followed from here
        self.preview.document().setDocumentMargin(24)
        self.preview.document().setDefaultStyleSheet(preview_css())
        self.preview.setPlaceholderText("Rendering the report…")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self.save_state = QLabel("No changes yet")
        self.save_state.setObjectName("saveState")
        self.statusBar().addPermanentWidget(self.save_state)
        self.team_notice = QLabel()  # a teammate's text kept aside: in sight wherever one types
        self.team_notice.setObjectName("teamNotice")
        self.team_notice.hide()
        self.statusBar().addWidget(self.team_notice, 1)
        self._save_timer = self._timer(SAVE_DELAY_MS, self.save_now)
        self._retry_timer = self._timer(RETRY_MS, self.save_now)
        self._preview_timer = self._timer(PREVIEW_DELAY_MS, self._render_preview)
        self.actions_by_id: dict[str, QAction] = {}
        self._build_actions()
        self.resize(1280, 860)
        self.refresh()

    def _timer(self, interval: int, slot: Callable[[], object]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    def _build_actions(self) -> None:
        menus = {"file": self.menuBar().addMenu("&File")}
        menus["items"] = self.menuBar().addMenu("&Action Items")
        menus["view"] = self.menuBar().addMenu("&View")
        handlers: dict[str, Callable[[], object]] = {
            "export": self.export_requested.emit,
            "add_action_item": self.items_panel.table.add_item,
            "refresh_report": self.refresh,
            "close_window": self.close,
        }
        where = {"export": "file", "close_window": "file", "add_action_item": "items"}
        for spec in ACTIONS:
            if spec.id not in REPORT_ACTIONS:
                continue
            act = QAction(spec.text, self)
            act.setShortcut(QKeySequence(spec.shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setStatusTip(spec.tip)
            act.triggered.connect(handlers[spec.id])
            menus[where.get(spec.id, "view")].addAction(act)
            self.actions_by_id[spec.id] = act

    def apply_settings(self, settings: object) -> None:
        """The keys chosen in Settings (called on every top-level window)."""
        from incident_recorder.ui.dialogs.settings_dialog import shortcuts_of

        for action_id, key in shortcuts_of(settings).items():  # type: ignore[arg-type]
            if action_id in self.actions_by_id:
                self.actions_by_id[action_id].setShortcut(QKeySequence(key))

    # -- texts -------------------------------------------------------------------------------

    def texts(self) -> dict[str, str]:
        return {key: editor.text() for key, editor in self.editors.items()}

    def _edited(self, _key: str) -> None:
        self.save_state.setText("Editing…")
        self._save_timer.start()
        self._schedule_preview()

    def save_now(self) -> bool:
        """Save every changed section now (a revision each); False (text kept) on failure."""
        self._save_timer.stop()
        self._retry_timer.stop()
        try:
            changed = self.file.save_report_texts(self.texts())
        except (IncidentFileError, OSError) as error:
            self.last_save_error = str(error)
            self.banner.setText(
                f"The report was not saved: {error}. Your text is kept here and saving is "
                f"retried every {RETRY_MS // 1000} s."
            )
            self.banner.show()
            self.save_state.setText("Not saved")
            if not self._closing:
                self._retry_timer.start()
            return False
        self.last_save_error = None
        self.banner.hide()
        self._saved_texts.update(self.texts())
        if changed:
            self.save_state.setText(f"Saved {self._clock().astimezone(self.tz):%H:%M:%S}")
        return True

    def unsaved(self, key: str) -> bool:
        """Whether section `key` holds edits not saved yet."""
        return self.editors[key].text() != self._saved_texts.get(key, "")

    def take_saved_texts(self, texts: Mapping[str, str]) -> list[str]:
        """Sections saved elsewhere (a teammate): show each new text in place, unless that
        section holds unsaved edits — those are never overwritten; a notice says a newer text
        was saved. The keys kept aside."""
        kept: list[str] = []
        for key, text in texts.items():
            editor = self.editors.get(key)
            if editor is None or text == editor.text():
                self._saved_texts[key] = text
            elif self.unsaved(key):
                kept.append(key)
            else:
                editor.set_text(text)
                self._saved_texts[key] = text
        if kept:
            names = ", ".join(self.editors[key].label for key in kept)
            self.team_notice.setText(
                f"A teammate saved {names} while you were editing it: your text is kept and "
                "saved after theirs (theirs stays in the section's history)."
            )
            self.team_notice.show()
        self._schedule_preview()
        return kept

    # -- record, drafts, preview -------------------------------------------------------------

    def refresh(self) -> None:
        """Read the record again (drafts, timeline, milestones) on a worker."""
        if any(kind == "record" for kind, _ in self._jobs):
            return  # one read at a time; the one under way sees the latest
        self._record_generation += 1
        job = RecordJob(self.file.path, self.tz, self._record_generation)
        job.signals.done.connect(self._record_loaded)
        job.signals.failed.connect(self._record_failed)
        self._start("record", job)

    def _start(self, kind: str, job: RecordJob | PreviewJob) -> None:
        job.setAutoDelete(False)
        self._jobs[(kind, job.generation)] = job
        self._pool.start(job)

    def _record_loaded(self, generation: int, result: object) -> None:
        self._jobs.pop(("record", generation), None)
        if self._closing or generation != self._record_generation:
            return
        assert isinstance(result, tuple)
        record: IncidentRecord = result[0]
        drafts: dict[str, str] = result[1]
        self.record = record
        for key, editor in self.editors.items():
            editor.set_draft(drafts.get(key, ""))
        self._render_preview()

    def _record_failed(self, generation: int, message: str) -> None:
        self._jobs.pop(("record", generation), None)
        if not self._closing and generation == self._record_generation:
            self.statusBar().showMessage(f"The record cannot be read: {message}", 10_000)

    def _schedule_preview(self, *_: object) -> None:
        self._preview_timer.start()

    def _render_preview(self) -> None:
        if self.record is None or self._closing:
            return
        if any(kind == "preview" for kind, _ in self._jobs):
            self._preview_timer.start()  # one render at a time: the next follows this one
            return
        self._preview_generation += 1
        edited = report_backend.with_edits(self.record, self.texts(), self.items.items())
        job = PreviewJob(edited, self.tz, self.template, self._preview_generation)
        job.signals.done.connect(self._preview_rendered)
        job.signals.failed.connect(self._preview_failed)
        self._start("preview", job)

    def _preview_rendered(self, generation: int, html: object) -> None:
        self._jobs.pop(("preview", generation), None)
        if self._closing or generation != self._preview_generation:
            return
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        self.preview_source = str(html)
        self.preview.setHtml(self.preview_source)
        bar.setValue(min(position, bar.maximum()))

    def restyle(self) -> None:
        """Colours again for a new light/dark palette (the preview is laid out again)."""
        self.preview.document().setDefaultStyleSheet(preview_css())
        if self.preview_source:
            self.preview.setHtml(self.preview_source)

    def _preview_failed(self, generation: int, message: str) -> None:
        self._jobs.pop(("preview", generation), None)
        if not self._closing and generation == self._preview_generation:
            self.preview.setPlainText(f"The preview cannot be rendered: {message}")

    # -- action items ------------------------------------------------------------------------

    def _item_saved(self, item: object) -> None:
        if self.banner.text().startswith("Action item not saved"):
            self.banner.hide()  # that is put right now
        self.save_state.setText(f"Saved {self._clock().astimezone(self.tz):%H:%M:%S}")
        self._schedule_preview()

    def _item_not_saved(self, message: str) -> None:
        """On the banner, never a dialog: the keys typed next stay in the table."""
        self.statusBar().showMessage(f"Action item not saved: {message}", 10_000)
        self.banner.setText(f"Action item not saved: {message}")
        self.banner.show()

    # -- window ------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.refresh()  # the timeline may have moved on in the recorder meanwhile

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.save_now():
            answer = QMessageBox.warning(
                self,
                "The report was not saved",
                f"{self.last_save_error}\n\nClose anyway? The edits since the last save are lost.",
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Close:
                event.ignore()
                return
        self._closing = True
        for timer in (self._save_timer, self._retry_timer, self._preview_timer):
            timer.stop()
        for job in self._jobs.values():  # a queued or running job must outlive this window
            if self._keep_alive is not None:
                self._keep_alive(job)
        if self._keep_alive is None:
            self._pool.waitForDone()
        self.closed.emit(self)
        super().closeEvent(event)

"""The recorder window: header, live timeline, note bar; every key from the actions table.

The window saves a note synchronously (a durable commit takes well under a millisecond or two)
and only then shows it; captures and exports run off the UI thread and come back by signal.
"""

from __future__ import annotations

import gc
import logging
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.text import visible
from incident_recorder.domain.times import Clock
from incident_recorder.drafts import DraftStore
from incident_recorder.session import Change, EntriesAdded, EntryRevised, IncidentSession
from incident_recorder.settings import Settings
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.storage.connection import shared_with_others
from incident_recorder.ui import global_hotkeys
from incident_recorder.ui.actions import ACTIONS
from incident_recorder.ui.capture_service import (
    CaptureService,
    CaptureTimings,
)
from incident_recorder.ui.curation import Curation
from incident_recorder.ui.file_dialogs import existing_directory
from incident_recorder.ui.first_paint import after_first_paint
from incident_recorder.ui.header import IncidentHeader, recorded_message
from incident_recorder.ui.image_import import ImageImporter
from incident_recorder.ui.interval_capture import IntervalCapture
from incident_recorder.ui.live_updates import LiveUpdates
from incident_recorder.ui.loader import LoadAllJob
from incident_recorder.ui.note_bar import Draft, NoteBar
from incident_recorder.ui.recorder_captures import RecorderCaptures
from incident_recorder.ui.recorder_reports import RecorderReports
from incident_recorder.ui.region_overlay import RegionCapture
from incident_recorder.ui.settings_dialog import (
    SettingsDialog,
    global_combinations,
    shortcuts_of,
)
from incident_recorder.ui.settings_store import SettingsStore, default_store
from incident_recorder.ui.status_page_writer import StatusPageWriter
from incident_recorder.ui.timeline_model import Prepared, TimelineModel
from incident_recorder.ui.timeline_view import TimelineView
from incident_recorder.ui.tray import RecorderTray, install_tray, notify
from incident_recorder.ui.webhook_toggle import WebhookToggle

if TYPE_CHECKING:  # the dialogs and jobs below are imported when first asked for
    from incident_recorder.ui.capture_viewer import CaptureViewer
    from incident_recorder.ui.details_dialog import DetailsDialog
    from incident_recorder.ui.export_dialog import ExportDialog
    from incident_recorder.ui.export_job import ExportJob
    from incident_recorder.ui.report_window import ReportWindow

UI_STATEMENT_LIMIT_S = 10.0
"""The longest a statement on the window's own connection may run."""
FIRST_ROWS = 300
"""Entries read before the window shows (a few screenfuls: ~3 ms, against ~15 ms for 2,000); a
larger incident's earlier ones follow in the background right after the first paint."""


class RecorderWindow(RecorderCaptures, RecorderReports, QMainWindow):
    """Records into one open incident file. Owns the file handle and closes it on close."""

    new_incident_requested = Signal()
    open_incident_requested = Signal()
    closed = Signal(object)
    incident_changed = Signal()
    """The milestones or details may have changed (here or in another program): re-read them."""

    def __init__(
        self,
        incident_file: IncidentFile,
        *,
        clock: Clock,
        local_zone: tzinfo | None = None,
        thread_pool: QThreadPool | None = None,
        drafts: DraftStore | None = None,
        settings_store: SettingsStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.file = incident_file
        # No statement on the UI thread may freeze the window: one that runs this long is
        # stopped with a clear error (storage/limits.py). Reading 2 GB takes under half a second.
        incident_file.limit_statements(UI_STATEMENT_LIMIT_S)
        self.incident = incident_file.incident()
        self._clock = clock
        self._pool = thread_pool or QThreadPool(self)  # its own: closing waits for its jobs only
        self._closing = False
        self._jobs: list[QRunnable] = []
        self._exports: list[ExportJob] = []
        """Export processes started here (quick path or the dialog's), until the window closes."""
        self.viewers: dict[int, CaptureViewer] = {}
        """capture id → its open viewer: one per capture, so two never save over each other."""
        self.last_error: str | None = None
        self.last_capture_timings: CaptureTimings | None = None
        self.setWindowTitle(f"{visible(self.incident.title)} — Incident Recorder")
        self.setObjectName("recorderWindow")

        # Checkpoints fsync the main file: each IncidentFile's checkpointer thread runs them a
        # second after a write (storage/checkpoints.py), never a note's commit.
        self.model = TimelineModel(self._thumbnail, local_zone, self)
        self.model.redacted = incident_file.sensitive_captures()
        live_start = (incident_file.data_version(), incident_file.marks())  # before the read
        self.model.reset(incident_file.records(newest=FIRST_ROWS, check=True))  # hidden: aside
        # Every change of the record goes through the session: durable, the rules applied, then
        # announced here, where the timeline and the header follow (session/core.py).
        self.session = IncidentSession(incident_file)
        self.session.listen(self._on_change)
        self.view = TimelineView()
        self.view.setModel(self.model)
        self.view.capture_activated.connect(self.open_capture)
        self.note_bar = NoteBar(clock, local_zone)
        self.note_bar.submitted.connect(self.save_note)
        self.note_bar.discarded.connect(
            lambda: self.statusBar().showMessage("Draft discarded — Ctrl+Z brings it back", 6000)
        )
        self.note_bar.edit.page.connect(self.view.page)
        self._drafts = drafts
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(300)
        self._draft_timer.timeout.connect(self._keep_draft)
        if drafts is not None:
            kept = drafts.load()
            if kept is not None:
                self.note_bar.load_draft(Draft(kept.text, kept.kind, kept.occurred_at))  # type: ignore[arg-type]
            self.note_bar.draft_changed.connect(self._draft_timer.start)
        self.header = IncidentHeader(
            self.incident, incident_file.path.name, self.model, clock, local_zone
        )
        self.header.title_clicked.connect(self.open_details)
        self.header.update_due.connect(self.public_update_due)
        total = incident_file.entry_count()
        self._partial = total > FIRST_ROWS  # the rest is read right after the first paint
        if self._partial:
            self.header.set_loading(total)
        self.details_dialog: DetailsDialog | None = None
        self._local_zone = local_zone

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note_bar)
        self.setCentralWidget(central)
        self.setFocusProxy(self.note_bar.edit)

        self.captures = CaptureService(incident_file.path, clock, self)
        self.captures.captured.connect(self._capture_saved)
        self.captures.failed.connect(self._capture_failed)
        self.region = RegionCapture(self.captures, self.statusBar().showMessage, self)
        self.importer = ImageImporter(incident_file.path, clock, self._pool, self)
        self.importer.saved.connect(self._capture_imported)
        self.importer.refused.connect(self._import_refused)
        self.importer.watch(self.view.viewport())
        self.note_bar.edit.paste_image = self.paste_image
        self.live = LiveUpdates(incident_file, self.model, self._live_error, live_start, self)
        self.live.changed.connect(self.reload_incident)
        self.interval = IntervalCapture(
            self.captures, clock, self.statusBar(), lambda t, m: notify(self, t, m), self
        )
        self.tray: RecorderTray | None = None
        self.actions_by_id: dict[str, QAction] = {}
        self.keys: dict[str, str] = {}
        """Action id → key in effect (the user's settings applied); set by apply_settings."""
        self.settings_store = settings_store or default_store()
        self.settings_dialog: SettingsDialog | None = None
        self.curation = Curation(self, clock, local_zone)
        self.report_window: ReportWindow | None = None
        self.export_dialog: ExportDialog | None = None
        self._status_outputs(local_zone)
        self._build_actions()
        settings = self.settings_store.load()
        self.apply_settings(settings)
        self.set_time_display(settings.time_display)  # the initial one; Ctrl+Shift+U switches
        self.reload_incident()
        self.tray = install_tray(self)
        exposed = shared_with_others(incident_file.path)
        self.statusBar().showMessage(exposed or f"Recording into {incident_file.path}")
        self.hotkey_messages: list[str] = []
        self.hotkeys_subscribed = False
        after_first_paint(self.view.viewport(), self._after_first_paint)
        self.resize(1100, 760)

    def _after_first_paint(self) -> None:
        """What the window need not wait for, started once it has been painted: the global key
        grabs (python-xlib), reading the rest of a large incident, then the capture worker's
        warm-up (mss, Pillow, Xlib; a capture asked for sooner starts it itself). On a worker
        thread or not, they would hold the GIL while the window is being built; the warm-up
        waits for the load so that the UI thread competes with two of them at most."""
        if self._closing:
            return
        if global_hotkeys.needs_connection():  # 100–300 ms of python-xlib: not on this thread
            job = global_hotkeys.OpenConnection()
            job.setAutoDelete(False)
            job.signals.opened.connect(self._subscribe_hotkeys)
            self._jobs.append(job)
            self._pool.start(job)
        else:
            self._subscribe_hotkeys(global_hotkeys.OPEN_HERE)
        if self._partial:
            self._load_all()  # the warm-up follows it
        else:
            self.captures.start()

    def _subscribe_hotkeys(self, connection: object) -> None:
        """Global keys come to this window from now on (grabbed over `connection` if first)."""
        if self._closing:
            global_hotkeys.discard(connection)
            return
        settings = self.settings_store.load()
        self.hotkey_messages = global_hotkeys.configure(global_combinations(settings))
        self.hotkey_messages += global_hotkeys.subscribe(self, self._global_key, connection)
        self.hotkeys_subscribed = True
        if self.hotkey_messages:
            self.statusBar().showMessage(" · ".join(self.hotkey_messages), 20_000)

    def _load_all(self) -> None:
        """Read every entry in the background; until then the newest FIRST_ROWS are shown."""
        job = LoadAllJob(self.file.path)
        job.setAutoDelete(False)
        job.signals.loaded.connect(self._all_loaded)
        job.signals.failed.connect(self._load_failed)
        self._jobs.append(job)
        self.statusBar().showMessage("Loading earlier entries…")
        self._pool.start(job)

    def _loaded(self) -> None:
        self._partial = False
        self.header.set_loading(None)

    def _load_failed(self, message: str) -> None:
        if not self._closing:
            self._loaded()
            self.captures.start()
            self.show_error("Earlier entries could not be read", message)

    def _all_loaded(self, records: Prepared, marks: tuple[int, int]) -> None:
        if self._closing:
            return
        self.model.reset(records)
        self.model.add(self.file.changes_since(*marks).entries)
        # The loaded records live as long as the window: keep the cyclic garbage collector from
        # walking them on every full collection (tens of milliseconds each with 100,000 rows).
        gc.freeze()
        self._loaded()
        self.statusBar().showMessage(f"All {self.model.rowCount():,} entries loaded", 4000)
        self.captures.start()  # the capture worker's warm-up, now that the load is done

    def _keep_draft(self) -> None:
        if self._drafts is not None:
            draft = self.note_bar.draft()
            self._drafts.save(draft.text, draft.kind, draft.occurred_at)

    # -- actions -----------------------------------------------------------------------------

    def _build_actions(self) -> None:
        menus = {
            "file": self.menuBar().addMenu("&File"),
            "entry": self.menuBar().addMenu("&Entry"),
            "incident": self.menuBar().addMenu("&Incident"),
            "view": self.menuBar().addMenu("&View"),
            "report": self.menuBar().addMenu("&Report"),
            "help": self.menuBar().addMenu("&Help"),
        }
        handlers = {
            "new_incident": self.new_incident_requested.emit,
            "incident_details": self.open_details,
            "open_incident": self.open_incident_requested.emit,
            "export": self.open_export_dialog,
            "report": self.open_report,
            "export_json": lambda: self.export("json"),
            "close_window": self.close,
            "capture_screen": self.capture_screen,
            "capture_all": self.capture_all,
            "capture_window": self.capture_window,
            "capture_region": self.capture_region,
            "focus_note": self.focus_note,
            "interval_capture": self.interval.open_dialog,
            "toggle_utc": self.next_time_display,
            "jump_latest": self.view.follow_latest,
            "shortcuts": self.show_shortcuts,
            "settings": self.open_settings,
            "receive_webhooks": self.webhooks.set_on,
            "write_status_page": self.write_status_page,
            **self.curation.handlers(),
        }
        for kind in EntryKind:
            handlers[f"kind_{kind.value}"] = lambda _=False, k=kind: self.note_bar.set_kind(k)
        for milestone in Milestone:
            handlers[f"milestone_{milestone.value}"] = lambda _=False, m=milestone: (
                self.record_milestone(m)
            )
        for spec in ACTIONS:
            if spec.window != "recorder":
                continue
            act = QAction(spec.text, self)
            act.setShortcut(QKeySequence(spec.shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setToolTip(spec.tip or spec.text.replace("&", ""))
            act.setStatusTip(spec.tip)
            act.setCheckable(spec.checkable)
            handler = handlers[spec.id]
            (act.toggled if spec.checkable else act.triggered).connect(handler)
            menus[spec.menu].addAction(act)
            self.actions_by_id[spec.id] = act

    def _status_outputs(self, local_zone: tzinfo | None) -> None:
        """The webhook server toggle and the status page kept current (issue 5)."""
        self.webhooks = WebhookToggle(
            self.file.path, lambda message: self.statusBar().showMessage(message, 8000), self
        )
        self.webhooks.failed.connect(lambda m: self.show_error("Webhooks are not received", m))
        self.webhooks.running_changed.connect(self._webhooks_running)
        self.status_page = StatusPageWriter(
            self.file.path, self._pool, local_zone, self._jobs, self
        )
        self.status_page.written.connect(
            lambda paths: self.statusBar().showMessage(f"Status page written: {paths[0]}", 6000)
        )
        self.status_page.failed.connect(lambda m: self.show_error("Status page not written", m))
        self.model.record_changed.connect(self.status_page.changed)
        self.incident_changed.connect(self.status_page.changed)

    def _webhooks_running(self, running: bool) -> None:
        act = self.actions_by_id["receive_webhooks"]
        act.blockSignals(True)
        act.setChecked(running)
        act.blockSignals(False)

    def write_status_page(self, out_dir: Path | None = None) -> None:
        """Write the status page into a folder (asked for the first time), then keep it
        current while the window is open (ui/status_page_writer.py)."""
        if out_dir is None:
            start = self.status_page.out_dir or self.file.path.parent
            chosen = existing_directory(self, "Status page folder", str(start))
            if not chosen:
                return
            out_dir = Path(chosen)
        self.status_page.start(out_dir)
        self.statusBar().showMessage(f"Writing the status page into {out_dir}…")

    def apply_settings(self, settings: Settings) -> None:
        """Give every action its key under ``settings`` (the Settings dialog calls this)."""
        self.keys = shortcuts_of(settings)
        self.note_bar.show_keys(self.keys)
        for action_id, key in self.keys.items():
            if action_id in self.actions_by_id:  # the report window's own keys are its own
                self.actions_by_id[action_id].setShortcut(QKeySequence(key))
        self.severities = settings.severities
        self.header.set_severities(settings.severities)
        self.header.set_update_cadence(settings.update_cadence_minutes)
        self.captures.set_image_format(settings.capture_format, settings.jpeg_quality)

    def show_shortcuts(self) -> None:
        """The keyboard cheat sheet (F1), from the actions table with the keys in effect."""
        from incident_recorder.ui.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.keys, self).exec()

    def open_settings(self) -> SettingsDialog:
        """The Settings dialog (window-modal, not blocking); saving applies to every window."""
        if self.settings_dialog is None or not self.settings_dialog.isVisible():
            self.settings_dialog = SettingsDialog(self.settings_store, self)
            self.settings_dialog.open()
        self.settings_dialog.raise_()
        self.settings_dialog.activateWindow()
        return self.settings_dialog

    # -- notes -------------------------------------------------------------------------------

    def save_note(self, text: str, kind: EntryKind, occurred_at: datetime | None) -> None:
        """Make the note durable, then show it; on failure the note stays in the field."""
        try:
            entry = self.session.add_note(text, kind, occurred_at, public=self.note_bar.public)
        except (ValueError, IncidentFileError) as error:
            self.show_error("The note was not saved", f"{error}\n\nThe note is still in the field.")
            return
        self.note_bar.committed()
        self._draft_timer.stop()
        self._keep_draft()  # now, not after the debounce: a crash must not bring it back
        self.statusBar().showMessage(
            f"Saved {entry.kind.value} at {self.model.format_time(entry.occurred_at)}", 4000
        )

    # -- milestones and details --------------------------------------------------------------

    def record_milestone(self, milestone: Milestone) -> Entry | None:
        """The milestone key: durable first, then shown. A note being typed becomes its entry
        (its first keystroke is the milestone's time); otherwise the time is the key press."""
        pressed = self._clock()
        text = self.note_bar.text()
        note = bool(text.strip())
        when = (self.note_bar.occurred_at or pressed) if note else pressed
        kind = self.note_bar.kind if note and self.note_bar.kind_chosen else None
        try:
            result = self.session.record_milestone(
                milestone, when, text=text if note else "", kind=kind
            )
        except (ValueError, IncidentFileError) as error:
            kept = "\n\nThe note is still in the field." if note else ""
            self.show_error(f"{milestone.label} was not recorded", f"{error}{kept}")
            return None
        entry, before = result.entry, result.before
        if note:
            self.note_bar.committed()
            self._draft_timer.stop()
            self._keep_draft()  # now, not after the debounce: a crash must not bring it back
        status = ""
        if result.status is not None:
            status = f" · status set to {result.status.label} (Ctrl+I changes it)"
        elif result.status_problem is not None:
            status = f" · the status was not changed: {result.status_problem}"
        message = recorded_message(
            milestone, before, self.header.milestones, self.model.format_time
        )
        self.statusBar().showMessage(message + status, 10_000)
        return entry

    def _on_change(self, change: Change) -> None:
        """What the session announces: new or revised entries into the timeline, milestones and
        details into the header."""
        if self._closing:
            return
        if isinstance(change, EntriesAdded):
            self.model.add(list(change.entries))
        elif isinstance(change, EntryRevised):
            self.model.add([change.entry])
        else:
            self.reload_incident()

    def reload_incident(self) -> None:
        """Re-read the milestones and details into the header (after a change here or, via the
        live poll, in another program)."""
        if self._closing:
            return
        try:
            details, milestones = self.file.details(), self.file.milestones()
        except IncidentFileError as error:
            self._live_error(str(error))
            return
        self.model.set_impact_start(milestones[Milestone.IMPACT_STARTED])  # T+ counts from it
        self.header.show_incident(details, milestones)
        self.setWindowTitle(f"{visible(details.title)} — Incident Recorder")
        self.incident_changed.emit()

    def public_update_due(self, message: str) -> None:
        """The next customer-facing update is due (once per due time): a desktop notification
        where there is a tray, else the status bar, and the window asks for attention."""
        notify(self, "A public update is due", message)
        QApplication.alert(self)

    def open_details(self) -> DetailsDialog:
        """The Incident details dialog (window-modal, not blocking); Save writes revisions."""
        if self.details_dialog is None or not self.details_dialog.isVisible():
            from incident_recorder.ui.details_dialog import DetailsDialog

            self.details_dialog = DetailsDialog(
                self.session,
                severities=self.severities,
                clock=self._clock,
                local_zone=self._local_zone,
                utc=self.model.utc,
                parent=self,
            )
            self.details_dialog.saved.connect(self._details_saved)
            self.details_dialog.open()
        self.details_dialog.raise_()
        self.details_dialog.activateWindow()
        return self.details_dialog

    def _details_saved(self, message: str) -> None:
        self.reload_incident()
        self.statusBar().showMessage(message, 6000)

    def focus_note(self) -> None:
        """Come forward with the note field focused; an empty note is stamped now."""
        self.note_bar.stamp_if_empty(self._clock())
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.note_bar.edit.setFocus()

    def _global_key(self, action_id: str) -> None:
        """A key grabbed system-wide (see global_hotkeys): the same action as in the window."""
        if self._closing:
            return
        self.actions_by_id[action_id].trigger()
        if action_id == "focus_note":
            global_hotkeys.activate(int(self.winId()))

    # -- view --------------------------------------------------------------------------------

    def next_time_display(self) -> None:
        """Ctrl+Shift+U: local time → UTC → T+ → local time."""
        self.set_time_display(self.model.next_time_display(), announce=True)

    def set_time_display(self, display: str, announce: bool = False) -> None:
        """Times in local time, UTC or T+ (settings.TIME_DISPLAYS), in the timeline and header;
        the note bar takes times in local time or UTC."""
        self.model.set_time_display(display)
        self.note_bar.set_utc(display == "utc")
        self.header.set_time_display(display)
        if announce:
            names = {"local": "local time", "utc": "UTC", "offset": "T+"}
            self.statusBar().showMessage(f"Times in {names[display]}", 3000)

    # -- errors, focus, closing --------------------------------------------------------------

    def show_error(self, title: str, message: str) -> None:
        """A clear, non-blocking message box (and the status bar)."""
        self.last_error = message
        # The title only: a message may quote a file's contents, and the log holds none.
        logging.getLogger(__name__).warning("%s: %s", self.file.path.name, title)
        self.statusBar().showMessage(f"{title}: {message.splitlines()[0]}", 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _live_error(self, message: str) -> None:
        self.show_error("The incident file cannot be read", message)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.note_bar.edit.setFocus()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.note_bar.edit.setFocus()
            global_hotkeys.bring_forward(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.report_window is not None and not self.report_window.close():
            event.ignore()  # the report could not be saved and the user kept it open
            return
        if self.export_dialog is not None:
            self.export_dialog.reject()  # a running export is cancelled; the pool waits for it
        for viewer in list(self.viewers.values()):  # unsaved annotations are saved first
            if not viewer.submit_annotations():
                event.ignore()  # the error is shown; the viewer and the window stay open
                return
        self._closing = True
        self.region.close()  # an open region overlay (and its keyboard grab) goes with us
        global_hotkeys.unsubscribe(self)
        self.interval.stop()
        if self.tray is not None:
            self.tray.remove()
        self._draft_timer.stop()
        self._keep_draft()  # a note being typed is there again when the incident is reopened
        self.live.stop()
        self.webhooks.shutdown()  # on a thread of its own: never waited for here
        self.status_page.stop()
        self.captures.stop()
        for export in self._exports:  # an export process still running stops without a report
            if export.is_running():
                export.cancel()
        self._pool.waitForDone(30_000)
        self.file.close()
        self.closed.emit(self)
        super().closeEvent(event)

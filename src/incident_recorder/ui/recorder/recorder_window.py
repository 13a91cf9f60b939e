"""The recorder window: header, live timeline, note bar; every key from the actions table.

The window composes its parts and lays them out; each part is a controller handed what it uses:
- note_controller.NoteController: notes, milestone keys and the draft (saved synchronously: a
  durable commit takes well under a millisecond or two, and only then is it shown);
- capture_controller.CaptureController: the capture keys, pasted and dropped images, viewers;
- report_controller.ReportController: the report window, exports and the status page;
- curation.Curation: editing, flags, history, past entries and the filter of the timeline;
- loader.EarlierEntries: the entries of a large incident beyond the first screenfuls;
- team_sync.TeamSync: a shared incident's sync worker, its state and labels, Share with Team.
The window itself keeps the layout, the actions table, settings, the details dialog, the time
display, the global keys and closing.
Every write goes through the session (session/core.py), which tells the window (`_on_change`);
captures and exports run off the UI thread and come back by signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QVBoxLayout, QWidget

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.domain.text import visible
from incident_recorder.domain.times import Clock
from incident_recorder.drafts import DraftStore
from incident_recorder.session import Change, EntriesAdded, EntryRevised, IncidentSession
from incident_recorder.settings import Settings
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.storage.connection import shared_with_others
from incident_recorder.ui.capture import global_hotkeys
from incident_recorder.ui.capture.capture_controller import CaptureController, annotated_thumbnail
from incident_recorder.ui.capture.capture_service import CaptureService
from incident_recorder.ui.capture.interval_capture import IntervalCapture
from incident_recorder.ui.common.actions import make_actions
from incident_recorder.ui.common.banner import Banner
from incident_recorder.ui.common.first_paint import after_first_paint
from incident_recorder.ui.dialogs.settings_dialog import (
    SettingsDialog,
    global_combinations,
    shortcuts_of,
)
from incident_recorder.ui.dialogs.settings_store import SettingsStore, default_store
from incident_recorder.ui.recorder.curation import Curation
from incident_recorder.ui.recorder.header import IncidentHeader
from incident_recorder.ui.recorder.live_updates import LiveUpdates
from incident_recorder.ui.recorder.loader import EarlierEntries
from incident_recorder.ui.recorder.note_bar import NoteBar
from incident_recorder.ui.recorder.note_controller import NoteController
from incident_recorder.ui.recorder.read_only import apply_access
from incident_recorder.ui.recorder.recognition_runner import RecognitionRunner
from incident_recorder.ui.recorder.team_sync import TeamSync
from incident_recorder.ui.recorder.tray import RecorderTray, install_tray, notify
from incident_recorder.ui.recorder.webhook_toggle import WebhookToggle
from incident_recorder.ui.report.report_controller import ReportController
from incident_recorder.ui.timeline.timeline_model import TimelineModel
from incident_recorder.ui.timeline.timeline_view import TimelineView

if TYPE_CHECKING:  # the dialogs and jobs below are imported when first asked for
    from incident_recorder.ui.capture.capture_viewer import CaptureViewer
    from incident_recorder.ui.dialogs.details_dialog import DetailsDialog
    from incident_recorder.ui.report.export_job import ExportJob
    from incident_recorder.ui.report.report_window import ReportWindow

UI_STATEMENT_LIMIT_S = 10.0  # the longest a statement on the window's own connection may run
FIRST_ROWS = 300
"""Entries read before the window shows (a few screenfuls: ~3 ms, against ~15 ms for 2,000); a
larger incident's earlier ones follow in the background right after the first paint."""


class RecorderWindow(QMainWindow):
    """Records into one open incident file. Owns the file handle and closes it on close."""

    new_incident_requested = Signal()
    open_incident_requested = Signal()
    join_team_requested = Signal()
    closed = Signal(object)
    incident_changed = Signal()  # the milestones or details may have changed: re-read them

    def __init__(
        self,
        incident_file: IncidentFile,
        *,
        clock: Clock,
        local_zone: tzinfo | None = None,
        thread_pool: QThreadPool | None = None,
        drafts: DraftStore | None = None,
        settings_store: SettingsStore | None = None,
        read_only: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`read_only`: why the file cannot be written (a view-and-export window), or None."""
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
        """Jobs started on the pool by the window's parts, kept until the window closes."""
        self.last_error: str | None = None
        self.read_only = read_only
        self.banner = Banner()  # errors, above the note bar: never a dialog taking the keys
        self.notice = Banner("noticeBanner")  # read-only; the file open in another window
        self.setWindowTitle(f"{visible(self.incident.title)} — Incident Recorder")
        self.setObjectName("recorderWindow")

        # Checkpoints fsync the main file: each IncidentFile's checkpointer thread runs them a
        # second after a write (storage/checkpoints.py), never a note's commit.
        self.model = TimelineModel(partial(annotated_thumbnail, incident_file), local_zone, self)
        self.model.redacted = incident_file.sensitive_captures()
        live_start = (incident_file.data_version(), incident_file.marks())  # before the read
        self.model.reset(incident_file.records(newest=FIRST_ROWS, check=True))  # hidden: aside
        # Every change of the record goes through the session: durable, the rules applied, then
        # announced here, where the timeline and the header follow (session/core.py).
        self.session = IncidentSession(incident_file)
        self.session.listen(self._on_change)
        self.view = TimelineView()
        self.view.setModel(self.model)
        self.note_bar = NoteBar(clock, local_zone)
        self.note_bar.edit.page.connect(self.view.page)
        self.header = IncidentHeader(
            self.incident, incident_file.path.name, self.model, clock, local_zone
        )
        self.note_controller = NoteController(
            self.session, self.note_bar, self.model, self.header,
            clock=clock, drafts=drafts, host=self, parent=self,
        )  # fmt: skip
        self.header.title_clicked.connect(self.open_details)
        self.header.update_due.connect(self.public_update_due)
        self.earlier = EarlierEntries(  # the rest is read right after the first paint
            incident_file, self.model, FIRST_ROWS, self.header.set_loading,
            pool=self._pool, jobs=self._jobs, host=self, parent=self,
        )  # fmt: skip
        self.details_dialog: DetailsDialog | None = None
        self._local_zone = local_zone

        self.captures = CaptureService(incident_file.path, clock, self)
        self.capture_controller = CaptureController(
            self.session, self.model, self.captures,
            clock=clock, pool=self._pool, jobs=self._jobs, host=self, window=self,
        )  # fmt: skip
        self.view.capture_activated.connect(self.capture_controller.open_capture)
        self.recognition = RecognitionRunner(self.session, incident_file.path, self)
        self.recognition.recognised.connect(self.capture_controller.text_recognised)
        self.recognition.unavailable.connect(lambda m: self.statusBar().showMessage(m, 20_000))
        if read_only is None:  # a read-only window never captures nor reads captures' text
            self.earlier.done.connect(self.captures.start)
            self.earlier.done.connect(lambda: self.recognition.kick_if_pending(incident_file))
        self.capture_controller.importer.watch(self.view.viewport())
        self.note_bar.edit.paste_image = self.capture_controller.paste_image
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
        self.curation = Curation(
            self.session, self.model, self.view, self.note_bar, self.actions_by_id,
            clock=clock, local_zone=local_zone, host=self, window=self,
        )  # fmt: skip
        self.curation.capture_activated.connect(self.capture_controller.open_capture)
        self.incident_changed.connect(self.curation.refresh_markers)
        self.report_controller = ReportController(
            self.session, self.settings_store, lambda: self.curation.view,
            clock=clock, local_zone=local_zone, pool=self._pool, jobs=self._jobs,
            host=self, window=self, read_only=read_only is not None,
        )  # fmt: skip
        self.model.record_changed.connect(self.report_controller.status_page.changed)
        self.incident_changed.connect(self.report_controller.status_page.changed)
        self.team = TeamSync(self)  # a shared incident's sync (ui/recorder/team_sync.py)
        self._lay_out()
        self._webhook_toggle()
        self._build_actions()
        settings = self.settings_store.load()
        self.apply_settings(settings)
        self.set_time_display(settings.time_display)  # the initial one; Ctrl+Shift+U switches
        self.reload_incident()
        self.tray = install_tray(self)
        exposed = shared_with_others(incident_file.path)  # read-only, open elsewhere: notices
        apply_access(self, self.capture_controller, self.view.viewport(), exposed)
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
        if self.read_only is not None:  # no key of a read-only window records anything
            self.hotkeys_subscribed = True
        elif global_hotkeys.needs_connection():  # 100–300 ms of python-xlib: not on this thread
            job = global_hotkeys.OpenConnection()
            job.setAutoDelete(False)
            job.signals.opened.connect(self._subscribe_hotkeys)
            self._jobs.append(job)
            self._pool.start(job)
        else:
            self._subscribe_hotkeys(global_hotkeys.OPEN_HERE)
        if self.earlier.pending:
            self.earlier.start()  # the warm-up follows it (not in a read-only window)
        elif self.read_only is None:
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

    def _lay_out(self) -> None:
        """Header, filter bar, the timeline (whole or filtered: curation's stack), note bar."""
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.notice)
        layout.addWidget(self.curation.bar)
        layout.addWidget(self.curation.stack, 1)
        layout.addWidget(self.banner)
        layout.addWidget(self.note_bar)
        self.setCentralWidget(central)
        self.setFocusProxy(self.note_bar.edit)

    # -- actions -----------------------------------------------------------------------------

    def _build_actions(self) -> None:
        """The menus, and every action of the table with its function (most from the parts)."""
        bar = self.menuBar()
        menus = {
            "file": bar.addMenu("&File"),
            "entry": bar.addMenu("&Entry"),
            "incident": bar.addMenu("&Incident"),
            "view": bar.addMenu("&View"),
            "report": bar.addMenu("&Report"),
            "help": bar.addMenu("&Help"),
        }
        handlers: dict[str, Callable[..., object]] = {
            "new_incident": self.new_incident_requested.emit,
            "incident_details": self.open_details,
            "open_incident": self.open_incident_requested.emit,
            "join_team": self.join_team_requested.emit,
            "close_window": self.close,
            "focus_note": self.focus_note,
            "interval_capture": self.interval.open_dialog,
            "toggle_utc": self.next_time_display,
            "shortcuts": self.show_shortcuts,
            "settings": self.open_settings,
            "receive_webhooks": self.webhooks.set_on,
            "share_team": self.team.share,
            **self.note_controller.handlers(),
            **self.capture_controller.handlers(),
            **self.report_controller.handlers(),
            **self.curation.handlers(),
        }
        self.actions_by_id.update(make_actions(self, "recorder", menus, handlers))

    def _webhook_toggle(self) -> None:
        """The webhook server toggle (issue 5)."""
        self.webhooks = WebhookToggle(
            self.file.path, lambda message: self.statusBar().showMessage(message, 8000), self
        )
        self.webhooks.failed.connect(lambda m: self.show_error("Webhooks are not received", m))
        self.webhooks.running_changed.connect(self._webhooks_running)

    def _webhooks_running(self, running: bool) -> None:
        act = self.actions_by_id["receive_webhooks"]
        act.blockSignals(True)
        act.setChecked(running)
        act.blockSignals(False)

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
        self.session.set_author(settings.author)
        self.captures.set_author(self.session.author)  # captures are saved on their worker

    def show_shortcuts(self) -> None:
        """The keyboard cheat sheet (F1), from the actions table with the keys in effect."""
        from incident_recorder.ui.dialogs.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.keys, self).exec()

    def open_settings(self) -> SettingsDialog:
        """The Settings dialog (window-modal, not blocking); saving applies to every window."""
        if self.settings_dialog is None or not self.settings_dialog.isVisible():
            self.settings_dialog = SettingsDialog(self.settings_store, self)
            self.settings_dialog.open()
        self.settings_dialog.raise_()
        self.settings_dialog.activateWindow()
        return self.settings_dialog

    # -- what tests and the app call: each part does the work ---------------------------------

    def save_note(self, text: str, kind: EntryKind, occurred_at: datetime | None) -> None:
        self.note_controller.save_note(text, kind, occurred_at)

    def record_milestone(self, milestone: Milestone) -> Entry | None:
        return self.note_controller.record_milestone(milestone)

    def capture_screen(self) -> None:
        self.capture_controller.capture_screen()

    def open_capture(self, entry: Entry) -> CaptureViewer | None:
        return self.capture_controller.open_capture(entry)

    def open_report(self) -> ReportWindow:
        return self.report_controller.open_report()

    def export(self, fmt: str, out_dir: Path | None = None) -> ExportJob | None:
        return self.report_controller.export(fmt, out_dir)

    def write_status_page(self, out_dir: Path | None = None) -> None:
        self.report_controller.write_status_page(out_dir)

    # -- changes of the record ---------------------------------------------------------------

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
            from incident_recorder.ui.dialogs.details_dialog import DetailsDialog

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
        """On the banner above the note bar (and the status bar), never a dialog."""
        self.last_error = message
        # The title only: a message may quote a file's contents, and the log holds none.
        logging.getLogger(__name__).warning("%s: %s", self.file.path.name, title)
        self.statusBar().showMessage(f"{title}: {message.splitlines()[0]}", 10000)
        self.banner.show_message(title, message)

    def clear_error(self, title: str) -> None:
        self.banner.clear(title)

    def _live_error(self, message: str) -> None:
        self.show_error("The incident file cannot be read", message)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        pastes = event.matches(QKeySequence.StandardKey.Paste) and self.read_only is None
        if pastes and self.capture_controller.paste_image():
            return  # Ctrl+V with the focus outside the note field (the timeline)
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.note_bar.edit.setFocus()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.note_bar.edit.setFocus()
            global_hotkeys.bring_forward(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        # the report window saved (or kept open by the user), then unsaved annotations saved
        # (or their error shown): either way, the window stays open
        if not self.report_controller.may_close() or not self.capture_controller.may_close():
            event.ignore()
            return
        self._closing = True
        self.earlier.close()
        self.capture_controller.close()
        self.recognition.close()
        global_hotkeys.unsubscribe(self)
        self.interval.stop()
        if self.tray is not None:
            self.tray.remove()
        self.note_controller.close()  # the note being typed is kept for the next time
        self.live.stop()
        self.team.stop()
        self.webhooks.shutdown()  # on a thread of its own: never waited for here
        self.report_controller.close()  # the status page stops, and any export process
        self.captures.stop()
        self._pool.waitForDone(30_000)
        self.file.close()
        self.closed.emit(self)
        super().closeEvent(event)

"""The recorder window's report side: the report window, the export dialog, quick exports and the
status page kept current.

`ReportController` is handed what it works with (the session, the settings store, the thread
pool, the timeline on screen, the window's status bar and error box through `WindowHost`) and
owns the report window, the export dialog, the export processes and the status page writer. The
report window and the export dialog are imported when first opened; an export runs in a child
process, so the window never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool
from PySide6.QtWidgets import QWidget

from incident_recorder.domain.times import Clock
from incident_recorder.session import IncidentSession
from incident_recorder.ui.common.window_host import WindowHost
from incident_recorder.ui.dialogs.file_dialogs import existing_directory
from incident_recorder.ui.dialogs.settings_store import SettingsStore
from incident_recorder.ui.report.status_page_writer import StatusPageWriter
from incident_recorder.ui.timeline.timeline_view import TimelineView

if TYPE_CHECKING:  # imported when first asked for
    from incident_recorder.ui.report.export_dialog import ExportDialog
    from incident_recorder.ui.report.export_job import ExportJob
    from incident_recorder.ui.report.report_window import ReportWindow


class ReportController(QObject):
    """Reports and exports of one recorder window (`window`: the dialogs' parent)."""

    def __init__(
        self,
        session: IncidentSession,
        settings_store: SettingsStore,
        shown_view: Callable[[], TimelineView],
        *,
        clock: Clock,
        local_zone: tzinfo | None,
        pool: QThreadPool,
        jobs: list[QRunnable],
        host: WindowHost,
        window: QWidget,
        read_only: bool = False,
    ) -> None:
        """`read_only`: the incident cannot be written; the report window previews and exports,
        its texts and action items are shown but not editable."""
        super().__init__(window)
        self._read_only = read_only
        self._file = session.file
        self._settings_store = settings_store
        self._shown_view = shown_view
        self._clock = clock
        self._local_zone = local_zone
        self._pool = pool
        self._jobs = jobs
        self._host = host
        self._window = window
        self._closing = False
        self.report_window: ReportWindow | None = None
        self.export_dialog: ExportDialog | None = None
        self._exports: list[ExportJob] = []
        """Export processes started here (quick path or the dialog's), until the window closes."""
        self.status_page = StatusPageWriter(self._file.path, pool, local_zone, jobs, self)
        self.status_page.written.connect(
            lambda paths: self._status(f"Status page written: {paths[0]}", 6000)
        )
        self.status_page.failed.connect(
            lambda m: self._host.show_error("Status page not written", m)
        )

    def _status(self, message: str, timeout: int = 0) -> None:
        self._host.statusBar().showMessage(message, timeout)

    def handlers(self) -> dict[str, Callable[..., object]]:
        """Action id → its function, for the window's actions table."""
        return {
            "export": self.open_export_dialog,
            "report": self.open_report,
            "export_json": lambda: self.export("json"),
            "write_status_page": self.write_status_page,
        }

    # -- the report window and the export dialog ---------------------------------------------

    def open_report(self) -> ReportWindow:
        """The report window of this incident (raised if already open)."""
        if self.report_window is None:
            from incident_recorder.ui.report.report_window import (
                ReportWindow,  # only when asked for
            )

            window = ReportWindow(
                self._file,
                clock=self._clock,
                local_zone_=self._local_zone,
                thread_pool=self._pool,
                keep_alive=self._jobs.append,
            )
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.export_requested.connect(self.open_export_dialog)
            window.closed.connect(self._report_closed)
            settings = self._settings_store.load()
            window.apply_settings(settings)
            window.template = settings.report_template  # the preview shows the usual template
            if self._read_only:
                _lock(window)
            self.report_window = window
        self.report_window.show()
        self.report_window.raise_()
        self.report_window.activateWindow()
        return self.report_window

    def _report_closed(self, window: object) -> None:
        if self.report_window is window:
            self.report_window = None

    def open_export_dialog(self) -> ExportDialog:
        """The Export dialog (review, format, template, folder); not blocking either window."""
        if self.export_dialog is None or not self.export_dialog.isVisible():
            from incident_recorder.ui.report.export_dialog import (
                ExportDialog,  # only when asked for
            )

            parent = self.report_window if self.report_window is not None else self._window
            dialog = ExportDialog(
                self._file.path,
                clock=self._clock,
                tz=self._local_zone or datetime.now().astimezone().tzinfo or UTC,
                settings_store=self._settings_store,
                thread_pool=self._pool,
                before_export=self._save_report,
                keep_alive=self._keep_alive,
                parent=parent,
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.entry_selected.connect(self.select_entry)
            dialog.destroyed.connect(lambda _=None: setattr(self, "export_dialog", None))
            self.export_dialog = dialog
            dialog.show()
        self.export_dialog.raise_()
        self.export_dialog.activateWindow()
        return self.export_dialog

    def _save_report(self) -> None:
        if self.report_window is not None:
            self.report_window.save_now()

    def select_entry(self, entry_id: int) -> bool:
        """Select entry `entry_id` in the timeline shown (filtered or not), and come forward."""
        view = self._shown_view()
        if not view.select_entry(entry_id):
            self._status("That entry is not in the timeline shown (hidden, or filtered out)", 6000)
            return False
        view.setFocus()
        self._window.raise_()
        self._window.activateWindow()
        return True

    # -- export (quick path) -----------------------------------------------------------------

    def export(
        self,
        fmt: str,
        out_dir: Path | None = None,
        *,
        confirm: Callable[[Path], bool] | None = None,
    ) -> ExportJob | None:
        """Export in the background into `out_dir` (asked for when not given). A report file
        already there is replaced only if `confirm(path)` says so (default: ask the user)."""
        if out_dir is None:
            start = str(self._file.path.parent)
            chosen = existing_directory(self._window, "Export into folder", start)
            if not chosen:
                return None
            out_dir = Path(chosen)
        from incident_recorder.report.writer import report_path
        from incident_recorder.ui.report.export_job import ExportJob

        target = report_path(out_dir, fmt, public=False)
        force = target.exists() or target.is_symlink()
        if force and not (confirm or self._confirm_replace)(target):
            self._status(f"Not exported: {target} is already there", 6000)
            return None
        job = ExportJob(self._file.path, out_dir, fmt, tz=self._local_zone, force=force)
        job.signals.progress.connect(self._export_progress)
        job.signals.finished.connect(self._export_finished)
        job.signals.failed.connect(self._export_failed)
        self._exports.append(job)
        self._status(f"Exporting {fmt} to {out_dir}…")
        job.start()  # a child process: the window never waits for it
        return job

    def _confirm_replace(self, target: Path) -> bool:
        """Ask before a quick export replaces a report file (never silently)."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self._window,
            "Replace the report?",
            f"{target.name} is already in {target.parent}. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _keep_alive(self, job: QRunnable | ExportJob) -> None:
        """Keep a job of a closing dialog until the pool is done (an export: until we close)."""
        from incident_recorder.ui.report.export_job import ExportJob  # loaded by the dialog

        if isinstance(job, ExportJob):
            self._exports.append(job)
        else:
            self._jobs.append(job)

    def _export_progress(self, done: int, total: int) -> None:
        if not self._closing:
            self._status(f"Exporting… {done}/{total} images")

    def _export_finished(self, path: str) -> None:
        if not self._closing:
            self._status(f"Exported: {path}", 10000)

    def _export_failed(self, message: str) -> None:
        if not self._closing:
            self._host.show_error("Export failed", message)

    # -- the status page ---------------------------------------------------------------------

    def write_status_page(self, out_dir: Path | None = None) -> None:
        """Write the status page into a folder (asked for the first time), then keep it
        current while the window is open (ui/report/status_page_writer.py)."""
        if out_dir is None:
            start = self.status_page.out_dir or self._file.path.parent
            chosen = existing_directory(self._window, "Status page folder", str(start))
            if not chosen:
                return
            out_dir = Path(chosen)
        self.status_page.start(out_dir)
        self._status(f"Writing the status page into {out_dir}…")

    # -- closing -------------------------------------------------------------------------------

    def may_close(self) -> bool:
        """Close the report window (False: it could not be saved and the user kept it open) and
        the export dialog (a running export is cancelled; the pool waits for it)."""
        if self.report_window is not None and not self.report_window.close():
            return False
        if self.export_dialog is not None:
            self.export_dialog.reject()
        return True

    def close(self) -> None:
        """The window is closing: the status page stops, a running export stops unreported."""
        self._closing = True
        self.status_page.stop()
        for export in self._exports:
            if export.is_running():
                export.cancel()


def _lock(window: ReportWindow) -> None:
    """The report window of a read-only incident: texts and items shown, nothing editable."""
    from PySide6.QtWidgets import QAbstractItemView

    for editor in window.editors.values():
        editor.edit.setReadOnly(True)
        editor.use_draft_button.setEnabled(False)
    table = window.items_panel.table
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for button in (window.items_panel.add_button, window.items_panel.remove_button):
        button.setEnabled(False)
    window.actions_by_id["add_action_item"].setEnabled(False)
    window.statusBar().showMessage("Read-only incident: the report is previewed and exported")

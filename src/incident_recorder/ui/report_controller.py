"""The recorder window's report side: the report window, the export dialog, quick exports.

A part of ``RecorderWindow`` (a mixin ahead of QMainWindow: no state of its own, no
``__init__``). The report window and the export dialog are imported when first opened; an export
runs in a child process, so the window never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRunnable, Qt, QThreadPool
from PySide6.QtWidgets import QMainWindow

from incident_recorder.storage import IncidentFile
from incident_recorder.ui.file_dialogs import existing_directory
from incident_recorder.ui.timeline_view import TimelineView

if TYPE_CHECKING:
    from incident_recorder.ui.curation import Curation
    from incident_recorder.ui.export_dialog import ExportDialog
    from incident_recorder.ui.export_job import ExportJob
    from incident_recorder.ui.report_window import ReportWindow
    from incident_recorder.ui.settings_store import SettingsStore


if TYPE_CHECKING:  # for the type checker the part is the window; at run time a plain mixin
    _Window = QMainWindow
else:
    _Window = object


class RecorderReports(_Window):
    """Report and export handling of the recorder window."""

    if TYPE_CHECKING:  # provided by RecorderWindow, which this class is a part of
        file: IncidentFile
        curation: Curation
        settings_store: SettingsStore
        report_window: ReportWindow | None
        export_dialog: ExportDialog | None
        _clock: Callable[[], datetime]
        _local_zone: tzinfo | None
        _closing: bool
        _jobs: list[QRunnable]
        _exports: list[ExportJob]
        _pool: QThreadPool

        def show_error(self, title: str, message: str) -> None: ...

    def open_report(self) -> ReportWindow:
        """The report window of this incident (raised if already open)."""
        if self.report_window is None:
            from incident_recorder.ui.report_window import ReportWindow  # only when asked for

            window = ReportWindow(
                self.file,
                clock=self._clock,
                local_zone_=self._local_zone,
                thread_pool=self._pool,
                keep_alive=self._jobs.append,
            )
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.export_requested.connect(self.open_export_dialog)
            window.closed.connect(self._report_closed)
            settings = self.settings_store.load()
            window.apply_settings(settings)
            window.template = settings.report_template  # the preview shows the usual template
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
            from incident_recorder.ui.export_dialog import ExportDialog  # only when asked for

            parent = self.report_window if self.report_window is not None else self
            dialog = ExportDialog(
                self.file.path,
                clock=self._clock,
                tz=self._local_zone or datetime.now().astimezone().tzinfo or UTC,
                settings_store=self.settings_store,
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
        view = self.curation.stack.currentWidget()
        if not isinstance(view, TimelineView) or not view.select_entry(entry_id):
            self.statusBar().showMessage(
                "That entry is not in the timeline shown (hidden, or filtered out)", 6000
            )
            return False
        view.setFocus()
        self.raise_()
        self.activateWindow()
        return True

    # -- export (quick path) -----------------------------------------------------------------

    def export(self, fmt: str, out_dir: Path | None = None) -> ExportJob | None:
        """Export in the background into `out_dir` (asked for when not given)."""
        if out_dir is None:
            chosen = existing_directory(self, "Export into folder", str(self.file.path.parent))
            if not chosen:
                return None
            out_dir = Path(chosen)
        from incident_recorder.ui.export_job import ExportJob

        job = ExportJob(self.file.path, out_dir, fmt, tz=self._local_zone)
        job.signals.progress.connect(self._export_progress)
        job.signals.finished.connect(self._export_finished)
        job.signals.failed.connect(self._export_failed)
        self._exports.append(job)
        self.statusBar().showMessage(f"Exporting {fmt} to {out_dir}…")
        job.start()  # a child process: the window never waits for it
        return job

    def _keep_alive(self, job: QRunnable | ExportJob) -> None:
        """Keep a job of a closing dialog until the pool is done (an export: until we close)."""
        from incident_recorder.ui.export_job import ExportJob  # loaded by the dialog

        if isinstance(job, ExportJob):
            self._exports.append(job)
        else:
            self._jobs.append(job)

    def _export_progress(self, done: int, total: int) -> None:
        if not self._closing:
            self.statusBar().showMessage(f"Exporting… {done}/{total} images")

    def _export_finished(self, path: str) -> None:
        if not self._closing:
            self.statusBar().showMessage(f"Exported: {path}", 10000)

    def _export_failed(self, message: str) -> None:
        if not self._closing:
            self.show_error("Export failed", message)

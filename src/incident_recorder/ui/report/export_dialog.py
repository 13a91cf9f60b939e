"""The Export dialog: format, template, public switch, folder, and the review before export.

The review (export_review: captures not reviewed for redaction, blame-oriented wording,
missing milestones, entries with no kind, silent gaps, action items without owner or due
date) is read on a worker and shown grouped by check; a finding about an entry selects that
entry in the recorder's timeline when clicked. The review never blocks: "Export anyway" is
the default button. A report file already in the folder is never replaced silently: the dialog
says so and asks for a second click ("Replace"). A public export is named report-public.* and
goes into a folder of its own (ticking Public proposes <folder>/public). The export itself runs
in a child process (ExportJob: the CLI's
`export --progress`, so report work never holds this process's interpreter lock) with a
progress bar and Cancel; the dialog stays responsive throughout and, when done, offers to open
the folder or the report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QRunnable, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain.times import Clock
from incident_recorder.report.writer import report_path
from incident_recorder.ui.dialogs.file_dialogs import existing_directory
from incident_recorder.ui.dialogs.settings_store import SettingsStore
from incident_recorder.ui.report import report_backend
from incident_recorder.ui.report.export_job import ExportJob
from incident_recorder.ui.report.export_review import (
    ENTRY_ROLE,
    ReviewJob,
    ReviewList,
    ReviewResult,
)
from incident_recorder.ui.report.report_export import FORMAT_LABELS, export_formats

__all__ = ["ENTRY_ROLE", "ExportDialog"]


class ExportDialog(QDialog):
    entry_selected = Signal(int)
    """An entry id: a review finding about that entry was clicked."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Clock,
        tz: tzinfo,
        settings_store: SettingsStore,
        thread_pool: QThreadPool,
        before_export: Callable[[], object] = lambda: None,
        keep_alive: Callable[[QRunnable | ExportJob], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`keep_alive(job)` takes over the jobs still running when the dialog closes (the owner
        of `thread_pool` keeps them until the pool is done); without it, closing waits for the
        review (an export process is cancelled and never waited for)."""
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export Report")
        self.path = path
        self._clock = clock
        self.tz = tz
        self._store = settings_store
        self._pool = thread_pool
        self._before_export = before_export
        self._keep_alive = keep_alive
        self.job: ExportJob | None = None
        self.review_job: ReviewJob | None = None
        self.review_result: ReviewResult | None = None
        self.written: Path | None = None
        self._replace: Path | None = None
        """The report file the user agreed to replace (the second click on "Replace")."""
        settings = settings_store.load()

        self.format = QComboBox()
        for fmt in export_formats():
            self.format.addItem(FORMAT_LABELS[fmt], fmt)
        self.template = QComboBox()
        self._choices = report_backend.template_choices()
        titles = [choice.title for choice in self._choices]
        for choice in self._choices:
            label = (
                choice.title
                if titles.count(choice.title) == 1
                else f"{choice.title} ({choice.name})"
            )
            self.template.addItem(label, choice.name)
            self.template.setItemData(
                self.template.count() - 1, choice.description, Qt.ItemDataRole.ToolTipRole
            )
        self.template.setCurrentIndex(max(0, self.template.findData(settings.report_template)))
        self.public = QCheckBox("Public report: only public entries, redacted captures, no names")
        self.public.toggled.connect(self._public_toggled)
        self.folder = QLineEdit(settings.export_folder or str(path.parent / f"{path.stem}-report"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Template", self.template)
        form.addRow("", self.public)
        form.addRow("Folder", folder_row)
        for changed in (self.format.currentIndexChanged, self.public.toggled):
            changed.connect(self._options_changed)
        self.folder.textChanged.connect(self._options_changed)

        review_title = QLabel("Review before export")
        review_title.setObjectName("sectionHeading")
        self.review_list = ReviewList()
        self.review_list.entry_selected.connect(self.entry_selected)
        self.findings = self.review_list.tree
        self.review_state = self.review_list.state

        self.progress = QProgressBar()
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder = QPushButton("Open folder")
        self.open_folder.clicked.connect(lambda: self._open(self.written, folder=True))
        self.open_report = QPushButton("Open report")
        self.open_report.clicked.connect(lambda: self._open(self.written, folder=False))
        result_row = QHBoxLayout()
        result_row.addWidget(self.message, 1)
        result_row.addWidget(self.open_folder)
        result_row.addWidget(self.open_report)
        for widget in (self.open_folder, self.open_report):
            widget.hide()

        self.copy_status = QPushButton("Copy status update")
        self.copy_status.setToolTip("The latest public entries as status-page text, to paste")
        self.copy_status.clicked.connect(self.copy_status_update)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.clicked.connect(self.cancel_export)
        self.cancel_button.hide()
        self.export_button = QPushButton("Export anyway")
        self.export_button.setDefault(True)
        self.export_button.setAutoDefault(True)
        self.export_button.clicked.connect(self.start_export)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_status)
        buttons.addStretch(1)
        for button in (self.close_button, self.cancel_button, self.export_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(review_title)
        layout.addWidget(self.review_list, 1)
        layout.addWidget(self.progress)
        layout.addLayout(result_row)
        layout.addLayout(buttons)
        self.resize(720, 640)
        self.start_review()

    # -- review ------------------------------------------------------------------------------

    def start_review(self) -> None:
        job = ReviewJob(self.path, self._clock(), self.tz)
        job.setAutoDelete(False)
        job.signals.done.connect(self._reviewed)
        job.signals.failed.connect(self._review_failed)
        self.review_job = job
        self._pool.start(job)

    def _reviewed(self, result: ReviewResult) -> None:
        self.review_result = result
        self.review_list.show_findings(result.findings)
        if self._replace is None:
            self.export_button.setText(self._export_label())

    def _export_label(self) -> str:
        result = self.review_result
        return "Export" if result is not None and not result.findings else "Export anyway"

    def _review_failed(self, message: str) -> None:
        self.review_state.setText(f"The review could not be run: {message}")

    def copy_status_update(self) -> str:
        """The status-update text, copied to the clipboard ("" until the review has read it)."""
        if self.review_result is None:
            self.review_state.setText("Still reading the record: try again in a moment.")
            return ""
        text = self.review_result.status_update
        QGuiApplication.clipboard().setText(text)
        self.message.setText("Status update copied to the clipboard.")
        return text

    # -- options -----------------------------------------------------------------------------

    def _public_toggled(self, public: bool) -> None:
        # A public export goes into a folder of its own (one holding an internal export is
        # refused): propose <folder>/public, and go back when unticked.
        folder = Path(self.folder.text().strip() or ".").expanduser()
        if public and folder.name != "public":
            self.folder.setText(str(folder / "public"))
        elif not public and folder.name == "public":
            self.folder.setText(str(folder.parent))
        public_templates = [c.name for c in self._choices if c.public]
        if public and public_templates:
            self.template.setCurrentIndex(self.template.findData(public_templates[0]))
        elif not public:
            default = self._store.load().report_template
            self.template.setCurrentIndex(max(0, self.template.findData(default)))
        self.template.setEnabled(not (public and public_templates))

    def _choose_folder(self) -> None:
        chosen = existing_directory(self, "Export into folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    # -- export ------------------------------------------------------------------------------

    def _options_changed(self, *_: object) -> None:
        """Another folder, format or kind: an earlier "Replace" no longer applies."""
        if self._replace is not None:
            self._replace = None
            self.export_button.setText(self._export_label())
            self.message.setText("")

    def start_export(self) -> ExportJob | None:
        """Write the report in a child process; progress and Cancel show meanwhile. A report
        file already there is replaced only after the user says so (a second click)."""
        folder = self.folder.text().strip()
        if not folder:
            self.message.setText("Choose a folder to export into.")
            return None
        out_dir = Path(folder).expanduser()
        fmt = str(self.format.currentData())
        target = report_path(out_dir, fmt, public=self.public.isChecked())
        force = target.exists() or target.is_symlink()
        if force and self._replace != target:
            self._replace = target
            self.message.setText(
                f"{target.name} is already in {out_dir}: click Replace to overwrite it, or "
                "choose another folder."
            )
            self.export_button.setText("Replace")
            return None
        self._replace = None
        self._before_export()  # the report editor's last keystrokes are in the file first
        template = str(self.template.currentData() or "default")
        settings = self._store.load()
        try:
            from dataclasses import replace

            public = self.public.isChecked()
            non_public = template if not public else settings.report_template
            # the internal folder is remembered: a public export proposes <it>/public
            remembered = settings.export_folder if public else str(out_dir)
            self._store.save(
                replace(settings, export_folder=remembered, report_template=non_public)
            )
        except OSError as error:  # remembering the folder is a convenience: export anyway
            self.message.setText(f"The folder could not be remembered: {error}")
        job = ExportJob(
            self.path,
            out_dir,
            fmt,
            template=template,
            public=self.public.isChecked(),
            tz=self.tz,
            force=force,
        )
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._cancelled)
        self.job = job
        self.written = None
        self._running(True)
        self.message.setText(f"Exporting {FORMAT_LABELS.get(fmt, fmt)} to {out_dir}…")
        job.start()
        return job

    def cancel_export(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText("Cancelling…")

    def _running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.export_button.setEnabled(not running)
        self.close_button.setEnabled(not running)
        for widget in (self.open_folder, self.open_report):
            widget.hide()

    def _progress(self, done: int, total: int) -> None:
        if total:
            if self.progress.maximum() != total:
                self.progress.setRange(0, total)
                self.progress.setFormat(f"Images %v of {total}")
            self.progress.setValue(done)

    def _finished(self, path: str) -> None:
        self._running(False)
        self.export_button.setText(self._export_label())
        self.written = Path(path)
        self.message.setText(f"Report written: {path}")
        self.open_folder.show()
        self.open_report.show()

    def _failed(self, message: str) -> None:
        self._running(False)
        self.message.setText(f"Export failed: {message}")

    def _cancelled(self) -> None:
        self._running(False)
        self.message.setText("Export cancelled, nothing written.")

    @staticmethod
    def _open(path: Path | None, *, folder: bool) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent if folder else path)))

    def done(self, result: int) -> None:
        if self.job is not None and self.progress.isVisible():
            self.cancel_export()  # closing mid-export cancels it; the process stops on its own
        for job in (self.job, self.review_job):
            if job is not None and self._keep_alive is not None:
                self._keep_alive(job)  # a running job must outlive this dialog
        if self._keep_alive is None:
            self._pool.waitForDone()
        super().done(result)

"""The recorder window's captures: the capture keys, pasted images and the capture viewer.

A part of ``RecorderWindow`` (a mixin ahead of QMainWindow: no state of its own, no
``__init__``): captures are taken and saved on the capture worker and come back here by signal;
a capture opens in its viewer, whose captions and annotations are saved as revisions (the
original image is never changed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from time import perf_counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QRunnable, QThreadPool
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow

from incident_recorder.domain import Entry
from incident_recorder.domain.annotation import Shape, has_redaction
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.capture_service import ALL, POINTER, WINDOW, CaptureTimings

if TYPE_CHECKING:
    from incident_recorder.session import IncidentSession
    from incident_recorder.ui.capture_service import CaptureService
    from incident_recorder.ui.capture_viewer import CaptureViewer
    from incident_recorder.ui.image_import import ImageImporter
    from incident_recorder.ui.region_overlay import RegionCapture
    from incident_recorder.ui.timeline_model import TimelineModel


if TYPE_CHECKING:  # for the type checker the part is the window; at run time a plain mixin
    _Window = QMainWindow
else:
    _Window = object


class RecorderCaptures(_Window):
    """Capture handling of the recorder window."""

    if TYPE_CHECKING:  # provided by RecorderWindow, which this class is a part of
        captures: CaptureService
        region: RegionCapture
        importer: ImageImporter
        model: TimelineModel
        file: IncidentFile
        session: IncidentSession
        viewers: dict[int, CaptureViewer]
        last_capture_timings: CaptureTimings | None
        _clock: Callable[[], datetime]
        _closing: bool
        _jobs: list[QRunnable]
        _pool: QThreadPool

        def show_error(self, title: str, message: str) -> None: ...

    def capture_screen(self) -> None:
        """Capture the monitor under the pointer now; the typed note stays untouched."""
        pressed = perf_counter()
        self.captures.request(self._clock(), pressed, POINTER)
        self.statusBar().showMessage("Capturing the screen…")

    def capture_all(self) -> None:
        """Capture every monitor now, one entry per monitor."""
        pressed = perf_counter()
        self.captures.request(self._clock(), pressed, ALL)
        self.statusBar().showMessage("Capturing all monitors…")

    def capture_window(self) -> None:
        """Capture the active window only (cropped to it), recording its title."""
        pressed = perf_counter()
        self.captures.request(self._clock(), pressed, WINDOW)
        self.statusBar().showMessage("Capturing the active window…")

    def capture_region(self) -> None:
        """Freeze the screen under the pointer now, then capture the region dragged on it."""
        self.region.start(self._clock(), perf_counter())

    def _capture_saved(self, entry: Entry, timings: CaptureTimings) -> None:
        if self._closing:
            return
        self.last_capture_timings = timings
        self.session.added_elsewhere([entry])  # made durable by the capture worker
        capture = entry.capture
        size = f"{capture.width}×{capture.height}" if capture else ""
        self.statusBar().showMessage(
            f"Capture saved ({size}, on disk {timings.to_durable_ms:.0f} ms after the key press)",
            6000,
        )

    def _capture_failed(self, message: str) -> None:
        if self._closing:
            return
        self.show_error("The screen was not captured", message)

    def paste_image(self) -> bool:
        """Ctrl+V: the clipboard's image becomes a capture entry stamped now (False: no image)."""
        if self._closing or not self.importer.paste():
            return False
        self.statusBar().showMessage("Recording the pasted image…")
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste) and self.paste_image():
            return  # Ctrl+V with the focus outside the note field (the timeline)
        super().keyPressEvent(event)

    def _capture_imported(self, entry: Entry) -> None:
        if self._closing:
            return
        self.session.added_elsewhere([entry])  # made durable by the import job
        capture = entry.capture
        size = f"{capture.width}×{capture.height}" if capture else ""
        self.statusBar().showMessage(f"Image recorded ({entry.source}, {size})", 6000)

    def _import_refused(self, message: str) -> None:
        if not self._closing:
            self.show_error("Not recorded", message)

    def open_capture(self, entry: Entry) -> CaptureViewer | None:
        """Show a capture; its viewer if already open (raised), else a new one."""
        if entry.capture is None:
            return None
        open_viewer = self.viewers.get(entry.capture.id)
        if open_viewer is not None and open_viewer.isVisible():
            open_viewer.raise_()
            open_viewer.activateWindow()
            return open_viewer
        try:
            png = self.file.capture_png(entry.capture.id)
        except IncidentFileError as error:
            self.show_error("The capture cannot be shown", str(error))
            return None
        caption = (
            f"Capture at {self.model.format_time(entry.occurred_at)} — "
            f"{entry.capture.width}×{entry.capture.height}"
        )
        try:
            shapes, revision = self.file.annotations_at_revision(entry.capture.id)
        except IncidentFileError as error:
            self.show_error("The annotations cannot be read", str(error))
            return None  # editing from nothing would be refused or drop a redaction
        from incident_recorder.ui.capture_viewer import CaptureViewer

        viewer = CaptureViewer(entry, png, caption, self, shapes=shapes, revision=revision)
        capture_id = entry.capture.id
        self.viewers[capture_id] = viewer
        viewer.destroyed.connect(lambda _=None: self._viewer_gone(capture_id, viewer))
        viewer.finished.connect(lambda _=0: self._viewer_gone(capture_id, viewer))
        viewer.caption_submitted.connect(self._save_caption)
        viewer.annotations_submitted.connect(self._save_annotations)
        if viewer.decode_job is not None:  # a large image: decoded on the pool
            self._jobs.append(viewer.decode_job)
            self._pool.start(viewer.decode_job)
        viewer.show()
        return viewer

    def _thumbnail(self, capture_id: int) -> bytes:
        """The timeline thumbnail of a capture, with its annotations drawn (redactions solid)."""
        thumbnail = self.file.capture_thumbnail(capture_id)
        shapes = self.file.annotations(capture_id)
        if not shapes:
            return thumbnail
        from incident_recorder.report.annotate import render_thumbnail  # Pillow: only if needed

        return render_thumbnail(thumbnail, shapes, self.file.capture_size(capture_id)[0])

    def _viewer_gone(self, capture_id: int, viewer: CaptureViewer) -> None:
        if self.viewers.get(capture_id) is viewer:
            del self.viewers[capture_id]

    def _save_annotations(self, capture_id: int, shapes: list[Shape], base_revision: int) -> None:
        """Annotations from the viewer: a new revision (the original image is never changed).

        Refused when they were saved elsewhere since the viewer loaded them (`base_revision`):
        the viewer is told and shows the current ones instead.
        """
        from incident_recorder.ui.capture_viewer import CaptureViewer  # loaded: it sent this

        viewer = self.sender()
        try:
            revision = self.file.set_annotations(capture_id, shapes, base_revision=base_revision)
        except IncidentFileError as error:
            self.show_error("The annotations were not saved", str(error))
            if isinstance(viewer, CaptureViewer):
                try:
                    current, at = self.file.annotations_at_revision(capture_id)
                except IncidentFileError:
                    viewer.annotations_refused(str(error))
                else:
                    viewer.annotations_refused(str(error), current, at)
            return
        self.model.annotations_changed(capture_id, has_redaction(shapes))
        if isinstance(viewer, CaptureViewer):
            viewer.annotations_saved(revision)
        self.statusBar().showMessage(f"Annotations saved (revision {revision})", 4000)

    def _save_caption(self, entry_id: int, text: str) -> None:
        """A caption from the viewer: a new revision of the entry (the original stays)."""
        from incident_recorder.ui.capture_viewer import CaptureViewer  # loaded: it sent this

        try:
            entry = self.session.revise(entry_id, text=text)
        except (ValueError, IncidentFileError) as error:
            self.show_error("The caption was not saved", str(error))
            return
        viewer = self.sender()
        if isinstance(viewer, CaptureViewer):
            viewer.caption_saved(entry)
        self.statusBar().showMessage("Caption saved (a new revision; the original is kept)", 4000)

"""The recorder window's captures: the capture keys, pasted and dropped images, the capture viewer.

`CaptureController` is handed what it works with (the session, the timeline model, the capture
service, the thread pool, the window's status bar and error box through `WindowHost`) and owns
the region capture, the image importer and the open viewers. Captures are taken and saved on
the capture worker and come back here by signal; a capture opens in its viewer, whose captions
and annotations are saved as revisions (the original image is never changed).
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool
from PySide6.QtWidgets import QWidget

from incident_recorder.domain import Entry
from incident_recorder.domain.annotation import Shape, has_redaction
from incident_recorder.domain.times import Clock
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.capture.capture_service import (
    ALL,
    POINTER,
    WINDOW,
    CaptureService,
    CaptureTimings,
)
from incident_recorder.ui.capture.findings_panel import FindingRow
from incident_recorder.ui.capture.image_import import ImageImporter
from incident_recorder.ui.capture.region_overlay import RegionCapture
from incident_recorder.ui.common.window_host import WindowHost
from incident_recorder.ui.timeline.timeline_model import TimelineModel

if TYPE_CHECKING:  # imported when the first capture is opened
    from incident_recorder.ui.capture.capture_viewer import CaptureViewer


def annotated_thumbnail(file: IncidentFile, capture_id: int) -> bytes:
    """The timeline thumbnail of a capture, with its annotations drawn (redactions solid)."""
    thumbnail = file.capture_thumbnail(capture_id)
    shapes = file.annotations(capture_id)
    if not shapes:
        return thumbnail
    from incident_recorder.report.annotate import render_thumbnail  # Pillow: only if needed

    return render_thumbnail(thumbnail, shapes, file.capture_size(capture_id)[0])


class CaptureController(QObject):
    """Capture handling of one recorder window (`window`: the dialogs' parent)."""

    def __init__(
        self,
        session: IncidentSession,
        model: TimelineModel,
        service: CaptureService,
        *,
        clock: Clock,
        pool: QThreadPool,
        jobs: list[QRunnable],
        host: WindowHost,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._session = session
        self._file = session.file
        self._model = model
        self._clock = clock
        self._pool = pool
        self._jobs = jobs
        self._host = host
        self._window = window
        self._closing = False
        self.read_only = False
        """The incident cannot be written: viewers open to look, not to caption or annotate."""
        self.service = service
        self.viewers: dict[int, CaptureViewer] = {}
        """capture id → its open viewer: one per capture, so two never save over each other."""
        self.last_capture_timings: CaptureTimings | None = None
        service.captured.connect(self._capture_saved)
        service.failed.connect(self._capture_failed)
        self.region = RegionCapture(service, host.statusBar().showMessage, window)
        self.importer = ImageImporter(
            self._file.path, clock, pool, window, author=lambda: self._session.author
        )
        self.importer.saved.connect(self._capture_imported)
        self.importer.refused.connect(self._import_refused)

    def _status(self, message: str, timeout: int = 0) -> None:
        self._host.statusBar().showMessage(message, timeout)

    def handlers(self) -> dict[str, Callable[..., object]]:
        """Action id → its function, for the window's actions table."""
        return {
            "capture_screen": self.capture_screen,
            "capture_all": self.capture_all,
            "capture_window": self.capture_window,
            "capture_region": self.capture_region,
        }

    # -- the capture keys ----------------------------------------------------------------------

    def capture_screen(self) -> None:
        """Capture the monitor under the pointer now; the typed note stays untouched."""
        pressed = perf_counter()
        self.service.request(self._clock(), pressed, POINTER)
        self._status("Capturing the screen…")

    def capture_all(self) -> None:
        """Capture every monitor now, one entry per monitor."""
        pressed = perf_counter()
        self.service.request(self._clock(), pressed, ALL)
        self._status("Capturing all monitors…")

    def capture_window(self) -> None:
        """Capture the active window only (cropped to it), recording its title."""
        pressed = perf_counter()
        self.service.request(self._clock(), pressed, WINDOW)
        self._status("Capturing the active window…")

    def capture_region(self) -> None:
        """Freeze the screen under the pointer now, then capture the region dragged on it."""
        self.region.start(self._clock(), perf_counter())

    def _capture_saved(self, entry: Entry, timings: CaptureTimings) -> None:
        if self._closing:
            return
        self.last_capture_timings = timings
        self._session.added_elsewhere([entry])  # made durable by the capture worker
        capture = entry.capture
        size = f"{capture.width}×{capture.height}" if capture else ""
        self._status(
            f"Capture saved ({size}, on disk {timings.to_durable_ms:.0f} ms after the key press)",
            6000,
        )

    def _capture_failed(self, message: str) -> None:
        if self._closing:
            return
        self._host.show_error("The screen was not captured", message)

    # -- pasted and dropped images -------------------------------------------------------------

    def paste_image(self) -> bool:
        """Ctrl+V: the clipboard's image becomes a capture entry stamped now (False: no image)."""
        if self._closing or not self.importer.paste():
            return False
        self._status("Recording the pasted image…")
        return True

    def _capture_imported(self, entry: Entry) -> None:
        if self._closing:
            return
        self._session.added_elsewhere([entry])  # made durable by the import job
        capture = entry.capture
        size = f"{capture.width}×{capture.height}" if capture else ""
        self._status(f"Image recorded ({entry.source}, {size})", 6000)

    def _import_refused(self, message: str) -> None:
        if not self._closing:
            self._host.show_error("Not recorded", message)

    # -- the capture viewer --------------------------------------------------------------------

    def open_capture(self, entry: Entry, highlight: str = "") -> CaptureViewer | None:
        """Show a capture; its viewer if already open (raised), else a new one. `highlight`:
        the filter's text it was found with, whose words the viewer highlights."""
        if entry.capture is None:
            return None
        open_viewer = self.viewers.get(entry.capture.id)
        if open_viewer is not None and open_viewer.isVisible():
            open_viewer.text_layer.highlight(highlight)
            open_viewer.raise_()
            open_viewer.activateWindow()
            return open_viewer
        try:
            png = self._file.capture_png(entry.capture.id)
        except IncidentFileError as error:
            self._host.show_error("The capture cannot be shown", str(error))
            return None
        caption = (
            f"Capture at {self._model.format_time(entry.occurred_at)} — "
            f"{entry.capture.width}×{entry.capture.height}"
        )
        try:
            shapes, revision = self._file.annotations_at_revision(entry.capture.id)
        except IncidentFileError as error:
            self._host.show_error("The annotations cannot be read", str(error))
            return None  # editing from nothing would be refused or drop a redaction
        from incident_recorder.ui.capture.capture_viewer import CaptureViewer

        viewer = CaptureViewer(entry, png, caption, self._window, shapes=shapes, revision=revision)
        capture_id = entry.capture.id
        self.viewers[capture_id] = viewer
        viewer.destroyed.connect(lambda _=None: self._viewer_gone(capture_id, viewer))
        viewer.finished.connect(lambda _=0: self._viewer_gone(capture_id, viewer))
        if self.read_only:  # shown, zoomed and copied; nothing to save into the file
            _view_only(viewer)
        viewer.caption_submitted.connect(self._save_caption)
        viewer.annotations_submitted.connect(self._save_annotations)
        viewer.findings_panel.dismiss_requested.connect(
            lambda entry_id, key: self._dismiss_finding(viewer, entry_id, key)
        )
        viewer.text_layer.highlight(highlight)
        self.show_text(viewer)
        if viewer.decode_job is not None:  # a large image: decoded on the pool
            self._jobs.append(viewer.decode_job)
            self._pool.start(viewer.decode_job)
        viewer.show()
        return viewer

    def show_text(self, viewer: CaptureViewer) -> None:
        """Give the viewer its capture's recognised words, proposed redactions and findings."""
        from incident_recorder.session.findings import entry_findings, finding_rules

        capture = viewer.entry.capture
        if capture is None:
            return
        try:
            reading = self._file.capture_text(capture.id)
            found = entry_findings(self._file, finding_rules(), viewer.entry.id)
        except IncidentFileError as error:
            self._status(f"The capture's text cannot be read: {error}", 8000)
            return
        rows = [
            FindingRow(
                f.entry_id, f.key, f.source, f.kind, f.label, f.box, f.handled,
                "" if dismissal is None else dismissal.dismissed_by,
                "" if dismissal is None else self._model.format_time(dismissal.dismissed_at),
            )
            for f, dismissal in found
        ]  # fmt: skip
        boxes = [(row.box, row.handled) for row in rows if row.box is not None]
        viewer.text_layer.set_text(
            None if reading is None else reading.words,
            [box for box, handled in boxes if handled is None],
            [box for box, handled in boxes if handled == "dismissed"],
        )
        viewer.findings_panel.show_findings(rows)

    def _dismiss_finding(self, viewer: CaptureViewer, entry_id: int, key: str) -> None:
        """Record a finding of the viewer's capture as not sensitive, by the name in Settings
        ▸ Your name, now (as `findings --dismiss ENTRY:KEY --by NAME` does)."""
        from incident_recorder.session.findings import dismiss, finding_rules, incident_findings

        author = self._session.author
        if not author:
            viewer.findings_panel.say(
                "Not recorded: a dismissal records who made it. "
                "Set your name in Settings ▸ Your name first."
            )
            return
        try:
            found = incident_findings(self._file, finding_rules(), {entry_id})
            match = [f for f in found if f.key == key and f.handled is None]
            if match:
                dismiss(self._file, match[0], author)
        except IncidentFileError as error:
            viewer.findings_panel.say(f"Not recorded: {error}")
            return
        viewer.findings_panel.say(
            f"Marked not sensitive by {author}." if match else "Already handled."
        )
        self.show_text(viewer)
        self._status("Finding marked not sensitive (recorded with your name and the time)", 4000)

    def text_recognised(self) -> None:
        """Recognition saved more text: open viewers show it."""
        for viewer in list(self.viewers.values()):
            self.show_text(viewer)

    def _viewer_gone(self, capture_id: int, viewer: CaptureViewer) -> None:
        if self.viewers.get(capture_id) is viewer:
            del self.viewers[capture_id]

    def _save_annotations(self, capture_id: int, shapes: list[Shape], base_revision: int) -> None:
        """Annotations from the viewer: a new revision (the original image is never changed).

        Refused when they were saved elsewhere since the viewer loaded them (`base_revision`):
        the viewer is told and shows the current ones instead.
        """
        from incident_recorder.ui.capture.capture_viewer import (
            CaptureViewer,  # loaded: it sent this
        )

        viewer = self.sender()
        try:
            revision = self._file.set_annotations(capture_id, shapes, base_revision=base_revision)
        except IncidentFileError as error:
            self._host.show_error("The annotations were not saved", str(error))
            if isinstance(viewer, CaptureViewer):
                try:
                    current, at = self._file.annotations_at_revision(capture_id)
                except IncidentFileError:
                    viewer.annotations_refused(str(error))
                else:
                    viewer.annotations_refused(str(error), current, at)
            return
        self._model.annotations_changed(capture_id, has_redaction(shapes))
        if isinstance(viewer, CaptureViewer):
            viewer.annotations_saved(revision)
        self._status(f"Annotations saved (revision {revision})", 4000)

    def _save_caption(self, entry_id: int, text: str) -> None:
        """A caption from the viewer: a new revision of the entry (the original stays)."""
        from incident_recorder.ui.capture.capture_viewer import (
            CaptureViewer,  # loaded: it sent this
        )

        try:
            entry = self._session.revise(entry_id, text=text)
        except (ValueError, IncidentFileError) as error:
            self._host.show_error("The caption was not saved", str(error))
            return
        viewer = self.sender()
        if isinstance(viewer, CaptureViewer):
            viewer.caption_saved(entry)
        self._status("Caption saved (a new revision; the original is kept)", 4000)

    # -- closing -------------------------------------------------------------------------------

    def may_close(self) -> bool:
        """Save every viewer's unsaved annotations; False (the error shown) if one cannot be."""
        return all(viewer.submit_annotations() for viewer in list(self.viewers.values()))

    def close(self) -> None:
        """The window is closing: results still on their way are dropped, the overlay goes."""
        self._closing = True
        self.region.close()  # an open region overlay (and its keyboard grab) goes with us


def _view_only(viewer: CaptureViewer) -> None:
    """A capture of a read-only incident: the caption and the annotation tools are locked."""
    viewer.caption_edit.setReadOnly(True)
    viewer.caption_edit.setToolTip("This incident is read-only: the caption cannot change")
    for tool_id, act in viewer.tool_actions.items():
        act.setEnabled(tool_id == "select")
    for key_id in ("undo_shape", "delete_shape", "save_annotations"):
        viewer.key_actions[key_id].setEnabled(False)
    viewer.findings_panel.set_read_only(True)

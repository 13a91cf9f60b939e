"""Paste and drop: images from the clipboard or dropped on the timeline become capture entries.

`ImageImporter` takes what the clipboard or a drop holds (local files, encoded image bytes, or
a `QImage` — safe to pass between threads), stamps it with the moment of the key press or the
drop, and hands it to an `ImportJob` on the window's pool. The job decodes, normalises and
encodes with Pillow (``incident_recorder.importers.images``) and saves on its own connection, so
the UI never waits; every saved entry and every refused input comes back by signal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage

from incident_recorder.storage import IncidentFile, IncidentFileError

if TYPE_CHECKING:
    from PIL import Image

Item = Path | bytes | QImage
"""One thing to record: a local file, encoded image bytes, or a decoded QImage."""


def items_from_mime(mime: QMimeData | None) -> list[Item]:
    """The images a clipboard or drop payload holds (files first); [] when it holds none."""
    if mime is None:
        return []
    files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    if files:
        return list(files)
    for fmt in mime.formats():
        if fmt.startswith("image/"):
            data = bytes(mime.data(fmt).data())
            if data:
                return [data]
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            return [image]
    return []


def _pillow_image(image: QImage) -> Image.Image:
    """A Pillow copy of a QImage (in the worker: the conversion touches every pixel)."""
    from PIL import Image

    alpha = image.hasAlphaChannel()
    fmt = QImage.Format.Format_RGBA8888 if alpha else QImage.Format.Format_RGB888
    converted = image.convertToFormat(fmt)
    mode = "RGBA" if alpha else "RGB"
    size = (converted.width(), converted.height())
    data = bytes(converted.constBits())
    return Image.frombuffer(mode, size, data, "raw", mode, converted.bytesPerLine(), 1)


class ImportSignals(QObject):
    saved = Signal(object)
    refused = Signal(str)
    finished = Signal()


class ImportJob(QRunnable):
    """Encode and save `items` as capture entries; never touches widgets."""

    def __init__(
        self,
        path: Path,
        items: list[Item],
        occurred_at: datetime,
        source: str,
        author: str | None = None,
    ):
        super().__init__()
        self.path = path
        self.items = items
        self.occurred_at = occurred_at
        self.source = source
        self.author = author
        self.signals = ImportSignals()

    def run(self) -> None:
        problems: list[str] = []
        try:
            with IncidentFile.open(self.path) as target:
                for item in self.items:
                    problem = self._record(target, item)
                    if problem:
                        problems.append(problem)
        except IncidentFileError as error:
            problems.append(f"the incident file cannot be written: {error}")
        finally:
            if problems:
                self.signals.refused.emit("\n".join(problems))
            self.signals.finished.emit()

    def _record(self, target: IncidentFile, item: Item) -> str | None:
        """Save one item; the reason it was refused, or None."""
        from incident_recorder.importers.images import (  # on the worker: not at start-up
            MAX_PIXELS,
            ImageImportError,
            capture_from_bytes,
            capture_from_file,
            capture_from_image,
        )

        try:
            if isinstance(item, Path):
                capture = capture_from_file(item)
            elif isinstance(item, bytes):
                name = "the pasted image" if self.source == "paste" else "the dropped image"
                capture = capture_from_bytes(item, name)
            else:
                if item.width() * item.height() > MAX_PIXELS:
                    raise ImageImportError(
                        f"too large to record: {item.width()}×{item.height()} image"
                    )
                capture = capture_from_image(_pillow_image(item))
        except ImageImportError as error:
            return str(error)
        except Exception as error:  # a refused image is reported, never lost silently
            return f"the image was not recorded: {type(error).__name__}: {error}"
        entry = target.add_capture(
            capture, self.occurred_at, source=self.source, author=self.author
        )
        self.signals.saved.emit(entry)
        return None


class ImageImporter(QObject):
    """Starts import jobs for the window; accepts drops on the widgets it watches."""

    saved = Signal(object)
    refused = Signal(str)

    def __init__(
        self,
        path: Path,
        clock: Callable[[], datetime],
        pool: QThreadPool,
        parent: QObject | None = None,
        author: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self._path = path
        self._clock = clock
        self._author = author  # the name in Settings now
        self._pool = pool
        self._jobs: list[ImportJob] = []

    def clipboard_has_image(self) -> bool:
        mime = QGuiApplication.clipboard().mimeData()
        return mime is not None and (mime.hasImage() or any(u.isLocalFile() for u in mime.urls()))

    def paste(self) -> bool:
        """Record the clipboard's image, stamped now; False when it holds no image."""
        occurred_at = self._clock()
        items = items_from_mime(QGuiApplication.clipboard().mimeData())
        if not items:
            return False
        self.start(items, occurred_at, "paste")
        return True

    def drop(self, mime: QMimeData) -> bool:
        occurred_at = self._clock()
        items = items_from_mime(mime)
        if not items:
            self.refused.emit("nothing to record: the drop holds no image or file")
            return False
        self.start(items, occurred_at, "drop")
        return True

    def start(self, items: list[Item], occurred_at: datetime, source: str) -> ImportJob:
        job = ImportJob(self._path, items, occurred_at, source, self._author())
        job.setAutoDelete(False)
        job.signals.saved.connect(self.saved)
        job.signals.refused.connect(self.refused)
        job.signals.finished.connect(lambda: self._jobs.remove(job) if job in self._jobs else None)
        self._jobs.append(job)
        self._pool.start(job)
        return job

    def watch(self, widget: QObject) -> None:
        """Accept drops of images and files on `widget` (a view's viewport)."""
        if hasattr(widget, "setAcceptDrops"):
            widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def unwatch(self, widget: QObject) -> None:
        """No more drops on `widget` (a read-only incident records nothing)."""
        if hasattr(widget, "setAcceptDrops"):
            widget.setAcceptDrops(False)
        widget.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDropEvent)
            mime = event.mimeData()
            if mime is not None and (mime.hasImage() or mime.hasUrls()):
                event.acceptProposedAction()
                return True
            return False
        if kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            mime = event.mimeData()
            if mime is not None and self.drop(mime):
                event.acceptProposedAction()
            return True
        return super().eventFilter(watched, event)

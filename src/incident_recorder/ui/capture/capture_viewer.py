"""A non-modal window showing one capture: zoom, pan, copy, and a caption saved as a revision.

F toggles fit-to-window; Ctrl+= / Ctrl+- zoom (also Ctrl+wheel), Ctrl+0 shows actual pixels;
a zoomed image is panned by dragging it or with the scrollbars; Ctrl+C copies the image; Enter
in the caption field (or Save) emits `caption_submitted` — whoever owns the incident file
records it as a revision and calls `caption_saved`. The capture may be PNG or JPEG (the
capture-format setting; told apart by their bytes). Large ones are decoded on the pool
(`DecodeJob`, a QImage back by signal) while "Loading…" shows. An image whose header declares
more than MAX_PIXELS is never decoded: the viewer says so instead (render/image_decode.py; the
file
may come from anyone). Esc closes.

Annotations (ui/capture/annotation_tools.py): the Rectangle, Arrow, Text and Redact tools draw by
dragging on the image (positions mapped to image pixels, whatever the zoom); in Select, a click
selects a shape and Delete removes it; Ctrl+Z undoes the last edit since the last save. Save
Annotations (Ctrl+S) emits `annotations_submitted` with the revision the shapes were loaded at;
the owner stores a new revision and calls `annotations_saved`, or, when the file refuses (the
annotations were saved elsewhere meanwhile), `annotations_refused` with the current ones, which
the viewer shows instead. Closing (the close button, Esc, or the owner closing) first saves
unsaved annotations the same way; if that fails the viewer stays open. Ctrl+C copies what the
viewer shows: the annotations drawn and every redaction solid (report/annotate.py), never the
original pixels under a redaction. The original image is never changed. Beside the image, the
capture's findings (ui/capture/findings_panel.py), each one dismissable as not sensitive.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QRunnable, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPixmap,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain import Entry
from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.image_bytes import TOO_LARGE, image_kind, size_problem
from incident_recorder.domain.text import visible
from incident_recorder.render.image_decode import decode_image
from incident_recorder.ui.capture.annotation_tools import TOOLS, AnnotationEditor
from incident_recorder.ui.capture.findings_panel import FindingsPanel
from incident_recorder.ui.capture.text_layer import TextLayer
from incident_recorder.ui.common.actions import VIEWER_KEYS

DECODE_IN_BACKGROUND = 2 * 1024 * 1024
"""PNGs larger than this (bytes) are decoded on the pool, not the UI thread."""
JPEG_DENSITY = 8
"""A JPEG capture is about this many times smaller than the PNG of the same screen, and as slow
to decode: its threshold is DECODE_IN_BACKGROUND divided by this."""
ZOOM_STEP = 1.25
DAMAGED = "This capture could not be decoded (damaged image data)."


class DecodeSignals(QObject):
    decoded = Signal(QImage)
    refused = Signal(str)
    """Why the image was not decoded (too large, damaged): one line."""


class DecodeJob(QRunnable):
    """Decode PNG or JPEG bytes into a QImage (safe across threads; a QPixmap is not)."""

    def __init__(self, png: bytes) -> None:
        super().__init__()
        self.png = png
        self.signals = DecodeSignals()

    def run(self) -> None:
        image, problem = decode_image(self.png)
        if problem is not None:
            self.signals.refused.emit(problem)
        else:
            self.signals.decoded.emit(image)


class CaptureViewer(QDialog):
    """Shows the image of a capture entry; see the module docstring for the keys."""

    caption_submitted = Signal(int, str)
    annotations_submitted = Signal(int, list, int)
    """(capture id, list of Shape, base revision): the annotations to save as a new revision;
    base revision is the one they were edited from (see IncidentFile.set_annotations)."""

    def __init__(
        self,
        entry: Entry,
        png: bytes,
        caption: str,
        parent: QWidget | None = None,
        shapes: Sequence[Shape] = (),
        revision: int = 0,
    ):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.setWindowTitle(visible(caption))
        self.entry = entry
        self.png = png
        self.revision = revision
        """The annotations revision the editor's saved shapes are (0: never annotated)."""
        self.save_error: str | None = None
        self.problem: str | None = None
        """Why the image is not shown (too large or damaged), once known."""
        self.image = QImage()
        self.pixmap = QPixmap()
        self._fit = True
        self._zoom = 1.0
        self._drag_from: QPoint | None = None
        self._scale = 1.0  # shown pixels per image pixel
        self.editor = AnnotationEditor(shapes, self)
        self.editor.changed.connect(self._annotations_changed)
        self.text_layer = TextLayer(self, self)  # recognised words, proposed redactions
        self.findings_panel = FindingsPanel(self)  # each finding, dismissable (findings_panel.py)

        self.label = QLabel("Loading…")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAccessibleName("Captured screen")
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.label)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.viewport().installEventFilter(self)

        self.caption_edit = QLineEdit(entry.text)
        self.caption_edit.setPlaceholderText("Caption (becomes the entry's text)")
        self.caption_edit.setAccessibleName("Caption")
        self.caption_edit.returnPressed.connect(self.submit_caption)
        save = QPushButton("Save Caption")
        save.setAutoDefault(False)
        save.clicked.connect(self.submit_caption)

        toolbar = QToolBar()
        self.fit_action = QAction("Fit to Window", self, checkable=True, checked=True)
        self.fit_action.toggled.connect(self.set_fit)
        handlers = {
            "fit": self.fit_action.toggle,
            "zoom_in": lambda: self.zoom_by(ZOOM_STEP),
            "zoom_out": lambda: self.zoom_by(1 / ZOOM_STEP),
            "actual_size": self.actual_size,
            "copy": self.copy_image,
            "undo_shape": self.editor.undo,
            "delete_shape": self.editor.delete_selected,
            "save_annotations": self.submit_annotations,
            "copy_text": self.text_layer.copy_text,
            "accept_redactions": self.text_layer.accept,
        }
        self.key_actions: dict[str, QAction] = {"fit": self.fit_action}
        for key_id, keys, text in VIEWER_KEYS:
            act = self.fit_action if key_id == "fit" else QAction(text, self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            if key_id != "fit":
                act.triggered.connect(handlers[key_id])
                self.key_actions[key_id] = act
            toolbar.addAction(act)
        toolbar.addWidget(QLabel(f"  {caption}  "))
        toolbar.addWidget(self.caption_edit)
        toolbar.addWidget(save)

        tools = QToolBar()
        tools.setAccessibleName("Annotation tools")
        group = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        for tool_id, text, tip in TOOLS:
            act = QAction(text, self, checkable=True, checked=tool_id == "select")
            act.setToolTip(tip)
            act.triggered.connect(lambda _=False, t=tool_id: self.set_tool(t))
            group.addAction(act)
            tools.addAction(act)
            self.tool_actions[tool_id] = act
        self.annotation_status = QLabel()
        tools.addWidget(self.annotation_status)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(toolbar)
        layout.addWidget(tools)
        layout.addWidget(self.text_layer.toolbar)
        beside = QHBoxLayout()  # the image, and the findings list beside it when there are any
        beside.addWidget(self.scroll_area, 1)
        beside.addWidget(self.findings_panel)
        layout.addLayout(beside)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.resize(int(screen.width() * 0.8), int(screen.height() * 0.8))
        self.decode_job: DecodeJob | None = None
        """Set for a large image: the owner starts it on its pool (and keeps it until done)."""
        jpeg = image_kind(png) == "jpeg"
        refused = size_problem(png)  # from the header alone: never decode a bomb, even later
        if refused is not None:
            self.refuse(refused)
        elif len(png) > DECODE_IN_BACKGROUND // (JPEG_DENSITY if jpeg else 1):
            self.decode_job = DecodeJob(png)
            self.decode_job.setAutoDelete(False)
            self.decode_job.signals.decoded.connect(self.set_image)
            self.decode_job.signals.refused.connect(self.refuse)
        else:
            image, problem = decode_image(png)
            if problem is not None:
                self.refuse(problem)
            else:
                self.set_image(image)
        self._annotations_changed()

    # -- image -------------------------------------------------------------------------------

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.pixmap = QPixmap.fromImage(image)
        if self.pixmap.isNull():
            self.label.setText(DAMAGED)
        self._show()

    def refuse(self, problem: str) -> None:
        """Show why the image is not shown instead of it (nothing decoded)."""
        self.image = QImage()
        self.pixmap = QPixmap()
        self.problem = problem
        too_large = problem.startswith(TOO_LARGE)
        self.label.setText(f"This capture is not shown: it is {problem}." if too_large else DAMAGED)
        self._show()

    @property
    def loaded(self) -> bool:
        return not self.pixmap.isNull()

    def set_fit(self, fit: bool) -> None:
        self._fit = fit
        self.scroll_area.setWidgetResizable(fit)
        self._show()

    def zoom_by(self, factor: float) -> None:
        if self._fit and self.loaded:  # start from the size shown
            shown = self.label.pixmap()
            self._zoom = shown.width() / self.pixmap.width() if not shown.isNull() else 1.0
        self._zoom = min(max(self._zoom * factor, 0.05), 16.0)
        self._leave_fit()

    def actual_size(self) -> None:
        self._zoom = 1.0
        self._leave_fit()

    def _leave_fit(self) -> None:
        if self._fit:
            self.fit_action.setChecked(False)  # set_fit(False) shows it
        else:
            self._show()

    def shown_image(self) -> QImage:
        """The image as shown, at 1:1: the annotations drawn, redactions solid black (rendered
        from the PNG by report/annotate.py, as the export does); a null image if that fails."""
        shapes = list(self.editor.shapes)
        if not shapes:
            return self.image
        from incident_recorder.report.annotate import RenderError, render  # Pillow: when needed

        try:
            return QImage.fromData(render(self.png, shapes))
        except RenderError:
            return QImage()

    def copy_image(self) -> None:
        """Copy what the viewer shows; a redacted capture is never copied unredacted."""
        if self.image.isNull():
            return
        image = self.shown_image()
        if image.isNull():
            self.annotation_status.setText("  Not copied: the annotations cannot be drawn  ")
            return
        QGuiApplication.clipboard().setImage(image)

    def _show(self) -> None:
        if self.pixmap.isNull():
            return
        if self._fit:
            area = self.scroll_area.viewport().size()
            scaled = self.pixmap.scaled(
                area, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            self._set_shown(scaled)
            return
        if self._zoom == 1.0:
            self._set_shown(self.pixmap)
        else:
            size = self.pixmap.size() * self._zoom
            self._set_shown(
                self.pixmap.scaled(
                    size,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.label.adjustSize()

    def _set_shown(self, scaled: QPixmap) -> None:
        """Show `scaled` (the image at some zoom) with the annotations drawn over it."""
        self._scale = scaled.width() / max(1, self.pixmap.width())
        painted = self.editor.paint(scaled, self._scale)
        self.label.setPixmap(self.text_layer.paint(painted, self._scale))

    def refresh(self) -> None:
        """Paint again (the text layer changed)."""
        self._show()

    # -- annotations -------------------------------------------------------------------------

    def set_tool(self, tool: str) -> None:
        self.editor.tool = tool
        self.tool_actions[tool].setChecked(True)
        cursor = Qt.CursorShape.ArrowCursor if tool == "select" else Qt.CursorShape.CrossCursor
        self.scroll_area.viewport().setCursor(cursor)

    def image_point(self, viewport_pos: QPoint) -> QPoint:
        """A position on the viewport as image pixels (clamped to the image), at any zoom."""
        shown = self.label.pixmap()
        in_label = self.label.mapFrom(self.scroll_area.viewport(), viewport_pos)
        left = (self.label.width() - shown.width()) // 2
        top = (self.label.height() - shown.height()) // 2
        scale = self._scale or 1.0
        x = round((in_label.x() - left) / scale)
        y = round((in_label.y() - top) / scale)
        return QPoint(min(max(x, 0), self.image.width()), min(max(y, 0), self.image.height()))

    def ask_text(self) -> str | None:
        """The text of a new label (a small dialog); None if cancelled."""
        text, ok = QInputDialog.getText(self, "Text label", "Label:")
        return text if ok else None

    def _annotations_changed(self) -> None:
        shapes = self.editor.shapes
        redactions = sum(1 for shape in shapes if shape.kind is ShapeKind.REDACTION)
        state = "unsaved" if self.editor.dirty else "saved"
        self.annotation_status.setText(
            f"  {len(shapes)} shape(s), {redactions} redaction(s) — {state}  "
            if shapes or self.editor.dirty
            else "  Draw on the image to annotate it  "
        )
        self._show()

    def submit_annotations(self) -> bool:
        """Ask the owner to save unsaved annotations; whether nothing is left unsaved."""
        if self.entry.capture is None or not self.editor.dirty:
            return True
        self.save_error = None
        self.annotations_submitted.emit(
            self.entry.capture.id, list(self.editor.shapes), self.revision
        )
        return self.save_error is None and not self.editor.dirty

    def annotations_saved(self, revision: int) -> None:
        self.revision = revision
        self.editor.mark_saved()
        self.annotation_status.setText(self.annotation_status.text() + f"(revision {revision})  ")

    def annotations_refused(
        self, message: str, shapes: Sequence[Shape] | None = None, revision: int | None = None
    ) -> None:
        """The save failed (`message`); with `shapes`, show those (revision `revision`) instead."""
        self.save_error = message
        if shapes is not None and revision is not None:
            self.revision = revision
            self.editor.reset(shapes)
        self.annotation_status.setText(f"  Not saved: {message.splitlines()[0]}  ")

    # -- caption -----------------------------------------------------------------------------

    def submit_caption(self) -> None:
        text = self.caption_edit.text().strip()
        if text and text != self.entry.text:
            self.caption_submitted.emit(self.entry.id, text)

    def caption_saved(self, entry: Entry) -> None:
        self.entry = entry
        self.caption_edit.setText(entry.text)

    # -- events ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.zoom_by(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)
                return True
        elif isinstance(event, QMouseEvent) and self.loaded and self._annotating(event):
            at = self.image_point(event.position().toPoint())
            if kind == QEvent.Type.MouseButtonPress:
                self.editor.press(at)
            elif kind == QEvent.Type.MouseMove:
                self.editor.move(at)
            elif kind == QEvent.Type.MouseButtonRelease:
                text = self.ask_text() if self.editor.tool == "text" else None
                self.editor.release(at, text)
            return True
        elif isinstance(event, QMouseEvent) and not self._fit:
            if kind == QEvent.Type.MouseButtonPress:
                self._drag_from = event.position().toPoint()
                return True
            if kind == QEvent.Type.MouseMove and self._drag_from is not None:
                now = event.position().toPoint()
                delta = now - self._drag_from
                self._drag_from = now
                bars = (
                    self.scroll_area.horizontalScrollBar(),
                    self.scroll_area.verticalScrollBar(),
                )
                bars[0].setValue(bars[0].value() - delta.x())
                bars[1].setValue(bars[1].value() - delta.y())
                return True
            if kind == QEvent.Type.MouseButtonRelease:
                self._drag_from = None
                return True
        return super().eventFilter(watched, event)

    def _annotating(self, event: QMouseEvent) -> bool:
        """Whether a mouse event draws or selects (else it pans a zoomed image)."""
        if self.editor.tool != "select":
            return True
        if event.type() != QEvent.Type.MouseButtonPress:
            return False
        found = self.editor.shape_at(self.image_point(event.position().toPoint()))
        if found is None and self.editor.selected is not None:
            self.editor.selected = None
            self._show()
        return found is not None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._show()  # the viewport has its real size only now

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.submit_annotations():  # unsaved shapes are saved, never dropped
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:  # Esc: closes like the close button, saving first
        if self.submit_annotations():
            super().reject()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self._show()

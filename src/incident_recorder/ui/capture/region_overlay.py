"""The region selector: a frozen, dimmed copy of one monitor to drag a rectangle on.

Ctrl+Alt+R grabs the monitor under the pointer at the key press (in the capture worker); this
overlay then shows that frame full-screen on the same monitor, frameless and on top, dimmed
except for the rectangle being dragged, which has a thin border and its size beside it.
Releasing the mouse chooses the rectangle; Enter chooses the last region used again; Esc
cancels. A drag smaller than ``MIN_DRAG`` pixels is ignored. The overlay only chooses: the
crop, the encoding and the saving run in the capture worker.

The frame's raw BGRA bytes are shown as a ``QImage`` directly (no PNG round trip). The overlay
takes the keyboard while shown (``grabKeyboard``), so Esc and Enter reach it even when another
application had the focus and no window manager hands it over; it releases it on close.
Rectangles in signals are in the frame's pixels (the monitor's physical pixels).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from time import perf_counter

from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import QWidget

from incident_recorder.ui.capture.capture_service import CaptureService, FrozenFrame

MIN_DRAG = 4
"""A drag narrower or lower than this (frame pixels) is taken for a slip and ignored."""
GRAB_RETRY_MS = 20
GRAB_TRIES = 100
"""The keyboard grab is asked for again every GRAB_RETRY_MS until the X server gives it."""
DIM = QColor(0, 0, 0, 115)
"""The veil over everything but the selection (45% black)."""
BORDER = QColor(80, 160, 255)


def frame_image(bgra: bytes | bytearray, width: int, height: int) -> QImage:
    """A ``QImage`` over grabbed BGRA bytes (Format_RGB32 is BGRA in memory), not copied.

    The caller keeps ``bgra`` alive as long as the image.
    """
    return QImage(bgra, width, height, width * 4, QImage.Format.Format_RGB32)


def size_text(rect: QRect) -> str:
    return f"{rect.width()} × {rect.height()}"


class RegionOverlay(QWidget):
    """Full-screen selector over ``image``; ``last`` is the region Enter takes again."""

    selected = Signal(QRect)
    cancelled = Signal()

    def __init__(
        self,
        image: QImage,
        *,
        screen_rect: QRect | None = None,
        last: QRect | None = None,
        keep_alive: object = None,
    ) -> None:
        super().__init__(
            None,
            Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.Tool,
        )
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setObjectName("regionOverlay")
        self.setWindowTitle("Select a region — Esc cancels, Enter takes the last region")
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.image = image
        self._keep_alive = keep_alive  # the bytes under `image`
        self.last = last
        self.hint = "Drag to select a region · Enter: last region · Esc: cancel"
        self._origin: QPoint | None = None
        self._current: QPoint | None = None
        self._done = False
        self._grabbing = False
        self._grab_tries = 0
        self.keys_grabbed = False
        """The X server has given this overlay the keyboard (xcb only)."""
        self.setGeometry(
            screen_rect if screen_rect is not None else QRect(QPoint(0, 0), image.size())
        )

    # -- coordinates ---------------------------------------------------------------------------

    def _scale(self) -> tuple[float, float]:
        size = self.size() if self.width() > 0 and self.height() > 0 else self.image.size()
        return self.image.width() / size.width(), self.image.height() / size.height()

    def to_image(self, point: QPoint) -> QPoint:
        sx, sy = self._scale()
        x = min(max(round(point.x() * sx), 0), self.image.width())
        y = min(max(round(point.y() * sy), 0), self.image.height())
        return QPoint(x, y)

    def to_widget(self, rect: QRect) -> QRect:
        sx, sy = self._scale()
        return QRect(
            round(rect.x() / sx), round(rect.y() / sy),
            round(rect.width() / sx), round(rect.height() / sy),
        )  # fmt: skip

    def selection(self) -> QRect | None:
        """The rectangle being dragged, in frame pixels (``None`` when not dragging)."""
        if self._origin is None or self._current is None:
            return None
        a, b = self._origin, self._current
        return QRect(
            QPoint(min(a.x(), b.x()), min(a.y(), b.y())),
            QSize(abs(a.x() - b.x()), abs(a.y() - b.y())),
        )

    # -- input ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._origin = self._current = self.to_image(event.position().toPoint())
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._origin is not None:
            self._current = self.to_image(event.position().toPoint())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._origin is None:
            return
        self._current = self.to_image(event.position().toPoint())
        rect = self.selection()
        self._origin = self._current = None
        if rect is None or rect.width() < MIN_DRAG or rect.height() < MIN_DRAG:
            self.hint = "Too small: drag a larger region (Esc cancels)"
            self.update()
            return
        self._finish(rect)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._done = True
            self.cancelled.emit()
            self.close()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.last is None:
                self.hint = "No region taken yet: drag to select one (Esc cancels)"
                self.update()
            else:
                self._finish(QRect(self.last))
        else:
            super().keyPressEvent(event)

    def _finish(self, rect: QRect) -> None:
        self._done = True
        self.selected.emit(rect)
        self.close()

    # -- showing -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.raise_()
        self.activateWindow()
        self.setFocus()
        if QGuiApplication.platformName() == "xcb":
            self.grabKeyboard()  # no window manager may give us the focus: take the keys
            self._grabbing = True
            self._grab_tries = 0
            self._take_keys()

    def _take_keys(self) -> None:
        """Make sure the X server gave us the keyboard: it refuses a grab until the window is
        viewable (mapped), which may come a moment after the show event; until then Esc and
        Enter would still go to the application that had the focus. Tried every 20 ms, 2 s."""
        if self._done or not self._grabbing or self.keys_grabbed:
            return
        handle = self.windowHandle()
        if handle is not None and handle.setKeyboardGrabEnabled(True):
            self.keys_grabbed = True
            return
        self._grab_tries += 1
        if self._grab_tries < GRAB_TRIES:
            QTimer.singleShot(GRAB_RETRY_MS, self._take_keys)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._grabbing:
            self.releaseKeyboard()
            self._grabbing = False
        if not self._done:  # closed some other way (the window closing): a cancel
            self._done = True
            self.cancelled.emit()
        super().closeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(self.rect(), self.image)
        painter.fillRect(self.rect(), DIM)
        rect = self.selection()
        if rect is not None and not rect.isEmpty():
            shown = self.to_widget(rect)
            painter.drawImage(shown, self.image, rect)
            painter.setPen(QPen(BORDER, 1))
            painter.drawRect(shown.adjusted(0, 0, -1, -1))
            self._paint_label(painter, shown, size_text(rect))
        else:
            self._paint_label(painter, QRect(self.width() // 2 - 200, 24, 0, 0), self.hint)
        painter.end()

    def _paint_label(self, painter: QPainter, near: QRect, text: str) -> None:
        metrics = painter.fontMetrics()
        box = metrics.boundingRect(text).adjusted(-6, -3, 6, 3)
        box.moveTopLeft(QPoint(near.left(), near.bottom() + 6))
        if box.bottom() > self.height():
            box.moveBottomLeft(QPoint(near.left(), near.top() - 6))
        box.moveLeft(min(max(box.left(), 0), max(self.width() - box.width(), 0)))
        box.moveTop(max(box.top(), 0))
        painter.fillRect(box, QColor(0, 0, 0, 200))
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def screen_rect_for(left: int, top: int) -> QRect | None:
    """The geometry (Qt coordinates) of the screen whose top-left pixel is (left, top)."""
    screens = QGuiApplication.screens()
    for screen in screens:
        geometry, ratio = screen.geometry(), screen.devicePixelRatio()
        if (round(geometry.x() * ratio), round(geometry.y() * ratio)) == (left, top):
            return geometry
    screen = QGuiApplication.screenAt(QPoint(left, top)) or QGuiApplication.primaryScreen()
    return screen.geometry() if screen is not None else None


class RegionCapture(QObject):
    """Ctrl+Alt+R for one recorder window: freeze, show the overlay, hand the choice on.

    Remembers the last region taken (for Enter) for the life of the window.
    """

    def __init__(self, captures: CaptureService, status: Callable[[str, int], None],
                 parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self._captures = captures
        self._status = status
        self._window = parent
        self.last: QRect | None = None
        self.overlay: RegionOverlay | None = None
        self.shown_ms: float | None = None
        """Key press to the last overlay shown, in milliseconds."""
        self._waiting = False
        self._closed = False
        captures.frozen.connect(self._frozen)
        captures.failed.connect(self._failed)

    def start(self, pressed_at: datetime, pressed: float) -> None:
        """The key press: grab now (in the worker); the overlay follows with the frame."""
        if self.overlay is not None or self._waiting or self._closed:
            return  # already selecting, or the window is closing
        self._waiting = True
        self._captures.freeze(pressed_at, pressed)
        self._status("Select a region: drag · Enter takes the last region · Esc cancels", 0)

    def _failed(self, _message: str) -> None:
        self._waiting = False  # the window shows the message

    def _frozen(self, frame: FrozenFrame) -> None:
        self._waiting = False
        if self.overlay is not None or self._closed:
            return  # a frame arriving after the window closed shows nothing, grabs nothing
        shot = frame.shot
        image = frame_image(shot.bgra, shot.width, shot.height)
        overlay = RegionOverlay(
            image,
            screen_rect=screen_rect_for(shot.left, shot.top),
            last=self.last,
            keep_alive=shot.bgra,
        )
        overlay.selected.connect(lambda rect: self._selected(frame, rect))
        overlay.cancelled.connect(self._cancelled)
        self.overlay = overlay
        overlay.show()
        self.shown_ms = (perf_counter() - frame.pressed) * 1000

    def _selected(self, frame: FrozenFrame, rect: QRect) -> None:
        self.overlay = None
        if self._closed:
            return
        self.last = QRect(rect)
        self._captures.request_region(frame, (rect.x(), rect.y(), rect.width(), rect.height()))
        self._status(f"Capturing the region ({size_text(rect)})…", 0)

    def _cancelled(self) -> None:
        self.overlay = None
        self._status("Region capture cancelled: nothing recorded", 4000)

    def close(self) -> None:
        """The window is closing: close an overlay still open, and ignore a frame still coming."""
        self._closed = True
        if self.overlay is not None:
            self.overlay.close()

"""Run work that can wait until a window has been painted once (start-up stays short).

``after_first_paint(widget, callback)`` calls ``callback`` from the event loop right after
``widget``'s first paint, or after ``fallback_ms`` if it is never painted (a window that is
hidden, minimised or on a platform without paints), whichever comes first; once only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 1000


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        self._fallback = QTimer(self, singleShot=True, interval=fallback_ms)
        self._fallback.timeout.connect(self._fire)
        self._fallback.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self._fire)  # after this paint has reached the screen
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        self._fallback.stop()
        self._widget.removeEventFilter(self)
        self.deleteLater()  # used often (each batch a teammate's catch-up shows): not kept
        if callback is not None:
            callback()


def after_first_paint(
    widget: QWidget, callback: Callable[[], None], fallback_ms: int = FALLBACK_MS
) -> None:
    """Call ``callback`` once, just after ``widget`` is first painted (see the module)."""
    _FirstPaint(widget, callback, fallback_ms)

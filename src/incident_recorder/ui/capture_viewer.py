"""A window showing one capture at full size: fit to the window or actual pixels, scrollable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage, QKeySequence, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QToolBar, QVBoxLayout, QWidget

from incident_recorder.domain import Entry


class CaptureViewer(QDialog):
    """Shows the PNG of a capture entry. F toggles fit-to-window / actual size; Esc closes."""

    def __init__(self, entry: Entry, png: bytes, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(caption)
        self.entry = entry
        image = QImage.fromData(png)
        self.pixmap = QPixmap.fromImage(image)
        self._fit = True

        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAccessibleName("Captured screen")
        if self.pixmap.isNull():
            self.label.setText("This capture could not be decoded (damaged image data).")
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.label)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area.setWidgetResizable(True)

        toolbar = QToolBar()
        self.fit_action = QAction("Fit to Window", self, checkable=True, checked=True)
        self.fit_action.setShortcut(QKeySequence("F"))
        self.fit_action.toggled.connect(self.set_fit)
        toolbar.addAction(self.fit_action)
        info = QLabel(f"  {caption}")
        toolbar.addWidget(info)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(toolbar)
        layout.addWidget(self.scroll_area)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.resize(int(screen.width() * 0.8), int(screen.height() * 0.8))
        self._show()

    def set_fit(self, fit: bool) -> None:
        self._fit = fit
        self.scroll_area.setWidgetResizable(fit)
        self._show()

    def _show(self) -> None:
        if self.pixmap.isNull():
            return
        if self._fit:
            area = self.scroll_area.viewport().size()
            scaled = self.pixmap.scaled(
                area, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            self.label.setPixmap(scaled)
        else:
            self.label.setPixmap(self.pixmap)
            self.label.adjustSize()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._show()  # the viewport has its real size only now

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self._show()

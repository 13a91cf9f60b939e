"""A QTextBrowser for HTML made from a file: it shows, and loads or follows nothing.

QTextBrowser resolves an `<img src>` or a stylesheet it is not given as a path and reads that
file from disk (relative names against the working folder), decoding any image there at full
size; it follows a clicked link itself. The report preview and the revision history show
HTML built from notes — input from whoever sent the file — so neither may happen: every
resource is answered with a blank pixel or nothing, and links are never followed.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget


class InertBrowser(QTextBrowser):
    """Shows HTML; loads no resource and follows no link (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.asked: list[str] = []
        """Every resource the HTML asked for (none was loaded)."""

    def loadResource(self, kind: int, name: QUrl | str) -> object:  # noqa: N802 - Qt's name
        self.asked.append(name.toString() if isinstance(name, QUrl) else str(name))
        if kind == QTextDocument.ResourceType.ImageResource.value:
            blank = QImage(1, 1, QImage.Format.Format_ARGB32)
            blank.fill(0)
            return blank
        return ""

"""The one way the app opens a link: http(s) only (domain/links.py), anything else refused aloud.

Every place that could hand a URL to the desktop (`QDesktopServices.openUrl`) goes through
`open_web_link`. A refused link is said where the user looks: the status bar of the window
holding the widget (when it has one) and a tooltip at the pointer.

Text from a file shown in a tooltip or an AutoText label goes through `plain_tip`: Qt reads a
first line that looks like HTML as rich text, and rich text can carry links and load images.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QCursor, QDesktopServices, Qt
from PySide6.QtWidgets import QMainWindow, QToolTip, QWidget

from incident_recorder.domain.links import WEB_SCHEMES, link_refusal, web_link

REFUSAL_MS = 10_000
"""How long the refusal stays in the status bar."""


def checked_url(text: str) -> QUrl | None:
    """The QUrl to open for `text`, or None: web_link's rule, then Qt's strict parse agreeing."""
    link = web_link(text)
    if link is None:
        return None
    url = QUrl(link, QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme().lower() not in WEB_SCHEMES or not url.host():
        return None
    return url


def open_web_link(text: str, widget: QWidget | None = None) -> bool:
    """Open `text` in the browser if it is an http(s) link; otherwise say why not (near
    `widget`) and open nothing. True if it was handed to the desktop."""
    url = checked_url(text)
    if url is None:
        show_refusal(link_refusal(text), widget)
        return False
    return bool(QDesktopServices.openUrl(url))


def show_refusal(message: str, widget: QWidget | None) -> None:
    """`message` in the status bar of `widget`'s window (if it has one) and as a tooltip."""
    if widget is None:
        return
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, REFUSAL_MS)
    widget.setProperty("linkRefusal", message)
    QToolTip.showText(QCursor.pos(), message, widget)


def plain_tip(text: str) -> str:
    """`text` (from a file) for a tooltip or label, shown as plain text even where Qt would
    guess rich text: markup in it is shown, never followed or loaded."""
    return Qt.convertFromPlainText(text) if Qt.mightBeRichText(text) else text

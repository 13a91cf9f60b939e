"""Qt's own messages (warnings from plugins, style sheets, painters) into the app's log.

Installed once by the GUI (app.run_gui) after logs.start: each message goes to the
`incident_recorder.qt` logger with its category; warnings and worse still reach stderr as Qt
printed them before, so a user running the app from a terminal sees what they saw.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

logger = logging.getLogger("incident_recorder.qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(kind, logging.WARNING)
    category = context.category or "default"
    logger.log(level, "[%s] %s", category, message)
    if level >= logging.WARNING:
        print(message, file=sys.stderr)


def install() -> None:
    qInstallMessageHandler(_handle)

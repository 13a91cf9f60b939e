"""The app's own log: a rotating file in the user's state folder, for what goes wrong unseen.

`start(program)` is called once by the long-running programs (the GUI, `serve`). It sends the
`incident_recorder` loggers to `incident-recorder.log` (1 MiB, three old files kept), routes
uncaught exceptions of every thread there (`sys.excepthook`, `threading.excepthook`) before the
usual handling, and points `faulthandler` at `faults.log` beside it, so a segfault in Qt leaves
the Python stacks of every thread. The Qt message handler (ui/common/qt_log.py) logs through the
same
logger.

What is logged is about the program, never about the incident: file names and sizes, errors and
tracebacks, never note texts, captions, titles or tokens. Tracebacks hold source lines, not
values; messages of our own errors name files, not contents.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO

from incident_recorder import __version__, paths

LOG_NAME = "incident-recorder.log"
FAULTS_NAME = "faults.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 3

logger = logging.getLogger("incident_recorder")

_started: Path | None = None
_faults: IO[str] | None = None  # kept open: faulthandler writes to its descriptor on a crash


def start(program: str) -> Path | None:
    """Log to the state folder from now on; the log's path, or None if it cannot be written
    (the program runs on: a log is no reason to refuse recording)."""
    global _started, _faults
    if _started is not None:
        return _started
    folder = paths.state_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / LOG_NAME
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        fd = os.open(folder / FAULTS_NAME, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _faults = os.fdopen(fd, "a", encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    faulthandler.enable(_faults, all_threads=True)
    _install_excepthooks()
    _started = path
    logger.info("%s %s started (Python %s)", program, __version__, sys.version.split()[0])
    return path


def _install_excepthooks() -> None:
    previous = sys.excepthook
    previous_thread = threading.excepthook

    def excepthook(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        logger.error("uncaught %s", kind.__name__, exc_info=(kind, error, trace))
        previous(kind, error, trace)

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            logger.error(
                "uncaught %s in thread %s",
                args.exc_type.__name__,
                args.thread.name if args.thread is not None else "?",
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )
        previous_thread(args)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook

"""Running our own command line as a child process of the window (exports, text recognition).

`cli_command` is the program and arguments of `incident-recorder ARGS` (this executable when
frozen, else this Python with `-m incident_recorder`); `child_environment` is ours plus the
offscreen Qt platform and this copy of the package first on the path; `lower_priority` renices
a started child below the window (POSIX). Standard library and QtCore only: importing this costs
nothing at the first capture (ui/report/export_job.py pulls in time zones).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from PySide6.QtCore import QProcess, QProcessEnvironment

import incident_recorder

CHILD_NICENESS = 10
"""How much lower a child's CPU priority is than ours (POSIX): on a busy machine the window is
scheduled first."""


def cli_command(args: list[str]) -> tuple[str, list[str]]:
    """The program and arguments that run `incident-recorder ARGS`: this very executable when
    frozen (packaging/launcher.py runs the CLI), else this Python with `-m incident_recorder`."""
    if getattr(sys, "frozen", False):
        return sys.executable, list(args)
    return sys.executable, ["-m", "incident_recorder", *args]


def child_environment() -> QProcessEnvironment:
    """Ours, plus the offscreen Qt platform (PDF paints without a screen) and, when not frozen,
    this copy of the package first on the path (the child runs the code the GUI runs)."""
    env = QProcessEnvironment.systemEnvironment()
    env.insert("QT_QPA_PLATFORM", "offscreen")
    env.insert("PYTHONUNBUFFERED", "1")
    if not getattr(sys, "frozen", False):
        root = str(Path(incident_recorder.__file__).resolve().parent.parent)
        current = env.value("PYTHONPATH", "")
        env.insert("PYTHONPATH", os.pathsep.join(p for p in (root, current) if p))
    return env


def lower_priority(process: QProcess) -> None:
    """Renice a started child below us (where the OS allows; a child of ours may always be made
    nicer). Best effort: the child runs either way."""
    pid = process.processId()
    if pid <= 0 or not hasattr(os, "setpriority"):
        return
    with contextlib.suppress(OSError):
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, pid, min(19, ours + CHILD_NICENESS))

"""Text recognition of a window's captures, in a child process: `incident-recorder recognise`.

Tesseract holds the interpreter lock for seconds per screen; in the window's process it would
stall the UI thread. So, as exports do (ui/common/child_process.py), recognition runs as a child
process at a lower CPU priority, and the window only reads its short progress lines. The queue
is the incident file (captures without recognised text), so the runner is simply kicked: after
every capture the session announces (global key, paste, drop, import) and once after the window
has loaded (captures left from before). A kick while the child runs makes it run once more when
it ends. If recognition is not available on this machine the runner says so once (`unavailable`)
and stops trying; everything else works.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal

from incident_recorder.session import Change, EntriesAdded, IncidentSession
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.ui.common.child_process import (
    child_environment,
    cli_command,
    lower_priority,
)

NOT_AVAILABLE = "text recognition is not available here"


class RecognitionRunner(QObject):
    """Runs `recognise FILE --progress` whenever there may be captures to read."""

    recognised = Signal()
    """Text of one more capture was saved."""
    idle = Signal()
    """The child ended with nothing more asked of it."""
    unavailable = Signal(str)
    """Recognition cannot run here (emitted once, with what to install)."""

    def __init__(self, session: IncidentSession, path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.path = path
        self.process: QProcess | None = None
        self._again = False
        self._off = False
        self._closing = False
        self._stderr = b""
        session.listen(self._on_change)

    def _on_change(self, change: Change) -> None:
        if isinstance(change, EntriesAdded) and any(e.capture for e in change.entries):
            self.kick()

    def is_running(self) -> bool:
        return self.process is not None

    def kick_if_pending(self, file: IncidentFile) -> None:
        """Kick only if the file has captures not yet read (no child for nothing at start)."""
        try:
            pending = bool(file.pending_captures(limit=1))
        except IncidentFileError:
            return
        if pending:
            self.kick()

    def kick(self) -> None:
        """Read every pending capture now (or again once the running child ends)."""
        if self._off or self._closing:
            return
        if self.process is not None:
            self._again = True
            return
        self._again = False
        self._stderr = b""
        program, args = cli_command(["recognise", str(self.path), "--progress"])
        process = QProcess(self)
        process.setProgram(program)
        process.setArguments(args)
        process.setProcessEnvironment(child_environment())
        process.readyReadStandardOutput.connect(self._read)
        process.readyReadStandardError.connect(self._read_stderr)
        process.finished.connect(self._finished)
        self.process = process
        process.start()
        lower_priority(process)

    def _read(self) -> None:
        if self.process is None:
            return
        for line in bytes(self.process.readAllStandardOutput().data()).splitlines():
            if line.startswith(b"progress "):
                self.recognised.emit()

    def _read_stderr(self) -> None:
        if self.process is not None:
            self._stderr = (self._stderr + bytes(self.process.readAllStandardError().data()))[
                -8192:
            ]

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        process, self.process = self.process, None
        if process is not None:
            self._read_stderr_from(process)
            process.deleteLater()
        message = self._stderr.decode("utf-8", "replace")
        if NOT_AVAILABLE in message:
            self._off = True
            line = message[message.index(NOT_AVAILABLE) :].splitlines()[0]
            self.unavailable.emit(line[0].upper() + line[1:])
            return
        if self._again and not self._closing:
            self.kick()
        else:
            self.idle.emit()

    def _read_stderr_from(self, process: QProcess) -> None:
        self._stderr += bytes(process.readAllStandardError().data())

    def close(self) -> None:
        """The window closes: stop the child (it stops between two captures; what it read is
        saved) and wait briefly for it."""
        self._closing = True
        process = self.process
        if process is not None and process.state() != QProcess.ProcessState.NotRunning:
            process.terminate()
            if not process.waitForFinished(3000):
                process.kill()
                process.waitForFinished(1000)

"""Report export in a child process: `incident-recorder export --progress`, run by QProcess.

Writing a report (python-markdown, nh3, json.dumps, Pillow) holds the interpreter lock for
long stretches; on a worker thread that stalled the UI thread by 45–150 ms. The child process
has an interpreter of its own, so the UI thread only reads a few short lines: it never waits on
the process (no waitForFinished), it is told by signal. The child reads the incident file
itself: every entry is durable once shown, so it exports the record the window shows, with
the GUI's zone (--tz) and, for PDF, Qt's offscreen platform. It runs at a lower CPU priority
than the window (POSIX nice +10), so on a busy machine the window is scheduled first.

Signals (on `signals`, as before): progress(done, total), finished(path), failed(one line),
cancelled(). `cancel()` sends SIGTERM: the CLI stops at the next image and writes no report
file (a report already in the folder stays as it was); after `GRACE_MS` the process is killed,
and any temporary report file it left is removed. A report already in place when the cancel
came stands and is reported as finished.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from incident_recorder.domain.zones import zone_argument
from incident_recorder.ui.common.child_process import (
    child_environment,
    lower_priority,
)
from incident_recorder.ui.common.child_process import cli_command as export_command

GRACE_MS = 5000
"""How long a cancelled export may take to stop by itself before it is killed."""
STDERR_LIMIT = 64 * 1024
REPORT_FILES = (
    *(f"report{mark}.{suffix}" for mark in ("", "-public") for suffix in ("md", "html", "pdf")),
    "incident.json",
    "incident-public.json",
)
"""The files an export may leave a temporary of (report.writer.report_name)."""


class ExportSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(str)
    failed = Signal(str)
    cancelled = Signal()


def _import_line_parser() -> None:
    import incident_recorder.report.export_protocol  # noqa: F401


class ExportJob(QObject):
    """Export `path` as `fmt` into `out_dir` in a child process; results by signal."""

    def __init__(
        self,
        path: Path,
        out_dir: Path,
        fmt: str,
        *,
        template: str = "default",
        public: bool = False,
        tz: tzinfo | None = None,
        force: bool = False,
        parent: QObject | None = None,
    ) -> None:
        """`force`: replace the report file if the folder has one (the user said so); without
        it the export is refused and nothing is written."""
        super().__init__(parent)
        self.path = path
        self.out_dir = Path(out_dir).expanduser().absolute()
        self.fmt = fmt
        self.template = template
        self.public = public
        self.tz = tz
        self.force = force
        self.signals = ExportSignals()
        self.process: QProcess | None = None
        self._cancel = False
        self._done = False
        self._stdout = b""
        self._stderr = b""
        self._written: str | None = None
        self._kill = QTimer(self)
        self._kill.setSingleShot(True)
        self._kill.setInterval(GRACE_MS)
        self._kill.timeout.connect(self._kill_now)

    def arguments(self) -> list[str]:
        """The CLI arguments of this export."""
        args = ["export", str(self.path), "--format", self.fmt, "--out", str(self.out_dir)]
        args += ["--template", self.template, "--progress"]
        if self.public:
            args.append("--public")
        if self.force:
            args.append("--force")
        if self.tz is not None:
            args += ["--tz", zone_argument(self.tz)]
        return args

    def start(self) -> None:
        """Start the child process and return at once."""
        # The first progress line needs the report package's line parser, and importing that
        # package (Pillow, nh3) took ~80 ms: do it on a thread now, while the child starts
        # (a second or more), not on the UI thread when the line arrives.
        threading.Thread(target=_import_line_parser, name="export-import", daemon=True).start()
        program, args = export_command(self.arguments())
        process = QProcess(self)
        process.setProgram(program)
        process.setArguments(args)
        process.setProcessEnvironment(child_environment())
        process.readyReadStandardOutput.connect(self._read_stdout)
        process.readyReadStandardError.connect(self._read_stderr)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error)
        self.process = process
        process.start()
        self._lower_priority(process)

    _lower_priority = staticmethod(lower_priority)

    def cancel(self) -> None:
        """Ask the export to stop (SIGTERM now, killed after GRACE_MS)."""
        if self._cancel or self._done:
            self._cancel = True
            return
        self._cancel = True
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.terminate()
            self._kill.start()

    def is_cancelled(self) -> bool:
        return self._cancel

    def is_running(self) -> bool:
        return self.process is not None and not self._done

    def _kill_now(self) -> None:
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()

    def _read_stdout(self) -> None:
        if self.process is None:
            return
        self._stdout += bytes(self.process.readAllStandardOutput().data())
        *lines, self._stdout = self._stdout.split(b"\n")
        for line in lines:
            # imported here: the report package (Pillow, markdown) stays off the start-up path
            from incident_recorder.report.export_protocol import parse_line

            event = parse_line(line.decode("utf-8", errors="replace"))
            if event is None:
                continue
            if event.kind == "progress":
                self.signals.progress.emit(event.done, event.total)
            elif event.kind == "written":
                self._written = event.path

    def _read_stderr(self) -> None:
        if self.process is not None:
            self._stderr += bytes(self.process.readAllStandardError().data())
            self._stderr = self._stderr[-STDERR_LIMIT:]

    def _message(self, code: int) -> str:
        lines = [ln.strip() for ln in self._stderr.decode("utf-8", "replace").splitlines()]
        lines = [ln for ln in lines if ln]
        for line in reversed(lines):
            for prefix in ("incident-recorder: error: ", "incident-recorder: "):
                if line.startswith(prefix):
                    return line[len(prefix) :]
        if lines:
            return lines[-1]
        return f"the export process stopped with status {code}"

    def _remove_temporaries(self) -> None:
        """A killed export may leave its temporary report file (never the report itself)."""
        for name in REPORT_FILES:
            for tmp in self.out_dir.glob(f".{name}.*.tmp"):
                with contextlib.suppress(OSError):
                    tmp.unlink()

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._done:
            return
        self._done = True
        self._kill.stop()
        self._read_stdout()
        self._read_stderr()
        if self._stdout:  # a last line without its newline
            self._stdout += b"\n"
            self._read_stdout()
        if code == 0 and status == QProcess.ExitStatus.NormalExit and self._written:
            self.signals.finished.emit(self._written)  # written before a cancel: it stands
        elif self._cancel:
            self._remove_temporaries()
            self.signals.cancelled.emit()
        elif status != QProcess.ExitStatus.NormalExit:
            self.signals.failed.emit("the export process stopped unexpectedly")
        else:
            self.signals.failed.emit(self._message(code))

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and not self._done:
            self._done = True
            self._kill.stop()
            if self._cancel:
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(f"the export could not be started ({error.name})")

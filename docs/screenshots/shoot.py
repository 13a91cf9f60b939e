"""Take the README screenshots in one X session (run by make.sh, once per scheme and scale).

The recorder mid-incident: the checkout-outage scenario imported through the CLI
(``incident-recorder import FILE tests/data/checkout-outage.csv --start=-40m``), severity set,
a real capture taken with ``incident-recorder capture`` of a dashboard shown on this X screen,
and a note being typed. Also the start window (three recent incidents, the first-run card)
and the report window. Each window is grabbed with ``QWidget.grab`` at the device pixel ratio
(QT_SCALE_FACTOR=2 gives 200 % pictures), so nothing is rescaled.

    python docs/screenshots/shoot.py OUT_DIR SUFFIX     (under X: see make.sh)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QPushButton, QWidget

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "tests" / "data" / "checkout-outage.csv"
RECORDER_SIZE = (1440, 820)
START_SIZE = (1100, 720)


def cli(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args], check=True, stdout=subprocess.DEVNULL
    )


class Dashboard(QWidget):
    """A Grafana-like panel: the checkout-api 5xx rate climbing, for the capture to take."""

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#111217"))
        w, h = self.width(), self.height()
        p.setPen(QColor("#d8d9da"))
        p.setFont(QFont("DejaVu Sans", 18, QFont.Weight.DemiBold))
        p.drawText(40, 60, "checkout-api · production")
        panels = [
            ("5xx rate (%)", "#f2495c", [1, 1, 2, 1, 3, 9, 18, 27, 31, 29, 33, 30, 12, 4, 2, 1]),
            (
                "p99 latency (s)",
                "#ff9830",
                [0.4, 0.5, 0.4, 0.6, 1.2, 4, 8, 9.8, 9.6, 9.8, 9, 7, 2, 1],
            ),
            (
                "DB connections",
                "#5794f2",
                [180, 200, 210, 320, 480, 500, 500, 500, 500, 470, 300, 200],
            ),
        ]
        top = 100
        height = (h - top - 40) // len(panels) - 20
        for index, (title, colour, values) in enumerate(panels):
            box = QRectF(40, top + index * (height + 20), w - 80, height)
            p.setPen(QPen(QColor("#2c3235"), 1))
            p.setBrush(QColor("#181b1f"))
            p.drawRoundedRect(box, 4, 4)
            p.setPen(QColor("#ccccdc"))
            p.setFont(QFont("DejaVu Sans", 12))
            p.drawText(box.adjusted(14, 10, 0, 0), title)
            chart = box.adjusted(50, 40, -20, -20)
            peak = max(values) * 1.1
            path = QPainterPath()
            for i, value in enumerate(values):
                point = QPointF(
                    chart.left() + chart.width() * i / (len(values) - 1),
                    chart.bottom() - chart.height() * value / peak,
                )
                path.lineTo(point) if i else path.moveTo(point)
            p.setPen(QPen(QColor("#2c3235"), 1, Qt.PenStyle.DashLine))
            for step in range(1, 4):
                y = chart.top() + chart.height() * step / 4
                p.drawLine(QPointF(chart.left(), y), QPointF(chart.right(), y))
            p.setPen(QPen(QColor(colour), 2.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
        p.end()


def settle(app: object, ms: int = 300) -> None:
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(widget: QWidget, out: Path, name: str) -> None:
    widget.grab().save(str(out / name), "PNG")
    print(f"wrote {out / name}")


def make_incidents(folder: Path) -> list[Path]:
    """The scenario whole (resolved), the scenario up to the fix (mid-incident), two others."""
    from incident_recorder.domain.details import Status
    from incident_recorder.domain.milestones import Milestone
    from incident_recorder.storage import IncidentFile

    title = "Checkout API errors after config push"
    done = folder / "checkout-api-errors.incident"
    cli("new", str(done), "--title", title)
    cli("import", str(done), str(SCENARIO), "--start=-40m")
    lines = SCENARIO.read_text(encoding="utf-8").splitlines()
    early = folder / "checkout-early.csv"  # up to "a fix has been implemented": mid-incident
    early.write_text(
        "\n".join([lines[0], *(row for row in lines[1:] if int(row.split(",")[0]) <= 800)]),
        encoding="utf-8",
    )
    live = folder / "live" / "checkout-api-errors.incident"
    live.parent.mkdir()
    cli("new", str(live), "--title", title)
    cli("import", str(live), str(early), "--start=-14m")
    for path, status in ((done, Status.RESOLVED), (live, Status.MONITORING)):
        with IncidentFile.open(path) as handle:
            handle.set_details(replace(handle.details(), severity="SEV1", status=status))
    others = [live]
    for name, title, severity, resolved in (
        ("dns.incident", "Internal DNS timeouts in eu-west-1", "SEV2", True),
        ("search.incident", "Search results stale after index rebuild", "SEV3", False),
    ):
        path = folder / name
        with IncidentFile.create(path, title) as handle:
            handle.set_details(replace(handle.details(), severity=severity))
            handle.add_note("First report from support")
            if resolved:
                handle.record_milestone(Milestone.RESOLVED, text="Resolved")
        others.append(path)
    return [done, *others]


def main() -> int:
    out, suffix = Path(sys.argv[1]).resolve(), sys.argv[2]
    work = Path(tempfile.mkdtemp(prefix="shots-"))
    os.environ["INCIDENT_RECORDER_CONFIG_DIR"] = str(work / "config")
    os.environ["INCIDENT_RECORDER_DATA_DIR"] = str(work / "data")
    from incident_recorder.app import Application, make_qapp
    from incident_recorder.domain import EntryKind
    from incident_recorder.domain.times import system_clock
    from incident_recorder.recent import RecentList
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow

    qapp = make_qapp()
    done, live, *others = make_incidents(work)

    dashboard = Dashboard()
    dashboard.setWindowTitle("Grafana - checkout-api")
    dashboard.setGeometry(qapp.primaryScreen().geometry())  # no window manager: placed by hand
    dashboard.show()
    settle(qapp, 800)
    cli("capture", str(live), "--text", "Grafana: checkout-api 5xx at 31 %, p99 9.8 s")
    dashboard.close()

    recent = RecentList(work / "config" / "recent.json")
    for path, when in zip(
        [*reversed(others), done],
        ["2026-11-20T09:12:00+00:00", "2026-11-24T16:40:00+00:00", "2026-11-27T14:41:00+00:00"],
        strict=True,
    ):
        recent.add(path, path.stem, when)
    app = Application(qapp, system_clock, recent)
    app.show_start()
    app.start.resize(*START_SIZE)
    settle(qapp, 1500)  # the recent list's details arrive from the worker
    save(app.start, out, f"start-{suffix}.png")
    app.start.hide()

    window = app.open_path(live)
    assert isinstance(window, RecorderWindow)
    window.resize(*RECORDER_SIZE)
    window.note_bar.set_kind(EntryKind.ACTION)
    window.note_bar.edit.setFocus()
    for char in "Rolling back the pool-size change on checkout-api (deploy #4812)":
        window.note_bar.edit.insertPlainText(char)
    window.view.follow_latest()
    settle(qapp, 1200)
    window.statusBar().clearMessage()
    save(window, out, f"recorder-{suffix}.png")
    window.close()

    finished = app.open_path(done)
    assert isinstance(finished, RecorderWindow)
    report = finished.open_report()
    report.resize(*RECORDER_SIZE)
    settle(qapp, 3000)  # the record is read and the preview rendered on workers
    drafts = [b for b in report.findChildren(QPushButton) if b.text() == "Use draft"]
    for button in drafts[:3]:  # summary, detection, impact written from their drafts
        button.click()
    settle(qapp, 2500)
    save(report, out, f"report-{suffix}.png")
    report.close()
    finished.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

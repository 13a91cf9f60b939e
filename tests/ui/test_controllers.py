"""The recorder window's parts work without the window: each controller is built here from real
parts (an incident file and its session, the timeline model and view, a thread pool, a capture
service) and a plain QMainWindow as its host, and no RecorderWindow exists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QThreadPool
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMainWindow

from incident_recorder.domain import EntryKind
from incident_recorder.domain.milestones import Milestone
from incident_recorder.session import Change, EntriesAdded, EntryRevised, IncidentSession
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.capture.capture_controller import CaptureController, annotated_thumbnail
from incident_recorder.ui.capture.capture_service import CaptureService
from incident_recorder.ui.dialogs.settings_store import SettingsStore
from incident_recorder.ui.recorder.header import IncidentHeader
from incident_recorder.ui.recorder.note_bar import NoteBar
from incident_recorder.ui.recorder.note_controller import NoteController
from incident_recorder.ui.report.report_controller import ReportController
from incident_recorder.ui.timeline.timeline_model import TimelineModel
from incident_recorder.ui.timeline.timeline_view import TimelineView


class Host(QMainWindow):
    """A window that is not the recorder window: a status bar and errors kept for the test."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[tuple[str, str]] = []

    def show_error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def clear_error(self, title: str) -> None:
        self.errors = [error for error in self.errors if error[0] != title]


@dataclass
class Parts:
    file: IncidentFile
    session: IncidentSession
    model: TimelineModel
    view: TimelineView
    host: Host
    pool: QThreadPool
    jobs: list


@pytest.fixture
def parts(qtbot, clock, tmp_path: Path) -> Iterator[Parts]:
    file = IncidentFile.create(tmp_path / "parts.incident", "Checkout outage", clock=clock)
    session = IncidentSession(file)
    model = TimelineModel(partial(annotated_thumbnail, file), UTC)

    def shown(change: Change) -> None:  # what the window's listener does for entries
        if isinstance(change, EntriesAdded):
            model.add(list(change.entries))
        elif isinstance(change, EntryRevised):
            model.add([change.entry])

    session.listen(shown)
    view = TimelineView()
    view.setModel(model)
    host = Host()
    host.setCentralWidget(view)
    qtbot.addWidget(host)
    host.show()
    pool = QThreadPool()
    yield Parts(file, session, model, view, host, pool, [])
    pool.waitForDone(30_000)
    file.close()


def test_capture_controller_without_the_window(parts: Parts, qtbot, clock) -> None:
    service = CaptureService(parts.file.path, clock, parts.host)
    captures = CaptureController(
        parts.session, parts.model, service,
        clock=clock, pool=parts.pool, jobs=parts.jobs, host=parts.host, window=parts.host,
    )  # fmt: skip
    status = parts.host.statusBar()
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("orange"))
    QGuiApplication.clipboard().setImage(image)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().mimeData().hasImage())
    with qtbot.waitSignal(captures.importer.saved, timeout=10_000):
        assert captures.paste_image()
    assert parts.model.rowCount() == 1  # through the session, as in the window
    assert status.currentMessage().startswith("Image recorded (paste, 320×200")
    entry = parts.model.entry_at(0)

    viewer = captures.open_capture(entry)
    assert viewer is not None and captures.viewers == {entry.capture.id: viewer}
    assert captures.open_capture(entry) is viewer  # one viewer per capture
    viewer.caption_submitted.emit(entry.id, "checkout error rate graph")
    assert parts.file.entry(entry.id).text == "checkout error rate graph"
    assert status.currentMessage().startswith("Caption saved")
    viewer.close()
    qtbot.waitUntil(lambda: not captures.viewers)

    service.failed.emit("no display")  # as the capture worker reports a failed grab
    captures.importer.drop(QMimeData())  # nothing to record
    assert parts.host.errors == [
        ("The screen was not captured", "no display"),
        ("Not recorded", "nothing to record: the drop holds no image or file"),
    ]
    assert captures.may_close()
    captures.close()
    assert not captures.paste_image()  # closing: nothing more is recorded
    service.stop()


def test_report_controller_without_the_window(parts: Parts, qtbot, clock, tmp_path) -> None:
    reports = ReportController(
        parts.session, SettingsStore(tmp_path / "settings.ini"), lambda: parts.view,
        clock=clock, local_zone=UTC, pool=parts.pool, jobs=parts.jobs,
        host=parts.host, window=parts.host,
    )  # fmt: skip
    status = parts.host.statusBar()
    entry = parts.session.add_note("Checkout is down for everyone", public=True)
    assert reports.select_entry(entry.id)
    assert parts.view.selected_entry() == entry
    assert not reports.select_entry(entry.id + 100)
    assert status.currentMessage().startswith("That entry is not in the timeline shown")

    with qtbot.waitSignal(reports.status_page.written, timeout=30_000):
        reports.write_status_page(tmp_path / "status")
    assert "Checkout is down" in (tmp_path / "status" / "index.html").read_text(encoding="utf-8")

    job = reports.export("markdown", tmp_path / "report")
    assert job is not None
    with qtbot.waitSignal(job.signals.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: status.currentMessage().startswith("Exported: "))

    report = reports.open_report()
    assert reports.open_report() is report and report.isVisible()
    assert reports.may_close()  # closes the report window (nothing unsaved)
    qtbot.waitUntil(lambda: reports.report_window is None)
    reports.close()
    assert parts.host.errors == []


def test_note_controller_without_the_window(parts: Parts, qtbot, clock) -> None:
    note_bar = NoteBar(clock, UTC)
    header = IncidentHeader(parts.file.incident(), parts.file.path.name, parts.model, clock, UTC)
    notes = NoteController(
        parts.session, note_bar, parts.model, header,
        clock=clock, drafts=None, host=parts.host, parent=parts.host,
    )  # fmt: skip
    qtbot.addWidget(note_bar)
    notes.save_note("db primary failing over", EntryKind.OBSERVATION, clock())
    assert parts.model.rowCount() == 1
    assert parts.host.statusBar().currentMessage().startswith("Saved observation at ")
    entry = notes.record_milestone(Milestone.DETECTED)
    assert entry is not None and parts.file.milestones()[Milestone.DETECTED] is not None
    notes.save_note("", EntryKind.OBSERVATION, None)  # refused by the session: an empty note
    assert [title for title, _ in parts.host.errors] == ["The note was not saved"]
    QApplication.processEvents()


def test_a_quick_export_asks_before_replacing_a_report(parts: Parts, qtbot, clock, tmp_path):
    """Never silent: a report file already there is replaced only when the user says yes."""
    reports = ReportController(
        parts.session, SettingsStore(tmp_path / "settings.ini"), lambda: parts.view,
        clock=clock, local_zone=UTC, pool=parts.pool, jobs=parts.jobs,
        host=parts.host, window=parts.host,
    )  # fmt: skip
    out = tmp_path / "report"
    out.mkdir()
    (out / "incident.json").write_text("{}\n", encoding="utf-8")
    asked: list[Path] = []
    job = reports.export("json", out, confirm=lambda path: asked.append(path) or False)
    assert job is None and asked == [out / "incident.json"]
    assert (out / "incident.json").read_text(encoding="utf-8") == "{}\n"
    job = reports.export("json", out, confirm=lambda path: True)
    assert job is not None and "--force" in job.arguments()
    with qtbot.waitSignal(job.signals.finished, timeout=60_000):
        pass
    assert (out / "incident.json").read_text(encoding="utf-8") != "{}\n"
    reports.close()

"""The Export dialog: review findings, export from the worker, cancel, status update, folder."""

from __future__ import annotations

import threading
from datetime import UTC
from html.parser import HTMLParser
from io import BytesIO

import pytest
from PySide6.QtCore import QRunnable, Qt, QThreadPool
from PySide6.QtGui import QGuiApplication

from incident_recorder.domain import EntryKind, NewCapture
from incident_recorder.domain.actions import ActionItem
from incident_recorder.settings import SettingsStore
from incident_recorder.ui.export_dialog import ENTRY_ROLE, ExportDialog
from incident_recorder.ui.report_export import export_formats


def _png() -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 36), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def _capture() -> NewCapture:
    import hashlib

    png = _png()
    return NewCapture(png, png, 64, 36, hashlib.sha256(png).hexdigest(), 1)


@pytest.fixture
def recorder(make_window):
    window = make_window()
    file = window.file
    window.model.add([file.add_note("checkout-api 502s for 30% of requests", EntryKind.IMPACT)])
    window.model.add([file.add_capture(_capture(), source="capture")])
    file.save_report_texts({"summary": "Checkout failed for 42 minutes."})
    file.save_action_item(ActionItem("Alert on checkout error rate"))
    return window


def open_dialog(window, qtbot) -> ExportDialog:
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.export_dialog is not None)
    dialog = window.export_dialog
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.waitUntil(lambda: dialog.review_result is not None)
    return dialog


def finding_texts(dialog) -> list[str]:
    tree = dialog.findings
    texts = []
    for group in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(group)
        texts.append(top.text(0))
        texts += [top.child(i).text(0) for i in range(top.childCount())]
    return texts


def test_ctrl_e_shows_the_review_never_blocking(recorder, qtbot) -> None:
    dialog = open_dialog(recorder, qtbot)
    texts = "\n".join(finding_texts(dialog))
    assert "Alert on checkout error rate" in texts  # no owner, no due date
    assert "reviewed for redaction" in texts  # the capture nobody has looked at yet
    assert dialog.export_button.text() == "Export anyway"
    assert dialog.export_button.isDefault()
    assert dialog.export_button.isEnabled()


def test_a_finding_selects_its_entry_in_the_timeline(recorder, qtbot) -> None:
    dialog = open_dialog(recorder, qtbot)
    tree = dialog.findings
    about_entry = [
        tree.topLevelItem(g).child(i)
        for g in range(tree.topLevelItemCount())
        for i in range(tree.topLevelItem(g).childCount())
        if tree.topLevelItem(g).child(i).data(0, ENTRY_ROLE) is not None
    ]
    assert about_entry, "the unreviewed capture is a finding about an entry"
    entry_id = about_entry[0].data(0, ENTRY_ROLE)
    rect = tree.visualItemRect(about_entry[0])
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    current = recorder.view.currentIndex()
    assert current.isValid() and recorder.model.entry_at(current.row()).id == entry_id


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


@pytest.mark.parametrize("fmt", ["markdown", "html", "pdf"])
def test_export_writes_the_report_from_the_worker(recorder, qtbot, tmp_path, fmt) -> None:
    assert fmt in export_formats()
    dialog = open_dialog(recorder, qtbot)
    out = tmp_path / "out"
    dialog.folder.setText(str(out))
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    job = dialog.job
    assert job is not None
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20_000)
    assert dialog.open_folder.isVisible() and dialog.open_report.isVisible()
    if fmt == "pdf":
        assert dialog.written.name == "report.pdf"
        assert dialog.written.read_bytes().startswith(b"%PDF-")
        return
    text = dialog.written.read_text(encoding="utf-8")
    if fmt == "html":
        parser = _Text()
        parser.feed(text)
        text = " ".join(parser.chunks)
    assert "Checkout failed for 42 minutes." in text
    assert "Alert on checkout error rate" in text
    assert "checkout-api 502s" in text
    assert len(list((out / "images").glob("entry-*.png"))) == 1  # the capture, annotated or not
    assert SettingsStore(_settings_file()).load().export_folder == str(out)


def _settings_file():
    from incident_recorder import paths

    return paths.config_dir() / "settings.json"


def test_cancel_leaves_no_report(recorder, qtbot, tmp_path) -> None:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    release = threading.Event()

    class Busy(QRunnable):  # holds the pool's only thread so the export is queued behind it
        def run(self) -> None:
            release.wait(10)

    dialog = ExportDialog(
        recorder.file.path,
        clock=lambda: recorder._clock(),
        tz=UTC,
        settings_store=recorder.settings_store,
        thread_pool=pool,
    )
    qtbot.addWidget(dialog)
    busy = Busy()
    pool.start(busy)
    out = tmp_path / "cancelled"
    dialog.folder.setText(str(out))
    dialog.show()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.isVisible() and dialog.progress.isVisible()
    with qtbot.waitSignal(dialog.job.signals.cancelled, timeout=10_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        release.set()
    assert dialog.message.text() == "Export cancelled, nothing written."
    assert not (out / "report.md").exists()
    assert not list((out / "images").glob("*.png")) if (out / "images").exists() else True
    assert dialog.export_button.isEnabled()
    pool.waitForDone(10_000)


def test_copy_status_update(recorder, qtbot) -> None:
    entry = recorder.file.add_note("Checkout is failing for some customers", EntryKind.IMPACT)
    recorder.file.revise(entry.id, public=True)
    dialog = open_dialog(recorder, qtbot)
    qtbot.mouseClick(dialog.copy_status, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "Checkout is failing for some customers" in copied
    assert "502s" not in copied  # internal entries stay out


def test_blame_oriented_wording_is_shown_with_a_hint(recorder, qtbot) -> None:
    note = recorder.file.add_note("The operator forgot to check the pool size", EntryKind.CAUSE)
    dialog = open_dialog(recorder, qtbot)
    tree = dialog.findings
    groups = {
        tree.topLevelItem(g).text(0): tree.topLevelItem(g) for g in range(tree.topLevelItemCount())
    }
    [blame] = [item for title, item in groups.items() if title.startswith("Blame-oriented")]
    child = blame.child(0)
    assert "forgot to check the pool size" in child.text(0)  # the sentence
    assert "→" in child.text(0)  # and a blameless rewording hint
    assert child.data(0, ENTRY_ROLE) == note.id

"""The Export dialog: review findings, export in a child process, cancel, status update, folder."""

from __future__ import annotations

from datetime import UTC
from html.parser import HTMLParser
from io import BytesIO

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QGuiApplication

from incident_recorder.domain import EntryKind, NewCapture
from incident_recorder.domain.actions import ActionItem
from incident_recorder.ui.dialogs.settings_store import SettingsStore
from incident_recorder.ui.report.export_dialog import ENTRY_ROLE, ExportDialog
from incident_recorder.ui.report.report_export import export_formats


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
    qtbot.waitUntil(lambda: window.report_controller.export_dialog is not None)
    dialog = window.report_controller.export_dialog
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
def test_export_writes_the_report_from_the_child_process(recorder, qtbot, tmp_path, fmt) -> None:
    assert fmt in export_formats()
    dialog = open_dialog(recorder, qtbot)
    out = tmp_path / "out"
    dialog.folder.setText(str(out))
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    job = dialog.job
    assert job is not None
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
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

    return paths.config_dir() / "settings.ini"


def _noise_capture(seed: int) -> NewCapture:
    import hashlib

    from PIL import Image

    buffer = BytesIO()
    Image.effect_noise((320, 200), 40 + seed % 20).convert("RGB").save(buffer, "PNG")
    png = buffer.getvalue()
    return NewCapture(png, png, 320, 200, hashlib.sha256(png).hexdigest(), 1)


@pytest.fixture
def long_incident(tmp_path, clock):
    """An incident whose export takes a while: 150 captures that do not compress."""
    from incident_recorder.storage import IncidentFile

    path = tmp_path / "long.incident"
    with IncidentFile.create(path, "Checkout outage", clock=clock) as handle:
        handle.add_note("checkout-api 502s for 30% of requests", EntryKind.IMPACT)
        for number in range(150):
            clock.advance(1)
            handle.add_capture(_noise_capture(number), source="capture")
    return path


def _dialog(path, qtbot, clock, tmp_path) -> ExportDialog:
    dialog = ExportDialog(
        path,
        clock=clock,
        tz=UTC,
        settings_store=SettingsStore(tmp_path / "settings.ini"),
        thread_pool=QThreadPool.globalInstance(),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.review_result is not None, timeout=20_000)
    return dialog


def test_progress_lines_from_the_process_move_the_bar(long_incident, qtbot, clock, tmp_path):
    dialog = _dialog(long_incident, qtbot, clock, tmp_path)
    dialog.folder.setText(str(tmp_path / "out"))
    seen: list[tuple[int, int]] = []
    bar: list[tuple[int, int]] = []  # the progress bar right after each signal

    def progressed(done: int, total: int) -> None:
        seen.append((done, total))
        bar.append((dialog.progress.value(), dialog.progress.maximum()))

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    dialog.job.signals.progress.connect(progressed)  # after the dialog's own slot
    with qtbot.waitSignal(dialog.job.signals.finished, timeout=120_000):
        pass
    assert seen and seen[-1] == (150, 150)  # parsed from `progress DONE TOTAL` lines
    assert all(total == 150 for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert bar[-1] == (150, 150) and len(seen) > 2
    assert dialog.written == tmp_path / "out" / "report.md"
    assert dialog.message.text() == f"Report written: {dialog.written}"


def test_cancel_of_a_long_export_leaves_no_report(long_incident, qtbot, clock, tmp_path):
    dialog = _dialog(long_incident, qtbot, clock, tmp_path)
    for fmt in ("markdown", "html"):
        out = tmp_path / fmt
        dialog.folder.setText(str(out))
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert dialog.cancel_button.isVisible() and dialog.progress.isVisible()
        job = dialog.job
        with qtbot.waitSignal(job.signals.progress, timeout=60_000, check_params_cb=_mid):
            pass  # images are being written by the child process
        with qtbot.waitSignal(job.signals.cancelled, timeout=30_000):
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert dialog.message.text() == "Export cancelled, nothing written."
        assert not (out / "report.md").exists() and not (out / "report.html").exists()
        assert not list(out.glob(".report.*.tmp"))
        assert (out / "images").is_dir()  # it was stopped part-way, not before it began
        assert len(list((out / "images").glob("entry-*.png"))) < 150
        assert dialog.export_button.isEnabled() and not job.is_running()


def _mid(done: int, total: int) -> bool:
    return 0 < done < total


def test_a_bad_folder_shows_the_exports_one_line_message(recorder, qtbot, tmp_path) -> None:
    dialog = open_dialog(recorder, qtbot)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    dialog.folder.setText(str(blocker / "out"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.job.signals.failed, timeout=60_000) as failed:
        pass
    message = failed.args[0]
    assert "\n" not in message and str(blocker / "out") in message
    assert not message.startswith("incident-recorder")  # the CLI's prefix is not repeated
    assert dialog.message.text() == f"Export failed: {message}"
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isVisible()


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


def test_an_existing_report_is_replaced_only_after_asking(recorder, qtbot, tmp_path) -> None:
    dialog = open_dialog(recorder, qtbot)
    out = tmp_path / "out"
    dialog.folder.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    (out / "report.md").write_text("kept until the user says so\n", encoding="utf-8")
    first = dialog.job
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.job is first  # nothing started: the dialog asks first
    assert dialog.export_button.text() == "Replace"
    assert dialog.message.text().startswith(f"report.md is already in {out}")
    assert (out / "report.md").read_text(encoding="utf-8") == "kept until the user says so\n"
    dialog.format.setCurrentIndex(dialog.format.findData("html"))  # another file: no question
    assert dialog.export_button.text() != "Replace"
    dialog.format.setCurrentIndex(dialog.format.findData("markdown"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.export_button.text() == "Replace"
    dialog.written = None
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)  # "Replace"
    assert dialog.job is not first and "--force" in dialog.job.arguments()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    assert "Checkout failed for 42 minutes." in (out / "report.md").read_text(encoding="utf-8")


def test_a_public_export_goes_into_a_folder_of_its_own(recorder, qtbot, tmp_path) -> None:
    entry = recorder.file.add_note("Checkout is failing for some customers", EntryKind.IMPACT)
    recorder.file.revise(entry.id, public=True)
    dialog = open_dialog(recorder, qtbot)
    out = tmp_path / "out"
    dialog.folder.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    internal = sorted(p.name for p in out.iterdir())
    dialog.public.setChecked(True)
    assert dialog.folder.text() == str(out / "public")  # proposed: beside it is refused
    dialog.written = None
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=60_000)
    assert dialog.written == out / "public" / "report-public.md"
    assert sorted(p.name for p in (out / "public").iterdir()) == ["images", "report-public.md"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*internal, "public"])
    dialog.public.setChecked(False)
    assert dialog.folder.text() == str(out)


def test_what_looks_sensitive_is_in_the_dialogs_review_as_in_the_commands(recorder, qtbot) -> None:
    """`incident-recorder review` warns of an e-mail address or an AWS key nobody handled; the
    Export dialog's review left them out, so the GUI user never saw them before exporting."""
    note = recorder.file.add_note(
        "Paged dana.ops@example.com; key AKIAIOSFODNN7EXAMPLE in the log", EntryKind.ACTION
    )
    dialog = open_dialog(recorder, qtbot)
    tree = dialog.findings
    groups = {
        tree.topLevelItem(g).text(0): tree.topLevelItem(g) for g in range(tree.topLevelItemCount())
    }
    [sensitive] = [item for title, item in groups.items() if title.startswith("Looks sensitive")]
    texts = [sensitive.child(i).text(0) for i in range(sensitive.childCount())]
    assert any("e-mail address" in text for text in texts), texts
    assert any("AWS access key" in text for text in texts), texts
    assert all(sensitive.child(i).data(0, ENTRY_ROLE) == note.id for i in range(len(texts)))
    assert "dana.ops@example.com" not in "\n".join(texts), "the value found is never shown"

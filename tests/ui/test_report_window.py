"""The report window: typed sections reach the file after the debounce, drafts only when used."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile, IncidentFileError


@pytest.fixture
def report(make_window, qtbot):
    """A recorder window with a few entries and its report window open and active."""

    def make(notes=(("checkout-api 502s for 30% of requests", EntryKind.IMPACT),)):
        window = make_window()
        for text, kind in notes:
            window.model.add([window.file.add_note(text, kind)])
        report_window = window.open_report()
        report_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.waitUntil(report_window.isActiveWindow)
        qtbot.waitUntil(lambda: report_window.record is not None)
        return window, report_window

    return make


def saved_texts(path) -> dict[str, str]:
    with IncidentFile.open(path, readonly=True) as other:
        return other.report_texts()


def test_typing_into_a_section_is_saved_after_the_debounce(report, qtbot) -> None:
    window, report_window = report()
    edit = report_window.editors["summary"].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "Checkout failed for 42 minutes.")
    assert saved_texts(window.file.path).get("summary", "") == ""  # not yet: debounced
    qtbot.waitUntil(
        lambda: saved_texts(window.file.path).get("summary") == "Checkout failed for 42 minutes.",
        timeout=15_000,
    )
    assert report_window.save_state.text().startswith("Saved 14:00:00")
    # every save is a revision: the earlier text stays in the file
    qtbot.keyClicks(edit, " Fixed.")
    qtbot.waitUntil(lambda: saved_texts(window.file.path)["summary"].endswith("Fixed."))
    rows = window.file._connection().execute(
        "SELECT text FROM report_texts WHERE section = 'summary' ORDER BY id"
    )
    assert [row[0] for row in rows][-2:] == [
        "Checkout failed for 42 minutes.",
        "Checkout failed for 42 minutes. Fixed.",
    ]


def test_closing_saves_at_once(report, qtbot) -> None:
    window, report_window = report()
    edit = report_window.editors["prevention"].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "Canary deploys for the payments config")
    report_window.close()
    assert saved_texts(window.file.path)["prevention"] == "Canary deploys for the payments config"
    assert window.report_controller.report_window is None


def test_a_draft_is_offered_but_saved_only_when_used(report, qtbot) -> None:
    window, report_window = report()
    impact = report_window.editors["impact"]
    qtbot.waitUntil(lambda: "30% of requests" in impact.draft)
    assert impact.draft_panel.isVisibleTo(report_window)
    assert impact.text() == ""
    report_window.save_now()
    assert "impact" not in saved_texts(window.file.path)
    qtbot.mouseClick(impact.use_draft_button, Qt.MouseButton.LeftButton)
    assert "30% of requests" in impact.text()
    assert not impact.draft_panel.isVisibleTo(report_window)
    qtbot.waitUntil(lambda: "30% of requests" in saved_texts(window.file.path).get("impact", ""))


def test_the_prompt_shows_while_empty(report) -> None:
    _, report_window = report()
    detection = report_window.editors["detection"].edit
    assert "time to detection in half" in detection.placeholderText()


def test_the_editor_and_the_preview_ask_in_the_same_words(report, qtbot) -> None:
    from incident_recorder.report.templates import load_template

    _, report_window = report()
    templates = [load_template("default"), load_template("public")]
    written = {s.key: s.prompt for t in templates for s in t.sections if s.prompt}
    for key, editor in report_window.editors.items():
        assert editor.edit.placeholderText() == written[key], key
    summary = report_window.editors["summary"].edit.placeholderText()
    assert summary.startswith("In two or three sentences")
    # the prompts stay in the editor: the preview, like every export, prints none
    qtbot.waitUntil(lambda: "checkout-api 502s" in report_window.preview.toPlainText())
    shown = report_window.preview.toPlainText()
    assert not [prompt for prompt in written.values() if prompt in shown]


def test_a_used_draft_replaces_the_automatic_list(report, qtbot) -> None:
    """Each entry once under its section (and once in the timeline), never two or three times."""
    _, report_window = report(
        notes=(
            ("PagerDuty alert: checkout 5xx above 5%", EntryKind.DETECTION),
            ("Deployed v2024.11.3 to checkout-api", EntryKind.ACTION),
            ("Config push reverted; error rate back to normal", EntryKind.MITIGATION),
        )
    )
    for key in ("detection", "resolution"):
        editor = report_window.editors[key]
        qtbot.waitUntil(lambda editor=editor: bool(editor.draft))
        qtbot.mouseClick(editor.use_draft_button, Qt.MouseButton.LeftButton)
    firsts = [
        report_window.editors[key].text().splitlines()[0] for key in ("detection", "resolution")
    ]
    qtbot.waitUntil(  # the preview shows the drafts, now in their sections
        lambda: all(first.lstrip("- ") in report_window.preview.toPlainText() for first in firsts),
        timeout=15_000,
    )
    shown = report_window.preview.toPlainText()
    assert shown.count("PagerDuty alert: checkout 5xx above 5%") == 2  # Detection, Timeline
    assert shown.count("Config push reverted; error rate back to normal") == 2  # Resolution too
    assert shown.count("Deployed v2024.11.3") == 1  # the timeline only: it did not fix anything


def test_the_preview_follows_the_text(report, qtbot) -> None:
    _, report_window = report()
    edit = report_window.editors["summary"].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "A **bold** summary <script>alert(1)</script>")
    qtbot.waitUntil(lambda: "bold summary" in report_window.preview.toPlainText(), timeout=15_000)
    assert "<strong>bold</strong>" in report_window.preview_source
    assert "<script" not in report_window.preview_source.lower()
    assert "checkout-api 502s" in report_window.preview.toPlainText()  # the timeline too


def test_a_failed_save_keeps_the_text_and_says_so(report, qtbot, monkeypatch) -> None:
    window, report_window = report()

    def refuse(_texts):
        raise IncidentFileError("no space left on device")

    monkeypatch.setattr(window.file, "save_report_texts", refuse)
    edit = report_window.editors["resolution"].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "Rolled back the config")
    qtbot.waitUntil(report_window.banner.isVisible, timeout=15_000)
    assert "no space left on device" in report_window.banner.text()
    assert report_window.save_state.text() == "Not saved"
    assert edit.toPlainText() == "Rolled back the config"
    monkeypatch.undo()  # the disk has room again: the retry saves it
    report_window.save_now()
    assert saved_texts(window.file.path)["resolution"] == "Rolled back the config"
    assert not report_window.banner.isVisible()


def test_ctrl_r_opens_the_report_window(make_window, qtbot) -> None:
    window = make_window()
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.report_controller.report_window is not None)
    report_window = window.report_controller.report_window
    qtbot.waitUntil(report_window.isVisible)
    report_window.close()


def test_add_action_item_key_in_the_report_window(report, qtbot) -> None:
    window, report_window = report()
    qtbot.keyClick(
        report_window.editors["summary"].edit,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert report_window.items.rowCount() == 1
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()  # the description's editor, opened by the key
    qtbot.keyClicks(editor, "Alert on checkout error rate")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop
    qtbot.waitUntil(
        lambda: (
            [item.description for item in window.file.action_items()]
            == ["Alert on checkout error rate"]
        )
    )


def test_the_preview_keeps_its_place_while_typing(report, qtbot) -> None:
    notes = []
    for number in range(120):
        notes.append((f"checkout-api note {number}", EntryKind.OBSERVATION))
    _, report_window = report(notes)
    qtbot.waitUntil(lambda: "note 119" in report_window.preview.toPlainText(), timeout=15_000)
    bar = report_window.preview.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 400)
    bar.setValue(bar.maximum() // 2)
    place = bar.value()
    before = report_window.preview_source
    edit = report_window.editors["prevention"].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "More alerts")
    qtbot.waitUntil(lambda: report_window.preview_source != before, timeout=15_000)
    assert "More alerts" in report_window.preview_source
    assert bar.value() == place


def test_insert_adds_and_delete_removes_an_action_item(report, qtbot) -> None:
    window, report_window = report()
    table = report_window.items_panel.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Insert)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "Page on connection pool saturation")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.file.action_items()) == 1)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    table.setCurrentIndex(report_window.items.index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert window.file.action_items() == []
    [hidden] = window.file.action_items(include_hidden=True)
    assert hidden.hidden and hidden.description == "Page on connection pool saturation"
    assert [item.revision for item in window.file.action_item_history(hidden.id)] == [1, 2]


def test_action_item_columns_fit_their_editors(report, qtbot) -> None:
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QComboBox

    from incident_recorder.ui.report.action_items_model import DUE, OWNER, STATUS, TYPE
    from incident_recorder.ui.report.action_items_view import DueDateEdit

    _, report_window = report()
    table = report_window.items_panel.table
    table.add_item()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    metrics = QFontMetrics(table.font())
    assert table.columnWidth(OWNER) >= metrics.horizontalAdvance("Priya Raghunathan")
    for column, kind in ((DUE, DueDateEdit), (STATUS, QComboBox), (TYPE, QComboBox)):
        index = report_window.items.index(0, column)
        table.setCurrentIndex(index)
        table.edit(index)
        editor = QApplication.focusWidget()
        while editor is not None and not isinstance(editor, kind):
            editor = editor.parentWidget()
        assert editor is not None, column
        if isinstance(editor, DueDateEdit):  # a whole "2026-11-27" beside the calendar button
            editor.setText("2026-11-27")
            margins = editor.textMargins().left() + editor.textMargins().right()
            text = editor.fontMetrics().horizontalAdvance("2026-11-27")
            assert editor.width() >= text + margins + editor.height(), column
        else:
            assert editor.width() >= editor.sizeHint().width(), column
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: table.state() != table.State.EditingState)


def test_the_add_key_scrolls_to_the_new_row_and_edits_it(report, qtbot) -> None:
    _, report_window = report()
    report_window.resize(1000, 600)
    table = report_window.items_panel.table
    area = report_window.column_scroll
    area.verticalScrollBar().setValue(0)
    key = (Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    for row in range(8):
        qtbot.keyClick(QApplication.focusWidget() or report_window, *key)
        assert report_window.items.rowCount() == row + 1
        qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
        editor = QApplication.focusWidget()
        assert editor.parentWidget() is table.viewport()
        rect = table.visualRect(report_window.items.index(row, 0))
        assert table.viewport().rect().contains(rect.center()), row
        top = table.viewport().mapTo(area.viewport(), rect.topLeft())
        bottom = table.viewport().mapTo(area.viewport(), rect.bottomLeft())
        assert area.viewport().rect().contains(top) and area.viewport().rect().contains(bottom)
    assert area.verticalScrollBar().value() > 0, "the column scrolled down to the table"


def test_the_description_gets_the_room_not_the_due_date(report, qtbot) -> None:
    """The Due column was sized from an unshown DueDateEdit's height() (a widget never shown
    is 640×480), so it took ~570 px and squeezed the description to "Validate idle_ti…"."""
    from PySide6.QtGui import QFontMetrics

    from incident_recorder.ui.report.action_items_model import DESCRIPTION, DUE, HEADERS

    _, report_window = report()
    table = report_window.items_panel.table
    table.add_item()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    date = QFontMetrics(table.font()).horizontalAdvance("2026-11-27")
    assert table.columnWidth(DUE) < 3 * date, table.columnWidth(DUE)
    others = [table.columnWidth(c) for c in range(len(HEADERS)) if c != DESCRIPTION]
    assert table.columnWidth(DESCRIPTION) > max(others)

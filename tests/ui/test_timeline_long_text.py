"""Long texts in the timeline: they wrap at word boundaries to the Entry column, up to a few lines,
the last shown line ends in "…", and the whole text is in the tooltip and the accessible text."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from incident_recorder.ui.timeline.timeline_delegate import MAX_TEXT_LINES, PADDING
from incident_recorder.ui.timeline.timeline_model import COL_ENTRY
from incident_recorder.ui.timeline.timeline_text import ELLIPSIS, MAX_WRAPPED_LINES

WORDS = "checkout-api pool saturated at 500/500; rolled back the canary deploy and watched p99 "


def _shown_lines(view, row: int) -> list[str]:
    """The lines the delegate paints for `row` at the view's current Entry column width."""
    entry = view.model().entry_at(row)
    width = view.columnWidth(COL_ENTRY)
    return view.delegate().text_lines(entry, width, view.font())


def _accessible_text(view, row: int, column: int) -> str:
    table = QAccessible.queryAccessibleInterface(view)
    for number in range(table.childCount()):
        cell = table.child(number).tableCellInterface()
        if cell and cell.rowIndex() == row and cell.columnIndex() == column:
            return table.child(number).text(QAccessible.Text.Name)
    raise AssertionError(f"no accessible cell at {row}, {column}")


def _add(window, qtbot, *texts: str) -> list[int]:
    window.model.add([window.file.add_note(text) for text in texts])
    qtbot.waitUntil(lambda: window.view.heights.settled)
    count = window.model.rowCount()
    return list(range(count - len(texts), count))


def test_a_long_line_wraps_at_words_to_at_most_the_maximum(make_window, qtbot) -> None:
    window = make_window()
    window.resize(1200, 800)
    text = WORDS * 20  # ~1,750 characters on one line (tooltips hold up to 2,000)
    (row,) = _add(window, qtbot, text)
    view = window.view
    line = view.line_height()
    assert line + 2 * PADDING < view.rowHeight(row) <= MAX_WRAPPED_LINES * line + 2 * PADDING

    lines = _shown_lines(view, row)
    assert 1 < len(lines) <= MAX_WRAPPED_LINES
    assert view.rowHeight(row) == len(lines) * line + 2 * PADDING
    assert lines[-1].endswith(f" {ELLIPSIS}")  # more text: the last line says so, after a word
    shown_words = " ".join(lines)[: -len(ELLIPSIS)].split()
    assert shown_words == text.split()[: len(shown_words)]  # whole words, in order, none cut
    assert len(shown_words) > 20

    tip = view.model().index(row, COL_ENTRY).data(Qt.ItemDataRole.ToolTipRole)
    assert " ".join(text.split()) in " ".join(tip.split())  # the whole text, wrapped
    assert max(len(tip_line) for tip_line in tip.split("\n")) <= 120  # never one endless line
    assert " ".join(text.split()) in _accessible_text(view, row, COL_ENTRY)

    picture = view.viewport().grab()  # paints the row through the delegate
    assert not picture.isNull()


def test_multi_line_notes_keep_their_lines_up_to_the_cap(make_window, qtbot) -> None:
    window = make_window()
    lines = "\n".join(f"step {n}: checked the pool" for n in range(1, 13))
    short, many = _add(window, qtbot, "pool saturated\nrolled back", lines)
    view = window.view
    line = view.line_height()
    assert _shown_lines(view, short) == ["pool saturated", "rolled back"]
    assert view.rowHeight(short) == 2 * line + 2 * PADDING
    assert view.rowHeight(many) == MAX_TEXT_LINES * line + 2 * PADDING
    shown = _shown_lines(view, many)
    assert shown[0] == "step 1: checked the pool"
    assert shown[-1] == f"step {MAX_TEXT_LINES}: checked the pool {ELLIPSIS}"
    tip = view.model().index(many, COL_ENTRY).data(Qt.ItemDataRole.ToolTipRole)
    assert "step 12: checked the pool" in tip  # lines beyond the sixth: in the tooltip


def test_a_narrower_column_makes_the_row_taller(make_window, qtbot) -> None:
    window = make_window()
    window.resize(1600, 800)
    (row,) = _add(window, qtbot, WORDS * 2)  # ~170 characters: one or two lines when wide
    view = window.view
    wide_width, wide = view.columnWidth(COL_ENTRY), view.rowHeight(row)
    window.resize(700, 800)
    qtbot.waitUntil(lambda: view.columnWidth(COL_ENTRY) < wide_width)
    qtbot.waitUntil(lambda: view.rowHeight(row) > wide)
    assert view.rowHeight(row) == len(_shown_lines(view, row)) * view.line_height() + 2 * PADDING
    window.resize(1600, 800)  # and back: shorter again
    qtbot.waitUntil(lambda: view.rowHeight(row) == wide)


def test_a_huge_word_wraps_anywhere_and_is_elided(make_window, qtbot) -> None:
    window = make_window()
    text = "x" * 10_000  # no space to wrap at
    (row,) = _add(window, qtbot, text)
    view = window.view
    lines = _shown_lines(view, row)
    assert len(lines) == MAX_WRAPPED_LINES
    assert all(set(line) == {"x"} for line in lines[:-1])
    assert lines[-1].endswith(ELLIPSIS)
    assert view.rowHeight(row) == MAX_WRAPPED_LINES * view.line_height() + 2 * PADDING
    assert not view.viewport().grab().isNull()


def test_html_and_markdown_are_shown_as_plain_text(make_window, qtbot) -> None:
    window = make_window()
    text = "<b>bold</b> **strong** <a href='https://x.test'>link</a> # not a heading &amp;"
    (row,) = _add(window, qtbot, text)
    view = window.view
    assert " ".join(_shown_lines(view, row)) == text
    assert view.model().index(row, COL_ENTRY).data() == text
    tip = view.model().index(row, COL_ENTRY).data(Qt.ItemDataRole.ToolTipRole)
    assert text in tip and not QtGui.Qt.mightBeRichText(tip)


def test_the_view_stays_on_the_newest_entry_and_in_place_elsewhere(make_window, qtbot) -> None:
    window = make_window()
    window.resize(1000, 700)
    view = window.view
    _add(window, qtbot, *(WORDS * (3 if n % 5 == 0 else 1) for n in range(300)))
    (last,) = _add(window, qtbot, WORDS * 20)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(
        lambda: view.rowViewportPosition(last) + view.rowHeight(last) == view.viewport().height()
    )
    assert view.following and bar.value() == bar.maximum()
    assert view.rowHeight(last) == MAX_WRAPPED_LINES * view.line_height() + 2 * PADDING

    view.scrollToTop()
    view.page(3)
    assert not view.following
    seen = view.rowAt(0) + 1  # the first row wholly on screen
    where = view.rowViewportPosition(seen)
    window.resize(1300, 700)  # wider: every row re-flows, what is on screen stays put
    qtbot.waitUntil(lambda: view.columnWidth(COL_ENTRY) > 700)
    qtbot.waitUntil(lambda: view.heights.settled)
    assert view.rowViewportPosition(seen) == where
    assert not view.following


def test_rows_off_screen_are_estimated_then_measured_in_view(make_window, qtbot) -> None:
    window = make_window()
    window.resize(1000, 700)
    _add(window, qtbot, *(WORDS * 20 if n % 10 == 0 else f"note {n}" for n in range(120)))
    view, model = window.view, window.model
    model.reset(window.file.records())  # as when a file opens: every row from scratch
    qtbot.waitUntil(lambda: view.heights.settled)
    line = view.line_height()
    long_rows = [row for row in range(model.rowCount()) if len(model.entry_at(row).text) > 500]
    first = long_rows[0]
    assert view.rowViewportPosition(first) > view.viewport().height() or first < view.rowAt(0)
    estimated = view.rowHeight(first)  # never on screen: estimated from its length
    assert line + 2 * PADDING < estimated <= MAX_WRAPPED_LINES * line + 2 * PADDING
    assert view.rowHeight(first + 1) == line + 2 * PADDING  # a short note: one line

    view.scrollTo(model.index(first, COL_ENTRY))
    measured = len(_shown_lines(view, first)) * line + 2 * PADDING
    qtbot.waitUntil(lambda: view.rowHeight(first) == measured)

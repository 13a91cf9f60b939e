"""Long texts in the timeline: up to six lines shown, the rest elided, the text in the tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt

from incident_recorder.ui.timeline_delegate import MAX_TEXT_LINES, PADDING
from incident_recorder.ui.timeline_model import COL_ENTRY


def test_many_lines_are_capped_and_a_long_line_is_in_the_tooltip(make_window, qtbot) -> None:
    window = make_window()
    lines = "\n".join(f"step {n}: checked the pool" for n in range(1, 13))
    long_line = "checkout-api " + "timeout " * 600  # ~4,800 characters on one line
    window.model.add([window.file.add_note(lines), window.file.add_note(long_line)])
    view, model = window.view, window.model
    many, long = model.rowCount() - 2, model.rowCount() - 1
    line = view.line_height()
    assert view.rowHeight(many) == MAX_TEXT_LINES * line + 2 * PADDING
    assert view.rowHeight(long) == line + 2 * PADDING  # one line, elided to the width

    tip = model.index(long, COL_ENTRY).data(Qt.ItemDataRole.ToolTipRole)
    assert "checkout-api timeout timeout" in tip
    assert tip.endswith(" …") and len(tip) < 2300  # the first 2,000 characters, then …
    tip = model.index(many, COL_ENTRY).data(Qt.ItemDataRole.ToolTipRole)
    assert "step 12: checked the pool" in tip  # lines beyond the sixth: in the tooltip

    view.scrollToBottom()
    picture = view.viewport().grab()  # paints both rows through the delegate
    assert not picture.isNull()

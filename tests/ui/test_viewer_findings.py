"""The capture viewer's findings list: each finding dismissable as not sensitive from the window,
recorded with the name in Settings ▸ Your name and the time, and shown differently after."""

from __future__ import annotations

import dataclasses
from io import BytesIO

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap

from incident_recorder.domain.entry import NewCapture
from incident_recorder.recognition.words import Box, Word
from incident_recorder.session.findings import finding_rules, incident_findings
from incident_recorder.ui.capture.findings_panel import DISMISSED_COLOUR

KEY = "AKIAIOSFODNN7EXAMPLE"
WORDS = [
    Word("aws_access_key_id", Box(10, 10, 150, 14), 95.0, 0),
    Word("=", Box(165, 10, 8, 14), 95.0, 0),
    Word(KEY, Box(180, 10, 170, 14), 80.0, 0),
    Word("mail", Box(10, 40, 36, 14), 96.0, 1),
    Word("jane@example.com", Box(52, 40, 140, 14), 93.0, 1),
]


def _capture(size: tuple[int, int] = (400, 80)) -> NewCapture:
    out = BytesIO()
    Image.new("RGB", size, (250, 250, 250)).save(out, format="PNG")
    return NewCapture(out.getvalue(), out.getvalue(), size[0], size[1], "0" * 64)


def _viewer(window, qtbot, author: str | None):
    if author is not None:
        window.apply_settings(dataclasses.replace(window.settings_store.load(), author=author))
    entry = window.file.add_capture(_capture(), text="")
    window.file.save_recognition(entry.capture.id, WORDS, engine="test", seconds=0.1)
    window.model.add([entry])
    viewer = window.open_capture(entry)
    qtbot.waitUntil(viewer.isVisible)
    return entry, viewer


def _row(panel, kind: str) -> int:
    return next(i for i, row in enumerate(panel.rows) if row.kind == kind)


def test_a_finding_is_dismissed_from_the_viewer_with_who_and_when(
    make_window, qtbot, clock
) -> None:
    window = make_window()
    entry, viewer = _viewer(window, qtbot, "Alice Example")
    panel = viewer.findings_panel
    assert panel.isVisible()
    assert sorted(row.kind for row in panel.rows) == ["aws_key", "email"]
    assert all(row.handled is None for row in panel.rows)
    assert len(viewer.text_layer.pending()) == 2
    assert KEY not in " ".join(panel.list.item(i).text() for i in range(panel.list.count()))

    clock.advance(90)
    panel.list.setCurrentRow(_row(panel, "email"))
    email = panel.current()
    assert email is not None and panel.dismiss_button.isEnabled()
    qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)

    dismissal = window.file.dismissals()[(entry.id, email.key)]
    assert dismissal.dismissed_by == "Alice Example"
    assert dismissal.dismissed_at == clock()
    # the list says so, greyed and in italics; the button is off for it
    shown = panel.rows[_row(panel, "email")]
    assert shown.handled == "dismissed" and shown.dismissed_by == "Alice Example"
    item = panel.list.item(_row(panel, "email"))
    assert "not sensitive — Alice Example, 14:01:30" in item.text()
    assert item.font().italic() and item.foreground().color() == DISMISSED_COLOUR
    assert panel.current() == shown and not panel.dismiss_button.isEnabled()
    # on the image: only the key is proposed still; the e-mail's box is drawn, not filled
    assert [b.left for b in viewer.text_layer.pending()] == [180]
    assert viewer.text_layer.dismissed == [email.box]
    blank = QPixmap(400, 80)
    blank.fill(QColor(255, 255, 255))
    painted = viewer.text_layer.paint(blank, 1.0).toImage()
    assert painted.pixelColor(100, 47) == QColor(255, 255, 255)  # inside the dismissed box
    assert painted.pixelColor(260, 17) != QColor(255, 255, 255)  # inside the proposed one
    # the record agrees: what `findings` and `review` read
    state = {f.kind: f.handled for f in incident_findings(window.file, finding_rules())}
    assert state == {"aws_key": None, "email": "dismissed"}
    viewer.close()


def test_the_context_menu_dismisses_too(make_window, qtbot) -> None:
    window = make_window()
    entry, viewer = _viewer(window, qtbot, "Bob")
    panel = viewer.findings_panel
    row = _row(panel, "aws_key")
    at = panel.list.visualItemRect(panel.list.item(row)).center()
    panel.list.customContextMenuRequested.emit(at)
    assert panel.menu is not None and panel.current() == panel.rows[row]
    [not_sensitive] = panel.menu.actions()
    assert not_sensitive.text() == "Not Sensitive" and not_sensitive.isEnabled()
    not_sensitive.trigger()
    panel.menu.close()
    assert {key for _, key in window.file.dismissals()} == {panel.rows[row].key}
    assert len(viewer.text_layer.pending()) == 1  # the e-mail address
    viewer.close()


def test_without_a_name_nothing_is_recorded_and_the_viewer_says_why(make_window, qtbot) -> None:
    window = make_window()
    _, viewer = _viewer(window, qtbot, None)
    assert window.session.author is None
    panel = viewer.findings_panel
    qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert window.file.dismissals() == {}
    assert "Settings ▸ Your name" in panel.message.text()
    assert all(row.handled is None for row in panel.rows)
    viewer.close()


def test_a_read_only_window_lists_findings_but_dismisses_none(make_window, qtbot) -> None:
    window = make_window()
    _, viewer = _viewer(window, qtbot, "Alice")
    viewer.close()
    window.capture_controller.read_only = True
    entry = window.model.entry_at(0)
    viewer = window.open_capture(entry)
    panel = viewer.findings_panel
    assert len(panel.rows) == 2 and not panel.dismiss_button.isEnabled()
    panel.dismiss_current()
    assert window.file.dismissals() == {}
    viewer.close()

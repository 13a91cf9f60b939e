"""Ticket links from a received file: Ctrl+click opens http(s) links only, and says so.

The file is crafted: its action items are inserted with plain sqlite3, bypassing the editor
that accepts only http(s) links, as a file from someone else could be.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMainWindow

from incident_recorder.storage import IncidentFile
from incident_recorder.ui.report.action_items_model import TICKET, ActionItemsModel
from incident_recorder.ui.report.action_items_view import ActionItemsTable
from tests.crafted import add_action_item, new_file

TICKETS = [
    ("file:///etc/passwd", None),
    ("smb://host/share", None),
    ("javascript:alert(document.cookie)", None),
    ("HTTPS://example.com/OPS-1", "https://example.com/OPS-1"),
    ("  http://x/OPS-2", "http://x/OPS-2"),
    ("tickets/OPS-3", None),
    ("https://tickets.example/OPS-4", "https://tickets.example/OPS-4"),
]


@pytest.fixture
def window(qtbot, tmp_path: Path):
    path = new_file(tmp_path / "received.incident")
    for number, (ticket, _) in enumerate(TICKETS, start=1):
        add_action_item(path, number, ticket, f"Item {number}")
    handle = IncidentFile.open(path)
    main = QMainWindow()
    table = ActionItemsTable(ActionItemsModel(handle))
    main.setCentralWidget(table)
    qtbot.addWidget(main)
    main.resize(1200, 600)
    main.show()
    yield main, table
    handle.close()


def ctrl_click(qtbot, table: ActionItemsTable, row: int) -> None:
    index = table.model().index(row, TICKET)
    table.scrollTo(index)
    point = table.visualRect(index).center()
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, point
    )


def test_only_http_links_open(qtbot, window, monkeypatch) -> None:
    main, table = window
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    assert table.model().rowCount() == len(TICKETS)
    refusals = []
    for row, (ticket, expected) in enumerate(TICKETS):
        before = len(opened)
        ctrl_click(qtbot, table, row)
        if expected is None:
            assert len(opened) == before, ticket
            message = main.statusBar().currentMessage()
            assert "not opened" in message and ticket.strip()[:10] in message
            refusals.append(message)
            main.statusBar().clearMessage()
        else:
            assert opened[before:] == [QUrl(expected).toString()], ticket
    assert opened == [QUrl(e).toString() for _, e in TICKETS if e is not None]
    assert len(refusals) == 4


def test_a_foreign_ticket_is_not_styled_as_a_link_and_its_tip_is_plain(window) -> None:
    _, table = window
    model = table.model()
    file_tip = model.index(0, TICKET).data(Qt.ItemDataRole.ToolTipRole)
    assert "does not open" in file_tip
    assert model.index(0, TICKET).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(6, TICKET).data(Qt.ItemDataRole.FontRole).underline()


def test_markup_in_a_ticket_is_never_rich_text_in_its_tooltip(qtbot, tmp_path: Path) -> None:
    from PySide6.QtGui import Qt as QtText

    path = new_file(tmp_path / "markup.incident")
    add_action_item(path, 1, '<img src="file:///etc/hosts"><a href="file:///etc">x</a>')
    with IncidentFile.open(path) as handle:
        model = ActionItemsModel(handle)
        tip = model.index(0, TICKET).data(Qt.ItemDataRole.ToolTipRole)
    # Shown as text: the markup is escaped, so Qt's rich-text reader loads and links nothing.
    assert "&lt;img" in tip and "<img" not in tip
    assert QtText.mightBeRichText(tip)  # (it is HTML now: the escaped text in a paragraph)

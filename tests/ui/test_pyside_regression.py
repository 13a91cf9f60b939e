"""PySide6 6.12.0 on Python 3.11 aborts after a few thousand void calls (PLATFORM.md).

This makes tens of thousands of such calls, so CI catches any release that brings it back.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def test_many_void_calls_do_not_abort_the_interpreter(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    for number in range(40_000):
        label.setText(str(number))
        label.update()
    assert label.text() == "39999"

"""The window header: the impact clock, milestone chips and metrics, severity and status, changes
made by another program, narrow windows, and a tick that never repaints the timeline."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, Qt

from incident_recorder.domain.details import IncidentDetails, Status
from incident_recorder.domain.milestones import Metric, Milestone
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.recorder.header import SEVERITY_COLOURS, SEVERITY_GREY, IncidentHeader

ALT = Qt.KeyboardModifier.AltModifier


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_nothing_recorded_is_shown_as_missing_never_guessed(make_window, qtbot, clock) -> None:
    window = make_window()
    header = window.header
    window.model.add([window.file.add_note("Something looks off")])
    assert header.impact.text() == "Impact start not recorded"
    assert all(chip.missing for chip in header.chips.values())
    assert all(chip.missing for chip in header.metric_chips.values())
    assert header.chips[Milestone.DETECTED].accessibleName() == "Detected: not recorded"
    assert header.severity.text() == "No severity"
    assert header.status.text() == "Investigating"


def test_impact_clock_ticks_each_second_and_stops_at_mitigated(make_window, qtbot, clock) -> None:
    window = make_window()
    header = window.header
    start = clock.now
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_1, ALT)
    assert header.impact.text() == "Impact for 00:00:00"
    clock.advance(42 * 60 + 13)
    qtbot.waitUntil(lambda: header.impact.text() == "Impact for 00:42:13", timeout=2500)

    clock.now = start + timedelta(minutes=2, seconds=15)
    window.file.set_milestone(Milestone.DETECTED, clock.now)
    clock.now = start + timedelta(minutes=12, seconds=25)
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_4, ALT)
    assert header.impact.text() == "Impact lasted 00:12:25"
    clock.advance(600)
    header.tick()
    assert header.impact.text() == "Impact lasted 00:12:25", "stopped at mitigated"

    assert header.chips[Milestone.IMPACT_STARTED].value.text() == "14:00:00"
    assert header.chips[Milestone.MITIGATED].value.text() == "14:12:25"
    assert header.chips[Milestone.RESOLVED].missing
    ttd = header.metric_chips[Metric.TIME_TO_DETECT]
    assert ttd.value.text() == "00:02:15"
    assert "measured from impact start" in ttd.toolTip()
    assert header.metric_chips[Metric.TIME_TO_MITIGATE].value.text() == "00:12:25"
    tta = header.metric_chips[Metric.TIME_TO_ACKNOWLEDGE]
    assert tta.missing and "not recorded" in tta.toolTip()


def test_changes_by_another_program_appear_after_the_poll(make_window, qtbot, clock) -> None:
    window = make_window()
    header = window.header
    with IncidentFile.open(window.file.path, clock=clock) as other:
        other.set_milestone(
            Milestone.IMPACT_STARTED, clock.now - timedelta(minutes=5), source="cli"
        )
        other.set_details(
            IncidentDetails("Checkout payments failing", severity="SEV1", status=Status.IDENTIFIED)
        )
    qtbot.waitUntil(lambda: header.title.text() == "Checkout payments failing", timeout=1500)
    assert header.impact.text() == "Impact for 00:05:00"
    assert header.severity.text() == "SEV1"
    assert SEVERITY_COLOURS[0] in header.severity.styleSheet()
    assert header.status.text() == "Identified"
    assert window.windowTitle().startswith("Checkout payments failing")


def test_the_poll_rereads_only_after_another_commit(make_window, qtbot, clock, monkeypatch) -> None:
    window = make_window()
    reads: list[int] = []
    original = window.file.milestones
    monkeypatch.setattr(window.file, "milestones", lambda: reads.append(1) or original())
    for _ in range(3):
        window.live.poll()
    assert reads == [], "nothing changed: nothing re-read"
    with IncidentFile.open(window.file.path, clock=clock) as other:
        other.set_milestone(Milestone.DETECTED, clock.now, source="cli")
    qtbot.waitUntil(lambda: not window.header.chips[Milestone.DETECTED].missing, timeout=1500)
    assert len(reads) == 1


def test_low_severities_are_grey(make_window, qtbot) -> None:
    window = make_window()
    window.file.set_details(IncidentDetails("Checkout outage", severity="SEV4"))
    window.reload_incident()
    assert SEVERITY_GREY in window.header.severity.styleSheet()


def test_header_stays_readable_from_1920_down_to_1000_px(make_window, qtbot, clock) -> None:
    window = make_window(title="A very long incident title " * 8)
    header = window.header
    window.resize(1920, 800)
    qtbot.waitUntil(lambda: header.width() >= 1900)
    assert not header.metrics_wrapped
    assert not header.title.is_elided() or header.title.width() > 900
    window.resize(1000, 800)
    qtbot.waitUntil(lambda: header.width() <= 1000)
    assert header.minimumSizeHint().width() <= 1000, "the header never widens the window"
    assert header.title.is_elided(), "a long title is cut with …, not the window widened"
    for widget in (*header.chips.values(), *header.metric_chips.values(), header.impact):
        assert widget.isVisible()
        right = widget.mapTo(header, widget.rect().topRight()).x()
        assert right <= header.width(), f"{widget.accessibleName()} is cut off"
    alone = IncidentHeader(window.incident, "x.incident", window.model, clock)
    qtbot.addWidget(alone)
    alone.resize(560, 120)
    alone.show()
    qtbot.waitUntil(lambda: alone.metrics_wrapped)
    assert alone.sizeHint().height() > header.sizeHint().height(), "metrics on a row of their own"
    alone.resize(1200, 120)
    qtbot.waitUntil(lambda: not alone.metrics_wrapped)


def test_the_tick_never_repaints_the_timeline(make_window, qtbot, clock) -> None:
    window = make_window()
    for number in range(30):
        window.model.add([window.file.add_note(f"note {number}")])
    timeline, clock_label = PaintCounter(), PaintCounter()
    window.view.viewport().installEventFilter(timeline)
    window.header.impact.installEventFilter(clock_label)
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_1, ALT)
    qtbot.waitUntil(lambda: timeline.count > 0)  # the new row is drawn …
    qtbot.wait(100)  # … and whatever follows it (scrolling to the newest row) settles
    timeline.count = 0
    for _ in range(3):
        clock.advance(1)
        window.header.tick()
        qtbot.waitUntil(lambda: clock_label.count > 0)
        clock_label.count = 0
    assert timeline.count == 0

"""The header's next-update-due chip: cadence per severity, counted from the latest public
communication, red once overdue, and one notification per due time."""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType

from incident_recorder.domain import EntryKind
from incident_recorder.domain.details import IncidentDetails, Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.settings import Settings
from incident_recorder.ui.recorder.update_due import OVERDUE


def set_severity(window, severity: str | None, status: Status = Status.INVESTIGATING) -> None:
    window.file.set_details(IncidentDetails("Checkout outage", severity=severity, status=status))
    window.reload_incident()


def test_countdown_from_impact_start_then_from_the_latest_public_update(
    make_window, qtbot, clock
) -> None:
    window = make_window()
    chip = window.header.countdown.chip
    notices: list[str] = []
    window.header.update_due.connect(notices.append)
    start = clock.now
    window.file.set_milestone(Milestone.IMPACT_STARTED, start)
    set_severity(window, "SEV1")  # every 30 minutes
    clock.advance(17 * 60 + 56)
    window.header.tick()
    assert chip.value.text() == "due in 12:04"
    assert OVERDUE not in chip.value.styleSheet()

    # an internal communication does not count; neither does a public observation
    window.model.add([window.file.add_note("told support", EntryKind.COMMUNICATION)])
    window.model.add([window.file.add_note("seen", EntryKind.OBSERVATION, public=True)])
    window.header.tick()
    assert chip.value.text() == "due in 12:04"

    clock.advance(12 * 60 + 4)
    window.header.tick()
    assert chip.value.text() == "overdue 00:00"
    assert OVERDUE in chip.value.styleSheet()
    assert len(notices) == 1 and "due at 14:30" in notices[0]
    for _ in range(5):  # every second after: the same due time, no second notification
        clock.advance(1)
        window.header.tick()
    assert chip.value.text() == "overdue 00:05" and len(notices) == 1
    assert "A public update is due" in window.statusBar().currentMessage()  # no tray here

    update = window.file.add_note("We are investigating", EntryKind.COMMUNICATION, public=True)
    window.model.add([update])
    window.header.tick()
    assert chip.value.text() == "due in 30:00"
    assert OVERDUE not in chip.value.styleSheet()
    clock.advance(30 * 60)
    window.header.tick()
    assert len(notices) == 2  # the next due time notifies once more

    # hiding the latest public update puts the clock back on the one before (none: start)
    window.model.add([window.file.revise(update.id, hidden=True)])
    window.header.tick()
    assert chip.value.text().startswith("overdue")


def test_no_countdown_without_cadence_or_once_resolved(make_window, qtbot, clock) -> None:
    window = make_window()
    chip = window.header.countdown.chip
    window.header.tick()
    assert chip.missing and "without a severity" in chip.toolTip()
    set_severity(window, "SEV4")  # 0: off by default
    assert chip.missing and "SEV4" in chip.toolTip()
    set_severity(window, "SEV2")
    assert chip.value.text() == "due in 1:00:00"  # from the incident's creation
    set_severity(window, "SEV2", Status.RESOLVED)
    assert chip.missing and "resolved" in chip.toolTip()


def test_the_cadence_comes_from_the_settings(make_window, qtbot, clock) -> None:
    window = make_window()
    set_severity(window, "SEV3")
    assert window.header.countdown.chip.value.text() == "due in 2:00:00"
    window.apply_settings(
        Settings(update_cadence_minutes=MappingProxyType({"SEV3": 15, "SEV1": 30}))
    )
    assert window.header.countdown.chip.value.text() == "due in 15:00"
    clock.advance(timedelta(minutes=20).total_seconds())
    window.header.tick()
    assert window.header.countdown.chip.value.text() == "overdue 05:00"


def test_with_a_tray_the_notice_is_a_tray_message(make_window, qtbot, clock, monkeypatch) -> None:
    from incident_recorder.ui.recorder.tray import install_tray

    window = make_window()
    window.tray = install_tray(window, available=True)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(window.tray, "show_message", lambda t, m: shown.append((t, m)))
    set_severity(window, "SEV1")
    clock.advance(31 * 60)
    for _ in range(3):
        window.header.tick()
        clock.advance(1)
    assert len(shown) == 1
    assert shown[0][0] == "A public update is due" and "public communication" in shown[0][1]
    window.tray.remove()

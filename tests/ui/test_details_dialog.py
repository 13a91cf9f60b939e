"""The Incident details dialog: keyboard round trip saving revisions, milestone times in local
time or UTC with the entered offset kept, inline validation, accessible names."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit

from incident_recorder.domain.details import DetectionSource, Role, Service, Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.dialogs.details_dialog import DetailsDialog
from incident_recorder.ui.dialogs.milestone_times import offset_text, parse_entered

PLUS_ONE = timezone(timedelta(hours=1))


def details_rows(path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name, value FROM details ORDER BY id").fetchall()


def test_ctrl_i_opens_it_and_a_keyboard_only_round_trip_saves_revisions(
    make_window, qtbot, clock
) -> None:
    window = make_window()
    qtbot.keyClick(window.note_bar.edit, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = window.details_dialog
    assert isinstance(dialog, DetailsDialog)
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(dialog.title.hasFocus)
    dialog.title.selectAll()
    qtbot.keyClicks(dialog.title, "Checkout payments failing")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Tab)
    assert dialog.severity.hasFocus()
    qtbot.keyClick(dialog.severity, Qt.Key.Key_Down)  # Not set → SEV1
    qtbot.keyClick(dialog.severity, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.status, Qt.Key.Key_Down)  # Investigating → Identified
    qtbot.keyClick(dialog.status, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.detection, Qt.Key.Key_Down)  # → Customer reported
    qtbot.keyClick(dialog.detection, Qt.Key.Key_Tab)
    assert dialog.roles[Role.INCIDENT_COMMANDER].hasFocus()
    qtbot.keyClicks(dialog.roles[Role.INCIDENT_COMMANDER], "Priya")
    dialog.services.add_button.click()
    name = dialog.services.rows[0][0]
    assert name.hasFocus()
    qtbot.keyClicks(name, "checkout-api")
    qtbot.keyClick(name, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.services.rows[0][1], Qt.Key.Key_Space)  # public
    detected = dialog.times.rows[Milestone.DETECTED].edit
    detected.setFocus()
    qtbot.keyClicks(detected, "13:58:30")
    assert (
        "Read as Fri 27 Nov 2026, 13:58:30" in dialog.times.rows[Milestone.DETECTED].message.text()
    )
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(detected, Qt.Key.Key_Return)  # Enter saves

    assert not dialog.isVisible()
    details = window.file.details()
    assert details.title == "Checkout payments failing"
    assert (details.severity, details.status) == ("SEV1", Status.IDENTIFIED)
    assert details.detection_source == DetectionSource.CUSTOMER
    assert dict(details.roles) == {Role.INCIDENT_COMMANDER: "Priya"}
    assert details.services == (Service("checkout-api", public=True),)
    assert [name for name, _ in details_rows(window.file.path)] == [
        "title",
        "severity",
        "status",
        "services",
        "roles",
        "detection_source",
    ]
    assert window.file.milestone_history(Milestone.DETECTED) == [
        datetime(2026, 11, 27, 13, 58, 30, tzinfo=UTC)
    ]
    assert window.header.title.text() == "Checkout payments failing"
    assert window.header.chips[Milestone.DETECTED].value.text() == "13:58:30"
    assert "Incident details saved" in window.statusBar().currentMessage()


def test_a_second_save_adds_revisions_and_keeps_the_earlier_values(make_window, qtbot, clock):
    window = make_window()
    first = clock.now - timedelta(minutes=3)
    window.file.set_milestone(Milestone.IMPACT_STARTED, first)
    window.file.set_milestone(Milestone.DETECTED, clock.now)
    dialog = window.open_details()
    assert dialog.times.rows[Milestone.IMPACT_STARTED].edit.text() == "2026-11-27 13:57:00"
    dialog.severity.setCurrentIndex(2)  # SEV2
    impact = dialog.times.rows[Milestone.IMPACT_STARTED]
    impact.edit.setFocus()
    impact.edit.selectAll()
    qtbot.keyClicks(impact.edit, "13:55:10")
    qtbot.mouseClick(dialog.times.rows[Milestone.DETECTED].clear, Qt.MouseButton.LeftButton)
    assert "Will be cleared" in dialog.times.rows[Milestone.DETECTED].message.text()
    assert dialog.save()

    assert window.file.milestone_history(Milestone.IMPACT_STARTED) == [
        first,
        datetime(2026, 11, 27, 13, 55, 10, tzinfo=UTC),
    ]
    assert window.file.milestone_history(Milestone.DETECTED) == [clock.now, None]
    assert [n for n, _ in details_rows(window.file.path)] == ["severity"], "only what changed"
    assert window.header.chips[Milestone.DETECTED].missing


def test_a_change_made_elsewhere_meanwhile_is_not_reverted(make_window, qtbot, clock) -> None:
    window = make_window()
    dialog = window.open_details()
    with IncidentFile.open(window.file.path, clock=clock) as other:
        other.set_details(replace(other.details(), status=Status.MONITORING))
        other.set_milestone(Milestone.ACKNOWLEDGED, clock.now, source="cli")
    dialog.severity.setCurrentIndex(1)  # SEV1: the only field edited here
    assert dialog.save()
    details = window.file.details()
    assert (details.severity, details.status) == ("SEV1", Status.MONITORING)
    assert window.file.milestones()[Milestone.ACKNOWLEDGED] == clock.now
    assert "(severity)" in window.statusBar().currentMessage()


def test_untouched_times_are_not_saved_again(make_window, qtbot, clock) -> None:
    window = make_window()
    window.file.set_milestone(Milestone.DETECTED, clock.now + timedelta(milliseconds=123))
    dialog = window.open_details()
    dialog.times.utc_box.setChecked(True)
    dialog.times.utc_box.setChecked(False)
    assert dialog.save()
    assert len(window.file.milestone_history(Milestone.DETECTED)) == 1


def test_utc_toggle_and_the_entered_offset_is_kept(make_window, qtbot, clock) -> None:
    window = make_window()
    window.close()
    handle = IncidentFile.open(window.file.path, clock=clock)
    dialog = DetailsDialog(
        IncidentSession(handle),
        severities=("P1", "P2"),
        clock=clock,
        local_zone=PLUS_ONE,
        utc=False,
    )
    qtbot.addWidget(dialog)
    row = dialog.times.rows[Milestone.MITIGATED]
    row.edit.setFocus()
    qtbot.keyClicks(row.edit, "14:30:00")  # local (+01:00): 13:30 UTC
    assert "UTC+01:00" in row.message.text()
    dialog.times.utc_box.setChecked(True)
    assert row.edit.text() == "2026-11-27 13:30:00 UTC", "the same moment, shown in UTC"
    dialog.times.utc_box.setChecked(False)
    assert row.edit.text() == "2026-11-27 14:30:00"
    assert [dialog.severity.itemText(i) for i in range(dialog.severity.count())] == [
        "Not set",
        "P1",
        "P2",
    ]
    assert dialog.save()
    with sqlite3.connect(handle.path) as conn:
        stored = conn.execute("SELECT occurred_at, occurred_offset FROM milestones").fetchall()
    assert stored == [("2026-11-27T13:30:00.000Z", "+01:00")]
    handle.close()


def test_bad_input_is_explained_inline_and_blocks_save(make_window, qtbot, clock) -> None:
    window = make_window()
    dialog = window.open_details()
    row = dialog.times.rows[Milestone.RESOLVED]
    row.edit.setFocus()
    qtbot.keyClicks(row.edit, "25:99")
    assert row.message.isVisible() and "not a time of day" in row.message.text()
    assert not dialog.save_button.isEnabled()
    row.edit.clear()
    qtbot.keyClicks(row.edit, "tomorrow")
    assert "Use HH:MM:SS" in row.message.text()
    row.edit.clear()
    qtbot.keyClicks(row.edit, "2026-11-28 10:00:00")
    assert "future" in row.message.text()
    row.edit.clear()
    qtbot.keyClicks(row.edit, "13:00")
    assert dialog.save_button.isEnabled()
    dialog.title.clear()
    qtbot.keyClicks(dialog.title, " ")
    assert "needs a title" in dialog.message.text() and not dialog.save_button.isEnabled()
    dialog.title.setText("x")
    dialog.services.add_button.click()
    dialog.services.add_button.click()
    dialog.services.rows[0][0].setText("db")
    qtbot.keyClicks(dialog.services.rows[1][0], "DB")
    assert "listed twice" in dialog.message.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.file.milestone_history(Milestone.RESOLVED) == []


def test_every_control_has_an_accessible_name(make_window, qtbot) -> None:
    window = make_window()
    dialog = window.open_details()
    dialog.services.add_button.click()
    controls = dialog.findChildren(QLineEdit) + dialog.findChildren(QComboBox)
    controls += dialog.findChildren(QAbstractButton)
    assert len(controls) > 20
    unnamed = [c for c in controls if c.isVisibleTo(dialog) and not c.accessibleName()]
    assert unnamed == []


def test_clicking_the_header_title_opens_the_dialog(make_window, qtbot) -> None:
    window = make_window()
    qtbot.mouseClick(window.header.title, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.details_dialog is not None and window.details_dialog.isVisible())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:06", datetime(2026, 11, 27, 14, 6, tzinfo=PLUS_ONE)),
        ("14:06:10", datetime(2026, 11, 27, 14, 6, 10, tzinfo=PLUS_ONE)),
        ("2026-11-26 23:59:59", datetime(2026, 11, 26, 23, 59, 59, tzinfo=PLUS_ONE)),
        ("2026-11-27T13:00:00Z", datetime(2026, 11, 27, 13, 0, tzinfo=UTC)),
        ("2026-11-27 13:00:00 UTC", datetime(2026, 11, 27, 13, 0, tzinfo=UTC)),
        ("2026-11-27 08:00:00-05:00", datetime(2026, 11, 27, 13, 0, tzinfo=UTC)),
        ("", None),
    ],
)
def test_parse_entered(text: str, expected: datetime | None) -> None:
    assert parse_entered(text, PLUS_ONE, date(2026, 11, 27)) == expected


def test_parse_entered_keeps_the_offset_typed() -> None:
    moment = parse_entered("2026-11-27 08:00:00-05:00", PLUS_ONE, date(2026, 11, 27))
    assert moment is not None and offset_text(moment) == "-05:00"
    assert offset_text(datetime(2026, 1, 1, tzinfo=UTC)) == "+00:00"
    for bad in ("24:00", "noon", "2026-13-01 10:00", "14"):
        with pytest.raises(ValueError):
            parse_entered(bad, PLUS_ONE, date(2026, 11, 27))


def test_a_resolved_incident_reads_resolved_in_the_form_as_in_the_header(
    make_window, qtbot, clock
) -> None:
    """Alt+4, Alt+5, Ctrl+I: the header and every export say Resolved; the form said Monitoring
    (the stored choice). It shows Resolved, locked while the milestone is set, and saving keeps
    the stored choice (no revision of the status)."""
    window = make_window()
    window.record_milestone(Milestone.MITIGATED)
    window.record_milestone(Milestone.RESOLVED)
    assert window.file.details().status == Status.MONITORING  # the rule of the first Mitigated
    dialog = window.open_details()
    assert dialog.status.currentText() == Status.RESOLVED.label
    assert not dialog.status.isEnabled() and "milestone" in dialog.status.toolTip()
    dialog.severity.setCurrentIndex(1)
    assert dialog.save()
    assert window.file.details().status == Status.MONITORING
    assert [n for n, _ in details_rows(window.file.path)].count("status") == 1, "not saved again"

"""What a teammate saves besides notes reaches an open window live, through a real PostgreSQL:
milestones, details and status in the header; report texts and action items in an open report
window (never over a section being edited); a redaction in an open capture viewer and the
timeline's thumbnail. Replica A is a session without a window; replica B is a recorder window."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incident_recorder.domain.actions import ActionItem
from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.details import Status
from incident_recorder.domain.milestones import Milestone
from incident_recorder.session import (
    ActionItemsChanged,
    AnnotationsChanged,
    Change,
    DetailsChanged,
    IncidentSession,
    MilestoneRecorded,
    ReportTextsChanged,
)
from incident_recorder.sync.replicator import Replicator, connect
from tests.storage.storage_support import new_capture
from tests.sync.test_replicator import shared_pair

LIVE_MS = 10_000


def test_a_pull_announces_each_kind_of_shared_row(tmp_path: Path, team_url: str) -> None:
    """Two sessions, no window: B's receive says what came in, kind by kind, as it now reads."""
    a, b = shared_pair(tmp_path, team_url)
    with a, b, connect(team_url) as conn:
        on_a, on_b = IncidentSession(a, author="Ada"), IncidentSession(b)
        sync_a, sync_b = Replicator(on_a), Replicator(on_b)
        heard: list[Change] = []
        on_b.listen(heard.append)
        capture = on_a.add_capture(new_capture())
        sync_a.push(conn)
        sync_b.pull(conn)
        assert capture.capture is not None
        started = a.incident().created_at
        on_a.record_milestone(Milestone.IMPACT_STARTED, started)
        on_a.set_details(dataclasses.replace(a.details(), severity="SEV1"))
        a.save_report_texts({"summary": "Checkout failed for 14 minutes."})
        item = a.save_action_item(ActionItem("Alert on 502 rate", owner="Ada"))
        redaction = Shape(ShapeKind.REDACTION, 1, 1, 20, 10)
        a.set_annotations(capture.capture.id, [redaction], base_revision=0)
        heard.clear()
        sync_a.push(conn)
        sync_b.pull(conn)
        kinds = {type(change) for change in heard}
        assert {MilestoneRecorded, DetailsChanged, ReportTextsChanged, ActionItemsChanged} <= kinds
        assert AnnotationsChanged in kinds
        texts = next(c for c in heard if isinstance(c, ReportTextsChanged))
        assert texts.texts == (("summary", "Checkout failed for 14 minutes."),)
        items = next(c for c in heard if isinstance(c, ActionItemsChanged))
        assert [i.description for i in items.items] == [item.description]
        assert items.changed == (items.items[0].id,)
        annotated = next(c for c in heard if isinstance(c, AnnotationsChanged))
        assert annotated.shapes == (redaction,) and annotated.revision == 1
        assert b.annotations(annotated.capture_id) == [redaction]


def test_a_teammates_changes_appear_in_the_open_window_without_reopening(
    tmp_path: Path,
    team_url: str,
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    b.close()
    with a, connect(team_url) as conn:
        on_a = IncidentSession(a, author="Ada Lovelace")
        sync_a = Replicator(on_a)
        capture = on_a.add_capture(new_capture(title="Grafana: 502s"))
        assert capture.capture is not None
        sync_a.push(conn)
        window = window_on(tmp_path / "b.incident")
        qtbot.waitUntil(lambda: window.header.sync_state.text().startswith("live"), timeout=LIVE_MS)
        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=LIVE_MS)
        shown = window.model.entry_at(0)
        assert shown.capture is not None
        viewer = window.open_capture(shown)
        report = window.open_report()
        qtbot.waitUntil(lambda: not report.items.items() and report.isVisible())

        # a milestone, a detail change and the status it implies: the header follows
        impact = a.incident().created_at + timedelta(minutes=3)
        on_a.record_milestone(Milestone.IMPACT_STARTED, impact)
        on_a.set_details(
            dataclasses.replace(a.details(), severity="SEV1", status=Status.IDENTIFIED)
        )
        # a report text, an action item and a redaction: the report window and viewer follow
        a.save_report_texts({"summary": "Checkout failed for 14 minutes."})
        a.save_action_item(ActionItem("Alert on the 502 rate", owner="Ada"))
        redaction = Shape(ShapeKind.REDACTION, 2, 2, 30, 20)
        a.set_annotations(capture.capture.id, [redaction], base_revision=0)
        sync_a.push(conn)

        chip = window.header.chips[Milestone.IMPACT_STARTED]
        qtbot.waitUntil(lambda: "not recorded" not in chip.accessibleName(), timeout=LIVE_MS)
        qtbot.waitUntil(lambda: window.header.status.text() == "Identified", timeout=LIVE_MS)
        qtbot.waitUntil(lambda: window.file.details().severity == "SEV1")
        editor = report.editors["summary"]
        qtbot.waitUntil(lambda: editor.text() == "Checkout failed for 14 minutes.", timeout=LIVE_MS)
        qtbot.waitUntil(lambda: len(report.items.items()) == 1, timeout=LIVE_MS)
        assert report.items.items()[0].description == "Alert on the 502 rate"
        qtbot.waitUntil(lambda: viewer.editor.shapes == [redaction], timeout=LIVE_MS)
        assert viewer.revision == 1 and not viewer.editor.dirty
        assert shown.capture.id in window.model.redacted  # the timeline's thumbnail is redacted
        assert report.unsaved("summary") is False, "a teammate's text is not an edit to save"


def test_a_report_section_being_edited_is_never_overwritten(
    tmp_path: Path,
    team_url: str,
    clock,  # type: ignore[no-untyped-def]
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    a, b = shared_pair(tmp_path, team_url)
    b.close()
    with a, connect(team_url) as conn:
        on_a = IncidentSession(a, author="Ada Lovelace")
        sync_a = Replicator(on_a)
        a.save_report_texts({"summary": "first", "impact": "EU customers"})
        sync_a.push(conn)
        window = window_on(tmp_path / "b.incident")
        qtbot.waitUntil(lambda: window.header.sync_state.text().startswith("live"), timeout=LIVE_MS)
        report = window.open_report()
        summary, impact = report.editors["summary"], report.editors["impact"]
        qtbot.waitUntil(lambda: summary.text() == "first", timeout=LIVE_MS)
        # B types in Summary; the save waits for typing to stop (held off here so the
        # teammate's text surely arrives while the edit is unsaved)
        report._save_timer.setInterval(60_000)
        summary.edit.setFocus()
        summary.edit.moveCursor(summary.edit.textCursor().MoveOperation.End)
        summary.edit.insertPlainText(" — B's words")
        assert report.unsaved("summary")
        a.save_report_texts({"summary": "A's rewrite", "impact": "EU and US customers"})
        sync_a.push(conn)
        qtbot.waitUntil(lambda: impact.text() == "EU and US customers", timeout=LIVE_MS)
        qtbot.waitUntil(report.team_notice.isVisible, timeout=LIVE_MS)
        assert summary.text() == "first — B's words", "text being typed is never overwritten"
        assert "Summary" in report.team_notice.text()
        assert window.team.curation.kept_aside == ["summary"]
        # B's text, saved after A's (B's clock is the window's), is the section's text now
        clock.now = datetime.now(UTC) + timedelta(minutes=1)
        assert report.save_now()
        assert window.file.report_texts()["summary"] == "first — B's words"
        assert not report.unsaved("summary")


def test_an_action_item_being_typed_is_kept_while_a_teammates_arrives(
    tmp_path: Path,
    team_url: str,
    qtbot,
    window_on,  # type: ignore[no-untyped-def]
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

    a, b = shared_pair(tmp_path, team_url)
    b.close()
    with a, connect(team_url) as conn:
        sync_a = Replicator(IncidentSession(a, author="Ada Lovelace"))
        window = window_on(tmp_path / "b.incident")
        qtbot.waitUntil(lambda: window.header.sync_state.text().startswith("live"), timeout=LIVE_MS)
        report = window.open_report()
        heard: list[Change] = []
        window.session.listen(heard.append)
        table = report.items_panel.table
        report.activateWindow()
        table.add_item()  # B's new row, its description being typed
        qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
        typing = QApplication.focusWidget()
        assert isinstance(typing, QLineEdit)
        typing.setText("Page the DB on-call")
        a.save_action_item(ActionItem("Alert on the 502 rate", owner="Ada"))
        sync_a.push(conn)
        qtbot.waitUntil(
            lambda: any(isinstance(c, ActionItemsChanged) for c in heard), timeout=LIVE_MS
        )
        qtbot.wait(700)  # past a retry of the deferred reload
        assert table.state() == QAbstractItemView.State.EditingState
        assert typing.text() == "Page the DB on-call", "the cell being typed in is kept"
        qtbot.keyClick(typing, Qt.Key.Key_Return)  # B's row saved; the teammate's then shown
        qtbot.waitUntil(lambda: len(report.items.items()) == 2, timeout=LIVE_MS)
        descriptions = {item.description for item in report.items.items()}
        assert descriptions == {"Page the DB on-call", "Alert on the 502 rate"}

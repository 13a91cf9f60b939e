"""The timeline model: order, inserts, revisions, hidden entries, time display, model tester."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from PySide6.QtCore import Qt

from incident_recorder.domain import CaptureInfo, Entry, EntryKind
from incident_recorder.storage import record_from_entry
from incident_recorder.ui.timeline.timeline_model import (
    COL_ENTRY,
    COL_KIND,
    COL_OFFSET,
    COL_TIME,
    ENTRY_ROLE,
    TimelineModel,
)

START = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)


def entry(entry_id: int, seconds: float, text: str = "", **changes: object) -> Entry:
    values: dict[str, object] = dict(
        id=entry_id,
        kind=EntryKind.OBSERVATION,
        text=text or f"entry {entry_id}",
        occurred_at=START + timedelta(seconds=seconds),
        recorded_at=START + timedelta(seconds=seconds),
    )
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def reset(model: TimelineModel, entries: list[Entry]) -> None:
    """Load entries as the storage layer hands them over: raw records in time order."""
    model.reset(record_from_entry(e) for e in sorted(entries, key=lambda e: (e.occurred_at, e.id)))


def texts(model: TimelineModel) -> list[str]:
    return [model.entry_at(row).text for row in range(model.rowCount())]


def test_model_passes_the_model_tester(qtmodeltester) -> None:
    model = TimelineModel(local_zone=UTC)
    reset(model, [entry(1, 0), entry(2, 10), entry(3, 5)])
    qtmodeltester.check(model, force_py=True)
    model.add([entry(4, 3), entry(5, 100)])
    qtmodeltester.check(model, force_py=True)


def test_rows_are_in_occurred_at_order_whatever_the_arrival_order() -> None:
    model = TimelineModel(local_zone=UTC)
    reset(model, [entry(1, 0, "first"), entry(2, 60, "third")])
    model.add([entry(3, 30, "second (backdated)")])
    model.add([entry(4, 90, "fourth")])
    assert texts(model) == ["first", "second (backdated)", "third", "fourth"]
    assert model.row_of(3) == 1


def test_offsets_count_from_the_first_entry_and_move_when_an_earlier_one_arrives() -> None:
    model = TimelineModel(local_zone=UTC)
    reset(model, [entry(1, 0), entry(2, 262)])
    assert model.index(1, COL_OFFSET).data() == "T+00:04:22"
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom, roles: changed.append(top.column()))
    model.add([entry(3, -60)])
    assert model.index(0, COL_OFFSET).data() == "T+00:00:00"
    assert model.index(2, COL_OFFSET).data() == "T+00:05:22"
    assert COL_OFFSET in changed


def test_a_revision_replaces_the_row_and_an_older_revision_is_ignored() -> None:
    model = TimelineModel(local_zone=UTC)
    reset(model, [entry(1, 0, "a"), entry(2, 10, "b")])
    model.add([entry(1, 20, "a, moved later", revision=2)])
    assert texts(model) == ["b", "a, moved later"]
    model.add([entry(1, 0, "stale", revision=1)])
    assert texts(model) == ["b", "a, moved later"]


def test_hidden_entries_are_not_shown() -> None:
    model = TimelineModel(local_zone=UTC)
    reset(model, [entry(1, 0), entry(2, 10, hidden=True)])
    assert model.rowCount() == 1
    model.add([entry(1, 0, revision=2, hidden=True)])
    assert model.rowCount() == 0


def test_time_column_switches_between_local_and_utc() -> None:
    zone = timezone(timedelta(hours=1), "CET")
    model = TimelineModel(local_zone=zone)
    reset(model, [entry(1, 127)])
    assert model.index(0, COL_TIME).data() == "15:02:07"
    assert model.headerData(COL_TIME, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == (
        "Time (local)"
    )
    model.set_utc(True)
    assert model.index(0, COL_TIME).data() == "14:02:07"
    assert "UTC" in model.headerData(
        COL_TIME, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
    )


def test_t_plus_counts_from_impact_start_like_the_report() -> None:
    import pytest

    zone = timezone(timedelta(hours=1), "CET")
    model = TimelineModel(local_zone=zone)
    reset(model, [entry(1, 0), entry(2, 300)])
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom, roles: changed.append(top.column()))
    assert model.index(1, COL_OFFSET).data() == "T+00:05:00", "no impact start: the first entry"
    model.set_impact_start(START + timedelta(seconds=60))
    assert changed == [COL_OFFSET]
    assert model.index(0, COL_OFFSET).data() == "T\u221200:01:00"
    assert model.index(1, COL_OFFSET).data() == "T+00:04:00"
    model.add([entry(3, -600)])  # an earlier entry no longer moves T+: impact start does
    assert model.index(1, COL_OFFSET).data() == "T\u221200:01:00"

    model.set_time_display("offset")
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in (COL_TIME, COL_OFFSET)]
    assert header == ["Time (T+)", "Local"]
    assert "impact started" in model.headerData(
        COL_TIME, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert model.index(2, COL_TIME).data() == "T+00:04:00"
    assert model.index(2, COL_OFFSET).data() == "15:05:00", "the local clock beside it"
    assert model.format_time(START + timedelta(seconds=60)) == "T+00:00:00"
    assert not model.utc
    changed.clear()
    model.set_impact_start(None)
    assert changed == [COL_TIME], "in the T+ display the offsets are in the Time column"
    assert model.index(2, COL_TIME).data() == "T+00:15:00"
    assert model.next_time_display() == "local"
    model.set_time_display("local")
    assert model.index(2, COL_TIME).data() == "15:05:00"
    with pytest.raises(ValueError, match="local, utc, offset"):
        model.set_time_display("mars")


def test_kind_text_tooltip_and_capture_caption() -> None:
    capture = CaptureInfo(7, 1920, 1080, "ab" * 32, 1, None)
    model = TimelineModel(local_zone=UTC)
    reset(
        model,
        [
            entry(1, 0, kind=EntryKind.DETECTION),
            Entry(
                id=2,
                kind=EntryKind.OBSERVATION,
                text="",
                occurred_at=START,
                recorded_at=START,
                capture=capture,
            ),
        ],
    )
    rows = {model.entry_at(r).id: r for r in range(2)}
    assert model.index(rows[1], COL_KIND).data() == "Detection"
    assert model.index(rows[2], COL_ENTRY).data() == "Screen capture 1920×1080 · monitor 1"
    assert "double-click" in model.index(rows[2], COL_ENTRY).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(rows[1], COL_ENTRY).data(ENTRY_ROLE).id == 1
    assert model.capture_count == 1


def test_thumbnails_load_once_and_a_broken_one_does_not_raise(qapp) -> None:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (32, 18), "red").save(buffer, "PNG")
    calls: list[int] = []

    def load(capture_id: int) -> bytes:
        calls.append(capture_id)
        if capture_id == 2:
            raise OSError("gone")
        return buffer.getvalue()

    model = TimelineModel(load_thumbnail=load, local_zone=UTC)
    assert model.thumbnail(1).width() == 32
    assert model.thumbnail(1).width() == 32
    assert model.thumbnail(2) is None
    assert calls == [1, 2]


def test_a_stale_revision_cannot_bring_back_a_hidden_entry() -> None:
    model = TimelineModel(local_zone=UTC)
    reset(
        model,
        [entry(1, 0, "visible"), entry(2, 10, "secret pasted by mistake", revision=2, hidden=True)],
    )
    model.add([entry(2, 10, "secret pasted by mistake", revision=1)])
    assert texts(model) == ["visible"]
    model.add([entry(1, 0, revision=2, hidden=True)])
    model.add([entry(1, 0, "visible", revision=1)])
    assert texts(model) == []
    model.add([entry(1, 0, "shown again on purpose", revision=3)])
    assert texts(model) == ["shown again on purpose"]


def test_times_carry_their_date_once_the_incident_spans_days() -> None:
    model = TimelineModel(local_zone=UTC)
    formats: list[bool] = []
    model.time_format_changed.connect(lambda: formats.append(model.spans_days))
    reset(model, [entry(1, 0), entry(2, 600)])
    assert model.index(1, COL_TIME).data() == "14:10:00"
    model.add([entry(3, 11 * 3600)])  # 01:00 the next day
    assert model.spans_days and formats == [True]
    assert model.index(0, COL_TIME).data() == "27 Nov 14:00:00"
    assert model.index(2, COL_TIME).data() == "28 Nov 01:00:00"
    assert model.index(2, COL_OFFSET).data() == "T+11:00:00"


def test_t_plus_is_measured_between_the_times_shown() -> None:
    """01:49:23(.4) → 01:50:00(.2) reads T+00:00:37 beside those two times, not 00:00:36."""
    model = TimelineModel(local_zone=UTC)
    model.set_impact_start(datetime(2026, 11, 27, 1, 49, 23, 400_000, tzinfo=UTC))
    assert model.format_offset(datetime(2026, 11, 27, 1, 50, 0, 200_000, tzinfo=UTC)) == (
        "T+00:00:37"
    )

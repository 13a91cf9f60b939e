"""Thousands of entries committed by another connection reach an open window without holding
its UI thread: read on a thread of their own, inserted a block per event-loop turn (a real file,
a real window; no timing asserted)."""

from __future__ import annotations

from datetime import timedelta

from incident_recorder.domain import EntryKind
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.recorder.block_feed import BLOCK_ROWS
from incident_recorder.ui.recorder.live_updates import SMALL_READ

MANY = 1_200


def test_a_large_import_elsewhere_is_read_off_the_ui_thread_and_inserted_in_blocks(
    make_window, qtbot, clock
) -> None:
    window = make_window()
    inserted: list[int] = []
    window.model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
    with IncidentFile.open(window.file.path, clock=clock) as other:
        other.import_entries(
            [
                ImportedEntry(
                    EntryKind.OBSERVATION,
                    f"line {n}",
                    clock.now + timedelta(milliseconds=n),
                    "test",
                )
                for n in range(MANY)
            ]  # fmt: skip
        )
    window.live.poll()
    # The poll returns at once: the rows are being read on a thread of their own.
    assert window.live.reading
    assert window.model.rowCount() == 0
    qtbot.waitUntil(lambda: window.model.rowCount() == MANY, timeout=10_000)
    assert sum(inserted) == MANY
    assert max(inserted) <= BLOCK_ROWS, "each event-loop turn inserts a bounded block"
    assert len(inserted) >= MANY // BLOCK_ROWS
    assert [window.model.entry_at(row).text for row in (0, MANY - 1)] == [
        "line 0",
        f"line {MANY - 1}",
    ]


def test_a_note_from_the_cli_is_still_shown_by_the_poll_itself(make_window, clock) -> None:
    window = make_window()
    with IncidentFile.open(window.file.path, clock=clock) as other:
        for n in range(SMALL_READ // 2):
            other.add_note(f"from the shell {n}", EntryKind.COMMUNICATION)
    window.live.poll()
    assert not window.live.reading
    assert window.model.rowCount() == SMALL_READ // 2

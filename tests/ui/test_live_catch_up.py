"""Thousands of entries committed by another connection reach an open window without holding
its UI thread: read on a thread of their own, inserted a block per event-loop turn (a real file,
a real window; no timing asserted)."""

from __future__ import annotations

from datetime import timedelta

from incident_recorder.domain import EntryKind
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.milestones import Milestone
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


def test_entries_the_team_feed_shows_are_not_read_or_added_again(make_window, clock) -> None:
    """The team sync commits teammates' entries through its own connection and shows them
    itself; the poll skips them (no read, no second insert) and still shows what another
    program wrote in between."""
    window = make_window()
    inserted: list[int] = []
    window.model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
    with IncidentFile.open(window.file.path, clock=clock) as sync:
        teammates = [sync.add_note(f"teammate {n}") for n in range(MANY)]
    window.live.shown_elsewhere((entry.id, entry.revision) for entry in teammates)
    window.model.add(teammates)  # what the team feed does, through the session
    window.live.poll()
    assert not window.live.reading, "nothing to read: every new row is shown already"
    assert sum(inserted) == MANY

    with IncidentFile.open(window.file.path, clock=clock) as other:
        shell = other.add_note("from the shell", EntryKind.COMMUNICATION)
        more = [other.add_note(f"teammate again {n}") for n in range(3)]
    window.live.shown_elsewhere((entry.id, entry.revision) for entry in more)
    window.model.add(more)
    added: list[str] = []
    add = window.model.add
    window.model.add = lambda entries: (added.extend(e.text for e in entries), add(entries))
    window.live.poll()
    assert added == ["from the shell"], "the shell's note is added, the teammates' not again"
    assert window.model.row_of(shell.id) >= 0


def test_the_header_is_read_again_only_when_a_milestone_or_detail_came_with_them(
    make_window, clock
) -> None:
    """Re-reading the milestones and details after every commit of teammates' entries cost
    the UI thread ~3 ms four times a second during a catch-up."""
    window = make_window()
    reloads: list[bool] = []
    window.live.changed.connect(lambda: reloads.append(True))

    def teammates_commit(milestone: bool = False) -> None:
        with IncidentFile.open(window.file.path, clock=clock) as sync:
            notes = [sync.add_note(f"teammate {n}") for n in range(3)]
            if milestone:
                sync.set_milestone(Milestone.DETECTED, clock.now)
        window.live.shown_elsewhere((entry.id, entry.revision) for entry in notes)
        window.model.add(notes)
        window.live.poll()

    teammates_commit()
    assert len(reloads) == 1, "the first time: what the window read may be older"
    teammates_commit()
    teammates_commit()
    assert len(reloads) == 1, "only entries the team feed showed: nothing to read again"
    teammates_commit(milestone=True)
    assert len(reloads) == 2
    assert "not recorded" not in window.header.chips[Milestone.DETECTED].toolTip()

"""Many entries arriving at once (a teammate's catch-up) go into the timeline model as one
block of rows per place they land, in the right order, the model tester satisfied."""

from __future__ import annotations

import random

from incident_recorder.ui.timeline.timeline_model import BLOCK_INSERT, TimelineModel
from tests.ui.test_timeline_model import entry, reset, texts


def test_a_catch_up_lands_in_blocks_in_order(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = TimelineModel()
    own = [entry(n, n * 100.0, f"own {n}") for n in range(1, 4)]  # at 100 s, 200 s, 300 s
    reset(model, own)
    qtmodeltester.check(model, force_py=True)  # stays connected: checks every insertion below
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    changed: list[object] = []
    model.record_changed.connect(lambda old, new: changed.append(new))
    arriving = [entry(100 + n, n * 7.0, f"pulled {n}") for n in range(60)]  # 0 s to 413 s
    random.Random(4).shuffle(arriving)
    model.add([*arriving, entry(2, 200.0, "own 2")])  # a known entry among them: unchanged
    expected = sorted([*own, *arriving], key=lambda e: (e.occurred_at, e.id))
    assert texts(model) == [e.text for e in expected]
    assert len(inserts) == 4, inserts  # before 100 s, between each own entry, after 300 s
    assert sum(last - first + 1 for first, last in inserts) == 60
    assert len(changed) == 60
    # a few at once still go one by one (as before)
    inserts.clear()
    model.add([entry(500 + n, 1000.0 + n) for n in range(BLOCK_INSERT - 1)])
    assert len(inserts) == BLOCK_INSERT - 1

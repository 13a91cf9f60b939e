"""pointer_position and PointerReader without a display: None, no leaked sockets."""

from __future__ import annotations

import os

import pytest

from incident_recorder.capture import PointerReader, pointer_position


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_unreachable_display_is_none_and_leaks_nothing() -> None:
    before = open_fds()
    for _ in range(5):
        assert pointer_position(":987") is None
    with PointerReader(":987") as reader:
        assert reader.position() is None
        assert reader.position() is None
    assert open_fds() == before


def test_unset_display_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    assert pointer_position() is None

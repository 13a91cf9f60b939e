"""Frame fingerprints ignore the given rectangles and nothing else."""

from __future__ import annotations

from incident_recorder.capture.fingerprint import frame_fingerprint
from incident_recorder.capture.grabber import RawShot


def shot(pixels: bytearray, left: int = 0, top: int = 0) -> RawShot:
    return RawShot(bytes(pixels), 10, 10, 1, left, top)


def test_a_change_inside_an_ignored_rectangle_does_not_count() -> None:
    base = bytearray(range(256)) * 2
    frame = base[: 10 * 10 * 4]
    changed = bytearray(frame)
    changed[(5 * 10 + 5) * 4] ^= 0xFF  # pixel (5, 5)
    assert frame_fingerprint(shot(frame)) != frame_fingerprint(shot(changed))
    window = [(4, 4, 3, 3)]
    assert frame_fingerprint(shot(frame), window) == frame_fingerprint(shot(changed), window)


def test_a_change_outside_counts_and_offsets_are_desktop_coordinates() -> None:
    frame = bytearray(10 * 10 * 4)
    changed = bytearray(frame)
    changed[(0 * 10 + 9) * 4] = 1  # pixel (9, 0) of a monitor placed at x=1920
    assert frame_fingerprint(shot(frame, left=1920), [(1920, 5, 10, 5)]) != frame_fingerprint(
        shot(changed, left=1920), [(1920, 5, 10, 5)]
    )
    assert frame_fingerprint(shot(frame, left=1920), [(1929, 0, 1, 1)]) == frame_fingerprint(
        shot(changed, left=1920), [(1929, 0, 1, 1)]
    )
    assert frame_fingerprint(shot(frame), [(500, 500, 10, 10)]) == frame_fingerprint(shot(frame))

"""Annotations in the incident file: append-only revisions, the original PNG untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from storage_support import new_capture

from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.storage import IncidentFile, IncidentFileError

BOX = Shape(ShapeKind.RECTANGLE, 2, 3, 20, 30)
ARROW = Shape(ShapeKind.ARROW, 40, 40, 5, 5)
LABEL = Shape(ShapeKind.TEXT, 4, 4, 4, 4, "token here")
REDACT = Shape(ShapeKind.REDACTION, 10, 10, 30, 20)


def _capture(handle: IncidentFile, width: int = 64) -> int:
    entry = handle.add_capture(new_capture(width=width))
    assert entry.capture is not None
    return entry.capture.id


def test_each_save_is_a_new_revision_and_the_latest_is_current(tmp_path: Path) -> None:
    with IncidentFile.create(tmp_path / "a.incident", "t") as handle:
        cid = _capture(handle)
        png = handle.capture_png(cid)
        assert handle.annotations(cid) == []
        assert handle.set_annotations(cid, [BOX, ARROW], base_revision=0) == 1
        assert handle.set_annotations(cid, [BOX, ARROW, LABEL, REDACT], base_revision=1) == 2
        assert handle.set_annotations(cid, [LABEL], base_revision=2) == 3
        assert handle.annotations(cid) == [LABEL]
        assert handle.annotation_history(cid) == [
            [BOX, ARROW],
            [BOX, ARROW, LABEL, REDACT],
            [LABEL],
        ]
        assert handle.capture_png(cid) == png  # the original is never changed


def test_a_save_based_on_an_older_revision_is_refused(tmp_path: Path) -> None:
    """Two editors opened at revision 0: the second save would drop the first one's redaction."""
    with IncidentFile.create(tmp_path / "a.incident", "t") as handle:
        cid = _capture(handle)
        shapes, base = handle.annotations_at_revision(cid)
        assert (shapes, base) == ([], 0)
        assert handle.set_annotations(cid, [REDACT], base_revision=base) == 1  # viewer 1
        with pytest.raises(IncidentFileError, match="changed elsewhere since this viewer opened"):
            handle.set_annotations(cid, [ARROW], base_revision=base)  # viewer 2, opened before
        assert handle.annotations(cid) == [REDACT]
        assert handle.annotation_history(cid) == [[REDACT]]
        assert handle.is_sensitive(cid)
        assert handle.annotations_at_revision(cid) == ([REDACT], 1)
        assert handle.set_annotations(cid, [REDACT, ARROW], base_revision=1) == 2  # reloaded
        with pytest.raises(IncidentFileError, match="reopen to see them"):
            handle.set_annotations(cid, [], base_revision=3)  # ahead is refused too


def test_sensitive_means_the_current_revision_has_a_redaction(tmp_path: Path) -> None:
    with IncidentFile.create(tmp_path / "a.incident", "t") as handle:
        first, second = _capture(handle), _capture(handle, width=32)
        handle.set_annotations(first, [BOX, REDACT], base_revision=0)
        handle.set_annotations(second, [ARROW], base_revision=0)
        assert handle.sensitive_captures() == {first}
        assert handle.is_sensitive(first) and not handle.is_sensitive(second)
        summaries = handle.annotation_summaries()
        assert (summaries[first].shapes, summaries[first].redactions) == (2, 1)
        assert summaries[second].sensitive is False
        handle.set_annotations(first, [], base_revision=1)
        assert handle.sensitive_captures() == set()
        assert len(handle.annotation_history(first)) == 2


def test_annotations_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    with IncidentFile.create(path, "t") as handle:
        cid = _capture(handle)
        handle.set_annotations(cid, [LABEL, REDACT], base_revision=0)
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.annotations(cid) == [LABEL, REDACT]
        assert handle.sensitive_captures() == {cid}


def test_the_table_is_append_only(tmp_path: Path) -> None:
    path = tmp_path / "a.incident"
    with IncidentFile.create(path, "t") as handle:
        handle.set_annotations(_capture(handle), [REDACT], base_revision=0)
    conn = sqlite3.connect(path)
    try:
        for sql in ("UPDATE annotations SET shapes = '[]'", "DELETE FROM annotations"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO annotations (capture_id, revision, shapes, redactions, created_at) "
                "VALUES (1, 9, 'not json', 0, 'x')"
            )
    finally:
        conn.close()


def test_unknown_capture_and_bad_shapes_are_refused(tmp_path: Path) -> None:
    with IncidentFile.create(tmp_path / "a.incident", "t") as handle:
        with pytest.raises(IncidentFileError, match="no capture 7"):
            handle.set_annotations(7, [BOX], base_revision=0)
        cid = _capture(handle)
        with pytest.raises(TypeError):
            handle.set_annotations(
                cid,
                [{"kind": "rectangle"}],  # type: ignore[list-item]
                base_revision=0,
            )
        assert handle.annotation_history(cid) == []


def test_shape_dicts_round_trip_and_bad_ones_are_refused() -> None:
    for shape in (BOX, ARROW, LABEL, REDACT):
        assert Shape.from_dict(shape.to_dict()) == shape
    assert REDACT.box() == (10, 10, 30, 20) and ARROW.box() == (5, 5, 40, 40)
    for bad in (
        {"kind": "blur", "x1": 0, "y1": 0, "x2": 1, "y2": 1},
        {"kind": "arrow"},
        {"kind": "arrow", "x1": 0.5, "y1": 0, "x2": 1, "y2": 1},
    ):
        with pytest.raises(ValueError):
            Shape.from_dict(bad)

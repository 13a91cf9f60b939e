"""Re-exporting into the same folder leaves no earlier unredacted file, and a redacted capture's
window title never leaves the incident file without --include-originals."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from test_export_redacted import SHAPES, export, noisy_capture

from incident_recorder.storage import IncidentFile

TITLE = "Vault — root token s.ABCDEF"


def _file(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "a.incident"
    capture = dataclasses.replace(noisy_capture(), window_title=TITLE)
    with IncidentFile.create(path, "Token leak") as handle:
        entry = handle.add_capture(capture, text="token on screen")
        assert entry.capture is not None
        handle.add_capture(noisy_capture(seed=4), text="nothing secret")
        return path, entry.capture.id


def _redact(path: Path, capture_id: int) -> None:
    with IncidentFile.open(path) as handle:
        base = handle.annotation_revision(capture_id)
        handle.set_annotations(capture_id, SHAPES, base_revision=base)


def _images(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in (out / "images").rglob("*") if p.is_file()}


def test_re_export_after_redacting_removes_the_earlier_unredacted_image(tmp_path: Path) -> None:
    path, cid = _file(tmp_path)
    out = tmp_path / "out"
    export(path, out, "json")
    before = _images(out)
    (out / "images" / "my-notes.txt").write_text("keep me")
    (out / "images" / "entry-screenshot.png").write_bytes(b"not ours")
    _redact(path, cid)
    export(path, out, "json")
    document = json.loads((out / "incident.json").read_text())
    written = {entry["capture"]["file"] for entry in document["entries"]}
    assert _images(out) == written | {"images/my-notes.txt", "images/entry-screenshot.png"}
    assert len(before - written) == 1  # the unredacted copy of the redacted capture is gone
    assert (out / "images" / "my-notes.txt").read_text() == "keep me"


def test_originals_of_an_earlier_export_do_not_survive_one_without_them(tmp_path: Path) -> None:
    path, cid = _file(tmp_path)
    _redact(path, cid)
    out = tmp_path / "out"
    export(path, out, "markdown", originals=True)
    assert [p.name for p in (out / "images" / "originals").iterdir()]
    export(path, out, "markdown")
    assert not (out / "images" / "originals").exists()
    # a folder the user also keeps other files in stays, with only those files
    export(path, out, "markdown", originals=True)
    (out / "images" / "originals" / "README").write_text("mine")
    export(path, out, "markdown")
    assert [p.name for p in (out / "images" / "originals").iterdir()] == ["README"]


def test_a_redacted_capture_s_window_title_is_not_exported(tmp_path: Path) -> None:
    path, cid = _file(tmp_path)
    out = tmp_path / "plain"
    export(path, out, "json")
    [first, _] = json.loads((out / "incident.json").read_text())["entries"]
    assert first["capture"]["window_title"] == TITLE  # not redacted: kept
    _redact(path, cid)
    export(path, out, "json")
    [first, _] = json.loads((out / "incident.json").read_text())["entries"]
    assert first["capture"]["redacted"] and first["capture"]["window_title"] is None
    assert "s.ABCDEF" not in (out / "incident.json").read_text()
    export(path, out, "markdown")
    assert "s.ABCDEF" not in (out / "report.md").read_text()
    with_originals = tmp_path / "originals"
    export(path, with_originals, "json", originals=True)
    [first, _] = json.loads((with_originals / "incident.json").read_text())["entries"]
    assert first["capture"]["window_title"] == TITLE  # asked for originals: the whole record

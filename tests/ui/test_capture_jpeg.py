"""The JPEG capture format end to end: a real grab of the Xvfb screen encoded as JPEG in the
capture worker, then every reader of capture bytes — the viewer, Markdown (.jpg), HTML
(image/jpeg), PDF, the redacted and the public export (PNG), the JSON export/import round trip
and the merge (one capture per SHA-256)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from incident_recorder.cli import main
from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.image_bytes import JPEG_MAGIC, PNG_MAGIC
from incident_recorder.settings import Settings
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.dialogs.settings_store import default_store

BOX = (100, 100, 400, 200)


@pytest.fixture
def jpeg_capture(make_window, qtbot):
    """A recorder window set to JPEG at quality 80 and one real capture of the screen."""
    default_store().save(Settings(capture_format="jpeg", jpeg_quality=80))
    window = make_window()
    with qtbot.waitSignal(window.captures.captured, timeout=10_000):
        window.actions_by_id["capture_screen"].trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    entry = window.model.entry_at(0)
    assert entry.capture is not None
    return window, entry


@pytest.mark.xvfb
def test_a_capture_is_stored_as_jpeg_and_shown(jpeg_capture) -> None:
    window, entry = jpeg_capture
    data = window.file.capture_png(entry.capture.id)
    assert data.startswith(JPEG_MAGIC)
    assert hashlib.sha256(data).hexdigest() == entry.capture.sha256
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (1920, 1080))
    assert window.model.thumbnail(entry.capture.id) is not None, "thumbnails stay PNG"
    viewer = window.open_capture(entry)
    assert viewer is not None
    if viewer.decode_job is not None:  # a large image: decoded on the pool
        viewer.decode_job.run()
    assert (viewer.image.width(), viewer.image.height()) == (1920, 1080)
    viewer.close()


@pytest.mark.xvfb
def test_settings_change_the_format_of_the_next_capture(jpeg_capture, qtbot) -> None:
    window, _ = jpeg_capture
    window.apply_settings(Settings(capture_format="png"))
    with qtbot.waitSignal(window.captures.captured, timeout=10_000):
        window.actions_by_id["capture_screen"].trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    second = window.model.entry_at(1)
    assert window.file.capture_png(second.capture.id).startswith(PNG_MAGIC)


@pytest.mark.xvfb
def test_exports_name_and_type_the_jpeg_by_its_content(jpeg_capture, tmp_path: Path) -> None:
    window, entry = jpeg_capture
    data = window.file.capture_png(entry.capture.id)
    path = str(window.file.path)

    assert main(["export", path, "--out", str(tmp_path / "md")]) == 0
    report = (tmp_path / "md" / "report.md").read_text(encoding="utf-8")
    names = re.findall(r"images/entry-\d{4}-[0-9a-f]{12}\.(?:png|jpg)", report)
    assert names and all(name.endswith(".jpg") for name in names)
    assert (tmp_path / "md" / names[0]).read_bytes() == data, "copied as it is stored"

    assert main(["export", path, "--format", "html", "--out", str(tmp_path / "html")]) == 0
    page = (tmp_path / "html" / "report.html").read_text(encoding="utf-8")
    embedded = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', page)
    assert [base64.b64decode(uri) for uri in embedded] == [data]

    assert main(["export", path, "--format", "pdf", "--out", str(tmp_path / "pdf")]) == 0
    assert (tmp_path / "pdf" / "report.pdf").read_bytes().startswith(b"%PDF")
    assert list((tmp_path / "pdf" / "images").glob("entry-*.jpg"))


@pytest.mark.xvfb
def test_a_redacted_jpeg_capture_is_exported_as_png_with_the_box_black(
    jpeg_capture, tmp_path: Path
) -> None:
    window, entry = jpeg_capture
    assert main(["export", str(window.file.path), "--out", str(tmp_path / "internal")]) == 0
    assert list((tmp_path / "internal").glob("images/entry-*.jpg")), "before the redaction"
    window.file.set_annotations(
        entry.capture.id, [Shape(ShapeKind.REDACTION, *BOX)], base_revision=0
    )
    window.file.revise(entry.id, public=True)
    for out, extra, name in (
        (tmp_path / "internal", ["--force"], "report.md"),  # replacing the export of before
        (tmp_path / "public", ["--public"], "report-public.md"),
    ):
        assert main(["export", str(window.file.path), "--out", str(out), *extra]) == 0
        report = (out / name).read_text(encoding="utf-8")
        names = re.findall(r"images/entry-\d{4}-[0-9a-f]{12}\.(?:png|jpg)", report)
        assert names and all(name.endswith(".png") for name in names), out.name
        written = (out / names[0]).read_bytes()
        assert written.startswith(PNG_MAGIC)
        with Image.open(io.BytesIO(written)) as image:
            box = image.convert("RGB").crop(BOX)
            assert box.getextrema() == ((0, 0), (0, 0), (0, 0)), "exact solid black"
        assert not list(out.glob("images/*.jpg")), "the unredacted copy of before is removed"


@pytest.mark.xvfb
def test_json_export_import_and_merge_keep_the_jpeg_bytes(
    jpeg_capture, tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The capture was taken at the fake clock's time; the import (which refuses the future)
    # reads the same clock.
    monkeypatch.setattr("incident_recorder.importers.json_import.system_clock", clock)
    window, entry = jpeg_capture
    data = window.file.capture_png(entry.capture.id)
    out = tmp_path / "json"
    assert main(["export", str(window.file.path), "--format", "json", "--out", str(out)]) == 0
    document = json.loads((out / "incident.json").read_text(encoding="utf-8"))
    exported = next(e["capture"] for e in document["entries"] if e["capture"])
    assert exported["file"].endswith(".jpg")
    assert exported["sha256"] == entry.capture.sha256

    copy = tmp_path / "copy.incident"
    with IncidentFile.create(copy, "Copy", clock=clock):
        pass
    assert main(["import", str(copy), str(out / "incident.json")]) == 0
    with IncidentFile.open(copy, readonly=True) as handle:
        imported = [e for e in handle.record().entries if e.capture is not None]
        assert len(imported) == 1
        assert imported[0].capture.sha256 == entry.capture.sha256
        assert handle.capture_png(imported[0].capture.id) == data, "the same JPEG bytes"

    merged = tmp_path / "merged.incident"
    assert main(["merge", str(window.file.path), str(copy), "--out", str(merged)]) == 0
    with IncidentFile.open(merged, readonly=True) as handle:
        captures = {e.capture.id for e in handle.record().entries if e.capture is not None}
        assert len(captures) == 1, "stored once per SHA-256"
        assert handle.capture_png(captures.pop()) == data

"""Exports show the annotated copy: redaction boxes solid, originals only on request."""

from __future__ import annotations

import hashlib
import io
import json
import random
from pathlib import Path

import pytest
from PIL import Image

from incident_recorder.cli import main
from incident_recorder.domain import NewCapture
from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.report import write_report
from incident_recorder.storage import IncidentFile

W, H = 160, 120
SECRET = (20, 30, 90, 50)  # the redaction box: x 20..89, y 30..49
RECT = (100, 60, 150, 110)
SHAPES = [Shape(ShapeKind.RECTANGLE, *RECT), Shape(ShapeKind.REDACTION, *SECRET)]


def noisy_capture(seed: int = 3) -> NewCapture:
    rng = random.Random(seed)
    out = io.BytesIO()
    Image.frombytes("RGB", (W, H), rng.randbytes(W * H * 3)).save(out, "PNG")
    png = out.getvalue()
    thumb = io.BytesIO()
    Image.new("RGB", (8, 6)).save(thumb, "PNG")
    return NewCapture(png, thumb.getvalue(), W, H, hashlib.sha256(png).hexdigest(), monitor=1)


@pytest.fixture
def annotated(tmp_path: Path) -> tuple[Path, NewCapture]:
    """An incident file with a redacted capture and a plain one."""
    path = tmp_path / "a.incident"
    capture = noisy_capture()
    with IncidentFile.create(path, "Token leak") as handle:
        handle.add_note("Grafana open")
        entry = handle.add_capture(capture, text="token on screen")
        assert entry.capture is not None
        handle.set_annotations(entry.capture.id, SHAPES, base_revision=0)
        handle.add_capture(noisy_capture(seed=4), text="nothing secret")
    return path, capture


def export(path: Path, out: Path, fmt: str, *, originals: bool = False) -> Path:
    with IncidentFile.open(path, readonly=True) as handle:
        return write_report(
            out,
            fmt,
            handle.record(),
            handle.capture_png,
            load_shapes=handle.annotations,
            include_originals=originals,
        )


def inside(x: int, y: int, box: tuple[int, int, int, int], by: int = 0) -> bool:
    return box[0] - by <= x < box[2] + by and box[1] - by <= y < box[3] + by


def check_rendered(png: bytes, original: bytes) -> None:
    rendered, before = Image.open(io.BytesIO(png)), Image.open(io.BytesIO(original))
    assert rendered.size == (W, H)
    for y in range(H):
        for x in range(W):
            if inside(x, y, SECRET):
                assert rendered.getpixel((x, y)) == (0, 0, 0), (x, y)
            elif not inside(x, y, RECT, by=2):
                assert rendered.getpixel((x, y)) == before.getpixel((x, y)), (x, y)


def all_files(out: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}


def assert_no_original(out: Path, capture: NewCapture) -> None:
    for path, data in all_files(out).items():
        assert hashlib.sha256(data).hexdigest() != capture.sha256, path
        assert capture.sha256.encode() not in data, path  # not even its hash (guessable)
        assert capture.png[-200:] not in data, path


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_the_export_holds_the_redacted_copy_only(
    annotated: tuple[Path, NewCapture], tmp_path: Path, fmt: str
) -> None:
    path, capture = annotated
    out = tmp_path / "out"
    report = export(path, out, fmt)
    images = sorted((out / "images").iterdir())
    assert len(images) == 2 and not (out / "images" / "originals").exists()
    text = report.read_text()
    assert all(image.name in text for image in images)
    solid = [p for p in images if Image.open(p).getpixel(SECRET[:2]) == (0, 0, 0)]
    assert len(solid) == 1
    check_rendered(solid[0].read_bytes(), capture.png)
    assert_no_original(out, capture)


def test_json_marks_redacted_and_annotated_captures(
    annotated: tuple[Path, NewCapture], tmp_path: Path
) -> None:
    path, capture = annotated
    out = tmp_path / "out"
    document = json.loads(export(path, out, "json").read_text())
    records = [e["capture"] for e in document["entries"] if e["capture"]]
    first, second = records
    assert (first["redacted"], first["annotations"], first["original_file"]) == (True, 2, None)
    assert first["original_sha256"] is None
    written = (out / first["file"]).read_bytes()
    assert first["sha256"] == hashlib.sha256(written).hexdigest() != capture.sha256
    check_rendered(written, capture.png)
    assert (second["redacted"], second["annotations"], second["original_file"]) == (False, 0, None)
    assert second["sha256"] == second["original_sha256"]
    assert hashlib.sha256((out / second["file"]).read_bytes()).hexdigest() == second["sha256"]


def test_markdown_marks_the_redacted_capture(
    annotated: tuple[Path, NewCapture], tmp_path: Path
) -> None:
    text = export(annotated[0], tmp_path / "out", "markdown").read_text()
    assert f"{W}\u00d7{H} (redacted)" in text
    assert "Originals included" not in text


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_originals_only_when_asked_and_the_report_says_so(
    annotated: tuple[Path, NewCapture], tmp_path: Path, fmt: str
) -> None:
    path, capture = annotated
    out = tmp_path / "out"
    report = export(path, out, fmt, originals=True)
    originals = list((out / "images" / "originals").iterdir())
    assert [p.read_bytes() for p in originals] == [capture.png]  # the annotated one only
    text = report.read_text()
    if fmt == "markdown":
        assert "**Originals included:** images/originals/" in text
        assert "1 of them with redacted content" in text
    else:
        first = next(e["capture"] for e in json.loads(text)["entries"] if e["capture"])
        assert first["original_file"] == f"images/originals/{originals[0].name}"
        assert first["original_sha256"] == capture.sha256
    check_rendered(
        next(
            p.read_bytes()
            for p in (out / "images").glob("*.png")
            if p.read_bytes() != capture.png and Image.open(p).getpixel(SECRET[:2]) == (0, 0, 0)
        ),
        capture.png,
    )


def test_cli_export_flag(
    annotated: tuple[Path, NewCapture], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, capture = annotated
    assert main(["export", str(path), "--out", str(tmp_path / "plain")]) == 0
    assert_no_original(tmp_path / "plain", capture)
    assert main(["export", str(path), "--out", str(tmp_path / "full"), "--include-originals"]) == 0
    assert "Unredacted originals" in capsys.readouterr().out
    assert capture.png in all_files(tmp_path / "full").values()

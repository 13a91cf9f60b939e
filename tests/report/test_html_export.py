"""The HTML renderer and the timeline picture maker an export plugs in."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from html_checks import parse, unsafe_parts
from PIL import Image
from scenario_record import scenario_record

from incident_recorder.report.html_export import timeline_pictures, write_html
from incident_recorder.report.writer import ReportError

BERLIN = ZoneInfo("Europe/Berlin")


def export_folder(tmp_path: Path) -> dict[str, Path]:
    images = tmp_path / "images"
    images.mkdir()
    written = {}
    for name, data in timeline_pictures(scenario_record(), BERLIN).items():
        (images / name).write_bytes(data)
        written[f"images/{name}"] = images / name
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, "PNG")
    (images / "entry-0004-capture1.png").write_bytes(buffer.getvalue())
    written["images/entry-0004-capture1.png"] = images / "entry-0004-capture1.png"
    return written


def test_pictures_come_png_first_then_svg() -> None:
    pictures = timeline_pictures(scenario_record(), BERLIN)
    assert list(pictures) == ["timeline.png", "timeline.svg"]
    assert pictures["timeline.png"].startswith(b"\x89PNG")
    assert pictures["timeline.svg"].startswith(b"<svg ")


def test_write_html_embeds_captures_and_inlines_the_picture(tmp_path: Path) -> None:
    os.umask(0o022)
    images = export_folder(tmp_path)
    markdown = (
        "# Checkout outage\n\n## Timeline\n\n![Timeline](images/timeline.png)\n\n"
        "![Grafana](images/entry-0004-capture1.png)\n"
    )
    target = write_html(markdown, images, tmp_path, "Checkout outage")
    assert target == tmp_path / "report.html"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    page = target.read_text(encoding="utf-8")
    assert unsafe_parts(page) == []
    parsed = parse(page)
    assert len(parsed.tags("svg")) == 1  # the timeline, inline instead of the PNG
    assert [img.attrs["src"][:22] for img in parsed.tags("img")] == ["data:image/png;base64,"]


def test_a_missing_image_file_is_a_one_line_error(tmp_path: Path) -> None:
    images = export_folder(tmp_path)
    images["images/entry-0004-capture1.png"].unlink()
    with pytest.raises(ReportError, match="cannot read .*entry-0004-capture1.png") as caught:
        write_html("![G](images/entry-0004-capture1.png)", images, tmp_path, "t")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "report.html").exists()

"""The PDF's HTML, written from the document: Qt's table attributes, zebra rows, kinds in their
colour, long tables cut, only the given images kept (each with its size)."""

from __future__ import annotations

import io

from PIL import Image as PILImage
from PySide6.QtCore import QSizeF

from incident_recorder.domain import EntryKind
from incident_recorder.render.pdf_html import PdfHtmlWriter
from incident_recorder.report.model import Document, Image, Kind, Table, Written, line
from tests.report.html_checks import parse, unsafe_parts, xss_vectors


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def pdf_html(content: Document, images: dict[str, bytes] | None = None) -> str:
    return PdfHtmlWriter(images or {}, QSizeF(680, 900)).write(content, "T")


def test_pdf_variant_keeps_image_names_and_drops_the_rest(qapp: object) -> None:
    text = (
        "# T\n\n| a |\n|---|\n| 1 |\n| 2 |\n\n![cap](images/a.png) ![no](images/b.png) "
        "![remote](http://evil.example/x.png)\n\n" + "\n\n".join(xss_vectors())
    )
    html = pdf_html(Document("T", (Written(text),)), {"images/a.png": png()})
    assert unsafe_parts(html, document=False, named={"images/a.png"}) == []
    parsed = parse(html)
    assert [img.attrs["src"] for img in parsed.tags("img")] == ["images/a.png"]
    assert parsed.tags("table")[0].attrs["border"] == "1"
    assert [tr.attrs.get("bgcolor") for tr in parsed.tags("tr")][1:3] == [None, "#f3f5f8"]


def test_pdf_variant_colours_kind_cells(qapp: object) -> None:
    table = Table(("Kind", "Entry"), ((line(Kind(EntryKind.IMPACT)), line("x")),))
    html = pdf_html(Document("T", (table,)))
    assert '<td><b><font color="#dc2626">Impact</font></b></td>' in html


def test_pdf_variant_cuts_long_tables_with_the_header_repeated(qapp: object) -> None:
    rows = tuple(
        (line(str(n)), line(Kind(EntryKind.ACTION)), line(f"step {n}")) for n in range(250)
    )
    html = pdf_html(Document("T", (Table(("#", "Kind", "Entry"), rows),)))
    parsed = parse(html)
    assert len(parsed.tags("table")) == 3 and len(parsed.tags("thead")) == 3
    assert len([tr for tr in parsed.tags("tr") if "tbody" in tr.parents]) == 250
    assert html.index("step 99<") < html.index("step 100<") < html.index("step 249<")


def test_an_image_in_a_table_gets_the_room_the_other_columns_leave(qapp: object) -> None:
    """Column widths come from the cells' own text: the time and kind columns stay on one line
    (nowrap) and the capture is shrunk to what they leave of the text width."""
    wide = png(1600, 900)
    cell = line("Grafana", Image("images/a.png", "Capture"))
    table = Table(
        ("UTC", "Kind", "Entry"),
        ((line("2026-11-27 14:02:22 UTC"), line(Kind(EntryKind.OBSERVATION)), cell),),
    )
    writer = PdfHtmlWriter({"images/a.png": wide}, QSizeF(680, 900))
    html = writer.write(Document("T", (table,)), "T")
    shown = writer.shown["images/a.png"]
    assert 200 < shown.width() < 680 - 150  # less than the page: the other columns keep room
    assert abs(shown.width() / shown.height() - 16 / 9) < 0.02
    nowrap = [td for td in parse(html).tags("td") if "nowrap" in td.attrs.get("style", "")]
    assert len(nowrap) == 2
    alone = PdfHtmlWriter({"images/a.png": wide}, QSizeF(680, 900))
    alone.write(Document("T", (Written("![x](images/a.png)"),)), "T")
    assert alone.shown["images/a.png"].width() == 680  # on its own: the text width

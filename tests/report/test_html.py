"""The HTML report: sanitized, self-contained, printable; the app's own images put in afterwards."""

from __future__ import annotations

import base64
import io
import time
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from html_checks import parse, unsafe_parts, xss_vectors
from PIL import Image
from scenario_record import START, scenario_record

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.report.html import (
    CSP,
    render_html,
    render_html_fragment,
    render_pdf_html,
)
from incident_recorder.report.markdown import SECTIONS, render_markdown
from incident_recorder.report.timeline_picture import timeline_svg

BAD_INPUT = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    "<svg onload=alert(1)></svg>",
    "<iframe src=http://evil.example/></iframe>",
    "<style>@import url(http://evil.example/x.css)</style>",
    "<object data=http://evil.example/x></object>",
    '<meta http-equiv="refresh" content="0;url=http://evil.example/">',
    '<form action="http://evil.example/"><input name=q></form>',
    "<div><b>raw</b> <u>html</u></div>",
    "# a heading\n\n## another",
    "| a | b |\n|---|---|\n| c | d |",
]


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def document(markdown_text: str, **kwargs: object) -> str:
    return render_html(markdown_text, title="Checkout outage", images={}, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", BAD_INPUT + xss_vectors())
def test_raw_markdown_cannot_run_or_load_anything(text: str) -> None:
    page = document(f"# Report\n\nBefore\n\n{text}\n\nAfter")
    assert unsafe_parts(page) == []
    assert unsafe_parts(render_html_fragment(text), document=False) == []
    assert "Before" in page and "After" in page


def test_everything_at_once_and_the_page_frame() -> None:
    page = document("\n\n".join(["# Checkout outage", *BAD_INPUT, *xss_vectors()]), lang="de")
    assert unsafe_parts(page) == []
    parsed = parse(page)
    assert [m.attrs["content"] for m in parsed.tags("meta") if "http-equiv" in m.attrs] == [CSP]
    assert parsed.tags("meta")[0].attrs == {"charset": "utf-8"}
    assert parsed.tags("html")[0].attrs["lang"] == "de"
    assert len(parsed.tags("style")) == 1
    assert "@media print" in page and "@page" in page and "max-width: 60rem" in page
    assert "<title>Checkout outage</title>" in page


def test_links_keep_only_safe_schemes() -> None:
    body = render_html_fragment(
        "[a](https://status.example.com/x) [b](mailto:oncall@example.com) [c](ftp://x/y) "
        "[d](vbscript:msgbox) [e](#timeline) [f](//evil.example/x)"
    )
    hrefs = [a.attrs.get("href") for a in parse(body).tags("a")]
    assert hrefs == [
        "https://status.example.com/x",
        "mailto:oncall@example.com",
        None,
        None,
        "#timeline",
        None,
    ]
    assert all(a.attrs.get("rel") == "noopener noreferrer" for a in parse(body).tags("a"))


def test_images_are_embedded_after_sanitizing_and_external_ones_never_load() -> None:
    capture = png()
    svg = timeline_svg(scenario_record(), tz=UTC)
    page = render_html(
        "![Grafana](images/entry-0004-capture1.png)\n\n![Timeline](images/timeline.svg)\n\n"
        "![remote](https://evil.example/pixel.png) ![unknown](images/entry-0009-capture9.png)",
        title="t",
        images={"images/entry-0004-capture1.png": capture},
        inline_svg={"images/timeline.svg": svg},
    )
    assert unsafe_parts(page) == []
    parsed = parse(page)
    sources = [img.attrs["src"] for img in parsed.tags("img")]
    assert sources == ["data:image/png;base64," + base64.b64encode(capture).decode()]
    assert len(parsed.tags("svg")) == 1 and svg.strip() in page
    links = [a.attrs for a in parsed.tags("a")]
    assert links[0]["href"] == "https://evil.example/pixel.png"  # a plain link, not an image
    assert "[unknown]" in page


def test_a_large_image_is_not_pushed_through_markdown() -> None:
    big = png(3000, 2000) + b"\0" * 4_000_000  # 4 MB after the PNG: only ever base64-encoded
    began = time.perf_counter()
    page = render_html("![x](images/big.png)", title="t", images={"images/big.png": big})
    elapsed = time.perf_counter() - began
    assert len(page) > 5_000_000 and elapsed < 2, elapsed


def test_one_megabyte_of_text() -> None:
    line = "Connection pool exhausted <b>again</b> | pipe | # not a heading; "
    text = (line * (1_000_000 // len(line) + 1))[:1_000_000]
    began = time.perf_counter()
    page = document(f"# Checkout outage\n\n{text}")
    print(f"\n1 MB paragraph to HTML: {time.perf_counter() - began:.2f} s")
    assert unsafe_parts(page) == []
    assert page.count("Connection pool exhausted") >= 15_000
    assert len(parse(page).tags("h1")) == 1


def test_hostile_notes_leave_the_report_structure_whole() -> None:
    record = scenario_record()
    hostile = [
        Entry(
            100 + n,
            EntryKind.OBSERVATION,
            text,
            START + timedelta(seconds=400 + n),
            START + timedelta(seconds=400 + n),
        )
        for n, text in enumerate(BAD_INPUT + xss_vectors() + ["x" * 1_000_000])
    ]
    entries = sorted([*record.entries, *hostile], key=lambda e: e.occurred_at)
    markdown_text = render_markdown(record.incident, entries, {}, ZoneInfo("Europe/Berlin"))
    page = document(markdown_text)
    assert unsafe_parts(page) == []
    parsed = parse(page)
    assert len(parsed.tags("h2")) == len(SECTIONS) - 1  # Prevention, empty, is left out
    assert len(parsed.tags("h1")) == 1
    timeline_rows = [tr for tr in parsed.tags("tr") if "tbody" in tr.parents]
    assert len(timeline_rows) >= len(entries)
    assert page.count("&lt;script&gt;") >= 3  # shown as text


def test_kind_cells_become_badges() -> None:
    body = render_html(
        "| T+ | Kind | Entry |\n|---|---|---|\n| 0 | **Impact** | x |\n| 1 | Mitigation | y |",
        title="t",
        images={},
    )
    spans = [s.attrs["class"] for s in parse(body).tags("span")]
    assert spans == ["kind kind-impact", "kind kind-mitigation"]


def test_pdf_variant_keeps_image_names_and_drops_the_rest() -> None:
    html = render_pdf_html(
        "# T\n\n| a |\n|---|\n| 1 |\n| 2 |\n\n![cap](images/a.png) ![no](images/b.png) "
        "![remote](http://evil.example/x.png)\n\n" + "\n\n".join(xss_vectors()),
        title="T",
        images={"images/a.png": png()},
    )
    assert unsafe_parts(html, document=False, named={"images/a.png"}) == []
    parsed = parse(html)
    assert [img.attrs["src"] for img in parsed.tags("img")] == ["images/a.png"]
    assert parsed.tags("table")[0].attrs["border"] == "1"
    assert [tr.attrs.get("bgcolor") for tr in parsed.tags("tr")][1:3] == [None, "#f3f5f8"]


def test_the_checker_finds_what_it_looks_for() -> None:
    """The checks above are not vacuous: unsanitized markup fails every one of them."""
    raw = (
        '<html><head><meta http-equiv="refresh" content="1"></head><body>'
        '<p onclick="x"><img src="http://e/x.png"><a href="javascript:x">a</a></p>'
        "<script>x</script><style>p{}</style></body></html>"
    )
    found = "\n".join(unsafe_parts(raw))
    for problem in (
        "refresh",
        "onclick",
        "http://e",
        "javascript",
        "<script>",
        "style element",
        "Content-Security-Policy",
        "referrer",
    ):
        assert problem in found


def test_pdf_variant_colours_kind_cells() -> None:
    html = render_pdf_html("| Kind | Entry |\n|---|---|\n| Impact | x |", title="T", images={})
    assert '<td><b><font color="#dc2626">Impact</font></b></td>' in html


def test_pdf_variant_cuts_long_tables_with_the_header_repeated() -> None:
    rows = "\n".join(f"| {n} | Action | step {n} |" for n in range(250))
    html = render_pdf_html(f"| # | Kind | Entry |\n|---|---|---|\n{rows}", title="T", images={})
    parsed = parse(html)
    assert len(parsed.tags("table")) == 3 and len(parsed.tags("thead")) == 3
    assert len([tr for tr in parsed.tags("tr") if "tbody" in tr.parents]) == 250
    assert html.index("step 99<") < html.index("step 100<") < html.index("step 249<")

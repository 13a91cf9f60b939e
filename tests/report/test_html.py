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
from incident_recorder.report.html import CSP, render_html, render_html_fragment
from incident_recorder.report.markdown import SECTIONS, render_markdown
from incident_recorder.report.model import Document, Kind, Table, Written, line
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
        "#timeline",
        None,
    ]
    # markdown-it refuses a vbscript: destination itself (no link at all; Python-Markdown made
    # one that nh3 then emptied): the text stays as typed
    assert "[d](vbscript:msgbox)" in body
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
    """A kind in the document is a badge, made from the kind itself (never found again in the
    HTML by its name: a team's table cell reading 'Impact' stays text)."""
    table = Table(
        ("T+", "Kind", "Entry"),
        ((line("0"), line(Kind(EntryKind.IMPACT)), line("x")),
         (line("1"), line(Kind(EntryKind.MITIGATION)), line("Impact"))),
    )  # fmt: skip
    body = render_html(Document("t", (table, Written("| Kind |\n|---|\n| Impact |"))),
                       title="t", images={})  # fmt: skip
    spans = [s.attrs["class"] for s in parse(body).tags("span")]
    assert spans == ["kind kind-impact", "kind kind-mitigation"]


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

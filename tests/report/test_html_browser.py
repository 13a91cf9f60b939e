"""The HTML report in a real browser (Debian's headless Chromium): no script runs, nothing loads.

Each known XSS vector (tests/data/xss-vectors.txt) is put in a report, as the team's own Markdown
and as note text, and the page is opened from file://. Every request, dialog, console message
and Content-Security-Policy violation is recorded; anything but the document itself and its
data: images is aborted and fails the test. A control page built without the sanitizer shows
the same harness does catch a running script and an outgoing request.
"""

from __future__ import annotations

import base64
import dataclasses
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import markdown
import pytest
from html_checks import xss_vectors
from PIL import Image
from scenario_record import START, scenario_record

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.report.html import render_html
from incident_recorder.report.markdown import render_markdown
from incident_recorder.report.timeline_picture import timeline_svg

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TITLE = "Checkout outage"
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
"""

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)


@dataclass
class Visit:
    requests: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pwned: object = None
    violations: list[str] = field(default_factory=list)
    heading: str = ""


class Harness:
    """One page, navigated to each report in turn (a new document each time); every event
    goes to the Visit of the report being looked at."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.seen = Visit()
        self.url = ""
        page.on("request", lambda request: self.seen.requests.append(request.url))  # type: ignore[attr-defined]
        page.on("console", lambda message: self.seen.console.append(message.text))  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: self.seen.errors.append(str(error)))  # type: ignore[attr-defined]
        page.on("dialog", self._dialog)  # type: ignore[attr-defined]
        page.route("**/*", self._route)  # type: ignore[attr-defined]

    def _dialog(self, dialog: object) -> None:
        self.seen.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def _route(self, route: object) -> None:
        target = route.request.url  # type: ignore[attr-defined]
        if target == self.url or target.startswith("data:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.seen.aborted.append(target)
            route.abort()  # type: ignore[attr-defined]

    def visit(self, path: Path) -> Visit:
        page: Any = self.page
        page.goto("about:blank")
        self.seen, self.url = Visit(), path.as_uri()
        page.goto(self.url, wait_until="load")
        # Let anything queued (error handlers, autofocus, animations) happen: two frames.
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        seen = self.seen
        seen.pwned = page.evaluate("() => window.__pwned ?? null")
        seen.violations = page.evaluate("() => window.__violations")
        heading = page.locator("h1").first
        seen.heading = heading.inner_text() if heading.is_visible() else ""
        return seen


@pytest.fixture(scope="module")
def browser() -> Iterator[Harness]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = launched.new_context()
        context.add_init_script(WATCH)
        yield Harness(context.new_page())
        context.close()
        launched.close()


def visit(browser: Harness, path: Path) -> Visit:
    return browser.visit(path)


def assert_inert(seen: Visit, url: str) -> None:
    assert seen.pwned is None, "a script ran"
    assert seen.dialogs == [] and seen.errors == []
    assert seen.aborted == [], f"requests left the page: {seen.aborted}"
    assert [r for r in seen.requests if r != url and not r.startswith("data:")] == []
    assert seen.violations == [], (
        f"the sanitizer let through what CSP had to stop: {seen.violations}"
    )
    assert not [m for m in seen.console if "Content Security Policy" in m]


def png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("number,vector", list(enumerate(xss_vectors())))
def test_vector_as_the_teams_markdown(
    browser: Harness, tmp_path: Path, number: int, vector: str
) -> None:
    page = render_html(f"# {TITLE}\n\nBefore.\n\n{vector}\n\nAfter.", title=TITLE, images={})
    path = tmp_path / f"vector-{number:02d}.html"
    path.write_text(page, encoding="utf-8")
    seen = visit(browser, path)
    assert_inert(seen, path.as_uri())
    assert seen.heading == TITLE  # the page rendered: the test is not vacuous


def test_every_vector_as_notes_in_a_full_report(browser: Harness, tmp_path: Path) -> None:
    record = scenario_record()
    hostile = [
        Entry(
            100 + n,
            EntryKind.OBSERVATION,
            text,
            START + timedelta(seconds=350 + n),
            START + timedelta(seconds=350 + n),
            starred=True,
        )
        for n, text in enumerate(xss_vectors())
    ]
    record = dataclasses.replace(record, entries=(*record.entries, *hostile))
    tz = ZoneInfo("Europe/Berlin")
    entries = sorted(record.visible_entries(), key=lambda e: e.occurred_at)
    text = render_markdown(record.incident, entries, {}, tz)
    pictures = "![Timeline](images/timeline.svg)\n\n![Grafana](images/entry-0004-capture1.png)"
    text = text.replace("## Timeline", f"## Timeline\n\n{pictures}", 1)
    page = render_html(
        text,
        title=TITLE,
        images={"images/entry-0004-capture1.png": png("teal")},
        inline_svg={"images/timeline.svg": timeline_svg(record, tz=tz)},
    )
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    seen = visit(browser, path)
    assert_inert(seen, path.as_uri())
    assert seen.heading == TITLE


def test_control_without_sanitizing_is_caught(browser: Harness, tmp_path: Path) -> None:
    """The same harness on a page made without nh3 and CSP: the script runs, the request goes."""
    body = markdown.markdown(
        f'# {TITLE}\n\n<img src=x onerror="window.__pwned=1">\n\n'
        '<img src="http://127.0.0.1:9/pixel.png">'
    )
    path = tmp_path / "unsafe.html"
    path.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    seen = visit(browser, path)
    assert seen.pwned == 1
    assert "http://127.0.0.1:9/pixel.png" in seen.aborted
    assert seen.heading == TITLE


def test_embedded_images_show_under_the_policy(browser: Harness, tmp_path: Path) -> None:
    capture = png("teal")
    page = render_html(
        f"# {TITLE}\n\n![Grafana](images/c.png)",
        title=TITLE,
        images={"images/c.png": capture},
    )
    path = tmp_path / "images.html"
    path.write_text(page, encoding="utf-8")
    seen = visit(browser, path)
    page: Any = browser.page
    width = page.evaluate("() => document.images[0].naturalWidth")
    source = page.evaluate("() => document.images[0].src")
    assert_inert(seen, path.as_uri())
    assert width == 320
    assert source == "data:image/png;base64," + base64.b64encode(capture).decode()


@pytest.mark.parametrize("public", [False, True])
def test_a_written_export_with_every_vector(browser: Harness, tmp_path: Path, public: bool) -> None:
    """The whole pipeline: an incident file, write_report with the html renderer and the
    timeline picture, every vector as a (public) note and in the team's free text."""
    from report_helpers import make_capture

    from incident_recorder.domain.milestones import Milestone
    from incident_recorder.report.html_export import timeline_pictures, write_html
    from incident_recorder.report.writer import write_report
    from incident_recorder.storage import IncidentFile

    with IncidentFile.create(tmp_path / "x.incident", TITLE) as handle:
        handle.record_milestone(Milestone.IMPACT_STARTED, START, text="Errors climb")
        for n, vector in enumerate(xss_vectors(), start=1):
            when = START + timedelta(seconds=10 * n)
            handle.add_note(vector, EntryKind.OBSERVATION, when, public=True)
        entry = handle.add_capture(make_capture(320, 180, "teal"), START + timedelta(minutes=9))
        handle.revise(entry.id, starred=True, public=True)
        handle.save_report_texts({"summary": "\n\n".join(xss_vectors())})
        record = handle.record()
        written = write_report(
            tmp_path / "out",
            "html",
            record,
            handle.capture_png,
            public=public,
            renderers={"html": write_html},
            picture=timeline_pictures,
        )
    seen = visit(browser, written)
    assert_inert(seen, written.as_uri())
    assert seen.heading == TITLE
    page: Any = browser.page
    assert page.evaluate("() => document.querySelectorAll('svg circle.entry').length") >= 41

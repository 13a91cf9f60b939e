"""The timeline picture: SVG holding only shapes and escaped text, and a PNG that decodes."""

from __future__ import annotations

import dataclasses
import io
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from scenario_record import START, scenario_record

from incident_recorder.domain import Entry, EntryKind
from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.domain.record import IncidentRecord
from incident_recorder.report.timeline_layout import Text, layout, text_width
from incident_recorder.report.timeline_picture import timeline_png, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
BERLIN = ZoneInfo("Europe/Berlin")
HOSTILE = "<script>alert(1)</script> ]]> <![CDATA[x]]> & \"q\" 'a' \x00\x07\x1b\ud800 \u202e end"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def with_entries(record: IncidentRecord, entries: list[Entry], **changes: object) -> IncidentRecord:
    return dataclasses.replace(record, entries=tuple(entries), **changes)  # type: ignore[arg-type]


def entry(
    number: int, when: datetime, kind: EntryKind = EntryKind.ACTION, **fields: object
) -> Entry:
    values: dict[str, object] = {"text": f"note {number}", **fields}
    return Entry(number, kind, occurred_at=when, recorded_at=when, **values)  # type: ignore[arg-type]


def test_scenario_has_a_marker_per_milestone_and_a_dot_per_visible_entry() -> None:
    record = scenario_record()
    hidden = entry(99, START + timedelta(seconds=30), text="hidden typo", hidden=True)
    record = with_entries(record, [*record.entries, hidden])
    root = parse(timeline_svg(record, tz=BERLIN))

    assert root.tag == f"{SVG}svg"
    for milestone, when in record.milestones.reached():
        marker = [el for el in root.iter() if f"milestone-{milestone.value}" in classes(el)]
        lines = [el for el in marker if el.tag == f"{SVG}line"]
        labels = ["".join(el.itertext()) for el in marker if el.tag == f"{SVG}text"]
        assert len(lines) == 1, milestone
        local = when.astimezone(BERLIN).strftime("%H:%M:%S")
        assert labels == [f"{milestone.label} {local}"]
    dots = [el for el in root.iter(f"{SVG}circle") if "entry" in classes(el)]
    assert len(dots) == len(record.visible_entries()) == 13
    tips = ["".join(dot.itertext()) for dot in dots]
    assert not any("hidden typo" in tip for tip in tips)
    starred = [dot for dot in dots if "starred" in classes(dot)]
    assert len(starred) == 2
    assert float(starred[0].get("r", 0)) > float(dots[0].get("r", 0))
    assert any(text.startswith("\u2605 15:10 IC decides") for text in texts(root))
    assert any("Local time, Europe/Berlin" in text and "14:" in text for text in texts(root))
    impact = [el for el in root.iter(f"{SVG}rect") if "impact" in classes(el)]
    assert len(impact) == 1 and float(impact[0].get("width", 0)) > 100


def test_hostile_text_is_only_text() -> None:
    record = scenario_record()
    bad = entry(50, START + timedelta(seconds=100), text=HOSTILE, starred=True)
    record = with_entries(record, [*record.entries, bad])
    svg = timeline_svg(record, tz=UTC)
    root = parse(svg)  # parses: control characters and lone surrogates were replaced

    names = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert names <= {"svg", "title", "rect", "line", "circle", "text"}
    assert "<script" not in svg and "]]>" not in svg and "CDATA" not in svg.replace("[CDATA", "")
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.startswith("on") and "href" not in name
            assert "url(" not in value and "javascript" not in value
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert any(
        "<script>alert(1)</script>" in tip
        for tip in map("".join, map(ET.Element.itertext, root.iter(f"{SVG}circle")))
    )


def test_no_entries_is_a_clear_picture() -> None:
    record = with_entries(scenario_record(), [], milestones=Milestones())
    root = parse(timeline_svg(record, tz=BERLIN))
    assert "No entries recorded" in texts(root)
    assert not [el for el in root.iter(f"{SVG}circle") if "entry" in classes(el)]
    image = Image.open(io.BytesIO(timeline_png(record, tz=BERLIN, width=800, scale=1)))
    assert image.size[0] == 800


def test_one_entry_and_entries_before_impact_start() -> None:
    one = with_entries(scenario_record(), [entry(1, START)], milestones=Milestones())
    root = parse(timeline_svg(one, tz=BERLIN))
    assert len([el for el in root.iter(f"{SVG}circle") if "entry" in classes(el)]) == 1
    assert any(":" in text for text in texts(root))  # an axis with ticks around the one entry

    impact = START + timedelta(hours=1)
    early = [entry(n, START + timedelta(minutes=n)) for n in range(1, 4)]
    record = with_entries(
        scenario_record(), early, milestones=Milestones({Milestone.IMPACT_STARTED: impact})
    )
    root = parse(timeline_svg(record, tz=BERLIN))
    xs = [float(el.get("cx", 0)) for el in root.iter(f"{SVG}circle") if "entry" in classes(el)]
    marker = next(el for el in root.iter(f"{SVG}line") if "milestone-impact_started" in classes(el))
    assert max(xs) < float(marker.get("x1", 0)) < 1200


def test_an_incident_spanning_days_labels_the_dates() -> None:
    days = [entry(n, START + timedelta(hours=9 * n)) for n in range(9)]
    root = parse(timeline_svg(with_entries(scenario_record(), days), tz=BERLIN))
    labels = texts(root)
    # from Fri 27 Nov 15:00 to Mon 30 Nov 15:00 Berlin time: each day's first tick names the day
    assert {"Sat 28 Nov", "Sun 29 Nov", "Mon 30 Nov"} <= set(labels)
    assert "00:00" in labels


def test_public_picture_leaves_internal_entries_out() -> None:
    record = scenario_record()
    root = parse(timeline_svg(record, tz=BERLIN, public=True))
    tips = ["".join(el.itertext()) for el in root.iter(f"{SVG}circle") if "entry" in classes(el)]
    assert len(tips) == 3 and all("Status page" in tip for tip in tips)
    assert "IC decides" not in "".join(texts(root))
    assert "starred entry" not in texts(root), "no star is drawn: the legend says none"
    internal = parse(timeline_svg(record, tz=BERLIN))
    assert "starred entry" in texts(internal), "the internal picture has starred entries"


def test_starred_and_milestone_labels_never_overlap() -> None:
    crowded = [
        entry(n, START + timedelta(seconds=7 * n), text=f"starred moment number {n}", starred=True)
        for n in range(60)
    ]
    times = {m: START + timedelta(seconds=5 * i) for i, m in enumerate(Milestone)}
    pic = layout("t", crowded, Milestones(times), UTC, 1000)
    labels = [s for s in pic.shapes if isinstance(s, Text) and s.cls in {"starred-label"}]
    labels += [s for s in pic.shapes if isinstance(s, Text) and s.cls.startswith("milestone")]
    assert len(labels) > 10
    boxes = []
    for label in labels:
        w = text_width(label.text, label.size)
        start = {"start": label.x, "middle": label.x - w / 2, "end": label.x - w}[label.anchor]
        boxes.append((label.y, start, start + w))
    for i, (y1, a1, b1) in enumerate(boxes):
        for y2, a2, b2 in boxes[i + 1 :]:
            assert y1 != y2 or b1 <= a2 or b2 <= a1, (y1, a1, b1, a2, b2)
    omitted = [s for s in pic.shapes if isinstance(s, Text) and s.cls == "omitted"]
    assert omitted and "not labelled" in omitted[0].text


def test_png_decodes_at_the_expected_size() -> None:
    png = timeline_png(scenario_record(), tz=BERLIN, width=1000, scale=2)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.size[0] == 2000 and image.size[1] > 400
    colours = {colour for _, colour in image.getcolors(1_000_000) or []}
    assert (220, 38, 38) in colours  # the impact marker's red, drawn


@pytest.mark.parametrize("render", [timeline_svg, timeline_png])
def test_ten_thousand_entries_are_fast(render: object) -> None:
    kinds = list(EntryKind)
    many = [
        entry(n, START + timedelta(seconds=n), kinds[n % 9], starred=n % 500 == 0)
        for n in range(10_000)
    ]
    record = with_entries(scenario_record(), many)
    began = time.perf_counter()
    out = render(record, tz=BERLIN)  # type: ignore[operator]
    elapsed = time.perf_counter() - began
    print(f"\n{getattr(render, '__name__', render)} of 10,000 entries: {elapsed:.3f} s")
    assert elapsed < 10
    if isinstance(out, str):
        assert (
            len([el for el in parse(out).iter(f"{SVG}circle") if "entry" in classes(el)]) == 10_000
        )

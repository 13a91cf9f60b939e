"""The public report and the status update: nothing internal ever leaves, whatever was recorded."""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_helpers import make_capture
from scenario import INTERNAL_SERVICE, ROLES, START

from incident_recorder.domain import EntryKind
from incident_recorder.domain.annotation import Shape, ShapeKind
from incident_recorder.domain.details import DetectionSource, IncidentDetails, Role, Service
from incident_recorder.domain.milestones import Milestone
from incident_recorder.report import public_record, status_update, write_report
from incident_recorder.report.public import PUBLIC_MILESTONES, WITHHELD
from incident_recorder.storage import IncidentFile


def test_public_record_keeps_only_what_may_be_published(scenario_file: IncidentFile) -> None:
    scenario_file.save_report_texts({"summary": "internal", "public_summary": "For customers."})
    record = scenario_file.record()
    public = public_record(record)
    assert [e.text[:28] for e in public.entries] == [
        "Status page: We are investig",
        "Status page: A fix has been ",
        "Status page: This incident h",
    ]
    assert all(e.author is None and e.public and not e.hidden for e in public.entries)
    assert not any(e.starred for e in public.entries)
    assert public.details.roles == {}
    assert [s.name for s in public.details.services] == ["checkout-api"]
    assert dict(public.report_texts) == {"public_summary": "For customers."}
    assert public.action_items == ()
    # the milestones a customer is told of; detected and acknowledged are the team's own
    assert public.milestones.reached() == [
        (m, when) for m, when in record.milestones.reached() if m in PUBLIC_MILESTONES
    ]
    assert public.milestones[Milestone.DETECTED] is None
    assert public.milestones[Milestone.ACKNOWLEDGED] is None
    assert public_record(public) == public  # applying it twice changes nothing more


def test_unreviewed_captures_are_withheld_reviewed_ones_kept(incident_file: IncidentFile) -> None:
    plain = incident_file.add_capture(make_capture(color="blue"), text="Dashboard")
    reviewed = incident_file.add_capture(make_capture(color="green"), text="")
    for entry in (plain, reviewed):
        incident_file.revise(entry.id, public=True)
    assert reviewed.capture is not None
    box = Shape(ShapeKind.REDACTION, 0, 0, 10, 10)
    incident_file.set_annotations(reviewed.capture.id, [box], base_revision=0)
    public = {e.id: e for e in public_record(incident_file.record()).entries}
    assert public[plain.id].capture is None
    assert public[plain.id].text == f"Dashboard\n({WITHHELD})"
    kept = public[reviewed.id].capture
    assert kept is not None and kept.window_title is None


# one length: distinct words can then never be substrings of one another
NAMES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8)


@st.composite
def incidents(draw: st.DrawFn) -> dict[str, object]:
    """Entries with unique marker words (public or internal, some hidden), people, services."""
    count = draw(st.integers(1, 8))
    words = draw(st.lists(NAMES, min_size=count + 5, max_size=count + 5, unique=True))
    entries = [
        {
            "text": f"note {words[n]} {draw(st.sampled_from(['', '<b>x</b>', '## h', '| p |']))}",
            "word": words[n],
            "public": draw(st.booleans()),
            "hidden": draw(st.booleans()),
            "kind": draw(st.sampled_from(list(EntryKind))),
            "capture": draw(st.booleans()),
            "reviewed": draw(st.booleans()),
        }
        for n in range(count)
    ]
    author, commander, service, internal_text, public_word = words[count : count + 5]
    return {
        "entries": entries,
        "author": author,
        "commander": commander,
        "service": service,
        "internal_text": internal_text,
        "public_word": public_word,
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(incidents())
def test_a_public_export_never_holds_anything_internal(
    tmp_path_factory: object, data: dict[str, object]
) -> None:
    base = tmp_path_factory.mktemp("public")  # type: ignore[attr-defined]
    path = base / "x.incident"
    internal: list[str] = []
    originals: list[str] = []
    with IncidentFile.create(path, "Outage") as handle:
        for number, spec in enumerate(data["entries"]):  # type: ignore[attr-defined]
            when = START + timedelta(seconds=number)
            if spec["capture"]:
                capture = make_capture(color=("red", "blue", "green")[number % 3])
                entry = handle.add_capture(capture, when, text=spec["text"], kind=spec["kind"])
                assert entry.capture is not None
                originals.append(entry.capture.sha256)
                if spec["reviewed"]:
                    box = [Shape(ShapeKind.REDACTION, 1, 1, 20, 20)]
                    # two captures of identical pixels share one stored image (and its shapes)
                    current = handle.annotation_revision(entry.capture.id)
                    handle.set_annotations(entry.capture.id, box, base_revision=current)
                handle.revise(entry.id, public=spec["public"], hidden=spec["hidden"])
            else:
                entry = handle.add_note(
                    spec["text"], spec["kind"], when, public=spec["public"], author=data["author"]
                )
                if spec["hidden"]:
                    handle.revise(entry.id, hidden=True)
            if not spec["public"] or spec["hidden"]:
                internal.append(spec["word"])
        handle.set_details(
            IncidentDetails(
                "Outage",
                severity="SEV1",
                detection_source=DetectionSource.CUSTOMER,
                services=(Service("shop", public=True), Service(str(data["service"]))),
                roles={Role.INCIDENT_COMMANDER: str(data["commander"])},
            )
        )
        handle.save_report_texts(
            {"summary": str(data["internal_text"]), "public_summary": str(data["public_word"])}
        )
        record = handle.record()
        out = base / "out"
        for fmt in ("markdown", "json"):
            write_report(
                out, fmt, record, handle.capture_png, public=True, load_shapes=handle.annotations
            )
    forbidden = [
        *internal,
        str(data["author"]),
        str(data["commander"]),
        str(data["service"]),
        str(data["internal_text"]),
        "Incident commander",
        *(sha[:12] for sha in originals),
    ]
    texts = {
        name: (out / name).read_text(encoding="utf-8")
        for name in ("report-public.md", "incident-public.json")
    }
    assert not (out / "report.md").exists() and not (out / "incident.json").exists()
    for name, text in texts.items():
        for word in forbidden:
            assert word not in text, (name, word)
    assert str(data["public_word"]) in texts["report-public.md"]
    document = json.loads(texts["incident-public.json"])
    assert all(e["public"] and not e["hidden"] for e in document["entries"])
    # the public report names neither: the public JSON says no more than the public report
    assert document["details"]["severity"] is None
    assert document["details"]["detection_source"] is None
    images = list((out / "images").glob("*")) if (out / "images").exists() else []
    import hashlib

    written = {hashlib.sha256(p.read_bytes()).hexdigest() for p in images}
    assert not written & set(originals)  # only rendered copies, never an original file
    assert not (out / "images" / "originals").exists()


def test_status_update(scenario_file: IncidentFile) -> None:
    text = status_update(scenario_file.record(), now=START + timedelta(hours=1), tz=UTC)
    assert text == (
        "Checkout outage\n"
        "Status: Resolved at 2026-11-27 14:30 UTC\n"
        "Started: 2026-11-27 14:00 UTC\n"
        "Affected: checkout-api\n"
        "\n"
        "2026-11-27 14:30 UTC \u2014 Status page: This incident has been resolved. Orders placed "
        "between 14:00 and 14:12 UTC may have failed and can be retried.\n"
        "2026-11-27 14:13 UTC \u2014 Status page: A fix has been implemented and we are "
        "monitoring the results.\n"
        "2026-11-27 14:06 UTC \u2014 Status page: We are investigating elevated errors when "
        "placing orders.\n"
        "\n"
        "Updated 2026-11-27 15:00 UTC\n"
    )
    for name in [*ROLES.values(), INTERNAL_SERVICE, "Sam Okafor", "PagerDuty"]:
        assert name not in text
    one = status_update(scenario_file.record(), now=START, tz=UTC, latest=1)
    assert one.count("Status page:") == 1


def test_status_while_mitigated(incident_file: IncidentFile) -> None:
    from incident_recorder.domain.details import Status

    incident_file.record_milestone(Milestone.MITIGATED, START, text="fixed", public=True)
    # the session's rule moves the status to Monitoring; the status update follows the status
    incident_file.set_details(IncidentDetails("Incident", status=Status.MONITORING))
    text = status_update(incident_file.record(), now=START, tz=UTC)
    assert "Status: Monitoring: a fix has been in place since 2026-11-27 14:00 UTC" in text


def test_public_and_originals_are_refused(scenario_file: IncidentFile, tmp_path: Path) -> None:
    import pytest

    from incident_recorder.report import ReportError

    with pytest.raises(ReportError, match="never includes unredacted originals"):
        write_report(
            tmp_path / "out",
            "markdown",
            scenario_file.record(),
            scenario_file.capture_png,
            public=True,
            include_originals=True,
        )
    assert not (tmp_path / "out").exists()


def test_public_captures_are_re_encoded_without_metadata(
    incident_file: IncidentFile, tmp_path: Path
) -> None:
    import dataclasses
    import hashlib
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-token-123")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "PNG", pnginfo=info)
    png = buffer.getvalue()
    capture = dataclasses.replace(
        make_capture(), png=png, width=40, height=30, sha256=hashlib.sha256(png).hexdigest()
    )
    entry = incident_file.add_capture(capture, START, text="Dashboard")
    assert entry.capture is not None
    incident_file.revise(entry.id, public=True)
    incident_file.set_annotations(entry.capture.id, [], base_revision=0)  # reviewed: nothing hidden
    out = tmp_path / "out"
    record = incident_file.record()
    for fmt in ("markdown", "json"):
        write_report(
            out, fmt, record, incident_file.capture_png, public=True,
            load_shapes=incident_file.annotations,
        )  # fmt: skip
    [image] = list((out / "images").iterdir())
    assert b"secret-token-123" not in image.read_bytes()
    assert Image.open(image).getpixel((5, 5)) == (0, 0, 255)
    document = json.loads((out / "incident-public.json").read_text(encoding="utf-8"))
    exported = document["entries"][0]["capture"]
    assert exported["original_sha256"] is None and exported["window_title"] is None
    assert entry.capture.sha256 not in (out / "incident-public.json").read_text(encoding="utf-8")


def test_the_public_report_names_the_services_once(
    scenario_file: IncidentFile, tmp_path: Path
) -> None:
    """The header's facts name them; the public summary's impact window said them again."""
    write_report(
        tmp_path, "markdown", scenario_file.record(), scenario_file.capture_png, public=True
    )
    text = (tmp_path / "report-public.md").read_text(encoding="utf-8")
    assert text.count("Services affected") == 1, text
